/* calendar.h — the campaign's deadlines as iCalendar, for Outlook and Google Calendar. */
#ifndef THIDUA_DOMAIN_CALENDAR_H
#define THIDUA_DOMAIN_CALENDAR_H

#include <stddef.h>

#include "domain/ruleset.h"
#include "store/store.h"

/* Every deadline of every campaign year in service (unit NULL), or one unit's open
 * obligations: the reports it has not sent. The text (malloc'd, CRLF lines), or NULL with
 * err (an unknown unit says so). */
char *calendar_ics(struct store *st, const struct ruleset *rs, const char *unit, char *err,
                   size_t errlen);

#endif
