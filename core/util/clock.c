/*
 * clock.c — now and today in local time, and the Vietnamese way of writing a date.
 * The zone is the process's (main sets TZ from the configuration before anything runs).
 */
#include "util/clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* "YYYY-MM-DDTHH:MM:SS+07:00" of a local broken-down time (its own offset, %z). */
static void format_iso(const struct tm *local, char *buf, size_t len)
{
    char zone[8];
    strftime(buf, len, "%Y-%m-%dT%H:%M:%S", local);
    strftime(zone, sizeof zone, "%z", local);
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%.3s:%.2s", zone, zone + 3);
}

void clock_now_iso(char *buf, size_t len)
{
    clock_iso_at(time(NULL), buf, len);
}

void clock_iso_at(time_t at, char *buf, size_t len)
{
    struct tm local;
    localtime_r(&at, &local);
    format_iso(&local, buf, len);
}

void clock_moment_vn(const char *iso, char *out, size_t len)
{
    if (!iso || strlen(iso) < 16) {
        snprintf(out, len, "%s", iso ? iso : "");
        return;
    }
    snprintf(out, len, "%.2s/%.2s/%.4s %.5s", iso + 8, iso + 5, iso, iso + 11);
}

int clock_local_iso(const char *date, int hour, char *buf, size_t len)
{
    struct tm local = {.tm_hour = hour, .tm_isdst = -1};
    if (sscanf(date, "%4d-%2d-%2d", &local.tm_year, &local.tm_mon, &local.tm_mday) != 3) return -1;
    local.tm_year -= 1900;
    local.tm_mon -= 1;
    if (mktime(&local) == (time_t)-1) return -1;
    format_iso(&local, buf, len);
    return 0;
}

void clock_moment(double seconds, char out[CLOCK_MOMENT_LEN])
{
    time_t at = time(NULL) + (time_t)seconds;
    struct tm local;
    localtime_r(&at, &local);
    strftime(out, CLOCK_MOMENT_LEN, "%Y-%m-%dT%H:%M:%S", &local);
}

void clock_today(char out[CLOCK_DATE_LEN])
{
    time_t now = time(NULL);
    struct tm local;
    localtime_r(&now, &local);
    strftime(out, CLOCK_DATE_LEN, "%Y-%m-%d", &local);
}

void clock_date_vn(const char *iso, char out[CLOCK_DATE_LEN])
{
    snprintf(out, CLOCK_DATE_LEN, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
}
