/* model.h — units, people, fact versions and the audit log, as the rest of the daemon sees them. */
#ifndef THIDUA_MODEL_H
#define THIDUA_MODEL_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "store.h"

struct unit_row {
    const char *code, *name, *parent_code, *kind, *email, *phone, *valid_from, *valid_to,
        *merged_into;
};

struct person_row {
    const char *code, *full_name, *unit_code, *position, *email, *phone, *hired_on;
    bool is_head;
};

/* Inserts or updates; *changed says whether anything differed. Returns 0 or -1. */
int model_unit_upsert(struct store *st, const struct unit_row *u, bool *changed);
int model_person_upsert(struct store *st, const struct person_row *p, bool *changed);
bool model_unit_exists(struct store *st, const char *code);
bool model_person_exists(struct store *st, const char *code);
/* The unit a person belongs to (malloc'd) or NULL. */
char *model_person_unit(struct store *st, const char *code);
/* A person's hiring date (malloc'd, YYYY-MM-DD) or NULL when unknown. */
char *model_person_hired_on(struct store *st, const char *code);
/* A unit's parent code (malloc'd) or NULL. */
char *model_unit_parent(struct store *st, const char *code);
/* The person who is head of a unit (malloc'd) or NULL. */
char *model_unit_head(struct store *st, const char *unit_code);

/* JSON views (caller frees). NULL when not found. */
cJSON *model_unit_json(struct store *st, const char *code);
cJSON *model_units_json(struct store *st);
/* unit_code NULL lists everybody. */
cJSON *model_people_json(struct store *st, const char *unit_code);

/* Appends one line to the audit log: who (token name or "cli"), what, on which entity. */
int model_audit(struct store *st, const char *actor, const char *action, const char *entity,
                const char *code, const char *detail_json);

/* Fact versions (append-only). Returns the new version number, or -1. */
int model_facts_append(struct store *st, const char *period, const char *subject, const char *code,
                       const char *facts_json, const char *note, const char *actor,
                       char *submitted_at, size_t at_len);
/* The same, with the submission time given (a paper report typed in later). */
int model_facts_append_at(struct store *st, const char *period, const char *subject,
                          const char *code, const char *facts_json, const char *note,
                          const char *actor, const char *at);
/* The latest facts (parsed) for a subject in a period, or NULL when none were submitted.
 * version/submitted_at are filled when non-NULL. */
cJSON *model_facts_latest(struct store *st, const char *period, const char *subject,
                          const char *code, int *version, char *submitted_at, size_t at_len);
/* First submission time of a unit's report for a period (for lateness), or false. */
bool model_first_submission(struct store *st, const char *period, const char *subject,
                            const char *code, char *at, size_t at_len, int *versions);

/* Stored evaluations. */
int model_evaluation_put(struct store *st, const char *period, const char *subject,
                         const char *code, const char *rules_hash, int score,
                         const char *result_json);
/* The stored result (malloc'd JSON text) or NULL; its rules hash is copied to hash_out. */
char *model_evaluation_get(struct store *st, const char *period, const char *subject,
                           const char *code, char *hash_out, size_t hash_len);

#endif

/* Inputs of the rule engine, read from the store. */
/* {code,name,kind,facts} with the unit's latest facts for the period ({} if none). */
cJSON *model_unit_input(struct store *st, const char *period, const char *unit_code);
/* [{code,full_name,position,is_head,unit_code,facts}] for the unit's people hired by the
 * period's end (people hired later were not members during it). */
cJSON *model_members_input(struct store *st, const char *period, const char *unit_code,
                           const char *period_end);
/* Codes of units to evaluate for a period: those existing at some time in [from, to], and
 * any that has facts for the period. */
cJSON *model_units_to_evaluate(struct store *st, const char *period, const char *from,
                               const char *to);
/* Units expected to report (all but the department itself) existing on the due date, with
 * their name and first submission: [{code,name,submitted_at|null,versions}]. */
cJSON *model_reporting_units(struct store *st, const char *period, const char *due);
/* Stored evaluations made by rules other than `rules_hash`. */
long model_evaluations_stale(struct store *st, const char *rules_hash);
/* Periods that have any facts stored. */
cJSON *model_periods_with_facts(struct store *st);
/* Stored evaluations of a period: [{subject, code, score, result(text)}], units first. */
cJSON *model_evaluations_of_period(struct store *st, const char *period, const char *subject);
