/* unit_periods.h — the periods in which a unit exists: the only ones it reports for, is
 * evaluated in and is ranked in.
 *
 * A unit exists in a period when it exists on the period's last day (valid_from on or
 * before it, valid_to empty or on or after it): the same day that decides the period's
 * members (domain/membership.h). unit_periods.c says why. */
#ifndef THIDUA_DOMAIN_UNIT_PERIODS_H
#define THIDUA_DOMAIN_UNIT_PERIODS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

enum unit_presence {
    UNIT_PRESENT,     /* the unit exists on the period's last day */
    UNIT_ABSENT,      /* closed before it, or opened after it: `why` says which */
    UNIT_UNKNOWN,     /* no unit has the code */
    UNIT_STORE_ERROR, /* the database could not say */
};

/* Whether `unit` exists in a rules period ({code, from, to, ...}). When it does not, `why`
 * says so in Vietnamese for the clerk (dates dd/mm/yyyy). */
enum unit_presence unit_presence_in_period(struct store *st, const char *unit, const cJSON *period,
                                           char *why, size_t whylen);

/* True when `unit` exists on `day` (YYYY-MM-DD); false when it does not, is unknown or the
 * database cannot say. */
bool unit_exists_on(struct store *st, const char *unit, const char *day);

/* The unit a stored evaluation belongs to: its code for a unit, its "unit_code" (the unit
 * that evaluated the person in that period) for a person; "" when it names none. */
const char *unit_of_evaluation(const cJSON *evaluation);

/* Removes from an array of evaluations those of units that do not exist on `day` (the
 * period's last day) and of the people such a unit evaluated: a closed unit is not ranked
 * nor nominated for a period it did not reach the end of. */
void unit_periods_leave_out_absent(struct store *st, cJSON *evaluations, const char *day);

#endif
