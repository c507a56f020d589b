/* people.h — the people table: rows, JSON views, and the members the rules evaluate. */
#ifndef THIDUA_STORE_PEOPLE_H
#define THIDUA_STORE_PEOPLE_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "store/store.h"

struct person_row {
    const char *code, *full_name, *unit_code, *position, *email, *phone, *hired_on;
    bool is_head;
    /* The day a change of unit takes effect (YYYY-MM-DD), or NULL/"" for the import's
     * date: not a column of people, but of the move the row may bring (memberships). */
    const char *moved_on;
};

/* Inserts or updates; *changed says whether anything differed. Returns 0 or -1. */
int people_upsert(struct store *st, const struct person_row *p, bool *changed);
bool people_exists(struct store *st, const char *code);
/* The unit a person belongs to (malloc'd) or NULL. */
char *people_unit_of(struct store *st, const char *code);
/* A person's hiring date (malloc'd, YYYY-MM-DD) or NULL when unknown. */
char *people_hired_on(struct store *st, const char *code);

/* JSON view (caller frees): everybody (unit_code NULL); a unit's people today (day NULL);
 * or the people who belonged to the unit on `day` (YYYY-MM-DD) and were hired by then, with
 * the position and headship they held there. unit_code is always today's unit. */
cJSON *people_list_json(struct store *st, const char *unit_code, const char *day);
/* [{code,full_name,position,is_head,unit_code,facts}] for the people who belonged to the
 * unit on `day` (memberships) and were hired by then, with the position and headship they
 * held there and their latest facts of the period: the rules' input. Which day of a period counts
 * is domain/membership.h's call. */
cJSON *people_members_input(struct store *st, const char *period, const char *unit_code,
                            const char *day);

#endif
