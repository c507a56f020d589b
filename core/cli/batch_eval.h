/* batch_eval.h — `thiduad eval`: evaluating many units at once, on every core. */
#ifndef THIDUA_CLI_BATCH_EVAL_H
#define THIDUA_CLI_BATCH_EVAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "rules/rules.h"

/* Evaluates each unit of `units` (codes) with its people for `period` from the database at
 * `database`, printing to `out` one line per subject, or a JSON array when `json`.
 * Large batches are split across worker processes, one per core; the output keeps the
 * order of `units`. Returns 0, or 1 if any unit failed (its error went to stderr). */
int batch_eval(const char *database, struct rules_generation *gen, const char *period,
               const cJSON *units, bool json, FILE *out);

#endif
