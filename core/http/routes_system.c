/*
 * routes_system.c — the daemon about itself: /healthz (public: liveness, schema version,
 * the active rules hash) and /metrics (Prometheus text, any token).
 */
#include <stdlib.h>

#include "http/call.h"
#include "util/metrics.h"

static void health(struct api_call *call)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "status", call->api->shutting_down ? "stopping" : "ok");
    struct ruleset *rules = call->api->rules;
    if (rules && rules->active)
        cJSON_AddStringToObject(body, "rules_hash", rules_hash(rules->active));
    else
        cJSON_AddNullToObject(body, "rules_hash");
    cJSON_AddNumberToObject(body, "schema_version", store_schema_version(call->api->store));
    api_reply(call, 200, body);
}

static void metrics(struct api_call *call)
{
    metrics_set_gauge("thidua_database_bytes", "Size of the SQLite database file.",
                      (double)store_size_bytes(call->api->store));
    size_t len = 0;
    char *text = metrics_render(&len);
    free(call->resp->body);
    call->resp->status = 200;
    call->resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    call->resp->body = text;
    call->resp->body_len = len;
}

const struct route routes_system[] = {
    {"GET", "/healthz", ACCESS_PUBLIC, health},
    {"GET", "/metrics", ACCESS_ANY_TOKEN, metrics},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
