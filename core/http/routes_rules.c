/*
 * routes_rules.c — the rules themselves over HTTP: the active ruleset's catalog, a
 * stateless evaluation (nothing read or stored: another system asks "what would these
 * facts give?"), and the reload an administrator triggers after editing a rule file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit_trail.h"
#include "domain/evaluation.h"
#include "http/call.h"
#include "store/evaluation_failures.h"

#define FIELD_LEN 96
#define ERR_LEN   1024

/* Moves every {field, message} of problems into details, prefixing each field. */
static void add_problems(cJSON *details, cJSON *problems, const char *prefix)
{
    cJSON *d;
    while (problems && (d = cJSON_DetachItemFromArray(problems, 0))) {
        if (prefix[0]) {
            char prefixed[FIELD_LEN];
            snprintf(prefixed, sizeof prefixed, "%s%s", prefix,
                     cJSON_GetObjectItemCaseSensitive(d, "field")->valuestring);
            cJSON_ReplaceItemInObjectCaseSensitive(d, "field", cJSON_CreateString(prefixed));
        }
        cJSON_AddItemToArray(details, d);
    }
    cJSON_Delete(problems);
}

/* The period asked for, or the year's period (titles are decided at year end). */
static void choose_period(struct rules_generation *gen, const cJSON *period, cJSON *details,
                          char *out, size_t outlen)
{
    if (period && !cJSON_IsNull(period)) {
        if (!cJSON_IsString(period) || !rules_period(gen, period->valuestring))
            api_detail(details, "period", "kỳ báo cáo không có trong phong trào");
        snprintf(out, outlen, "%s", cJSON_IsString(period) ? period->valuestring : "");
        return;
    }
    const cJSON *p, *chosen = NULL;
    cJSON_ArrayForEach(p, rules_periods(gen))
    {
        if (!chosen || strcmp(api_period_field(p, "kind"), "Y") == 0) chosen = p;
    }
    snprintf(out, outlen, "%s", chosen ? api_period_field(chosen, "code") : "");
}

/* What the rules' fact checks see of a stateless request: the period, no person's record
 * (so no hiring date: only the period bounds the months). NULL for an unknown period. */
static cJSON *period_context(struct rules_generation *gen, const char *period_code)
{
    if (!rules_period(gen, period_code)) return NULL;
    cJSON *context = cJSON_CreateObject();
    cJSON_AddStringToObject(context, "period", period_code);
    return context;
}

static void check_members(struct rules_generation *gen, const cJSON *members, const cJSON *context,
                          cJSON *details)
{
    int index = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, members)
    {
        char field[FIELD_LEN];
        const cJSON *mf = cJSON_GetObjectItemCaseSensitive(m, "facts");
        if (!cJSON_IsObject(m) || !cJSON_IsObject(mf)) {
            snprintf(field, sizeof field, "members[%d].facts", index);
            api_detail(details, field, "mỗi thành viên cần facts là một đối tượng JSON");
        } else {
            snprintf(field, sizeof field, "members[%d].", index);
            add_problems(details, rules_validate_facts(gen, "person", mf, context), field);
        }
        index++;
    }
}

/* At most limit members (limits.evaluate_members): each is a whole evaluation in the
 * answer. */
static bool members_within_limit(size_t limit, const cJSON *members, cJSON *details)
{
    size_t count = (size_t)cJSON_GetArraySize(members);
    if (count <= limit) return true;
    char msg[FIELD_LEN * 2];
    snprintf(msg, sizeof msg, "%zu thành viên, quá giới hạn %zu (limits.evaluate_members)", count,
             limit);
    api_detail(details, "members", msg);
    return false;
}

/* Every problem of {"subject", "period"?, "facts", "is_head"?, "members"?}. */
static cJSON *check_request(struct rules_generation *gen, const cJSON *body, size_t limit,
                            char *period_code, size_t period_len)
{
    cJSON *details = cJSON_CreateArray();
    const cJSON *subject = cJSON_GetObjectItemCaseSensitive(body, "subject");
    const cJSON *facts = cJSON_GetObjectItemCaseSensitive(body, "facts");
    const cJSON *members = cJSON_GetObjectItemCaseSensitive(body, "members");
    bool unit = cJSON_IsString(subject) && strcmp(subject->valuestring, "unit") == 0;
    bool person = cJSON_IsString(subject) && strcmp(subject->valuestring, "person") == 0;
    if (!unit && !person)
        api_detail(details, "subject", "subject phải là \"unit\" hoặc \"person\"");
    choose_period(gen, cJSON_GetObjectItemCaseSensitive(body, "period"), details, period_code,
                  period_len);
    cJSON *context = period_context(gen, period_code);
    if (!cJSON_IsObject(facts))
        api_detail(details, "facts", "facts phải là một đối tượng JSON");
    else if (unit || person)
        add_problems(details, rules_validate_facts(gen, unit ? "unit" : "person", facts, context),
                     "");
    if (members && (!unit || !cJSON_IsArray(members)))
        api_detail(details, "members",
                   "members là danh sách thành viên, chỉ dùng khi subject là unit");
    if (unit && cJSON_IsArray(members) && members_within_limit(limit, members, details))
        check_members(gen, members, context, details);
    cJSON_Delete(context);
    return details;
}

/* The year whose rules answer: the one declaring the period asked for, else the newest. */
static struct rules_generation *rules_asked(const struct ruleset *rs, const cJSON *body)
{
    const cJSON *period = cJSON_GetObjectItemCaseSensitive(body, "period");
    struct rules_generation *gen =
        cJSON_IsString(period) ? ruleset_for_period(rs, period->valuestring) : NULL;
    return gen ? gen : ruleset_newest(rs);
}

static void evaluate_post(struct api_call *call)
{
    struct ruleset *rs = api_ruleset(call);
    cJSON *body = rs ? api_body_object(call) : NULL;
    if (!body) return;
    struct rules_generation *gen = rules_asked(rs, body);
    char period[32], err[ERR_LEN] = "không đọc lại được kết quả đánh giá";
    cJSON *details =
        check_request(gen, body, call->api->config->limits.evaluate_members, period, sizeof period);
    if (cJSON_GetArraySize(details) > 0) {
        api_invalid(call, "yêu cầu có lỗi", details);
        cJSON_Delete(body);
        return;
    }
    cJSON_Delete(details);
    const cJSON *subject = cJSON_GetObjectItemCaseSensitive(body, "subject");
    bool unit = strcmp(subject->valuestring, "unit") == 0;
    cJSON *result =
        evaluation_stateless(gen, period, unit, cJSON_GetObjectItemCaseSensitive(body, "facts"),
                             cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "is_head")),
                             cJSON_GetObjectItemCaseSensitive(body, "members"), err, sizeof err);
    cJSON_Delete(body);
    if (!result)
        api_error(call, 500, "rule_error", err);
    else
        api_reply(call, 200, result);
}

/* Every year in service: [{year, rules_hash, summary}]. */
static cJSON *years_in_service(const struct ruleset *rs)
{
    cJSON *years = cJSON_CreateArray();
    for (size_t i = 0; i < rs->count; i++) {
        cJSON *y = cJSON_CreateObject();
        cJSON_AddNumberToObject(y, "year", rules_year(rs->years[i].gen));
        cJSON_AddStringToObject(y, "rules_hash", rules_hash(rs->years[i].gen));
        cJSON_AddStringToObject(y, "summary", rules_summary(rs->years[i].gen));
        cJSON_AddStringToObject(y, "loaded_at", rs->years[i].loaded_at);
        cJSON_AddItemToArray(years, y);
    }
    return years;
}

/* The last refused reload since the rules in service were loaded: {at, problems}, or null
 * when the last reload took. */
static cJSON *last_refusal(const struct ruleset *rs)
{
    if (!rs->refused.at[0]) return cJSON_CreateNull();
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "at", rs->refused.at);
    cJSON *problems = cJSON_AddArrayToObject(out, "problems");
    for (size_t i = 0; i < rs->refused.count; i++)
        cJSON_AddItemToArray(problems, cJSON_CreateString(rs->refused.problems[i]));
    return out;
}

/* One year's catalog (?year=2025; the newest by default) and the list of years. No
 * server path: where the rules live on disk is the administrator's business. */
static void rules_get(struct api_call *call)
{
    struct ruleset *rs = api_ruleset(call);
    if (!rs) return;
    char year[16];
    int asked = http_query_param(call->req, "year", year, sizeof year);
    struct rules_generation *gen = asked > 0 ? ruleset_of_year(rs, year) : ruleset_newest(rs);
    if (!gen) {
        api_error(call, 404, "year_not_found", "không có bộ quy tắc cho năm này");
        return;
    }
    cJSON *out = cJSON_Duplicate(rules_catalog(gen), 1);
    cJSON_AddStringToObject(out, "rules_hash", rules_hash(gen));
    cJSON_AddItemToObject(out, "years", years_in_service(rs));
    cJSON_AddItemToObject(out, "last_refused", last_refusal(rs));
    api_reply(call, 200, out);
}

/* The answer to a reload: 200 with the years in service, or 422 with why it was
 * refused. */
static void reload_reply(struct api_call *call, int rc, struct rules_report *report,
                         long recomputed)
{
    if (rc != 0) {
        cJSON *details = cJSON_CreateArray();
        for (size_t i = 0; i < report->problem_count; i++) {
            cJSON *d = cJSON_CreateObject();
            cJSON_AddStringToObject(d, "message", report->problems[i]);
            cJSON_AddItemToArray(details, d);
        }
        api_invalid(call, "bộ quy tắc mới bị từ chối; bộ quy tắc đang dùng vẫn tiếp tục phục vụ",
                    details);
        return;
    }
    struct rules_generation *gen = ruleset_newest(call->api->rules);
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "rules_hash", rules_hash(gen));
    cJSON_AddStringToObject(out, "summary", rules_summary(gen));
    cJSON_AddItemToObject(out, "years", years_in_service(call->api->rules));
    cJSON_AddNumberToObject(out, "tests_passed", (double)report->passed);
    cJSON_AddNumberToObject(out, "recomputed", (double)recomputed);
    /* Pairs these rules still fail on (already failed before: a reload that breaks a
     * working pair is refused). */
    cJSON_AddNumberToObject(
        out, "evaluations_failed",
        call->api->store ? (double)evaluation_failures_count(call->api->store, NULL) : 0);
    api_reply(call, 200, out);
}

/* A reload running off the loop, and the client waiting for its answer. */
struct reload_wait {
    struct api *api;
    struct http_later *later;
};

static void reload_ended(void *arg, int rc, struct rules_report *report, long recomputed)
{
    struct reload_wait *w = arg;
    static const struct http_request request = {.method = "POST", .path = "/api/v1/admin/reload"};
    struct http_response resp = {.status = 200};
    struct api_call call = {.api = w->api, .req = &request, .resp = &resp};
    reload_reply(&call, rc, report, recomputed);
    http_later_answer(w->later, &resp);
    free(w);
}

static void reload_post(struct api_call *call)
{
    if (!call->api->rules) {
        api_error(call, 503, "no_rules", "máy chủ chạy không có thư mục quy tắc");
        return;
    }
    struct rules_report report;
    long recomputed = 0;
    struct reload_wait *w = call->api->reload_start ? calloc(1, sizeof *w) : NULL;
    if (!w) { /* no loop to wait on (or out of memory): the reload runs here */
        int rc = ruleset_reload(call->api->rules, call->api->store, &report, &recomputed);
        audit_trail_reload(call->api->store, call->api->rules, call->who.name, rc,
                           report.problem_count, recomputed);
        reload_reply(call, rc, &report, recomputed);
        rules_report_free(&report);
        return;
    }
    /* The connection waits for the answer; the loop goes on serving. */
    w->api = call->api;
    w->later = http_response_later(call->resp);
    if (!w->later) {
        free(w);
        api_error(call, 503, "overloaded", "hết bộ nhớ");
    } else if (call->api->reload_start(call->api->reload_ctx, call->who.name, reload_ended, w) !=
               0) {
        struct http_response resp = {.status = 200};
        struct api_call now = {.api = call->api, .req = call->req, .resp = &resp};
        api_error(&now, 503, "reload_in_progress", "một lần nạp lại bộ quy tắc đang chạy");
        http_later_answer(w->later, &resp);
        free(w);
    }
}

const struct route routes_rules[] = {
    {"POST", "/api/v1/evaluate", ACCESS_ANY_TOKEN, evaluate_post},
    {"GET", "/api/v1/rules", ACCESS_ANY_TOKEN, rules_get},
    {"POST", "/api/v1/admin/reload", ACCESS_ADMIN, reload_post},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
