/* evaluation.h — evaluating units and people from stored facts, and keeping the results. */
#ifndef THIDUA_EVALUATION_H
#define THIDUA_EVALUATION_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "rules.h"
#include "store.h"

/* Evaluates a unit and its members for a period, as JSON text (the unit first). With
 * `keep`, stores every result (the caller holds the transaction). Returns 0, or -1 with
 * err ("file:line: message" when a rule failed). */
int evaluation_of_unit(struct store *st, struct rules_generation *gen, const char *period,
                       const char *unit_code, bool keep, struct rules_results *out, char *err,
                       size_t errlen);
/* One subject's evaluation from a unit's results, parsed; NULL if absent. */
cJSON *evaluation_find(const struct rules_results *results, const char *subject, const char *code);

/* Re-evaluates every unit that has to be evaluated in every period with facts (or in one
 * period), all in one transaction, stamping the generation's hash.
 * Returns the number of subjects stored, or -1 with err. */
long evaluation_recompute(struct store *st, struct rules_generation *gen, const char *period,
                          char *err, size_t errlen);

/* A fresh evaluation of one subject (its unit evaluated, nothing stored), for a subject
 * without a stored one. subject is "unit" or "person". NULL with err when the code or a
 * rule fails. */
cJSON *evaluation_fresh(struct store *st, struct rules_generation *gen, const char *period,
                        const char *subject, const char *code, char *err, size_t errlen);

#endif
