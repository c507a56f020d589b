/* api_internal.h — what the handler files (api_*.c) share with the router in api.c. */
#ifndef THIDUA_API_INTERNAL_H
#define THIDUA_API_INTERNAL_H

#include <cjson/cJSON.h>

#include "api.h"
#include "token.h"

#define API_MAX_PARAMS 4

struct api_call {
    struct api *api;
    const struct http_request *req;
    struct http_response *resp;
    struct principal who;
    const char *params[API_MAX_PARAMS]; /* the {…} segments of the route, in order */
    char param_storage[256];
};

/* Replies with a JSON value (consumed). */
void api_reply(struct api_call *call, int status, cJSON *body);
/* Replies with JSON text already serialised (malloc'd; consumed). */
void api_reply_text(struct api_call *call, int status, char *json_text);
void api_error(struct api_call *call, int status, const char *code, const char *message);
/* 422 with details: an array of {"field", "message"} (consumed). */
void api_invalid(struct api_call *call, const char *message, cJSON *details);
/* Parses the body as a JSON object; on failure replies 400/415 and returns NULL. */
cJSON *api_body_object(struct api_call *call);
/* True when the caller may write data of `unit_code`; replies 403 otherwise. */
bool api_may_write_unit(struct api_call *call, const char *unit_code);

/* Handlers. */
void api_units_list(struct api_call *call);
void api_unit_get(struct api_call *call);
void api_people_list(struct api_call *call);
void api_unit_report_put(struct api_call *call);
void api_person_facts_put(struct api_call *call);
void api_unit_evaluation_get(struct api_call *call);
void api_person_evaluation_get(struct api_call *call);
void api_status_get(struct api_call *call);
void api_ranking_get(struct api_call *call);
void api_nominations_get(struct api_call *call);
void api_evaluate_post(struct api_call *call);
void api_rules_get(struct api_call *call);
void api_reload_post(struct api_call *call);

#endif
