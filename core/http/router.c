/*
 * router.c — routes each request to its handler: matches the path against the route
 * tables, authenticates the bearer token, checks the route's scope, times the call for
 * /metrics, and answers 404/405/503 in the JSON error shape.
 *
 * Handlers live in routes_*.c, one file per family, each exporting its table; they get a
 * struct api_call and answer through reply.c. Nothing here touches libevent (server.c owns
 * that) or the database beyond the read snapshot around a GET.
 */
#include "http/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "domain/token_usage.h"
#include "http/call.h"
#include "http/response_cache.h"
#include "http/etag.h"
#include "util/log.h"
#include "util/text.h"
#include "util/metrics.h"

#define BEARER      "Bearer "
#define ALLOWED_LEN 64
#define MESSAGE_LEN 192

/* Every family's table, searched in this order. */
static const struct route *const route_tables[] = {
    routes_system,       routes_units,  routes_reports,  routes_results,
    routes_rules,        routes_outbox, routes_periods,  routes_registrations,
    routes_consolidated, routes_audit,  routes_versions, routes_console,
};

void api_routes_each(void (*fn)(const struct route *route, void *arg), void *arg)
{
    for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0]; t++)
        for (const struct route *r = route_tables[t]; r->method; r++)
            fn(r, arg);
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

/* The route for the request's method and (percent-decoded) path; when only the path
 * matches, NULL with the methods it allows listed in `allowed` (HEAD beside GET: the
 * server answers a HEAD as the GET without its body). */
static const struct route *find_route(struct api_call *call, const char *path, char *allowed,
                                      size_t allowed_len)
{
    for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0]; t++) {
        for (const struct route *r = route_tables[t]; r->method; r++) {
            if (!match(r->pattern, path, call)) continue;
            if (strcmp(r->method, call->req->method) == 0) return r;
            if (strstr(allowed, r->method)) continue;
            size_t used = strlen(allowed);
            bool get = strcmp(r->method, "GET") == 0;
            snprintf(allowed + used, allowed_len - used, "%s%s%s", used ? ", " : "", r->method,
                     get ? ", HEAD" : "");
        }
    }
    return NULL;
}

/* A write held while a reload runs: the request stays in its connection, which waits. */
struct api_held {
    struct http_later *later;
    const struct http_request *req;
    struct api_held *next;
};

/* While a reload holds the database's write lock (domain/ruleset.h), a request that writes
 * is held: its connection waits, and it is handled once the reload has ended, by the rules
 * then in service (api_release_held), so the client is answered as if it had come a few
 * seconds later and nothing is refused. Reads and the stateless POST /api/v1/evaluate go
 * on; a second reload is refused (503 reload_in_progress): the one running reads the files
 * as they are. True when the request was held or refused. */
static bool held_for_reload(struct api_call *call, const struct route *route)
{
    const struct ruleset *rs = call->api->rules;
    if (!rs || !rs->reloading || strcmp(call->req->method, "GET") == 0 ||
        strcmp(route->pattern, "/api/v1/evaluate") == 0)
        return false;
    struct api_held *h =
        strcmp(route->pattern, "/api/v1/admin/reload") == 0 ? NULL : calloc(1, sizeof *h);
    if (h && (h->later = http_response_later(call->resp)) != NULL) {
        h->req = call->req;
        if (call->api->held_last)
            call->api->held_last->next = h;
        else
            call->api->held_first = h;
        call->api->held_last = h;
        return true;
    }
    free(h);
    api_error(call, 503, "reload_in_progress",
              "bộ quy tắc đang được nạp lại; xin gửi lại sau ít giây (không có gì được lưu)");
    snprintf(call->resp->extra_headers, sizeof call->resp->extra_headers, "Retry-After: 2\r\n");
    return true;
}

void api_release_held(struct api *api)
{
    struct api_held *h = api->held_first;
    api->held_first = api->held_last = NULL;
    while (h) {
        struct api_held *next = h->next;
        struct http_response resp = {.status = 200};
        if (!http_later_gone(h->later)) api_handle(h->req, &resp, api);
        http_later_answer(h->later, &resp);
        free(h);
        h = next;
    }
    /* Submissions that waited for the reload to end (http/writes.c). */
    if (api->writes_first && api->writes_ready) api->writes_ready(api->writes_ctx);
}

static bool authenticate(struct api_call *call)
{
    const char *auth = http_request_header(call->req, "Authorization");
    snprintf(call->resp->extra_headers, sizeof call->resp->extra_headers,
             "WWW-Authenticate: Bearer realm=\"thidua\"\r\n");
    if (!auth) {
        api_error(call, 401, "unauthorized",
                  "cần gửi token trong tiêu đề Authorization: Bearer <token>");
        return false;
    }
    if (strncasecmp(auth, BEARER, strlen(BEARER)) != 0 ||
        !token_verify(call->api->store, auth + strlen(BEARER), &call->who)) {
        api_error(call, 401, "unauthorized", "token không hợp lệ hoặc đã bị thu hồi");
        return false;
    }
    call->resp->extra_headers[0] = '\0';
    text_join(call->resp->actor, sizeof call->resp->actor, (const char *const[]){call->who.name},
              1);
    token_usage_note(call->api->token_usage, call->who.token_id);
    return true;
}

/* A route open without a token to the config's metrics_from addresses, asked from one. */
static bool trusted_without_token(const struct api_call *call, const struct route *route)
{
    const struct config *cfg = call->api->config;
    return route->access == ACCESS_TOKEN_OR_TRUSTED && cfg &&
           ip_networks_contain(cfg->metrics_from, cfg->metrics_from_count, call->req->remote);
}

/* The response cache's key: the path and query as sent, and who asks (a unit token reads
 * its own unit's only, so its answers are not an admin's). NULL when it would not fit. */
#define CACHE_KEY_LEN 1024
static const char *cache_key(const struct api_call *call, char key[CACHE_KEY_LEN])
{
    char scope[TEXT_DECIMAL_LEN];
    const char *const parts[] = {call->req->path,
                                 "?",
                                 call->req->query ? call->req->query : "",
                                 "|",
                                 text_decimal(scope, (long long)call->who.scope),
                                 ":",
                                 call->who.unit};
    return text_join(key, CACHE_KEY_LEN, parts, sizeof parts / sizeof parts[0]) ? key : NULL;
}

void api_cached(struct api_call *call, void (*make)(struct api_call *call))
{
    struct api *api = call->api;
    char buffer[CACHE_KEY_LEN];
    const char *key = api->responses && api->rules ? cache_key(call, buffer) : NULL;
    if (!key) {
        make(call);
        return;
    }
    struct response_cache_stamp stamp = {store_data_version(api->store), api->rules->generation};
    if (response_cache_get(api->responses, key, stamp, call->resp)) return;
    make(call);
    if (!call->resp->later) response_cache_put(api->responses, key, stamp, call->resp);
}

void api_handle(const struct http_request *req, struct http_response *resp, void *ctx)
{
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct api_call call = {.api = ctx, .req = req, .resp = resp};
    char allowed[ALLOWED_LEN] = "", why[MESSAGE_LEN];
    size_t path_room = strlen(req->path) + 1;
    char *path = malloc(path_room);
    bool out_of_memory = path == NULL;
    const char *path_error =
        path ? http_path_decode(req->path, path, path_room, why, sizeof why) : "internal";
    const struct route *found =
        path_error ? NULL : find_route(&call, path, allowed, sizeof allowed);
    free(path);
    const char *route_name = found        ? found->pattern
                             : path_error ? "(path)"
                             : allowed[0] ? "(method)"
                                          : "(unknown)";
    if (path_error) {
        api_error(&call, out_of_memory ? 500 : 400, path_error, out_of_memory ? "hết bộ nhớ" : why);
    } else if (!found && allowed[0]) {
        char msg[MESSAGE_LEN];
        snprintf(msg, sizeof msg, "phương thức %s không dùng được ở đây; dùng %s", req->method,
                 allowed);
        api_error(&call, 405, "method_not_allowed", msg);
        snprintf(resp->extra_headers, sizeof resp->extra_headers, "Allow: %s\r\n", allowed);
    } else if (!found) {
        api_error(&call, 404, "not_found", "không có tài nguyên này");
    } else if (!http_target_clean(req, why, sizeof why)) {
        api_error(&call, 400, "invalid_utf8", why);
    } else if (call.api->shutting_down && found->access != ACCESS_PUBLIC) {
        api_error(&call, 503, "shutting_down", "máy chủ đang dừng");
    } else {
        /* A GET's reads (token, data) share one snapshot and one lock round trip; writers
         * open their own IMMEDIATE transaction. */
        bool read_only = strcmp(req->method, "GET") == 0;
        if (read_only) store_begin_read(call.api->store);
        if (found->access == ACCESS_PUBLIC || trusted_without_token(&call, found) ||
            authenticate(&call)) {
            if (found->access == ACCESS_ADMIN && call.who.scope != SCOPE_ADMIN)
                api_error(&call, 403, "forbidden", "cần token quản trị (admin)");
            else if (!held_for_reload(&call, found))
                found->handler(&call);
        }
        if (read_only) store_end_read(call.api->store);
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    if (resp->later) return; /* counted when it is answered */
    http_etag_apply(req, resp);
    metrics_observe(route_name, resp->status, seconds); /* the access log: connection.c */
}
