/* status.h — who has reported for a period, when, and who is late. */
#ifndef THIDUA_DOMAIN_STATUS_H
#define THIDUA_DOMAIN_STATUS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "store/store.h"

/* Late when first submitted after the due date, or still missing once it has passed
 * (submitted_at NULL). `due` is the effective due date: one on a day off ends at the end of
 * the next working day (Bộ luật Dân sự 2015, Điều 148). Dates compare in local time. */
bool status_is_late(const char *submitted_at, const char *due);

/* Whether a unit's report for a period is late (its first version counts). */
bool status_report_late(struct store *st, const char *period, const char *unit_code,
                        const char *due);

/* {"period","due","effective_due","expected","submitted","late","evaluation_failed",
 * "units":[{code,name,submitted_at,versions,submitted,late,evaluation_failed,
 * evaluation_error (only when failed)}]} for every unit existing on the plan's due date;
 * lateness counts from effective_due. NULL when the store fails. */
cJSON *status_of_period(struct store *st, const char *period, const char *due,
                        const char *effective_due);

#endif
