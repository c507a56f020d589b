/*
 * routes_units.c — read-only views of the organisation: units (the tree) and their people.
 */
#include <string.h>

#include "http/call.h"
#include "store/people.h"
#include "store/units.h"
#include "util/validate.h"

static void units_list(struct api_call *call)
{
    cJSON *units = units_list_json(call->api->store);
    if (!units) {
        api_error(call, 500, "internal", "cannot read units");
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "units", units);
    api_reply(call, 200, body);
}

static void unit_get(struct api_call *call)
{
    const char *code = call->params[0];
    cJSON *unit = valid_code(code) ? units_get_json(call->api->store, code) : NULL;
    if (!unit) {
        api_error(call, 404, "unit_not_found", "no unit has this code");
        return;
    }
    api_reply(call, 200, unit);
}

static void people_list(struct api_call *call)
{
    char unit[CODE_MAX_LEN + 1];
    int found = http_query_param(call->req, "unit", unit, sizeof unit);
    bool filtered = found != 0;
    if (found < 0 || (filtered && !(valid_code(unit) && units_exists(call->api->store, unit)))) {
        api_error(call, 404, "unit_not_found", "no unit has this code");
        return;
    }
    cJSON *people = people_list_json(call->api->store, filtered ? unit : NULL);
    if (!people) {
        api_error(call, 500, "internal", "cannot read people");
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "people", people);
    api_reply(call, 200, body);
}

const struct route routes_units[] = {
    {"GET", "/api/v1/units", ACCESS_ANY_TOKEN, units_list},
    {"GET", "/api/v1/units/{code}", ACCESS_ANY_TOKEN, unit_get},
    {"GET", "/api/v1/people", ACCESS_ANY_TOKEN, people_list},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
