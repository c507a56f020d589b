/* memberships.h — where each person worked when: one stay per (person, unit), [since, until),
 * with the position and headship held there. A day D is in a stay when since is NULL or
 * <= D, and until is NULL or > D. A person's stays follow each other without gap or
 * overlap: a move on day D ends one at D and starts the next at D. Which day of a period
 * decides a unit's members is domain/membership.h's call. */
#ifndef THIDUA_STORE_MEMBERSHIPS_H
#define THIDUA_STORE_MEMBERSHIPS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "store/people.h"
#include "store/store.h"

/* The first stay of a new person in p->unit_code, open at both ends (since they joined;
 * still there). 0 or -1. */
int memberships_start(struct store *st, const struct person_row *p);
/* Moves a person to p->unit_code: the open stay ends at `on` (YYYY-MM-DD) and a new one
 * starts that day. The caller checks that `on` is after the open stay's start. 0 or -1. */
int memberships_move(struct store *st, const struct person_row *p, const char *on);
/* The open stay takes p's position and headship (a change within the unit). 0 or -1. */
int memberships_update_open(struct store *st, const struct person_row *p);
/* The unit a person belonged to on `day` (malloc'd), or NULL when none. */
char *memberships_unit_on(struct store *st, const char *person, const char *day);
/* The unit of the person's open stay (malloc'd), or NULL when they have none; *since gets
 * that stay's start (malloc'd, NULL when it runs since the person joined). */
char *memberships_open_unit(struct store *st, const char *person, char **since);
/* A person's stays, oldest first: [{unit_code, position, is_head, since|null, until|null}]
 * (caller frees). */
cJSON *memberships_of_person(struct store *st, const char *person);

#endif
