/*
 * registration.h — registration of emulation targets (đăng ký thi đua): the titles a unit
 * and its people aim for in a campaign year, registered by the ruleset's registration_due,
 * and how they compare with what the period's evaluations achieved.
 */
#ifndef THIDUA_DOMAIN_REGISTRATION_H
#define THIDUA_DOMAIN_REGISTRATION_H

#include <cjson/cJSON.h>

#include "domain/ruleset.h"
#include "store/store.h"

/*
 * Registered against achieved, for a period (its campaign year's registrations, the period's
 * stored evaluations):
 *
 * {"period", "year", "registration_due", "effective_due",
 *  "units": [{"code", "name", "registered": bool, "registered_at" (or null), "late": bool,
 *             "registered_titles": [code...], "achieved_titles": [code...],
 *             "met": [code...], "missed": [{"title", "reasons": [...]}],
 *             "people": [{"code", "name", "registered_titles", "achieved_titles", "met",
 *                         "missed"}]}],
 *  "totals": {"units_registered", "units_late", "units_missing",
 *             "by_title": [{"title", "name", "subject", "registered", "achieved",
 *                           "registered_and_achieved"}]}}
 *
 * Every unit expected to report in the period is listed (registered or not); people appear
 * under the unit they belong to in the period when they registered a title or achieved one.
 * "missed" is a registered title not achieved, with the evaluation's reasons. NULL when the
 * period belongs to no ruleset in service or the store fails.
 */
cJSON *registration_summary(struct store *st, const struct ruleset *rs, const char *period);

#endif
