/*
 * routes_reports.c — what units send: a unit's report (its facts and a note) and one
 * person's facts for a period. The body is checked whole — its shape, then every fact
 * against the ruleset's declarations and its fact checks, which see the period and the
 * person's hiring date (the domain's submission_check_facts) — and a request with any
 * problem gets one 422 listing them all and changes nothing. This file checks who may
 * write, the period, the unit and the body's shape; the rest is the group commit's
 * (http/writes.c: the rules' checks, then the version, its audit line and the re-evaluated
 * unit, stored with the submissions that came at the same time in one transaction). PUT
 * replaces the latest version's facts; PATCH merges the given facts over them (a
 * correction).
 * The answer is 200 with the new evaluation, or 202 when the facts were stored but a rule
 * failed on them: "evaluation" is then {"status": "failed", "error": "file:line: ..."}.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/evaluation_failures.h"
#include "domain/membership.h"
#include "domain/periods.h"
#include "domain/status.h"
#include "domain/submission.h"
#include "domain/unit_periods.h"
#include "http/call.h"
#include "store/facts.h"
#include "store/people.h"
#include "store/units.h"
#include "util/log.h"
#include "util/validate.h"

#define MESSAGE_LEN    200
#define FIELD_ECHO_MAX 60 /* bytes of an unknown field's name quoted back */
#define ERR_LEN        1024

/* A note of at most limits.note_chars characters; a detail says so otherwise. */
static bool note_within_limit(struct api_call *call, const char *note, cJSON *details)
{
    size_t limit = call->api->config->limits.note_chars, len = strlen(note);
    size_t chars = len > limit ? utf8_chars(note, len) : len;
    if (chars <= limit) return true;
    char msg[MESSAGE_LEN];
    snprintf(msg, sizeof msg, "note dài %zu ký tự, quá giới hạn %zu ký tự (limits.note_chars)",
             chars, limit);
    api_detail(details, "note", msg);
    return false;
}

/* Reads {"facts": {...}, "note": "..."} and hands it to the group commit (http/writes.c),
 * which checks the facts with the rules and lists every problem of the body in one 422; a
 * body without a facts object is answered 422 here. Takes body over. */
static void submit_body(struct api_call *call, const char *period, const char *subject,
                        const char *code, cJSON *body)
{
    cJSON *details = cJSON_CreateArray();
    cJSON *facts = cJSON_GetObjectItemCaseSensitive(body, "facts");
    const cJSON *note_item = cJSON_GetObjectItemCaseSensitive(body, "note");
    const char *note = "";
    for (const cJSON *f = body->child; f; f = f->next) {
        if (strcmp(f->string, "facts") != 0 && strcmp(f->string, "note") != 0) {
            char msg[MESSAGE_LEN];
            snprintf(msg, sizeof msg, "trường \"%.*s\" không được nhận (chỉ có facts và note)",
                     (int)utf8_prefix_len(f->string, FIELD_ECHO_MAX), f->string);
            api_detail(details, f->string, msg);
        }
    }
    if (note_item && !cJSON_IsNull(note_item)) {
        if (!cJSON_IsString(note_item))
            api_detail(details, "note", "note phải là chuỗi ký tự");
        else if (note_within_limit(call, note_item->valuestring, details))
            note = note_item->valuestring;
    }
    if (!cJSON_IsObject(facts)) {
        api_detail(details, "facts",
                   "facts phải là một đối tượng JSON {\"tên chỉ tiêu\": giá trị}");
        api_invalid(call, "báo cáo có lỗi; không có gì được lưu", details);
        cJSON_Delete(body);
        return;
    }
    struct api_submission s = {period,
                               subject,
                               code,
                               body,
                               facts,
                               note,
                               details,
                               strcmp(call->req->method, "PATCH") == 0, /* corrects */
                               strcmp(subject, "unit") == 0};
    api_submit(call, &s);
}

/* A unit reports only for periods in which it exists (domain/unit_periods.h): 409 before
 * any word on the content. */
static bool unit_in_period(struct api_call *call, const char *unit, const cJSON *period)
{
    char why[ERR_LEN];
    switch (unit_presence_in_period(call->api->store, unit, period, why, sizeof why)) {
    case UNIT_PRESENT: return true;
    case UNIT_ABSENT: api_error(call, 409, "unit_not_in_period", why); return false;
    case UNIT_UNKNOWN: api_error(call, 404, "unit_not_found", why); return false;
    case UNIT_STORE_ERROR: break;
    }
    api_error(call, 503, "busy", why);
    return false;
}

static void unit_report_put(struct api_call *call)
{
    const char *period = call->params[0], *code = call->params[1];
    const cJSON *p;
    struct rules_generation *gen = api_period_rules(call, period, &p);
    if (!gen) return;
    if (!valid_code(code) || !units_exists(call->api->store, code)) {
        api_error(call, 404, "unit_not_found", "không có đơn vị nào mang mã này");
        return;
    }
    if (!api_may_write_unit(call, code) || !api_period_open(call, period) ||
        !unit_in_period(call, code, p))
        return;
    cJSON *body = api_body_object(call);
    if (body) submit_body(call, period, "unit", code, body);
}

/* A person hired after the period ended was no member during it: 422, nothing stored. */
static bool hired_in_period(struct api_call *call, const char *code, const cJSON *period)
{
    char hired[CLOCK_DATE_LEN], msg[MESSAGE_LEN];
    if (!membership_hired_after(call->api->store, code, api_period_field(period, "to"), hired))
        return true;
    snprintf(msg, sizeof msg, "%s được tuyển dụng ngày %s, sau khi kỳ %s kết thúc", code, hired,
             api_period_field(period, "code"));
    cJSON *details = cJSON_CreateArray();
    api_detail(details, "person", msg);
    api_invalid(call, "cá nhân không thuộc đơn vị trong kỳ này; không có gì được lưu", details);
    return false;
}

static void person_facts_put(struct api_call *call)
{
    const char *period = call->params[0], *code = call->params[1];
    const cJSON *p;
    struct rules_generation *gen = api_period_rules(call, period, &p);
    if (!gen) return;
    /* The unit that evaluates the person in this period writes their facts (a move after
     * the period does not hand the period over). */
    char *unit_code =
        valid_code(code) ? membership_unit_in_period(call->api->store, gen, period, code) : NULL;
    if (!unit_code) {
        api_error(call, 404, "person_not_found", "không có cá nhân nào mang mã này");
        return;
    }
    /* 403 before any word on the content. */
    if (api_may_write_unit(call, unit_code) && api_period_open(call, period) &&
        unit_in_period(call, unit_code, p) && hired_in_period(call, code, p)) {
        cJSON *body = api_body_object(call);
        if (body) submit_body(call, period, "person", code, body);
    }
    free(unit_code);
}

const struct route routes_reports[] = {
    {"PUT", "/api/v1/periods/{period}/units/{code}/report", ACCESS_ANY_TOKEN, unit_report_put},
    {"PUT", "/api/v1/periods/{period}/people/{code}/facts", ACCESS_ANY_TOKEN, person_facts_put},
    {"PATCH", "/api/v1/periods/{period}/units/{code}/report", ACCESS_ANY_TOKEN, unit_report_put},
    {"PATCH", "/api/v1/periods/{period}/people/{code}/facts", ACCESS_ANY_TOKEN, person_facts_put},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
