/*
 * reply.c — the helpers every handler answers through: JSON replies, the error shape
 * {"error": {"code", "message"[, "details"]}}, the body read as one JSON object, and the
 * checks most routes start with (the active rules, a known period, the right to write).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/call.h"
#include "util/json_text.h"
#include "util/validate.h"

#define MESSAGE_LEN 160

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

void api_detail(cJSON *details, const char *field, const char *message)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "field", field);
    cJSON_AddStringToObject(d, "message", message);
    cJSON_AddItemToArray(details, d);
}

cJSON *api_body_object(struct api_call *call)
{
    /* The body is read as JSON whatever Content-Type says: curl -d labels JSON as a form.
     * One value and nothing after it: the length includes the NUL the server puts at the
     * end, which cJSON requires to follow the value. */
    const char *end = NULL;
    /* Text that is not UTF-8 would reach the rules and come back in answers (a fact's
     * name in a 422): refused whole, before anything reads it. */
    if (!valid_utf8_n(call->req->body, call->req->body_len)) {
        api_error(call, 400, "malformed_json", "the body is not valid UTF-8");
        return NULL;
    }
    cJSON *body = cJSON_ParseWithLengthOpts(call->req->body, call->req->body_len + 1, &end, 1);
    if (!body) {
        char msg[MESSAGE_LEN];
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
    char msg[MESSAGE_LEN];
    if (call->who.scope == SCOPE_UNIT)
        snprintf(msg, sizeof msg, "this token writes only unit %s", call->who.unit);
    else
        snprintf(msg, sizeof msg, "this token is read-only");
    api_error(call, 403, "forbidden", msg);
    return false;
}

struct ruleset *api_ruleset(struct api_call *call)
{
    struct ruleset *rs = call->api->rules;
    if (ruleset_loaded(rs)) return rs;
    api_error(call, 503, "no_rules", "no ruleset is loaded; see the daemon's log");
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
                 "no campaign has a period \"%.40s\" (periods look like 2025-H1, 2025-Y)", code);
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
