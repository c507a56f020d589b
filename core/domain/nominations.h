/* nominations.h — the title and nomination lists of a period, grouped by who decides. */
#ifndef THIDUA_DOMAIN_NOMINATIONS_H
#define THIDUA_DOMAIN_NOMINATIONS_H

#include <cjson/cJSON.h>

#include "rules/rules.h"
#include "store/store.h"

/* {"period","rules_hash","lists":[{title,name,decided_by,kind,entries:[{subject,code,name,
 * unit_code?,reasons}]}],"groups":[{decided_by,titles:[...]}]}: for every title and
 * nomination the ruleset declares, the subjects eligible in the stored evaluations. The
 * Director's lists come first, then those proposed upward, in declaration order. A unit
 * that does not exist on the period's last day is left out with its people
 * (domain/unit_periods.h). With only_unit, the entries are that unit's and its members' in
 * the period (a unit token's view: names and reasons are personal data); NULL for all.
 * NULL when the store fails. */
cJSON *nominations_of_period(struct store *st, struct rules_generation *gen, const char *period,
                             const char *only_unit);
/* The group of `decided_by` in groups ([{decided_by, <members>: []}]), added at the end
 * with an empty `members` array when absent. */
cJSON *nominations_group_of(cJSON *groups, const char *decided_by, const char *members);

/* What nominations_of_period reads from a period's stored evaluations (units that do not
 * exist on its last day left out; with only_unit, only that unit's and its members'). */
void nominations_narrow(struct store *st, struct rules_generation *gen, const char *period,
                        cJSON *evaluations, const char *only_unit);
/* The lists from evaluations already read and narrowed (not freed), for callers that read
 * them for more than the lists. */
cJSON *nominations_of_evaluations(struct rules_generation *gen, const char *period,
                                  const cJSON *evaluations);

#endif
