/* membership.c — a person is a member of their unit from the day they were hired (an
 * unknown hiring date counts as always). */
#include "domain/membership.h"

#include <stdlib.h>
#include <string.h>

#include "store/people.h"

bool membership_hired_after(struct store *st, const char *person, const char *period_end,
                            char hired_vn[CLOCK_DATE_LEN])
{
    char *on = people_hired_on(st, person);
    bool after = on && strcmp(on, period_end) > 0;
    if (after) clock_date_vn(on, hired_vn);
    free(on);
    return after;
}
