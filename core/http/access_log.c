/*
 * access_log.c — one log line per response the server sends, 2xx to 5xx alike, in logfmt
 * (util/log.c): method, path, status, bytes of body, milliseconds from the handler's call to
 * the answer, and the token's name ("-" before or without authentication). A request the
 * protocol layer refused before it was read whole (400, 408, 413, 431) has "-" for what was
 * not read. With log_level = "debug" the line also carries the query string, the client's
 * address and its User-Agent.
 */
#include <stdio.h>

#include "http/server_internal.h"
#include "util/log.h"

#define FIELD_LEN 1024

void access_log(const struct http_request *req, bool head_only, const struct http_response *resp,
                const char *actor, double milliseconds)
{
    char path[FIELD_LEN], who[FIELD_LEN], debug[4 * FIELD_LEN] = "";
    log_value(path, sizeof path, req->path ? req->path : "-");
    log_value(who, sizeof who, actor && actor[0] ? actor : "-");
    if (log_enabled(LOG_DEBUG)) {
        const char *agent = http_request_header(req, "User-Agent");
        char query[FIELD_LEN], remote[FIELD_LEN], ua[FIELD_LEN];
        log_value(query, sizeof query, req->query ? req->query : "");
        log_value(remote, sizeof remote, req->remote ? req->remote : "-");
        log_value(ua, sizeof ua, agent ? agent : "-");
        snprintf(debug, sizeof debug, " query=%s remote=%s agent=%s", query, remote, ua);
    }
    const char *method = head_only ? "HEAD" : req->method ? req->method : "-";
    /* 5xx at once (someone should look); the rest with the lines around them. */
    (resp->status >= 500 ? log_fields : log_fields_batched)(
        resp->status >= 500 ? LOG_WARN : LOG_INFO,
        "method=%s path=%s status=%d bytes=%zu ms=%.1f token=%s%s", method, path, resp->status,
        head_only ? 0 : resp->body_len, milliseconds, who, debug);
}
