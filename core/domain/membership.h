/* membership.h — who belongs to which unit in a period, and how a move is dated.
 *
 * A person is evaluated in exactly one unit per period: the unit they belonged to on the
 * period's last day (membership.c says why). A move keeps the past: the stays before it are
 * kept (store/memberships.h), so a period that ended before the move keeps its members. */
#ifndef THIDUA_DOMAIN_MEMBERSHIP_H
#define THIDUA_DOMAIN_MEMBERSHIP_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "rules/rules.h"
#include "store/people.h"
#include "store/store.h"
#include "util/clock.h"

/* The day whose membership decides a period's members: the period's last day ("to" of a
 * rules period {code, from, to, ...}). */
const char *membership_day(const cJSON *period);

/* The unit that evaluates a person in a period (malloc'd): the unit they belonged to on
 * the period's last day; their current unit when the rules do not know the period. NULL
 * when the person is unknown or was in no unit that day. */
char *membership_unit_in_period(struct store *st, struct rules_generation *gen, const char *period,
                                const char *person);

/* The rules' input for a unit's members in a period (people_members_input on the period's
 * last day). */
cJSON *membership_members_input(struct store *st, const char *period, const cJSON *p,
                                const char *unit_code);

/* True when the person was hired after period_end (YYYY-MM-DD): no member during the
 * period, so nothing to report or evaluate. The hiring date goes to hired_vn (dd/mm/yyyy). */
bool membership_hired_after(struct store *st, const char *person, const char *period_end,
                            char hired_vn[CLOCK_DATE_LEN]);

/* What writing a person row does to their stays. */
enum membership_change {
    MEMBERSHIP_NEW,      /* a new person: their first stay, since they joined */
    MEMBERSHIP_SAME,     /* same unit as today: the stay takes the row's position, headship */
    MEMBERSHIP_MOVE,     /* another unit: a move on `day` */
    MEMBERSHIP_BAD_DATE, /* a move that cannot be dated so: `why` says (Vietnamese) */
};

/* Plans the change a person row brings. A move takes effect on row->moved_on when given,
 * else on `today` (the import's date) — but never later than the day after the person's
 * unit closed (a person cannot stay in a unit that no longer exists). It must fall after
 * the start of the person's current stay. */
enum membership_change membership_plan(struct store *st, const struct person_row *row,
                                       const char *today, char day[CLOCK_DATE_LEN], char *why,
                                       size_t whylen);

/* Records the change membership_plan planned, with its day (inside the caller's
 * transaction). 0, or -1 (a store error, or a MEMBERSHIP_BAD_DATE plan). */
int membership_record(struct store *st, const struct person_row *row, enum membership_change change,
                      const char *day);

#endif
