/*
 * routes_system.c — the daemon about itself: /healthz (public: liveness, schema version,
 * the active rules hash, whether the store can take a write — 503 when it cannot) and /metrics
 * (Prometheus text, any token; what the store holds — the outbox, failed evaluations — is read at
 * each scrape), and /api/v1/me (who the token is: its name and scope, so a client such as
 * the console shows only what that scope allows).
 */
#include <stdio.h>
#include <stdlib.h>

#define LINE_LEN 256

#include "http/call.h"
#include "store/evaluation_failures.h"
#include "store/outbox.h"
#include "util/buffer.h"
#include "util/metrics.h"

static void health(struct api_call *call)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "status", call->api->shutting_down ? "stopping" : "ok");
    struct ruleset *rules = call->api->rules;
    if (ruleset_loaded(rules)) {
        /* The newest year's hash, and each year's. */
        cJSON_AddStringToObject(body, "rules_hash", rules_hash(ruleset_newest(rules)));
        cJSON *years = cJSON_AddObjectToObject(body, "rules");
        for (size_t i = 0; i < rules->count; i++) {
            char year[16];
            snprintf(year, sizeof year, "%d", rules_year(rules->years[i].gen));
            cJSON_AddStringToObject(years, year, rules_hash(rules->years[i].gen));
        }
    } else {
        cJSON_AddNullToObject(body, "rules_hash");
    }
    cJSON_AddNumberToObject(body, "schema_version", store_schema_version(call->api->store));
    /* Reads keep working on a full disk or a read-only file, writes do not: a monitor must
     * see it before a clerk's report is refused. */
    char why[LINE_LEN * 2];
    enum store_failure unwritable = store_unwritable(call->api->store, why, sizeof why);
    cJSON *store = cJSON_AddObjectToObject(body, "store");
    cJSON_AddBoolToObject(store, "writable", unwritable == STORE_FAILURE_NONE);
    if (unwritable != STORE_FAILURE_NONE) {
        cJSON_AddStringToObject(store, "error", store_failure_code(unwritable));
        cJSON_AddStringToObject(store, "message", why);
        cJSON_ReplaceItemInObjectCaseSensitive(body, "status",
                                               cJSON_CreateString("store_unwritable"));
    }
    api_reply(call, unwritable == STORE_FAILURE_NONE ? 200 : 503, body);
}

/* Messages waiting in the outbox, by channel (read now, not counted). */
static void append_outbox(struct api_call *call, struct buffer *b)
{
    static const char *const statuses[] = {OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_FAILED};
    buffer_puts(b, "# HELP thidua_outbox_messages Messages in the outbox by status and channel.\n"
                   "# TYPE thidua_outbox_messages gauge\n");
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        cJSON *counts = outbox_counts(call->api->store, statuses[i]);
        for (const cJSON *c = counts ? counts->child : NULL; c; c = c->next) {
            char line[LINE_LEN];
            snprintf(line, sizeof line,
                     "thidua_outbox_messages{status=\"%s\",channel=\"%s\"} %.0f\n", statuses[i],
                     c->string, c->valuedouble);
            buffer_puts(b, line);
        }
        cJSON_Delete(counts);
    }
}

static void metrics(struct api_call *call)
{
    metrics_set_gauge("thidua_database_bytes", "Size of the SQLite database file.",
                      (double)store_size_bytes(call->api->store));
    metrics_set_gauge("thidua_evaluations_failed",
                      "(period, unit) pairs whose evaluation a rule made fail, now.",
                      (double)evaluation_failures_count(call->api->store, NULL));
    size_t len = 0;
    struct buffer b = {0};
    char *rendered = metrics_render(&len);
    buffer_put(&b, rendered ? rendered : "", rendered ? len : 0);
    free(rendered);
    append_outbox(call, &b);
    len = b.len;
    char *text = buffer_take(&b);
    free(call->resp->body);
    call->resp->status = 200;
    call->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    call->resp->body = text;
    call->resp->body_len = text ? len : 0;
}

static void me(struct api_call *call)
{
    static const char *const scopes[] = {[SCOPE_NONE] = "none",
                                         [SCOPE_READ] = "read",
                                         [SCOPE_UNIT] = "unit",
                                         [SCOPE_ADMIN] = "admin"};
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "name", call->who.name);
    cJSON_AddStringToObject(body, "scope", scopes[call->who.scope]);
    if (call->who.scope == SCOPE_UNIT)
        cJSON_AddStringToObject(body, "unit", call->who.unit);
    else
        cJSON_AddNullToObject(body, "unit");
    api_reply(call, 200, body);
}

const struct route routes_system[] = {
    {"GET", "/api/v1/me", ACCESS_ANY_TOKEN, me},
    {"GET", "/healthz", ACCESS_PUBLIC, health},
    {"GET", "/metrics", ACCESS_TOKEN_OR_TRUSTED, metrics},
    {"GET", "/api/v1/openapi.json", ACCESS_PUBLIC, api_openapi_get},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
