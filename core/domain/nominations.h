/* nominations.h — the title and nomination lists of a period, grouped by who decides. */
#ifndef THIDUA_DOMAIN_NOMINATIONS_H
#define THIDUA_DOMAIN_NOMINATIONS_H

#include <cjson/cJSON.h>

#include "rules/rules.h"
#include "store/store.h"

/* {"period","rules_hash","lists":[{title,name,decided_by,kind,entries:[{subject,code,name,
 * unit_code?,reasons}]}],"groups":[{decided_by,titles:[...]}]}: for every title and
 * nomination the ruleset declares, the subjects eligible in the stored evaluations. The
 * Director's lists come first, then those proposed upward, in declaration order. NULL when
 * the store fails. */
cJSON *nominations_of_period(struct store *st, struct rules_generation *gen, const char *period);
/* The same from evaluations already read (evaluation_stored_of_period's answer; not freed),
 * for callers that read them for more than the lists. */
cJSON *nominations_of_evaluations(struct rules_generation *gen, const char *period,
                                  const cJSON *evaluations);

#endif
