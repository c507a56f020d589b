/*
 * access.c — what each token scope may read of people (access.h has the table's law).
 *
 * A unit token reads a person when the person is its unit's: in a period, a member in that
 * period by the one rule of domain/membership.c (who belonged to the unit on the period's
 * last day), so a unit keeps reading the evaluations it made of people who moved on
 * afterwards, and the unit they moved to does not read those; without a period, a person
 * in the unit today.
 */
#include "domain/access.h"

#include <stdlib.h>
#include <string.h>

#include "domain/membership.h"
#include "store/people.h"

bool access_reads_all(const struct principal *who)
{
    return who->scope == SCOPE_ADMIN || who->scope == SCOPE_READ;
}

const char *access_only_unit(const struct principal *who)
{
    return access_reads_all(who) ? NULL : who->unit;
}

bool access_reads_unit(const struct principal *who, const char *unit)
{
    if (access_reads_all(who)) return true;
    return who->scope == SCOPE_UNIT && unit && strcmp(who->unit, unit) == 0;
}

bool access_reads_person(struct store *st, const struct principal *who,
                         struct rules_generation *gen, const char *period, const char *person)
{
    if (access_reads_all(who)) return true;
    if (who->scope != SCOPE_UNIT) return false;
    char *unit =
        period ? membership_unit_in_period(st, gen, period, person) : people_unit_of(st, person);
    bool reads = unit && strcmp(unit, who->unit) == 0;
    free(unit);
    return reads;
}
