/*
 * routes_outbox.c — notifications over HTTP: the outbox (an admin or a read token sees all
 * of it, a unit token its own unit's messages) and the deadlines as iCalendar
 * (calendar.ics, public: deadlines carry no personal data, and calendar applications
 * subscribe without a token; ?unit=CODE gives that unit's open obligations).
 */
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "http/call.h"
#include "store/outbox.h"
#include "util/validate.h"

/* outbox_list's limit for every row (SQLite's LIMIT -1): http/pages.c cuts the page. */
#define ALL_ROWS  (-1)
#define PARAM_LEN 64
#define ERR_LEN   512

static const char *const statuses[] = {OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_SENT, OUTBOX_FAILED,
                                       OUTBOX_CANCELLED};

static bool known_status(const char *s)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (strcmp(s, statuses[i]) == 0) return true;
    return false;
}

static void outbox_list_get(struct api_call *call)
{
    char status[PARAM_LEN], unit[PARAM_LEN];
    int has_status = http_query_param(call->req, "status", status, sizeof status);
    int has_unit = http_query_param(call->req, "unit", unit, sizeof unit);
    if (has_status < 0 || (has_status && !known_status(status))) {
        api_error(call, 400, "bad_status",
                  "status là một trong queued, sending, sent, failed, cancelled");
        return;
    }
    if (has_unit < 0 || (has_unit && !valid_code(unit))) {
        api_error(call, 404, "unit_not_found", "không có đơn vị nào mang mã này");
        return;
    }
    const char *only = has_unit ? unit : NULL;
    if (call->who.scope == SCOPE_UNIT) {
        if (only && strcmp(only, call->who.unit) != 0) {
            api_error(call, 403, "forbidden",
                      "token của đơn vị chỉ xem được thông báo của chính đơn vị mình");
            return;
        }
        only = call->who.unit;
    }
    cJSON *messages = outbox_list(call->api->store, has_status ? status : NULL, only, ALL_ROWS);
    if (!messages) {
        api_error(call, 500, "internal", "không đọc được hàng đợi thông báo");
        return;
    }
    api_reply_page(call, cJSON_CreateObject(), "messages", messages, "id");
}

static void calendar_get(struct api_call *call)
{
    struct ruleset *rs = api_ruleset(call);
    if (!rs) return;
    char unit[PARAM_LEN], err[ERR_LEN];
    int has_unit = http_query_param(call->req, "unit", unit, sizeof unit);
    if (has_unit < 0 || (has_unit && !valid_code(unit))) {
        api_error(call, 404, "unit_not_found", "không có đơn vị nào mang mã này");
        return;
    }
    char *text = calendar_ics(call->api->store, rs, has_unit ? unit : NULL, err, sizeof err);
    if (!text) {
        api_error(call, has_unit ? 404 : 500, has_unit ? "unit_not_found" : "internal", err);
        return;
    }
    free(call->resp->body);
    call->resp->status = 200;
    call->resp->content_type = "text/calendar; charset=utf-8";
    call->resp->body = text;
    call->resp->body_len = strlen(text);
}

const struct route routes_outbox[] = {
    {"GET", "/api/v1/outbox", ACCESS_ANY_TOKEN, outbox_list_get},
    {"GET", "/api/v1/calendar.ics", ACCESS_PUBLIC, calendar_get},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
