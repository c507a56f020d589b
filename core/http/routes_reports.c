/*
 * routes_reports.c — what units send: a unit's report (its facts and a note) and one
 * person's facts for a period. The body is checked whole — its shape, then every fact
 * against the ruleset's declarations and its fact checks, which see the period and the
 * person's hiring date (the domain's submission_check_facts) — and a request with any
 * problem gets one 422 listing them all and changes nothing. A clean one goes to the
 * domain's submission, which stores the version, its audit line and the re-evaluated unit
 * in one transaction. PUT replaces the latest version's facts; PATCH merges the given facts
 * over them (a correction).
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

/* Checks {"facts": {...}, "note": "..."}; returns the facts or NULL (reply sent). */
static cJSON *checked_submission(struct api_call *call, struct rules_generation *gen,
                                 const struct submission *target, cJSON *body, const char **note)
{
    cJSON *details = cJSON_CreateArray();
    cJSON *facts = cJSON_GetObjectItemCaseSensitive(body, "facts");
    const cJSON *note_item = cJSON_GetObjectItemCaseSensitive(body, "note");
    *note = "";
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
            *note = note_item->valuestring;
    }
    if (!cJSON_IsObject(facts)) {
        api_detail(details, "facts",
                   "facts phải là một đối tượng JSON {\"tên chỉ tiêu\": giá trị}");
    } else {
        cJSON *problems = submission_check_facts(call->api->store, gen, target->period,
                                                 target->subject, target->code, facts);
        if (!problems) {
            cJSON_Delete(details);
            api_error(call, 500, "rule_error", "bộ quy tắc không kiểm tra được số liệu");
            return NULL;
        }
        cJSON *d;
        while ((d = cJSON_DetachItemFromArray(problems, 0)))
            cJSON_AddItemToArray(details, d);
        cJSON_Delete(problems);
    }
    if (cJSON_GetArraySize(details) > 0) {
        api_invalid(call, "báo cáo có lỗi; không có gì được lưu", details);
        return NULL;
    }
    cJSON_Delete(details);
    return facts;
}

/* Stores one subject's facts through the domain; false when it could not (replied). */
static bool submit(struct api_call *call, const struct submission *s,
                   struct submission_result *result)
{
    char err[ERR_LEN], msg[ERR_LEN + 64];
    bool merge = strcmp(call->req->method, "PATCH") == 0; /* PATCH corrects, PUT replaces */
    const struct submission_options options = {
        .actor = call->who.name, .action = "submit", .want_evaluation = true, .merge = merge};
    enum submission_status status = submissions_apply(call->api->store, call->api->rules, s, 1,
                                                      &options, result, err, sizeof err);
    switch (status) {
    case SUBMISSION_OK: return true;
    case SUBMISSION_BUSY: api_store_error(call, STORE_FAILURE_LOCKED, err); break;
    case SUBMISSION_DISK_FULL: api_store_error(call, STORE_FAILURE_DISK_FULL, err); break;
    case SUBMISSION_READ_ONLY: api_store_error(call, STORE_FAILURE_READ_ONLY, err); break;
    case SUBMISSION_COMMIT_FAILED:
    case SUBMISSION_STORE_FAILED: api_store_error(call, STORE_FAILURE_IO, err); break;
    case SUBMISSION_EVALUATION:
        log_error("%s %s %s: %s", s->period, s->subject, s->code, err);
        snprintf(msg, sizeof msg, "không có gì được lưu: %s", err);
        api_error(call, 500, "rule_error", msg);
        break;
    case SUBMISSION_PERIOD_CLOSED: api_error(call, 409, "period_closed", err); break;
    case SUBMISSION_UNIT_ABSENT: api_error(call, 409, "unit_not_in_period", err); break;
    }
    return false;
}

/* Adds the stored submission's evaluation to its reply; the reply's status: 200, or 202
 * when the facts were stored but a rule failed on their evaluation. */
static int add_evaluation(cJSON *out, struct submission_result *result)
{
    if (result->evaluation_error) {
        cJSON_AddItemToObject(out, "evaluation",
                              evaluation_failure_json(result->evaluation_error, NULL));
        submission_results_free(result, 1);
        return 202;
    }
    cJSON_AddItemToObject(out, "evaluation", result->evaluation);
    result->evaluation = NULL;
    return 200;
}

/* The reply to a stored submission: {period, unit|person, subject, code, version,
 * submitted_at, ...}; "unit"/"person" is the contract's name, "code" the vocabulary's. */
static cJSON *stored_reply(const struct submission *s, const char *subject_field,
                           const struct submission_result *result)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", s->period);
    cJSON_AddStringToObject(out, subject_field, s->code);
    cJSON_AddStringToObject(out, "subject", s->subject);
    cJSON_AddStringToObject(out, "code", s->code);
    cJSON_AddNumberToObject(out, "version", result->version);
    cJSON_AddStringToObject(out, "submitted_at", result->submitted_at);
    return out;
}

/* A closed period's facts are records: 409 before any word on the content. */
static bool period_open(struct api_call *call, const char *period)
{
    if (!period_is_closed(call->api->store, period)) return true;
    char msg[ERR_LEN];
    snprintf(msg, sizeof msg, "kỳ %s đã khoá sổ: kết quả của kỳ là hồ sơ, không sửa được", period);
    api_error(call, 409, "period_closed", msg);
    return false;
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
    if (!api_may_write_unit(call, code) || !period_open(call, period) ||
        !unit_in_period(call, code, p))
        return;
    cJSON *body = api_body_object(call);
    const char *note;
    struct submission s = {period, "unit", code, NULL, NULL, NULL};
    cJSON *facts = body ? checked_submission(call, gen, &s, body, &note) : NULL;
    s.facts = facts;
    struct submission_result result;
    if (facts && (s.note = note, submit(call, &s, &result))) {
        cJSON *out = stored_reply(&s, "unit", &result);
        cJSON_AddBoolToObject(out, "late",
                              status_report_late(call->api->store, period, code,
                                                 api_period_field(p, "effective_due")));
        int status = add_evaluation(out, &result);
        api_reply(call, status, out);
    }
    cJSON_Delete(body);
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
    cJSON *body = NULL;
    if (!unit_code) {
        api_error(call, 404, "person_not_found", "không có cá nhân nào mang mã này");
        goto done;
    }
    /* 403 before any word on the content. */
    if (!api_may_write_unit(call, unit_code) || !period_open(call, period) ||
        !unit_in_period(call, unit_code, p) || !hired_in_period(call, code, p))
        goto done;
    const char *note;
    struct submission s = {period, "person", code, NULL, NULL, NULL};
    cJSON *facts =
        (body = api_body_object(call)) ? checked_submission(call, gen, &s, body, &note) : NULL;
    if (!facts) goto done;
    s.facts = facts;
    s.note = note;
    struct submission_result result;
    if (submit(call, &s, &result)) {
        cJSON *out = stored_reply(&s, "person", &result);
        int status = add_evaluation(out, &result);
        api_reply(call, status, out);
    }
done:
    cJSON_Delete(body);
    free(unit_code);
}

const struct route routes_reports[] = {
    {"PUT", "/api/v1/periods/{period}/units/{code}/report", ACCESS_ANY_TOKEN, unit_report_put},
    {"PUT", "/api/v1/periods/{period}/people/{code}/facts", ACCESS_ANY_TOKEN, person_facts_put},
    {"PATCH", "/api/v1/periods/{period}/units/{code}/report", ACCESS_ANY_TOKEN, unit_report_put},
    {"PATCH", "/api/v1/periods/{period}/people/{code}/facts", ACCESS_ANY_TOKEN, person_facts_put},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
