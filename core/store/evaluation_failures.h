/* evaluation_failures.h — the (period, unit) pairs whose evaluation failed on their stored
 * facts, each with the rule's "file:line: message", the rules hash that failed and when. */
#ifndef THIDUA_STORE_EVALUATION_FAILURES_H
#define THIDUA_STORE_EVALUATION_FAILURES_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "store/store.h"

/* Records (or replaces) the failure of a pair, dated now. 0 or -1. */
int evaluation_failures_put(struct store *st, const char *period, const char *unit,
                            const char *error, const char *rules_hash);
/* Forgets the failure of a pair: 1 when there was one, 0 when not, -1 on error. */
int evaluation_failures_clear(struct store *st, const char *period, const char *unit);
/* The failure of a pair as {"period","unit","error","rules_hash","failed_at"}, or NULL
 * when the pair has none (or the store fails). */
cJSON *evaluation_failures_get(struct store *st, const char *period, const char *unit);
/* The failures of a period: {"UNIT": {"error","rules_hash","failed_at"}, ...}; NULL when the
 * store fails. */
cJSON *evaluation_failures_of_period(struct store *st, const char *period);
/* How many pairs have failed (rules_hash NULL), or failed with rules other than rules_hash;
 * -1 on error. */
long evaluation_failures_count(struct store *st, const char *rules_hash);

#endif
