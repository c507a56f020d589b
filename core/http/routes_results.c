/*
 * routes_results.c — what the movement's data says for a period: a unit's or a person's
 * evaluation, the reporting status, the ranking and the nomination lists. All reads; each
 * is one call into the domain (or, for a stored evaluation, the stored text as it is).
 * A subject whose unit's evaluation failed gets 409 evaluation_failed: its stored
 * evaluation, if any, is stale and only shown as such.
 * Evaluations and nomination lists name people, their ratings and discipline: a unit
 * token reads its own unit's and its members' only (domain/access.h); the status and the
 * ranking carry no personal data and every token reads them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access.h"
#include "domain/evaluation.h"
#include "domain/evaluation_failures.h"
#include "domain/membership.h"
#include "domain/nomination_file.h"
#include "domain/periods.h"
#include "domain/ranking.h"
#include "domain/registration.h"
#include "domain/status.h"
#include "domain/unit_periods.h"
#include "http/call.h"
#include "store/evaluations.h"
#include "store/people.h"
#include "store/units.h"
#include "util/clock.h"
#include "util/validate.h"

#define MESSAGE_LEN 200
#define ERR_LEN     1024

/* A person hired after the period ended has no evaluation in it: 404 said so. */
static bool hired_after_period(struct api_call *call, const char *code, const cJSON *period)
{
    char hired[CLOCK_DATE_LEN], msg[MESSAGE_LEN];
    if (!membership_hired_after(call->api->store, code, api_period_field(period, "to"), hired))
        return false;
    snprintf(msg, sizeof msg, "%s được tuyển dụng ngày %s, sau khi kỳ %s kết thúc", code, hired,
             api_period_field(period, "code"));
    api_error(call, 404, "not_in_period", msg);
    return true;
}

/* A unit that does not exist in the period has no evaluation in it: 404 says why. */
static bool unit_in_period(struct api_call *call, const char *code, const cJSON *period)
{
    char why[MESSAGE_LEN * 2];
    if (unit_presence_in_period(call->api->store, code, period, why, sizeof why) != UNIT_ABSENT)
        return true;
    api_error(call, 404, "unit_not_in_period", why);
    return false;
}

/* 409 for a subject whose unit's evaluation failed: {"error": {...}, "evaluation":
 * {"status": "failed", "error", "failed_at", "unit", "rules_hash", "stale": the evaluation
 * stored before the failure, or null}}. */
static void failed_evaluation_reply(struct api_call *call, const char *subject, const char *code,
                                    cJSON *failure)
{
    const char *period = call->params[0];
    char *stale = evaluations_get(call->api->store, period, subject, code, NULL, 0);
    cJSON_AddItemToObject(failure, "stale", stale ? cJSON_Parse(stale) : cJSON_CreateNull());
    free(stale);
    char msg[ERR_LEN + 200];
    snprintf(msg, sizeof msg, "đánh giá kỳ %s của đơn vị %s thất bại: %s", period,
             cJSON_GetObjectItemCaseSensitive(failure, "unit")->valuestring,
             cJSON_GetObjectItemCaseSensitive(failure, "error")->valuestring);
    cJSON *body = cJSON_CreateObject();
    cJSON *error = cJSON_AddObjectToObject(body, "error");
    cJSON_AddStringToObject(error, "code", "evaluation_failed");
    cJSON_AddStringToObject(error, "message", msg);
    cJSON_AddItemToObject(body, "evaluation", failure);
    api_reply(call, 409, body);
}

static void evaluation_reply(struct api_call *call, const char *subject)
{
    const char *period = call->params[0], *code = call->params[1];
    const cJSON *p;
    struct rules_generation *gen = api_period_rules(call, period, &p);
    if (!gen) return;
    struct store *st = call->api->store;
    bool person = strcmp(subject, "person") == 0;
    /* A unit token reads its own unit's evaluation and its members' (domain/access.h);
     * an unknown code is 404 whoever asks. Admin and read tokens skip the look-ups. */
    if (!access_reads_all(&call->who) && valid_code(code) &&
        (person ? people_exists(st, code) : units_exists(st, code)) &&
        !(person ? api_may_read_person(call, gen, period, code) : api_may_read_unit(call, code)))
        return;
    cJSON *failure =
        valid_code(code) ? evaluation_failure_of(st, gen, period, subject, code) : NULL;
    if (failure) {
        failed_evaluation_reply(call, subject, code, failure);
        return;
    }
    /* The common case first: a stored evaluation is JSON already, sent as it is. Only a
     * subject without one needs its code checked and a fresh evaluation. */
    char *stored = valid_code(code) ? evaluations_get(st, period, subject, code, NULL, 0) : NULL;
    if (stored) {
        api_reply_text(call, 200, stored);
        return;
    }
    if (!valid_code(code) || !(person ? people_exists(st, code) : units_exists(st, code))) {
        api_error(call, 404, person ? "person_not_found" : "unit_not_found",
                  person ? "không có cá nhân nào mang mã này" : "không có đơn vị nào mang mã này");
        return;
    }
    if (person && hired_after_period(call, code, p)) return;
    if (!person && !unit_in_period(call, code, p)) return;
    char err[ERR_LEN];
    cJSON *evaluation = evaluation_fresh(st, gen, period, subject, code, err, sizeof err);
    if (!evaluation) {
        api_error(call, 500, "rule_error", err);
        return;
    }
    api_reply(call, 200, evaluation);
}

static void unit_evaluation_make(struct api_call *call)
{
    evaluation_reply(call, "unit");
}

static void person_evaluation_make(struct api_call *call)
{
    evaluation_reply(call, "person");
}

/* What other systems ask again and again: answered from memory while nothing changed
 * (http/response_cache.h; the answer depends on the data, the rules and who asks only). */
static void unit_evaluation_get(struct api_call *call)
{
    api_cached(call, unit_evaluation_make);
}

static void person_evaluation_get(struct api_call *call)
{
    api_cached(call, person_evaluation_make);
}

static void status_get(struct api_call *call)
{
    const cJSON *p;
    struct rules_generation *gen = api_period_rules(call, call->params[0], &p);
    if (!gen) return;
    cJSON *status =
        status_of_period(call->api->store, call->params[0], api_period_field(p, "report_due"),
                         api_period_field(p, "effective_due"));
    if (status && registration_add_to_status(call->api->store, call->api->rules, call->params[0],
                                             status) != 0) {
        cJSON_Delete(status);
        status = NULL;
    }
    if (!status) {
        api_error(call, 500, "internal", "không đọc được các báo cáo");
        return;
    }
    /* A closed period is a record: a console shows it read-only. */
    cJSON_AddBoolToObject(status, "closed", period_is_closed(call->api->store, call->params[0]));
    api_reply(call, 200, status);
}

static void ranking_get(struct api_call *call)
{
    const cJSON *p;
    struct rules_generation *gen = api_period_rules(call, call->params[0], &p);
    if (!gen) return;
    cJSON *ranking =
        ranking_of_period(call->api->store, rules_hash(gen), call->params[0],
                          api_period_field(p, "report_due"), api_period_field(p, "to"));
    if (!ranking)
        api_error(call, 500, "internal", "không đọc được kết quả đánh giá");
    else
        api_reply(call, 200, ranking);
}

/* The nomination files: per title and deciding authority, who qualifies and why (the facts
 * and criteria behind each name), who registered and does not qualify, prizes and totals. */
static void nominations_get(struct api_call *call)
{
    char format[8] = "json";
    if (http_query_param(call->req, "format", format, sizeof format) < 0 ||
        (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)) {
        api_error(call, 400, "bad_format", "format là json hoặc csv");
        return;
    }
    struct rules_generation *gen = api_period_rules(call, call->params[0], NULL);
    if (!gen) return;
    cJSON *file = nomination_file(call->api->store, call->api->rules, call->params[0],
                                  access_only_unit(&call->who));
    if (!file) {
        api_error(call, 500, "internal", "không đọc được kết quả đánh giá");
        return;
    }
    if (strcmp(format, "json") == 0) {
        api_reply(call, 200, file);
        return;
    }
    char *csv = nomination_file_csv(file);
    cJSON_Delete(file);
    if (!csv) {
        api_error(call, 500, "internal", "hết bộ nhớ");
        return;
    }
    char filename[64];
    snprintf(filename, sizeof filename, "de-nghi-khen-thuong-%s.csv", call->params[0]);
    api_reply_document(call, "text/csv; charset=utf-8", csv, strlen(csv), "attachment", filename);
}

const struct route routes_results[] = {
    {"GET", "/api/v1/periods/{period}/units/{code}/evaluation", ACCESS_ANY_TOKEN,
     unit_evaluation_get},
    {"GET", "/api/v1/periods/{period}/people/{code}/evaluation", ACCESS_ANY_TOKEN,
     person_evaluation_get},
    {"GET", "/api/v1/periods/{period}/status", ACCESS_ANY_TOKEN, status_get},
    {"GET", "/api/v1/periods/{period}/ranking", ACCESS_ANY_TOKEN, ranking_get},
    {"GET", "/api/v1/periods/{period}/nominations", ACCESS_ANY_TOKEN, nominations_get},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
