/* evaluation.h — evaluating units and people from stored facts, keeping the results, and
 * reading them back. */
#ifndef THIDUA_DOMAIN_EVALUATION_H
#define THIDUA_DOMAIN_EVALUATION_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "rules/rules.h"
#include "store/store.h"

/* Why evaluation_of_unit failed: the rules (a rule's error, an unknown period or unit), or
 * the store (nothing can be decided then: the caller's transaction must roll back). */
enum { EVALUATION_RULES_FAILED = -1, EVALUATION_STORE_FAILED = -2 };

/* Evaluates a unit and its members for a period, as JSON text (the unit first). With
 * `keep`, stores every result and ends a recorded failure of the pair (the caller holds
 * the transaction). Returns 0, or EVALUATION_RULES_FAILED / EVALUATION_STORE_FAILED with
 * err ("file:line: message" when a rule failed). */
int evaluation_of_unit(struct store *st, struct rules_generation *gen, const char *period,
                       const char *unit_code, bool keep, struct rules_results *out, char *err,
                       size_t errlen);
/* Units evaluated per process when there are many (a recompute, `thiduad eval`): few
 * processes (a fork per unit made a province's reload half again as slow), and a batch's
 * answers held at once stay small. */
#define EVALUATION_BATCH 64

/* Evaluates units codes[0..n) of a period in as few rule processes as it can (nothing
 * stored): calls[i] holds unit i's outcome (rc, results or err). 0, or
 * EVALUATION_RULES_FAILED (unknown period) / EVALUATION_STORE_FAILED with err, calls then
 * empty. Free with evaluation_units_free. */
int evaluation_of_units(struct store *st, struct rules_generation *gen, const char *period,
                        const char *const *codes, size_t n, struct rules_unit_call *calls,
                        char *err, size_t errlen);
/* evaluation_of_units, the same rule process first checking k subjects' facts
 * (rules_evaluate_units_checking): a group of submissions is checked and evaluated by one
 * process (domain/submission.c). */
int evaluation_of_units_checking(struct store *st, struct rules_generation *gen, const char *period,
                                 const char *const *codes, size_t n, struct rules_unit_call *calls,
                                 struct rules_facts_check *checks, size_t k, char *err,
                                 size_t errlen);
void evaluation_units_free(struct rules_unit_call *calls, size_t n);

/* Stores every result of a unit's evaluation (out->items[i].changed says whether each
 * differs from what was stored) and ends a recorded failure of the pair; the caller holds
 * the transaction. 0, or EVALUATION_STORE_FAILED with err (out freed). */
int evaluation_keep(struct store *st, struct rules_generation *gen, const char *period,
                    const char *unit_code, struct rules_results *out, char *err, size_t errlen);

/* One subject's evaluation from a unit's results, parsed; NULL if absent. */
cJSON *evaluation_find(const struct rules_results *results, const char *subject, const char *code);

/* Re-evaluates and stores every unit that has to be evaluated in a period (and every pair
 * marked failed), stamping the generation's hash; the caller holds the transaction. A pair
 * already marked failed on which these rules fail too stays failed (with their error); a
 * rule failing on any other pair fails the recompute (the caller rolls back).
 * Returns the number of subjects stored, or -1 with err ("PERIOD, unit CODE: why"). */
long evaluation_recompute_period(struct store *st, struct rules_generation *gen, const char *period,
                                 char *err, size_t errlen);

/* A fresh evaluation of one subject (its unit evaluated, nothing stored), for a subject
 * without a stored one. subject is "unit" or "person". NULL with err when the code or a
 * rule fails. */
cJSON *evaluation_fresh(struct store *st, struct rules_generation *gen, const char *period,
                        const char *subject, const char *code, char *err, size_t errlen);

/* The codes an evaluation holds in its "titles" or "nominations" (eligible ones), as a new
 * array. */
cJSON *evaluation_eligible_codes(const cJSON *evaluation, const char *list);

/* The stored evaluations of a period, parsed (units first), without those of pairs whose
 * evaluation failed (stale); subject "unit", "person" or NULL for both. NULL when the store
 * fails. */
cJSON *evaluation_stored_of_period(struct store *st, const char *period, const char *subject);
/* The same without each evaluation's criteria (score, titles and nominations with their
 * reasons): what lists and totals read, at a fraction of the bytes. */
cJSON *evaluation_outcomes_of_period(struct store *st, const char *period, const char *subject);

/* A stateless evaluation (nothing read or stored): a lone person (is_head says whether they
 * head a unit), or a unit with its members [{code?, is_head?, facts}], whose result then
 * carries "members". NULL with err when a rule fails. */
cJSON *evaluation_stateless(struct rules_generation *gen, const char *period, bool unit,
                            const cJSON *facts, bool is_head, const cJSON *members, char *err,
                            size_t errlen);

#endif
