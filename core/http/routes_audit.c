/*
 * routes_audit.c — GET /api/v1/audit (admin): the audit log, newest first, a page at a time
 * (?limit=N, default 50, at most 1000; ?cursor= the previous page's next_cursor, as every
 * list of the API: http/pages.c), with the total number of lines. Who did what, when: imports,
 * reports, reloads, tokens, periods.
 */
#include "domain/audit_trail.h"
#include "http/call.h"

#define PARAM_LEN 32

static void audit_get(struct api_call *call)
{
    int limit = 0;
    char after[PARAM_LEN];
    if (!api_page_request(call, AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX, &limit, after, sizeof after))
        return;
    cJSON *page = audit_trail_page(call->api->store, after, limit);
    if (!page) {
        api_error(call, 400, "invalid_cursor", "cursor phải là next_cursor của trang trước");
        return;
    }
    /* The store's cursor is the last line's id; the API's cursors are all of one kind. */
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(page, "next_cursor");
    if (cJSON_IsString(next))
        cJSON_ReplaceItemInObjectCaseSensitive(page, "next_cursor",
                                               api_page_cursor(next->valuestring));
    api_reply(call, 200, page);
}

const struct route routes_audit[] = {
    {"GET", "/api/v1/audit", ACCESS_ADMIN, audit_get},
    {NULL, NULL, 0, NULL},
};
