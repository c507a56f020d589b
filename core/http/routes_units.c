/*
 * routes_units.c — read-only views of the organisation: units (the tree), their people
 * (today's, or a period's members), and a person's history of units. Units carry no
 * personal data and every token reads them; people are personal data, read by an admin or
 * read token, and by a unit token for its own unit's people only (domain/access.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access.h"
#include "domain/membership.h"
#include "http/call.h"
#include "store/memberships.h"
#include "store/people.h"
#include "store/units.h"
#include "util/validate.h"

static void units_list(struct api_call *call)
{
    cJSON *units = units_list_json(call->api->store);
    if (!units) {
        api_error(call, 500, "internal", "không đọc được danh sách đơn vị");
        return;
    }
    api_reply_page(call, cJSON_CreateObject(), "units", units, "code");
}

static void unit_get(struct api_call *call)
{
    const char *code = call->params[0];
    cJSON *unit = valid_code(code) ? units_get_json(call->api->store, code) : NULL;
    if (!unit) {
        api_error(call, 404, "unit_not_found", "không có đơn vị nào mang mã này");
        return;
    }
    api_reply(call, 200, unit);
}

/* The people of a unit, optionally as they were in a period: ?unit=CODE&period=P lists
 * the unit's members in P (who it evaluates: domain/membership.h), even after they moved.
 * A unit token reads its own unit's people only (domain/access.h): without ?unit= it gets
 * them, and another unit's are 403. */
static void people_list(struct api_call *call)
{
    char unit[CODE_MAX_LEN + 1], period[CODE_MAX_LEN + 1];
    int found = http_query_param(call->req, "unit", unit, sizeof unit);
    int in_period = http_query_param(call->req, "period", period, sizeof period);
    const char *only = access_only_unit(&call->who);
    if (found == 0 && only) {
        snprintf(unit, sizeof unit, "%s", only);
        found = 1;
    }
    bool filtered = found != 0;
    if (found < 0 || (filtered && !(valid_code(unit) && units_exists(call->api->store, unit)))) {
        api_error(call, 404, "unit_not_found", "không có đơn vị nào mang mã này");
        return;
    }
    if (filtered && !api_may_read_unit(call, unit)) return;
    const char *day = NULL;
    if (in_period < 0) {
        api_error(call, 404, "period_not_found", "không có kỳ nào mang mã này");
        return;
    }
    if (in_period > 0) {
        if (!filtered) {
            api_error(call, 400, "unit_required",
                      "period chỉ dùng để lọc cá nhân của một đơn vị (cần thêm unit)");
            return;
        }
        const cJSON *p;
        if (!api_period_rules(call, period, &p)) return;
        day = membership_day(p);
    }
    cJSON *people = people_list_json(call->api->store, filtered ? unit : NULL, day);
    if (!people) {
        api_error(call, 500, "internal", "không đọc được danh sách cá nhân");
        return;
    }
    cJSON *body = cJSON_CreateObject();
    if (day) cJSON_AddStringToObject(body, "period", period);
    api_reply_page(call, body, "people", people, "code");
}

/* One person with their stays: [{unit_code, since, until}], oldest first. */
static void person_get(struct api_call *call)
{
    const char *code = call->params[0];
    struct store *st = call->api->store;
    char *unit = valid_code(code) ? people_unit_of(st, code) : NULL;
    if (unit && !api_may_read_person(call, NULL, NULL, code)) {
        free(unit);
        return;
    }
    cJSON *stays = unit ? memberships_of_person(st, code) : NULL;
    if (!stays) {
        api_error(call, 404, "person_not_found", "không có cá nhân nào mang mã này");
        free(unit);
        return;
    }
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "code", code);
    cJSON_AddStringToObject(body, "unit_code", unit);
    cJSON_AddItemToObject(body, "memberships", stays);
    free(unit);
    api_reply(call, 200, body);
}

const struct route routes_units[] = {
    {"GET", "/api/v1/units", ACCESS_ANY_TOKEN, units_list},
    {"GET", "/api/v1/units/{code}", ACCESS_ANY_TOKEN, unit_get},
    {"GET", "/api/v1/people", ACCESS_ANY_TOKEN, people_list},
    {"GET", "/api/v1/people/{code}", ACCESS_ANY_TOKEN, person_get},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
