/*
 * routes_versions.c — what a unit sent, read back: the latest version of a unit's report or
 * of one person's facts in a period (facts, note, who and when) and every version before it
 * (who submitted each and when), so a form can be pre-filled and its history shown. The
 * same readers as the evaluations: a unit token reads its own unit's report and its
 * members' facts in that period (domain/access.h).
 *
 * 200 {"period", "subject", "code", "version", "submitted_at", "facts", "note",
 *      "versions": [{version, submitted_at, submitted_by, note}]}; version 0 with
 * facts {} when nothing was sent yet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/call.h"
#include "store/facts.h"
#include "store/people.h"
#include "store/units.h"
#include "util/validate.h"

#define AT_LEN 40

static void reply_versions(struct api_call *call, const char *period, const char *subject,
                           const char *code)
{
    struct store *st = call->api->store;
    int version = 0;
    char at[AT_LEN] = "";
    cJSON *facts = facts_latest(st, period, subject, code, &version, at, sizeof at);
    cJSON *versions = facts_versions(st, period, subject, code);
    if (!versions) {
        cJSON_Delete(facts);
        api_error(call, 500, "internal", "cannot read the versions");
        return;
    }
    const char *note = "";
    cJSON *last = cJSON_GetArrayItem(versions, cJSON_GetArraySize(versions) - 1);
    if (last) note = cJSON_GetObjectItemCaseSensitive(last, "note")->valuestring;
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", period);
    cJSON_AddStringToObject(out, "subject", subject);
    cJSON_AddStringToObject(out, "code", code);
    cJSON_AddNumberToObject(out, "version", version);
    if (at[0])
        cJSON_AddStringToObject(out, "submitted_at", at);
    else
        cJSON_AddNullToObject(out, "submitted_at");
    cJSON_AddItemToObject(out, "facts", facts ? facts : cJSON_CreateObject());
    cJSON_AddStringToObject(out, "note", note);
    cJSON_AddItemToObject(out, "versions", versions);
    api_reply(call, 200, out);
}

static void unit_report_get(struct api_call *call)
{
    const char *period = call->params[0], *code = call->params[1];
    if (!api_period_rules(call, period, NULL)) return;
    if (!valid_code(code) || !units_exists(call->api->store, code)) {
        api_error(call, 404, "unit_not_found", "no unit has this code");
        return;
    }
    if (api_may_read_unit(call, code)) reply_versions(call, period, "unit", code);
}

static void person_facts_get(struct api_call *call)
{
    const char *period = call->params[0], *code = call->params[1];
    struct rules_generation *gen = api_period_rules(call, period, NULL);
    if (!gen) return;
    char *unit = valid_code(code) ? people_unit_of(call->api->store, code) : NULL;
    if (!unit) {
        api_error(call, 404, "person_not_found", "no person has this code");
        return;
    }
    free(unit);
    if (api_may_read_person(call, gen, period, code)) reply_versions(call, period, "person", code);
}

const struct route routes_versions[] = {
    {"GET", "/api/v1/periods/{period}/units/{code}/report", ACCESS_ANY_TOKEN, unit_report_get},
    {"GET", "/api/v1/periods/{period}/people/{code}/facts", ACCESS_ANY_TOKEN, person_facts_get},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
