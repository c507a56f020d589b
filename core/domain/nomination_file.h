/* nomination_file.h — the nomination files of a period (hồ sơ đề nghị khen thưởng): per
 * title and per deciding authority, who qualifies and why, who registered and does not
 * qualify and why, the prize of each title and each list's total. */
#ifndef THIDUA_DOMAIN_NOMINATION_FILE_H
#define THIDUA_DOMAIN_NOMINATION_FILE_H

#include <cjson/cJSON.h>

#include "domain/ruleset.h"
#include "store/store.h"

/*
 * nominations_of_period's answer ({"period", "rules_hash", "lists", "groups"}) with:
 * - "base_salary": {"amount", "from", "source"} (null when the ruleset declares none);
 * - on each list: "prizes": [{"subject", "multiple", "amount", "source"}], "count",
 *   "total_prize" (đồng), and "registered_not_qualified": [{"subject", "code", "name",
 *   "unit_code", "reasons"}] (registered the title for the year, not eligible: the
 *   evaluation's reasons, or that none was made);
 * - on each entry: "facts" (the latest reported, {name: value}), "criteria" (each
 *   {id, title, passed, points, reason}), "registered" (bool), "prize" (đồng, or null);
 * - on each group: "count", "total_prize"; at the top "total_prize".
 * Units that do not exist on the period's last day are left out; with only_unit (a unit
 * token's view: names, facts and reasons are personal data) only that unit and its members
 * in the period, its registrations included. NULL when no ruleset declares the period or
 * the store fails.
 */
cJSON *nomination_file(struct store *st, const struct ruleset *rs, const char *period,
                       const char *only_unit);

/* The file as CSV (UTF-8 with a BOM; cells starting with = + - @ neutralised with a
 * leading '): one row per entry and per registered-but-not-qualified subject, then a
 * total row per list. malloc'd text. */
char *nomination_file_csv(const cJSON *file);

#endif
