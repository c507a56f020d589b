/*
 * routes_periods.c — closing and reopening a period (admin). A closed period's results are
 * records: its stored evaluations never change and writes to it get 409 `period_closed`.
 * Body: {"reason": "..."} (required to reopen).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/periods.h"
#include "http/call.h"

#define MESSAGE_LEN 160

/* The reason in the body ("" when absent); NULL after replying 400/422. */
static char *reason_of(struct api_call *call, bool required)
{
    cJSON *body = call->req->body_len ? api_body_object(call) : cJSON_CreateObject();
    if (!body) return NULL;
    const cJSON *reason = cJSON_GetObjectItemCaseSensitive(body, "reason");
    char *out = NULL;
    if (reason && !cJSON_IsString(reason)) {
        cJSON *details = cJSON_CreateArray();
        api_detail(details, "reason", "lý do phải là một chuỗi");
        api_invalid(call, "yêu cầu có lỗi", details);
    } else if (required && (!reason || !reason->valuestring[0])) {
        cJSON *details = cJSON_CreateArray();
        api_detail(details, "reason", "mở lại một kỳ đã khoá sổ cần ghi rõ lý do");
        api_invalid(call, "yêu cầu có lỗi", details);
    } else {
        out = strdup(reason ? reason->valuestring : "");
    }
    cJSON_Delete(body);
    return out;
}

static void change(struct api_call *call, bool close)
{
    const char *period = call->params[0];
    if (!api_period_rules(call, period, NULL)) return;
    char *reason = reason_of(call, !close);
    if (!reason) return;
    enum period_change result =
        close ? period_close(call->api->store, period, call->who.name, reason)
              : period_reopen(call->api->store, period, call->who.name, reason);
    free(reason);
    char msg[MESSAGE_LEN];
    switch (result) {
    case PERIOD_CHANGED: break;
    case PERIOD_ALREADY:
        snprintf(msg, sizeof msg, close ? "kỳ %s đã khoá sổ từ trước" : "kỳ %s đang mở", period);
        api_error(call, 409, close ? "period_closed" : "period_open", msg);
        return;
    case PERIOD_BUSY: api_error(call, 503, "busy", "cơ sở dữ liệu đang bận; xin thử lại"); return;
    }
    cJSON *out = period_closure(call->api->store, period);
    if (!out) {
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "period", period);
    }
    cJSON_AddBoolToObject(out, "closed", close);
    api_reply(call, 200, out);
}

static void close_post(struct api_call *call)
{
    change(call, true);
}

static void reopen_post(struct api_call *call)
{
    change(call, false);
}

const struct route routes_periods[] = {
    {"POST", "/api/v1/periods/{period}/close", ACCESS_ADMIN, close_post},
    {"POST", "/api/v1/periods/{period}/reopen", ACCESS_ADMIN, reopen_post},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
