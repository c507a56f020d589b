/* facts.h — fact versions (append-only), per period, subject ("unit"/"person") and code. */
#ifndef THIDUA_STORE_FACTS_H
#define THIDUA_STORE_FACTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* Appends a version submitted now; its time goes to submitted_at when non-NULL.
 * Returns the new version number, or -1. */
int facts_append(struct store *st, const char *period, const char *subject, const char *code,
                 const char *facts_json, const char *note, const char *actor, char *submitted_at,
                 size_t at_len);
/* The same, with the submission time given (a paper report typed in later). */
int facts_append_at(struct store *st, const char *period, const char *subject, const char *code,
                    const char *facts_json, const char *note, const char *actor, const char *at);
/* The latest facts (parsed) for a subject in a period, or NULL when none were submitted.
 * version/submitted_at are filled when non-NULL. */
cJSON *facts_latest(struct store *st, const char *period, const char *subject, const char *code,
                    int *version, char *submitted_at, size_t at_len);
/* First submission time of a subject's facts for a period (for lateness), or false. */
bool facts_first_submission(struct store *st, const char *period, const char *subject,
                            const char *code, char *at, size_t at_len, int *versions);
/* Every subject's latest facts of a period: [{subject, code, facts}] (one query; the
 * nomination files show the facts behind each name). NULL when the store fails. */
cJSON *facts_latest_of_period(struct store *st, const char *period);
/* Every version of a subject's facts in a period, oldest first: [{version, submitted_at,
 * submitted_by, note}] (the history a console shows; [] when none). NULL when the store
 * fails. */
cJSON *facts_versions(struct store *st, const char *period, const char *subject, const char *code);
/* Periods that have any facts stored. */
cJSON *facts_periods(struct store *st);
/* {code: note}: each subject's latest non-empty note for a period (what a unit wrote with
 * its report), subjects without one left out. NULL when the store fails. */
cJSON *facts_notes_of_period(struct store *st, const char *period, const char *subject);

#endif
