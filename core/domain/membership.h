/* membership.h — whether a person was a member during a period. */
#ifndef THIDUA_DOMAIN_MEMBERSHIP_H
#define THIDUA_DOMAIN_MEMBERSHIP_H

#include <stdbool.h>

#include "store/store.h"
#include "util/clock.h"

/* True when the person was hired after period_end (YYYY-MM-DD): no member during the
 * period, so nothing to report or evaluate. The hiring date goes to hired_vn (dd/mm/yyyy). */
bool membership_hired_after(struct store *st, const char *person, const char *period_end,
                            char hired_vn[CLOCK_DATE_LEN]);

#endif
