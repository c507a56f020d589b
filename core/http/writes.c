/*
 * writes.c — group commit: the submissions (a unit's report, a person's facts) that arrive
 * together are checked, stored and made durable together.
 *
 * A route that has read a submission's body hands it over (api_submit) and its client waits
 * (http_response_later). The daemon calls api_writes_flush once the loop has read what had
 * arrived (api->writes_ready); the flush takes the submissions waiting and stores them in
 * one transaction — each with its version, its audit line in its own token's name and its
 * unit's new evaluation — checking their facts in the very rule process that evaluates
 * their units (64 units per process), and commits once: one fsync for them all. If some
 * facts have a problem, nothing is stored: those are answered 422 and the others go again
 * as the next group. Only then is each client answered, so nothing is acknowledged before
 * it is durable. The transaction runs on the daemon's writer thread with a connection of
 * its own (api->writes_run, daemon/writer.c) while the loop goes on serving; its clients
 * are answered on the loop when it is done (store_group_done). One group at a time: the
 * submissions that come meanwhile make the next one. One client goes no faster, several
 * share the fsyncs and the rule processes.
 *
 * A subject written twice waits for the next group, so each answer carries the evaluation
 * its own version made. A failing commit fails its whole group, each client told why; a
 * period closed or a unit gone between the request and the flush is answered 409 to that
 * submission alone, before the transaction. While a rules reload holds the write lock the
 * submissions wait (the reload's end flushes them, by the rules then in service).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/evaluation_failures.h"
#include "domain/periods.h"
#include "domain/status.h"
#include "domain/submission.h"
#include "http/call.h"
#include "util/log.h"
#include "util/metrics.h"

#define WRITE_GROUP_MAX 256
#define ERR_LEN         1024

/* One submission waiting for its group. */
struct api_write {
    struct http_later *later;     /* the waiting client, or NULL: */
    struct http_response *direct; /* ... answered here, inside its request (no loop) */
    const struct http_request *req;
    char *period, *subject, *code, *actor;
    cJSON *body, *details;
    const cJSON *facts;
    const char *note;
    bool merge, unit_report;
    struct api_write *next;
};

static void write_free(struct api_write *w)
{
    free(w->period);
    free(w->subject);
    free(w->code);
    free(w->actor);
    cJSON_Delete(w->body);
    cJSON_Delete(w->details);
    free(w);
}

/* ---- answering a waiting client ----------------------------------------------------- */

struct answer {
    struct http_response resp;
    struct api_call call;
};

/* The call a submission's answer is written through. */
static struct api_call *answer_begin(struct api *api, struct api_write *w, struct answer *a)
{
    memset(a, 0, sizeof *a);
    a->resp.status = 200;
    a->call.api = api;
    a->call.req = w->req;
    a->call.resp = w->direct ? w->direct : &a->resp;
    snprintf(a->call.resp->actor, sizeof a->call.resp->actor, "%s", w->actor);
    return &a->call;
}

/* Sends the answer to the client that waited, and frees the submission. */
static void answer_end(struct api_write *w, struct answer *a)
{
    if (!w->direct) http_later_answer(w->later, &a->resp);
    write_free(w);
}

bool api_period_open(struct api_call *call, const char *period)
{
    if (!period_is_closed(call->api->store, period)) return true;
    char msg[ERR_LEN];
    snprintf(msg, sizeof msg, "kỳ %s đã khoá sổ: kết quả của kỳ là hồ sơ, không sửa được", period);
    api_error(call, 409, "period_closed", msg);
    return false;
}

/* {period, unit|person, subject, code, version, submitted_at, late?, evaluation}: 200, or
 * 202 when the facts were stored but a rule failed on their unit's evaluation. */
static void reply_stored(struct api_call *call, const struct api_write *w,
                         struct submission_result *result)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", w->period);
    cJSON_AddStringToObject(out, w->unit_report ? "unit" : "person", w->code);
    cJSON_AddStringToObject(out, "subject", w->subject);
    cJSON_AddStringToObject(out, "code", w->code);
    cJSON_AddNumberToObject(out, "version", result->version);
    cJSON_AddStringToObject(out, "submitted_at", result->submitted_at);
    if (w->unit_report) {
        const cJSON *p = NULL;
        struct rules_generation *gen = ruleset_for_period(call->api->rules, w->period);
        if (gen) p = rules_period(gen, w->period);
        cJSON_AddBoolToObject(out, "late",
                              status_report_late(call->api->store, w->period, w->code,
                                                 api_period_field(p, "effective_due")));
    }
    int status = 200;
    if (result->evaluation_error) {
        cJSON_AddItemToObject(out, "evaluation",
                              evaluation_failure_json(result->evaluation_error, NULL));
        status = 202;
    } else {
        cJSON_AddItemToObject(out, "evaluation", result->evaluation);
        result->evaluation = NULL;
    }
    api_reply(call, status, out);
}

/* The group was not stored: why, in the API's words. */
static void reply_refused(struct api_call *call, const struct api_write *w,
                          enum submission_status status, const char *err)
{
    char msg[ERR_LEN + 64];
    switch (status) {
    case SUBMISSION_OK: break;
    case SUBMISSION_BUSY: api_store_error(call, STORE_FAILURE_LOCKED, err); break;
    case SUBMISSION_DISK_FULL: api_store_error(call, STORE_FAILURE_DISK_FULL, err); break;
    case SUBMISSION_READ_ONLY: api_store_error(call, STORE_FAILURE_READ_ONLY, err); break;
    case SUBMISSION_COMMIT_FAILED:
    case SUBMISSION_STORE_FAILED: api_store_error(call, STORE_FAILURE_IO, err); break;
    case SUBMISSION_EVALUATION:
        log_error("%s %s %s: %s", w->period, w->subject, w->code, err);
        snprintf(msg, sizeof msg, "không có gì được lưu: %s", err);
        api_error(call, 500, "rule_error", msg);
        break;
    case SUBMISSION_PERIOD_CLOSED: api_error(call, 409, "period_closed", err); break;
    case SUBMISSION_UNIT_ABSENT: api_error(call, 409, "unit_not_in_period", err); break;
    case SUBMISSION_INVALID: api_error(call, 422, "invalid", err); break;
    }
}

/* ---- one group ------------------------------------------------------------------------ */

static struct submission as_submission(const struct api_write *w)
{
    return (struct submission){w->period, w->subject, w->code,  w->facts,
                               w->note,   NULL,       w->merge, w->actor};
}

/* False (answered and freed) when the submission can no longer be stored: its client has
 * gone, its period has no rules or was closed, its unit is gone from the period. */
/* True (and the submission freed, nobody answered) when its client has gone. */
static bool dropped_if_gone(struct api *api, struct api_write *w)
{
    if (w->direct || !http_later_gone(w->later)) return false;
    struct answer a;
    answer_begin(api, w, &a);
    answer_end(w, &a);
    return true;
}

static bool still_admissible(struct api *api, struct api_write *w)
{
    if (dropped_if_gone(api, w)) return false;
    struct answer a;
    struct api_call *call = answer_begin(api, w, &a);
    const cJSON *period;
    char why[ERR_LEN];
    struct submission s = as_submission(w);
    if (!api_period_rules(call, w->period, &period) || !api_period_open(call, w->period)) {
        answer_end(w, &a);
        return false;
    }
    if (!submission_unit_exists(api->store, api->rules, &s, why, sizeof why)) {
        api_error(call, 409, "unit_not_in_period", why);
        answer_end(w, &a);
        return false;
    }
    return true;
}

/* Answers a submission the rules refused: 422 with every problem (the body's shape and the
 * facts'), or 500 when they could not check it (problems NULL). Takes problems. */
static void refuse(struct api *api, struct api_write *w, cJSON *problems)
{
    struct answer a;
    struct api_call *call = answer_begin(api, w, &a);
    if (!problems) {
        api_error(call, 500, "rule_error", "bộ quy tắc không kiểm tra được số liệu");
    } else {
        cJSON *d;
        while ((d = cJSON_DetachItemFromArray(problems, 0)))
            cJSON_AddItemToArray(w->details, d);
        api_invalid(call, "báo cáo có lỗi; không có gì được lưu", w->details);
        w->details = NULL;
        cJSON_Delete(problems);
    }
    answer_end(w, &a);
}

/* Submissions whose body's shape is wrong are refused here, their facts checked too so the
 * 422 lists every problem (a rule process each: they are rare); the others stay in ws. */
static void refuse_misshapen(struct api *api, struct api_write **ws, size_t *n)
{
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        struct api_write *w = ws[i];
        if (cJSON_GetArraySize(w->details) == 0) {
            ws[kept++] = w;
            continue;
        }
        struct rules_generation *gen = ruleset_for_period(api->rules, w->period);
        refuse(api, w,
               submission_check_facts(api->store, gen, w->period, w->subject, w->code, w->facts));
    }
    *n = kept;
}

/* Puts submissions back at the head of the queue, in their order: the next group. */
static void requeue(struct api *api, struct api_write **ws, size_t n)
{
    for (size_t i = n; i-- > 0;) {
        ws[i]->next = api->writes_first;
        api->writes_first = ws[i];
        if (!api->writes_last) api->writes_last = ws[i];
    }
}

/* A group on its way: what its transaction takes and gives back. */
struct group {
    struct api *api;
    size_t n;
    struct api_write *ws[WRITE_GROUP_MAX];
    struct submission subs[WRITE_GROUP_MAX];
    struct submission_result results[WRITE_GROUP_MAX];
    struct facts_check checks[WRITE_GROUP_MAX];
    enum submission_status status;
    char err[ERR_LEN];
};

/* The group's submissions in one transaction and one commit on st (the loop's connection,
 * or the writer thread's: daemon/writer.c), their facts checked by the rule process that
 * evaluates their units. Touches nothing but the group and st. */
static void store_group_work(void *job, struct store *st)
{
    struct group *g = job;
    const struct submission_options options = {
        .actor = "?", .action = "submit", .want_evaluation = true, .checks = g->checks};
    g->status = submissions_apply(st, g->api->rules, g->subs, g->n, &options, g->results, g->err,
                                  sizeof g->err);
}

/* On the loop, once the group has committed (or failed): each client answered. When some
 * facts had a problem nothing was stored: those are refused, the others go again as the
 * next group (rare: the price of checking and evaluating in one process). */
static void store_group_done(void *job)
{
    struct group *g = job;
    struct api *api = g->api;
    const char *outcome = g->status == SUBMISSION_OK        ? "committed"
                          : g->status == SUBMISSION_INVALID ? "checked_again"
                                                            : "refused";
    metrics_count("thidua_write_groups_total",
                  "Groups of submissions stored in one transaction and one commit", "outcome",
                  outcome);
    struct api_write *again[WRITE_GROUP_MAX];
    size_t nagain = 0;
    for (size_t i = 0; i < g->n; i++) {
        struct api_write *w = g->ws[i];
        metrics_count("thidua_grouped_submissions_total",
                      "Submissions stored by the group commit, by their group's outcome", "outcome",
                      outcome);
        if (dropped_if_gone(api, w)) continue; /* left while its group was stored */
        if (g->status == SUBMISSION_INVALID) {
            cJSON *problems = g->checks[i].problems;
            g->checks[i].problems = NULL;
            if (problems && cJSON_GetArraySize(problems) == 0) {
                cJSON_Delete(problems);
                again[nagain++] = w;
            } else {
                refuse(api, w, problems);
            }
            continue;
        }
        struct answer a;
        struct api_call *call = answer_begin(api, w, &a);
        if (g->status == SUBMISSION_OK)
            reply_stored(call, w, &g->results[i]);
        else
            reply_refused(call, w, g->status, g->err);
        answer_end(w, &a);
    }
    for (size_t i = 0; i < g->n; i++)
        cJSON_Delete(g->checks[i].problems);
    if (g->status == SUBMISSION_OK) submission_results_free(g->results, g->n);
    free(g);
    requeue(api, again, nagain);
    api->writes_in_flight = false;
    if (api->writes_first && api->writes_ready) api->writes_ready(api->writes_ctx);
}

/* Stores the group and answers its clients: on the writer's thread when the daemon has one
 * (the loop serves meanwhile; store_group_done answers when it has committed), else here. */
static void store_group(struct api *api, struct api_write **ws, size_t n)
{
    if (n == 0) return;
    struct group *g = calloc(1, sizeof *g);
    if (!g) {
        for (size_t i = 0; i < n; i++) {
            struct answer a;
            struct api_call *call = answer_begin(api, ws[i], &a);
            api_error(call, 503, "out_of_memory", "máy chủ hết bộ nhớ; không có gì được lưu");
            answer_end(ws[i], &a);
        }
        return;
    }
    g->api = api;
    g->n = n;
    bool waiting = true; /* every client waits on the loop (none answered inside its request) */
    for (size_t i = 0; i < n; i++) {
        g->ws[i] = ws[i];
        g->subs[i] = as_submission(ws[i]);
        g->checks[i] =
            (struct facts_check){ws[i]->period, ws[i]->subject, ws[i]->code, ws[i]->facts, NULL};
        waiting = waiting && !ws[i]->direct;
    }
    if (waiting && api->writes_run &&
        api->writes_run(api->writes_run_ctx, store_group_work, store_group_done, g)) {
        api->writes_in_flight = true;
        return;
    }
    api->writes_in_flight = true; /* store_group_done ends it */
    store_group_work(g, api->store);
    store_group_done(g);
}

static void run_group(struct api *api, struct api_write **group, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (still_admissible(api, group[i])) group[kept++] = group[i];
    refuse_misshapen(api, group, &kept);
    store_group(api, group, kept);
}

/* ---- the queue -------------------------------------------------------------------------- */

static bool same_subject(const struct api_write *a, const struct api_write *b)
{
    return strcmp(a->period, b->period) == 0 && strcmp(a->subject, b->subject) == 0 &&
           strcmp(a->code, b->code) == 0;
}

/* Takes the next group off the queue: the oldest submissions, each subject once. */
static size_t take_group(struct api *api, struct api_write **group)
{
    size_t n = 0;
    struct api_write **link = &api->writes_first, *last_left = NULL;
    while (*link && n < WRITE_GROUP_MAX) {
        struct api_write *w = *link;
        bool repeat = false;
        for (size_t i = 0; i < n && !repeat; i++)
            repeat = same_subject(group[i], w);
        if (repeat) { /* stays, for the next group */
            last_left = w;
            link = &w->next;
            continue;
        }
        *link = w->next;
        w->next = NULL;
        group[n++] = w;
    }
    if (!*link) api->writes_last = last_left;
    return n;
}

void api_writes_flush(struct api *api)
{
    if (!api->writes_first || api->writes_in_flight || (api->rules && api->rules->reloading))
        return;
    struct api_write *group[WRITE_GROUP_MAX];
    size_t n = take_group(api, group);
    run_group(api, group, n);
    /* The rest (and what came while answering) after the loop has served others; a group in
     * flight asks for it when it is done. */
    if (api->writes_first && !api->writes_in_flight && api->writes_ready)
        api->writes_ready(api->writes_ctx);
}

void api_writes_abandon(struct api *api)
{
    struct api_write *w = api->writes_first;
    api->writes_first = api->writes_last = NULL;
    while (w) {
        struct api_write *next = w->next;
        struct answer a;
        struct api_call *call = answer_begin(api, w, &a);
        if (w->direct || !http_later_gone(w->later))
            api_error(call, 503, "shutting_down", "máy chủ đang dừng; không có gì được lưu");
        answer_end(w, &a);
        w = next;
    }
}

void api_submit(struct api_call *call, struct api_submission *s)
{
    struct api *api = call->api;
    struct api_write *w = calloc(1, sizeof *w);
    if (w) {
        w->period = strdup(s->period);
        w->subject = strdup(s->subject);
        w->code = strdup(s->code);
        w->actor = strdup(call->who.name);
    }
    if (!w || !w->period || !w->subject || !w->code || !w->actor) {
        if (w) write_free(w);
        cJSON_Delete(s->body);
        cJSON_Delete(s->details);
        api_error(call, 503, "out_of_memory", "máy chủ hết bộ nhớ; không có gì được lưu");
        return;
    }
    w->req = call->req;
    w->body = s->body, w->details = s->details, w->facts = s->facts, w->note = s->note;
    w->merge = s->merge, w->unit_report = s->unit_report;
    w->later = api->writes_ready ? http_response_later(call->resp) : NULL;
    if (!w->later) { /* no loop to wait on: stored on its own, answered now */
        w->direct = call->resp;
        run_group(api, &w, 1);
        return;
    }
    if (api->writes_last)
        api->writes_last->next = w;
    else
        api->writes_first = w;
    api->writes_last = w;
    api->writes_ready(api->writes_ctx);
}
