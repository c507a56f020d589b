/* evaluations.h — stored evaluations, one per (period, subject, code), with the hash of the
 * rules that made them. */
#ifndef THIDUA_STORE_EVALUATIONS_H
#define THIDUA_STORE_EVALUATIONS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* Stores (or replaces) an evaluation with its outline (rules/outline.c); an unchanged one
 * is not rewritten. 1 when written, 0 when it was already so, -1 on error. */
int evaluations_put(struct store *st, const char *period, const char *subject, const char *code,
                    const char *rules_hash, int score, const char *result_json,
                    const char *outline_json);
/* The stored result (malloc'd JSON text) or NULL; its rules hash is copied to hash_out. */
char *evaluations_get(struct store *st, const char *period, const char *subject, const char *code,
                      char *hash_out, size_t hash_len);
/* The stored result's "criteria" (malloc'd JSON text) or NULL. */
char *evaluations_get_criteria(struct store *st, const char *period, const char *subject,
                               const char *code);
/* How many stored evaluations of a period were made by rules other than `rules_hash`. */
long evaluations_stale(struct store *st, const char *period, const char *rules_hash);
/* Stored evaluations of a period: [{subject, code, score, result(text)}], units first;
 * subject NULL for both kinds; without_criteria leaves each result's "criteria" out. */
cJSON *evaluations_of_period(struct store *st, const char *period, const char *subject,
                             bool without_criteria);
/* Calls each(ctx, code, outline) for every stored evaluation of one subject kind in a
 * period, in code order, without holding them: outline is the JSON text of what a report
 * reads of it ({name, unit_code, score, criteria: {id: points}, titles, nominations},
 * rules/outline.c) — a report of 50,000 people reads 50,000 outlines, not 50,000 whole
 * evaluations. Stops at the first non-zero return and returns it; -1 when the store fails,
 * 0 when all were seen. */
int evaluations_each_outline(struct store *st, const char *period, const char *subject,
                             int (*each)(void *ctx, const char *code, const char *outline),
                             void *ctx);

#endif
