/*
 * api_units.c — read-only views of the organisation: units (the tree) and their people.
 */
#include <string.h>

#include "api_internal.h"
#include "csv_import.h"
#include "model.h"

void api_units_list(struct api_call *call)
{
    cJSON *units = model_units_json(call->api->store);
    if (!units) {
        api_error(call, 500, "internal", "cannot read units");
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "units", units);
    api_reply(call, 200, body);
}

void api_unit_get(struct api_call *call)
{
    const char *code = call->params[0];
    cJSON *unit = valid_code(code) ? model_unit_json(call->api->store, code) : NULL;
    if (!unit) {
        api_error(call, 404, "unit_not_found", "no unit has this code");
        return;
    }
    api_reply(call, 200, unit);
}

void api_people_list(struct api_call *call)
{
    char unit[64];
    int found = http_query_param(call->req, "unit", unit, sizeof unit);
    bool filtered = found != 0;
    if (found < 0 ||
        (filtered && !(valid_code(unit) && model_unit_exists(call->api->store, unit)))) {
        api_error(call, 404, "unit_not_found", "no unit has this code");
        return;
    }
    cJSON *people = model_people_json(call->api->store, filtered ? unit : NULL);
    if (!people) {
        api_error(call, 500, "internal", "cannot read people");
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "people", people);
    api_reply(call, 200, body);
}
