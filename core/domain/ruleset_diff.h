/* ruleset_diff.h — what a ruleset about to be loaded would change in the stored
 * evaluations (score, titles, nominations), computed without writing anything. */
#ifndef THIDUA_DOMAIN_RULESET_DIFF_H
#define THIDUA_DOMAIN_RULESET_DIFF_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "rules/rules.h"
#include "store/store.h"

/* Evaluates every (period, unit) with a stored evaluation with `next`, from the stored
 * facts and members, and compares each subject with its stored evaluation. Returns
 *   {"periods": [codes compared], "compared": n, "changed": n, "new": n,
 *    "changes": [{period, subject, code, name, score_before (null when nothing is stored),
 *                 score_after, titles_gained: [], titles_lost: [], nominations_gained: [],
 *                 nominations_lost: [], text}]}
 * where text is one line such as "2025-H1 unit PKHTC: điểm 92 → 95; danh hiệu +TTLDXS".
 * NULL with err when the store or a rule fails. Nothing is written. */
cJSON *ruleset_diff(struct store *st, struct rules_generation *next, char *err, size_t errlen);

#endif
