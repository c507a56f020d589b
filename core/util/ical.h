/*
 * ical.h — a calendar of all-day events as iCalendar text (RFC 5545) that Outlook and Google
 * Calendar import: the department's deadlines, each with a reminder 3 days before. Pure text;
 * no I/O, no clock (the caller passes the DTSTAMP).
 *
 * The calendar: BEGIN:VCALENDAR, VERSION:2.0, PRODID:-//thidua//thiduad//VI,
 * CALSCALE:GREGORIAN, METHOD:PUBLISH, X-WR-CALNAME (when a name is given),
 * X-WR-TIMEZONE:Asia/Ho_Chi_Minh, then one VEVENT per kept event: UID, DTSTAMP,
 * DTSTART;VALUE=DATE (the day), DTEND;VALUE=DATE (the next day: an all-day event's end is
 * exclusive), SUMMARY, DESCRIPTION (when given and not empty: libical refuses an empty
 * one), URL (when given), TRANSP:TRANSPARENT and a VALARM (ACTION:DISPLAY, TRIGGER:-P3D,
 * DESCRIPTION: the summary).
 *
 * Text values are escaped (\\ \; \, and \n for a newline; CRLF and a lone CR count as one
 * newline; other control characters but TAB are dropped). Every line ends in CRLF and is
 * folded at 75 octets with CRLF + one space, never inside a UTF-8 character nor inside an
 * escape.
 *
 * An event is left out of the calendar, silently, when ical_event_ok() says no: its date is
 * not a real calendar day written YYYY-MM-DD (years 1900-2200, as valid_date), its uid or
 * summary is NULL or empty, or a text (uid, summary, description) is not well-formed UTF-8.
 * Its URL alone is left out when it is empty, not UTF-8, or holds a space or a control
 * character. Callers that want to report the left-out events ask ical_event_ok() first.
 */
#ifndef THIDUA_UTIL_ICAL_H
#define THIDUA_UTIL_ICAL_H

#include <stdbool.h>
#include <stddef.h>

/* Longest content line, in octets without the CRLF (RFC 5545 3.1). */
#define ICAL_LINE_MAX 75

struct ical_event {
    const char *uid;         /* stable, e.g. "report-2025-H1-VP@thidua" */
    const char *date;        /* YYYY-MM-DD, an all-day event */
    const char *summary;     /* UTF-8, Vietnamese */
    const char *description; /* UTF-8, may be NULL or contain newlines */
    const char *url;         /* optional (NULL) */
};

/* Whether ical_calendar() keeps this event (see above). */
bool ical_event_ok(const struct ical_event *event);

/*
 * The calendar text (malloc'd, NUL-terminated), CRLF line endings. name (UTF-8) becomes
 * X-WR-CALNAME; NULL, empty or not UTF-8 leaves that line out. dtstamp_utc is
 * "YYYYMMDDTHHMMSSZ", the time the calendar is made. Returns NULL when out of memory, or
 * when dtstamp_utc is NULL or not of that form.
 */
char *ical_calendar(const char *name, const struct ical_event *events, size_t n,
                    const char *dtstamp_utc);

#endif
