/*
 * routes_registrations.c — registration of emulation targets (đăng ký thi đua):
 * PUT /api/v1/campaigns/{year}/units/{code}/registration stores what a unit registers for
 * itself and its people in a campaign year ({"titles": [...], "people": {code: [...]},
 * "note"}), replacing its latest registration; GET reads it back. A unit token writes and
 * reads only its own unit. The body is checked whole against the year's ruleset (the
 * domain's registration_check): any problem is one 422 listing them all, nothing stored.
 */
#include <stdio.h>
#include <string.h>

#include "domain/registration.h"
#include "http/call.h"
#include "store/registrations.h"
#include "store/units.h"
#include "util/validate.h"

#define MESSAGE_LEN 300

/* The year's rules and the unit, or NULL after replying 503/404. */
static struct rules_generation *year_and_unit(struct api_call *call)
{
    const char *year = call->params[0], *code = call->params[1];
    struct ruleset *rs = api_ruleset(call);
    if (!rs) return NULL;
    struct rules_generation *gen = strlen(year) == 4 ? ruleset_of_year(rs, year) : NULL;
    if (!gen) {
        char msg[MESSAGE_LEN];
        snprintf(msg, sizeof msg, "không có phong trào năm \"%.20s\" đang áp dụng", year);
        api_error(call, 404, "campaign_not_found", msg);
        return NULL;
    }
    if (!valid_code(code) || !units_exists(call->api->store, code)) {
        api_error(call, 404, "unit_not_found", "không có đơn vị nào mang mã này");
        return NULL;
    }
    return gen;
}

static void reply_stored(struct api_call *call, struct rules_generation *gen, const char *unit,
                         const struct registration_result *r)
{
    int version;
    cJSON *out = cJSON_CreateObject();
    cJSON_AddNumberToObject(out, "year", rules_year(gen));
    cJSON_AddStringToObject(out, "unit", unit);
    cJSON_AddStringToObject(out, "unit_code", unit);
    cJSON_AddNumberToObject(out, "version", r->version);
    cJSON_AddBoolToObject(out, "changed", r->changed);
    cJSON_AddStringToObject(out, "registered_at", r->registered_at);
    cJSON_AddBoolToObject(out, "late", r->late);
    char due[CLOCK_DATE_LEN], effective[CLOCK_DATE_LEN];
    if (registration_deadline(gen, due, effective)) {
        cJSON_AddStringToObject(out, "due", due);
        cJSON_AddStringToObject(out, "effective_due", effective);
    }
    cJSON *targets = registrations_latest(call->api->store, rules_year(gen), unit, &version);
    cJSON_AddItemToObject(out, "registration", targets ? targets : cJSON_CreateObject());
    api_reply(call, 200, out);
}

static void registration_put_route(struct api_call *call)
{
    struct rules_generation *gen = year_and_unit(call);
    const char *unit = call->params[1];
    if (!gen || !api_may_write_unit(call, unit)) return;
    cJSON *body = api_body_object(call);
    if (!body) return;
    cJSON *details = registration_check(call->api->store, gen, unit, body);
    if (!details) {
        api_error(call, 500, "storage_error", "không đọc được danh sách cá nhân");
    } else if (cJSON_GetArraySize(details) > 0) {
        api_invalid(call, "bản đăng ký có lỗi; không có gì được lưu", details);
        details = NULL;
    } else {
        struct registration_result result;
        enum store_failure failure;
        char err[MESSAGE_LEN];
        switch (registration_put(call->api->store, gen, unit, body, call->who.name, &result,
                                 &failure, err, sizeof err)) {
        case REGISTRATION_OK: reply_stored(call, gen, unit, &result); break;
        case REGISTRATION_YEAR_CLOSED: api_error(call, 409, "period_closed", err); break;
        case REGISTRATION_STORE_FAILED:
            api_store_error(call, failure == STORE_FAILURE_NONE ? STORE_FAILURE_IO : failure, err);
            break;
        }
    }
    cJSON_Delete(details);
    cJSON_Delete(body);
}

static void registration_get_route(struct api_call *call)
{
    struct rules_generation *gen = year_and_unit(call);
    const char *unit = call->params[1];
    if (!gen) return;
    if (call->who.scope == SCOPE_UNIT && strcmp(call->who.unit, unit) != 0) {
        api_error(call, 403, "forbidden",
                  "token của đơn vị chỉ đọc được bản đăng ký của chính đơn vị mình");
        return;
    }
    struct registration_result r = {0};
    cJSON *latest = registrations_latest(call->api->store, rules_year(gen), unit, &r.version);
    if (r.version <= 0) {
        cJSON_Delete(latest);
        api_error(call, 404, "not_registered", "đơn vị chưa đăng ký thi đua năm này");
        return;
    }
    cJSON_Delete(latest);
    char due[CLOCK_DATE_LEN], effective[CLOCK_DATE_LEN];
    registrations_first(call->api->store, rules_year(gen), unit, r.registered_at,
                        sizeof r.registered_at);
    r.late =
        registration_deadline(gen, due, effective) && strncmp(r.registered_at, effective, 10) > 0;
    r.changed = false;
    reply_stored(call, gen, unit, &r);
}

const struct route routes_registrations[] = {
    {"PUT", "/api/v1/campaigns/{year}/units/{code}/registration", ACCESS_ANY_TOKEN,
     registration_put_route},
    {"GET", "/api/v1/campaigns/{year}/units/{code}/registration", ACCESS_ANY_TOKEN,
     registration_get_route},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
