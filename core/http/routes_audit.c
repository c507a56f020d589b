/*
 * routes_audit.c — GET /api/v1/audit (admin): the audit log, newest first, a page at a time
 * (?limit=N, default 50, at most 1000; ?cursor= the previous page's next_cursor), with the
 * total number of lines. Who did what, when: imports, reports, reloads, tokens, periods.
 */
#include <stdlib.h>

#include "domain/audit_trail.h"
#include "http/call.h"

#define PARAM_LEN 32

static void audit_get(struct api_call *call)
{
    char limit_text[PARAM_LEN], cursor[PARAM_LEN] = "";
    int has_limit = http_query_param(call->req, "limit", limit_text, sizeof limit_text);
    long limit = AUDIT_PAGE_DEFAULT;
    if (has_limit > 0) {
        char *end;
        limit = strtol(limit_text, &end, 10);
        if (*end || end == limit_text) limit = -1;
    }
    if (has_limit < 0 || limit < 1 || limit > AUDIT_PAGE_MAX) {
        api_error(call, 400, "bad_limit", "limit là một số từ 1 đến 1000");
        return;
    }
    if (http_query_param(call->req, "cursor", cursor, sizeof cursor) < 0) cursor[0] = '?';
    cJSON *page = audit_trail_page(call->api->store, cursor, (int)limit);
    if (!page) {
        api_error(call, 400, "bad_cursor", "cursor phải là next_cursor của trang trước");
        return;
    }
    api_reply(call, 200, page);
}

const struct route routes_audit[] = {
    {"GET", "/api/v1/audit", ACCESS_ADMIN, audit_get},
    {NULL, NULL, 0, NULL},
};
