/* units.h — the units table: rows, JSON views, and what the rules and the status read. */
#ifndef THIDUA_STORE_UNITS_H
#define THIDUA_STORE_UNITS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "store/store.h"

struct unit_row {
    const char *code, *name, *parent_code, *kind, *email, *phone, *valid_from, *valid_to,
        *merged_into;
};

/* Inserts or updates; *changed says whether anything differed. Returns 0 or -1. */
int units_upsert(struct store *st, const struct unit_row *u, bool *changed);
bool units_exists(struct store *st, const char *code);
/* A unit's parent code (malloc'd) or NULL. */
char *units_parent(struct store *st, const char *code);
/* The person who is head of a unit (malloc'd) or NULL. */
char *units_head(struct store *st, const char *unit_code);

/* JSON views (caller frees): one unit with its children, or NULL when not found; all. */
cJSON *units_get_json(struct store *st, const char *code);
cJSON *units_list_json(struct store *st);

/* {code,name,kind,facts} with the unit's latest facts for the period ({} if none): the
 * rules' input. NULL when the unit does not exist. */
cJSON *units_input_json(struct store *st, const char *period, const char *unit_code);
/* Codes of units to evaluate for a period: those existing at some time in [from, to] (the
 * domain asks for its last day: from = to, domain/unit_periods.h), and
 * any that has facts for the period: its own, or of the people who belonged to it on
 * `members_on` (domain/membership.h decides that day). */
cJSON *units_to_evaluate(struct store *st, const char *period, const char *from, const char *to,
                         const char *members_on);
/* A unit's effective dates and the unit it merged into, each "" when not set (a unit
 * without valid_from has always existed, without valid_to still exists). 1 when the unit
 * exists, 0 when no unit has the code, -1 on a database error. */
struct unit_dates {
    char valid_from[11], valid_to[11], merged_into[33];
};
int units_dates(struct store *st, const char *code, struct unit_dates *out);
/* The first day a closed unit no longer exists (valid_to + 1, malloc'd), or NULL when the
 * unit is not closed. */
char *units_day_after_closing(struct store *st, const char *code);
/* Units expected to report (all but the department itself) existing on the due date, with
 * their name and first submission: [{code,name,submitted_at|null,versions}]. */
cJSON *units_reporting(struct store *st, const char *period, const char *due);

/* What the reminder pass reads of a period: the units expected to report, each
 * {code, name, email, phone, submitted, facts (latest, {} if none), head? {code, full_name,
 * email, phone}, members [{code, full_name, has_facts = false}] (the first few of the
 * people who belonged to the unit on period_end, hired by then, who have no facts yet),
 * without_facts (how many in all)}. */
cJSON *units_obligations(struct store *st, const char *period, const char *due,
                         const char *period_end);

#endif
