/* ruleset_diff.h — what a ruleset about to be loaded would change in the stored
 * evaluations (score, titles, nominations), computed without writing anything. */
#ifndef THIDUA_DOMAIN_RULESET_DIFF_H
#define THIDUA_DOMAIN_RULESET_DIFF_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "domain/ruleset.h"
#include "store/store.h"

/* Evaluates every (period, unit) of an open period with a stored evaluation with the rules
 * of `next` for its year (a period no year of `next` declares is skipped), from the stored
 * facts and members, and compares each subject with its stored evaluation. Returns
 *   {"periods": [codes compared], "compared": n, "changed": n, "new": n,
 *    "changes": [{period, subject, code, name, score_before (null when nothing is stored),
 *                 score_after, titles_gained: [], titles_lost: [], nominations_gained: [],
 *                 nominations_lost: [], text}]}
 * where text is one line such as "2025-H1 unit PKHTC: điểm 92 → 95; danh hiệu +TTLDXS".
 * NULL with err when the store or a rule fails. Nothing is written. */
cJSON *ruleset_diff(struct store *st, const struct ruleset *next, char *err, size_t errlen);

#endif
