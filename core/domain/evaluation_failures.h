/* evaluation_failures.h — a (period, unit) whose evaluation a rule made fail on its stored
 * facts: recording it, what readers are told of it, and when it is over. The facts stay
 * stored; the unit's previous evaluation (if any) stays in the store but is stale, so no
 * reader gets it as current: the evaluation routes answer with the failure, the lists
 * (ranking, nominations) leave the pair out, and the status marks it. The next evaluation
 * of the pair that succeeds (a later report, a rules reload) ends the failure. */
#ifndef THIDUA_DOMAIN_EVALUATION_FAILURES_H
#define THIDUA_DOMAIN_EVALUATION_FAILURES_H

#include <cjson/cJSON.h>

#include "rules/rules.h"
#include "store/store.h"

/* Records that gen's rules failed on the pair with `error` ("file:line: message"), inside
 * the caller's transaction, and counts it (source: "submission" or "reload"). 0 or -1. */
int evaluation_failure_record(struct store *st, struct rules_generation *gen, const char *period,
                              const char *unit, const char *error, const char *source);

/* What a reader is told instead of an evaluation: {"status": "failed", "error",
 * "failed_at", "message"} (failed_at NULL: now). */
cJSON *evaluation_failure_json(const char *error, const char *failed_at);

/* The failure of a subject's pair (a person's is that of the unit evaluating them in the
 * period, gen's) as evaluation_failure_json, with "unit" and "rules_hash"; NULL when its
 * evaluation has not failed. */
cJSON *evaluation_failure_of(struct store *st, struct rules_generation *gen, const char *period,
                             const char *subject, const char *code);

/* Removes, from a period's parsed evaluations, those of failed pairs (a unit's, and its
 * members' by their "unit_code"); failures is evaluation_failures_of_period's object. */
void evaluation_failures_leave_out(cJSON *evaluations, const cJSON *failures);

#endif
