/* clock.h — the local wall clock as the daemon writes it: ISO 8601 with the zone's offset,
 * in the time zone the configuration set (TZ). */
#ifndef THIDUA_UTIL_CLOCK_H
#define THIDUA_UTIL_CLOCK_H

#include <stddef.h>
#include <time.h>

/* Room for "YYYY-MM-DDTHH:MM:SS+07:00" and its NUL. */
#define CLOCK_ISO_LEN 40
/* Room for "YYYY-MM-DD" and its NUL. */
#define CLOCK_DATE_LEN 11

/* "YYYY-MM-DDTHH:MM:SS+07:00" for now, local time. */
void clock_now_iso(char *buf, size_t len);
/* The same for a given moment. */
void clock_iso_at(time_t at, char *buf, size_t len);
/* "dd/mm/yyyy HH:MM" from "YYYY-MM-DDTHH:MM...": a moment as people read it. */
void clock_moment_vn(const char *iso, char *out, size_t len);
/* "YYYY-MM-DDTHH:00:00+07:00": `hour` o'clock of a local date ("YYYY-MM-DD"), with the
 * offset the configured zone has on that day (a paper report's arrival). 0, or -1 for a
 * date that is not one. */
int clock_local_iso(const char *date, int hour, char *buf, size_t len);
/* A paper report or form counts from this hour of the day it arrived (its submitted_at). */
#define CLOCK_ARRIVAL_HOUR 8
/* Room for "YYYY-MM-DDTHH:MM:SS" and its NUL. */
#define CLOCK_MOMENT_LEN 20

/* "YYYY-MM-DDTHH:MM:SS", local time, `seconds` from now (the outbox's moments). */
void clock_moment(double seconds, char out[CLOCK_MOMENT_LEN]);
/* "YYYY-MM-DD" for today, local time. */
void clock_today(char out[CLOCK_DATE_LEN]);
/* "dd/mm/yyyy" from "YYYY-MM-DD...": how dates are shown to people. */
void clock_date_vn(const char *iso, char out[CLOCK_DATE_LEN]);

#endif
