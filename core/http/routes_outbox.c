/*
 * routes_outbox.c — notifications over HTTP: the outbox (an admin or a read token sees all
 * of it, a unit token its own unit's messages) and the deadlines as iCalendar
 * (calendar.ics, public: deadlines carry no personal data, and calendar applications
 * subscribe without a token; ?unit=CODE gives that unit's open obligations); an admin's
 * retry of a failed or cancelled message; and the reminders the schedule would send at a
 * moment (`remind --dry-run` over HTTP: nothing is queued; a unit token sees its own).
 */
#include <stdlib.h>
#include <string.h>

#include "domain/calendar.h"
#include "domain/outbox.h"
#include "domain/reminders.h"
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

static void outbox_retry_post(struct api_call *call)
{
    char *end;
    long long id = strtoll(call->params[0], &end, 10);
    enum outbox_change rc =
        *end || id <= 0 ? OUTBOX_NOT_FOUND : outbox_retry(call->api->store, id, call->who.name);
    switch (rc) {
    case OUTBOX_CHANGED: break;
    case OUTBOX_NOT_FOUND:
        api_error(call, 404, "message_not_found", "không có tin nhắn này");
        return;
    case OUTBOX_NOT_NOW:
        api_error(call, 409, "not_retryable", "chỉ gửi lại được tin nhắn lỗi hoặc đã huỷ");
        return;
    case OUTBOX_BUSY: api_error(call, 503, "busy", "the database is busy; try again"); return;
    }
    cJSON *message = outbox_get(call->api->store, id);
    api_reply(call, 200, message ? message : cJSON_CreateObject());
}

/* The channels set up in the configuration, and the log channel that is always on. */
static cJSON *configured_channels(const struct config *cfg)
{
    cJSON *names = cJSON_CreateArray();
    bool log = false;
    for (const cJSON *c = cfg->channels ? cfg->channels->child : NULL; c; c = c->next) {
        cJSON_AddItemToArray(names, cJSON_CreateString(c->string));
        log = log || strcmp(c->string, "log") == 0;
    }
    if (!log) cJSON_AddItemToArray(names, cJSON_CreateString("log"));
    return names;
}

/* ?at=YYYY-MM-DDTHH:MM (now by default): what the reminder pass would send then. */
static void reminders_get(struct api_call *call)
{
    struct ruleset *rs = api_ruleset(call);
    if (!rs) return;
    char at[PARAM_LEN], err[ERR_LEN];
    int asked = http_query_param(call->req, "at", at, sizeof at);
    if (asked < 0 || (asked && !reminders_valid_moment(at))) {
        api_error(call, 400, "bad_moment", "at là giờ địa phương dạng YYYY-MM-DDTHH:MM");
        return;
    }
    if (!asked) reminders_now(at);
    cJSON *channels = configured_channels(call->api->config);
    struct reminder_pass pass;
    int rc = reminders_run(call->api->store, rs, at, channels, false, &pass, err, sizeof err);
    cJSON_Delete(channels);
    if (rc != 0) {
        api_error(call, 500, "internal", err);
        return;
    }
    cJSON *messages = cJSON_CreateArray(), *m;
    while ((m = cJSON_DetachItemFromArray(pass.messages, 0)) != NULL) {
        const cJSON *unit = cJSON_GetObjectItemCaseSensitive(m, "unit");
        if (call->who.scope == SCOPE_UNIT &&
            !(cJSON_IsString(unit) && strcmp(unit->valuestring, call->who.unit) == 0))
            cJSON_Delete(m);
        else
            cJSON_AddItemToArray(messages, m);
    }
    reminder_pass_free(&pass);
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "at", at);
    cJSON_AddItemToObject(body, "messages", messages);
    api_reply(call, 200, body);
}

const struct route routes_outbox[] = {
    {"POST", "/api/v1/outbox/{id}/retry", ACCESS_ADMIN, outbox_retry_post},
    {"GET", "/api/v1/reminders", ACCESS_ANY_TOKEN, reminders_get},
    {"GET", "/api/v1/outbox", ACCESS_ANY_TOKEN, outbox_list_get},
    {"GET", "/api/v1/calendar.ics", ACCESS_PUBLIC, calendar_get},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
