/*
 * reply.c — the helpers every handler answers through: JSON replies, the error shape
 * {"error": {"code", "message"[, "details"]}}, the body read as one JSON object, and the
 * checks most routes start with (the active rules, a known period, the right to write).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access.h"
#include "http/call.h"
#include "util/json_text.h"
#include "util/log.h"
#include "util/validate.h"
#include "util/json_print.h"

#define MESSAGE_LEN  160
#define KEY_PATH_LEN 256

void api_reply(struct api_call *call, int status, cJSON *body)
{
    char *text = json_print(body);
    cJSON_Delete(body);
    if (!text) {
        http_response_error(call->resp, 500, "internal", "hết bộ nhớ");
        return;
    }
    api_reply_text(call, status, text);
}

void api_reply_text(struct api_call *call, int status, char *json_text)
{
    if (!valid_utf8(json_text)) {
        /* Input is checked on the way in and rules' strings on the way out of Lua; text
         * that still is not UTF-8 is a bug to find, not something to send. */
        log_error("%s %s: the %d answer is not valid UTF-8; 500 sent instead", call->req->method,
                  call->req->path, status);
        free(json_text);
        http_response_error(call->resp, 500, "invalid_output",
                            "câu trả lời chứa văn bản không phải UTF-8 hợp lệ nên không được "
                            "gửi; xem nhật ký của máy chủ");
        return;
    }
    free(call->resp->body);
    call->resp->status = status;
    call->resp->content_type = "application/json; charset=utf-8";
    call->resp->body = json_text;
    call->resp->body_len = strlen(json_text);
}

void api_reply_document(struct api_call *call, const char *content_type, char *body, size_t len,
                        const char *disposition, const char *filename)
{
    free(call->resp->body);
    call->resp->status = 200;
    call->resp->content_type = content_type;
    call->resp->body = body;
    call->resp->body_len = len;
    snprintf(call->resp->extra_headers, sizeof call->resp->extra_headers,
             "Content-Disposition: %s; filename=\"%s\"\r\n", disposition, filename);
}

void api_error(struct api_call *call, int status, const char *code, const char *message)
{
    http_response_error(call->resp, status, code, message);
}

void api_store_error(struct api_call *call, enum store_failure kind, const char *detail)
{
    static const int status[] = {
        [STORE_FAILURE_DISK_FULL] = 507, [STORE_FAILURE_READ_ONLY] = 503,
        [STORE_FAILURE_LOCKED] = 503,    [STORE_FAILURE_IO] = 500,
        [STORE_FAILURE_OTHER] = 500,
    };
    if (kind == STORE_FAILURE_NONE) kind = STORE_FAILURE_OTHER;
    const char *code = store_failure_code(kind);
    log_error("store: %s %s refused (%s): %s: %s", call->req->method, call->req->path, code,
              store_failure_text(kind), detail);
    char msg[MESSAGE_LEN * 2];
    snprintf(msg, sizeof msg, "%s; không có gì được lưu%s", store_failure_text(kind),
             kind == STORE_FAILURE_LOCKED ? ", hãy thử lại sau ít phút"
                                          : " (báo quản trị viên máy chủ)");
    api_error(call, status[kind], code, msg);
    if (kind == STORE_FAILURE_LOCKED)
        snprintf(call->resp->extra_headers, sizeof call->resp->extra_headers, "Retry-After: 5\r\n");
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

void api_detail(cJSON *details, const char *field, const char *message)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "field", field);
    cJSON_AddStringToObject(d, "message", message);
    cJSON_AddItemToArray(details, d);
}

/* 400 for body text cJSON would take but must not: not UTF-8, or a NUL (raw or \u0000)
 * that would cut a string short where the rules and the store read it. */
static bool body_text_clean(struct api_call *call)
{
    size_t at = 0;
    char msg[MESSAGE_LEN];
    switch (json_text_check(call->req->body, call->req->body_len, &at)) {
    case JSON_TEXT_OK: return true;
    case JSON_TEXT_NOT_UTF8:
        snprintf(msg, sizeof msg, "thân yêu cầu không phải UTF-8 hợp lệ (byte %zu)", at);
        api_error(call, 400, "invalid_utf8", msg);
        return false;
    case JSON_TEXT_NUL:
        snprintf(msg, sizeof msg, "thân yêu cầu chứa ký tự NUL (byte %zu)", at);
        api_error(call, 400, "invalid_utf8", msg);
        return false;
    }
    return false;
}

cJSON *api_body_object(struct api_call *call)
{
    if (!body_text_clean(call)) return NULL;
    /* The body is read as JSON whatever Content-Type says: curl -d labels JSON as a form.
     * One value and nothing after it: the length includes the NUL the server puts at the
     * end, which cJSON requires to follow the value. */
    const char *end = NULL;
    cJSON *body = cJSON_ParseWithLengthOpts(call->req->body, call->req->body_len + 1, &end, 1);
    if (!body) {
        char msg[MESSAGE_LEN];
        size_t at = end ? (size_t)(end - call->req->body) : 0;
        snprintf(msg, sizeof msg, "thân yêu cầu không phải JSON hợp lệ (gần byte %zu)", at);
        api_error(call, 400, "malformed_json", msg);
        return NULL;
    }
    if (!cJSON_IsObject(body)) {
        cJSON_Delete(body);
        api_error(call, 400, "malformed_json", "thân yêu cầu phải là một đối tượng JSON");
        return NULL;
    }
    /* A repeated key is a second value nobody validated: cJSON's lookups see the first, the
     * stored text would keep both. */
    char path[KEY_PATH_LEN], msg[KEY_PATH_LEN + MESSAGE_LEN];
    if (json_duplicate_key(body, path, sizeof path)) {
        cJSON_Delete(body);
        snprintf(msg, sizeof msg, "trường \"%s\" có mặt hơn một lần trong thân yêu cầu", path);
        api_error(call, 400, "duplicate_key", msg);
        return NULL;
    }
    return body;
}

bool api_may_write_unit(struct api_call *call, const char *unit_code)
{
    if (call->who.scope == SCOPE_ADMIN) return true;
    if (call->who.scope == SCOPE_UNIT && strcmp(call->who.unit, unit_code) == 0) return true;
    char msg[MESSAGE_LEN];
    if (call->who.scope == SCOPE_UNIT)
        snprintf(msg, sizeof msg, "token này chỉ ghi được dữ liệu của đơn vị %s", call->who.unit);
    else
        snprintf(msg, sizeof msg, "token này chỉ có quyền đọc");
    api_error(call, 403, "forbidden", msg);
    return false;
}

bool api_may_read_unit(struct api_call *call, const char *unit_code)
{
    if (access_reads_unit(&call->who, unit_code)) return true;
    char msg[MESSAGE_LEN * 2];
    snprintf(msg, sizeof msg,
             "token của đơn vị %s chỉ đọc được cá nhân và kết quả đánh giá của đơn vị %s",
             call->who.unit, call->who.unit);
    api_error(call, 403, "forbidden", msg);
    return false;
}

bool api_may_read_person(struct api_call *call, struct rules_generation *gen, const char *period,
                         const char *person)
{
    if (access_reads_person(call->api->store, &call->who, gen, period, person)) return true;
    char msg[MESSAGE_LEN * 2];
    if (period)
        snprintf(msg, sizeof msg,
                 "token của đơn vị %s chỉ đọc được cá nhân thuộc đơn vị %s trong kỳ %s",
                 call->who.unit, call->who.unit, period);
    else
        snprintf(msg, sizeof msg, "token của đơn vị %s chỉ đọc được cá nhân thuộc đơn vị %s",
                 call->who.unit, call->who.unit);
    api_error(call, 403, "forbidden", msg);
    return false;
}

struct ruleset *api_ruleset(struct api_call *call)
{
    struct ruleset *rs = call->api->rules;
    if (ruleset_loaded(rs)) return rs;
    api_error(call, 503, "no_rules", "chưa nạp được bộ quy tắc nào; xem nhật ký của máy chủ");
    return NULL;
}

struct rules_generation *api_period_rules(struct api_call *call, const char *code,
                                          const cJSON **period)
{
    struct ruleset *rs = api_ruleset(call);
    if (!rs) return NULL;
    struct rules_generation *gen = ruleset_for_period(rs, code);
    if (!gen) {
        char msg[MESSAGE_LEN];
        snprintf(msg, sizeof msg,
                 "không phong trào nào có kỳ \"%.40s\" (kỳ có dạng 2025-H1, 2025-Y)", code);
        api_error(call, 404, "period_not_found", msg);
        return NULL;
    }
    if (period) *period = rules_period(gen, code);
    return gen;
}

const char *api_period_field(const cJSON *period, const char *name)
{
    return json_text(period, name);
}
