/*
 * api.c — routes each request to its handler: matches the path against the route table,
 * authenticates the bearer token, checks the route's scope, times the call for /metrics,
 * and shapes every error as {"error": {"code", "message"}}.
 *
 * Handlers live in api_*.c, one file per resource; they get a struct api_call and answer
 * through api_reply/api_error. Nothing here touches libevent (http.c owns that) or SQL
 * (model.c owns that).
 */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_internal.h"
#include "log.h"
#include "metrics.h"
#include "ruleset.h"

enum route_access { ACCESS_PUBLIC, ACCESS_ANY_TOKEN, ACCESS_ADMIN };

struct route {
    const char *method;
    const char *pattern; /* segments; "{x}" matches one segment */
    enum route_access access;
    void (*handler)(struct api_call *call);
};

static void health(struct api_call *call);
static void metrics(struct api_call *call);

static const struct route routes[] = {
    {"GET", "/healthz", ACCESS_PUBLIC, health},
    {"GET", "/metrics", ACCESS_ANY_TOKEN, metrics},
    {"GET", "/api/v1/units", ACCESS_ANY_TOKEN, api_units_list},
    {"GET", "/api/v1/units/{code}", ACCESS_ANY_TOKEN, api_unit_get},
    {"GET", "/api/v1/people", ACCESS_ANY_TOKEN, api_people_list},
    {"PUT", "/api/v1/periods/{period}/units/{code}/report", ACCESS_ANY_TOKEN, api_unit_report_put},
    {"PUT", "/api/v1/periods/{period}/people/{code}/facts", ACCESS_ANY_TOKEN, api_person_facts_put},
    {"GET", "/api/v1/periods/{period}/units/{code}/evaluation", ACCESS_ANY_TOKEN,
     api_unit_evaluation_get},
    {"GET", "/api/v1/periods/{period}/people/{code}/evaluation", ACCESS_ANY_TOKEN,
     api_person_evaluation_get},
    {"GET", "/api/v1/periods/{period}/status", ACCESS_ANY_TOKEN, api_status_get},
    {"GET", "/api/v1/periods/{period}/ranking", ACCESS_ANY_TOKEN, api_ranking_get},
    {"GET", "/api/v1/periods/{period}/nominations", ACCESS_ANY_TOKEN, api_nominations_get},
    {"POST", "/api/v1/evaluate", ACCESS_ANY_TOKEN, api_evaluate_post},
    {"GET", "/api/v1/rules", ACCESS_ANY_TOKEN, api_rules_get},
    {"POST", "/api/v1/admin/reload", ACCESS_ADMIN, api_reload_post},
};

/* ---- helpers for handlers ------------------------------------------------------------- */

void api_reply(struct api_call *call, int status, cJSON *body)
{
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    if (!text) {
        http_response_error(call->resp, 500, "internal", "out of memory");
        return;
    }
    api_reply_text(call, status, text);
}

void api_reply_text(struct api_call *call, int status, char *json_text)
{
    free(call->resp->body);
    call->resp->status = status;
    call->resp->content_type = "application/json; charset=utf-8";
    call->resp->body = json_text;
    call->resp->body_len = strlen(json_text);
}

void api_error(struct api_call *call, int status, const char *code, const char *message)
{
    http_response_error(call->resp, status, code, message);
}

void api_invalid(struct api_call *call, const char *message, cJSON *details)
{
    cJSON *body = cJSON_CreateObject();
    cJSON *error = cJSON_AddObjectToObject(body, "error");
    cJSON_AddStringToObject(error, "code", "invalid");
    cJSON_AddStringToObject(error, "message", message);
    cJSON_AddItemToObject(error, "details", details);
    api_reply(call, 422, body);
}

cJSON *api_body_object(struct api_call *call)
{
    /* The body is read as JSON whatever Content-Type says: curl -d labels JSON as a form.
     * One value and nothing after it: the length includes the NUL http.c puts at the end,
     * which cJSON requires to follow the value. */
    const char *end = NULL;
    cJSON *body = cJSON_ParseWithLengthOpts(call->req->body, call->req->body_len + 1, &end, 1);
    if (!body) {
        char msg[160];
        size_t at = end ? (size_t)(end - call->req->body) : 0;
        snprintf(msg, sizeof msg, "the body is not valid JSON (near byte %zu)", at);
        api_error(call, 400, "malformed_json", msg);
        return NULL;
    }
    if (!cJSON_IsObject(body)) {
        cJSON_Delete(body);
        api_error(call, 400, "malformed_json", "the body must be a JSON object");
        return NULL;
    }
    return body;
}

bool api_may_write_unit(struct api_call *call, const char *unit_code)
{
    if (call->who.scope == SCOPE_ADMIN) return true;
    if (call->who.scope == SCOPE_UNIT && strcmp(call->who.unit, unit_code) == 0) return true;
    char msg[160];
    if (call->who.scope == SCOPE_UNIT)
        snprintf(msg, sizeof msg, "this token writes only unit %s", call->who.unit);
    else
        snprintf(msg, sizeof msg, "this token is read-only");
    api_error(call, 403, "forbidden", msg);
    return false;
}

/* ---- built-in routes ------------------------------------------------------------------ */

static const char *active_rules_hash(struct api *api)
{
    return api->rules && api->rules->active ? rules_hash(api->rules->active) : NULL;
}

static void health(struct api_call *call)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "status", call->api->shutting_down ? "stopping" : "ok");
    const char *hash = active_rules_hash(call->api);
    if (hash)
        cJSON_AddStringToObject(body, "rules_hash", hash);
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

/* ---- routing -------------------------------------------------------------------------- */

/* Matches path against pattern, collecting {params}. */
static bool match(const char *pattern, const char *path, struct api_call *call)
{
    int nparams = 0;
    size_t used = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            const char *seg_end = strchr(s, '/');
            size_t len = seg_end ? (size_t)(seg_end - s) : strlen(s);
            if (len == 0 || nparams == API_MAX_PARAMS ||
                used + len + 1 > sizeof call->param_storage)
                return false;
            memcpy(call->param_storage + used, s, len);
            call->param_storage[used + len] = '\0';
            call->params[nparams++] = call->param_storage + used;
            used += len + 1;
            p = close + 1;
            s += len;
        } else if (*p == *s) {
            p++;
            s++;
        } else {
            return false;
        }
    }
    return *p == '\0' && (*s == '\0' || (s[0] == '/' && s[1] == '\0'));
}

static bool authenticate(struct api_call *call)
{
    const char *auth = http_request_header(call->req, "Authorization");
    snprintf(call->resp->extra_headers, sizeof call->resp->extra_headers,
             "WWW-Authenticate: Bearer realm=\"thidua\"\r\n");
    if (!auth) {
        api_error(call, 401, "unauthorized", "send Authorization: Bearer <token>");
        return false;
    }
    if (strncasecmp(auth, "Bearer ", 7) != 0 ||
        !token_verify(call->api->store, auth + 7, &call->who)) {
        api_error(call, 401, "unauthorized", "the token is not valid");
        return false;
    }
    call->resp->extra_headers[0] = '\0';
    return true;
}

void api_handle(const struct http_request *req, struct http_response *resp, void *ctx)
{
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct api_call call = {.api = ctx, .req = req, .resp = resp};
    const struct route *found = NULL;
    char allowed[64] = "";
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!match(routes[i].pattern, req->path, &call)) continue;
        if (strcmp(routes[i].method, req->method) == 0) {
            found = &routes[i];
            break;
        }
        if (!strstr(allowed, routes[i].method)) {
            size_t used = strlen(allowed);
            snprintf(allowed + used, sizeof allowed - used, "%s%s", used ? ", " : "",
                     routes[i].method);
        }
    }
    const char *route_name = found ? found->pattern : allowed[0] ? "(method)" : "(unknown)";
    if (!found && allowed[0]) {
        char msg[128];
        snprintf(msg, sizeof msg, "%s is not allowed here; use %s", req->method, allowed);
        api_error(&call, 405, "method_not_allowed", msg);
        snprintf(resp->extra_headers, sizeof resp->extra_headers, "Allow: %s\r\n", allowed);
    } else if (!found) {
        api_error(&call, 404, "not_found", "no such resource");
    } else if (call.api->shutting_down && found->access != ACCESS_PUBLIC) {
        api_error(&call, 503, "shutting_down", "the server is stopping");
    } else {
        /* A GET's reads (token, data) share one snapshot and one lock round trip; writers
         * open their own IMMEDIATE transaction. */
        bool read_only = strcmp(req->method, "GET") == 0;
        if (read_only) store_begin_read(call.api->store);
        if (found->access == ACCESS_PUBLIC || authenticate(&call)) {
            if (found->access == ACCESS_ADMIN && call.who.scope != SCOPE_ADMIN)
                api_error(&call, 403, "forbidden", "this needs an admin token");
            else
                found->handler(&call);
        }
        if (read_only) store_end_read(call.api->store);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    metrics_observe(route_name, resp->status, seconds);
    if (resp->status >= 500) log_warn("%s %s -> %d", req->method, req->path, resp->status);
}
