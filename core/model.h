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
