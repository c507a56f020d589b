/*
 * ical.c — the iCalendar writer of ical.h. Every content line is written as a run of
 * "atoms" (one ASCII byte, one UTF-8 character, or one escape such as \;) through a writer
 * that knows the current line's length: an atom that would pass ICAL_LINE_MAX octets starts a
 * continuation line (CRLF + space) first, so a fold never cuts a character or an escape.
 */
#include "util/ical.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/buffer.h"
#include "util/validate.h"

#define ICAL_DTSTAMP_LEN 16 /* YYYYMMDDTHHMMSSZ */
#define ICAL_DATE_LEN    8  /* YYYYMMDD */

struct writer {
    struct buffer out;
    size_t col; /* octets on the current physical line */
};

static void put_atom(struct writer *w, const char *bytes, size_t n)
{
    if (w->col + n > ICAL_LINE_MAX) {
        buffer_put(&w->out, "\r\n ", 3);
        w->col = 1;
    }
    buffer_put(&w->out, bytes, n);
    w->col += n;
}

/* ASCII without escaping: property names, parameters, dates, URIs' ASCII bytes. */
static void put_ascii(struct writer *w, const char *text)
{
    for (; *text; text++)
        put_atom(w, text, 1);
}

static void end_line(struct writer *w)
{
    buffer_put(&w->out, "\r\n", 2);
    w->col = 0;
}

/* Octets in the UTF-8 character that starts with lead (text already checked well-formed). */
static size_t utf8_len(unsigned char lead)
{
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    return 4;
}

/* A TEXT value (RFC 5545 3.3.11), escaped, one atom per character or escape. */
static void put_text(struct writer *w, const char *text)
{
    const char *s = text;
    while (*s) {
        unsigned char c = (unsigned char)*s;
        if (c == '\\' || c == ';' || c == ',') {
            char esc[2] = {'\\', (char)c};
            put_atom(w, esc, 2);
            s++;
        } else if (c == '\n' || c == '\r') {
            put_atom(w, "\\n", 2);
            s += (c == '\r' && s[1] == '\n') ? 2 : 1;
        } else if ((c < 0x20 && c != '\t') || c == 0x7F) {
            s++; /* no other control character is allowed in TEXT */
        } else {
            size_t n = utf8_len(c);
            put_atom(w, s, n);
            s += n;
        }
    }
}

/* A URI value: copied as is (ical_url_ok checked it), one atom per character. */
static void put_uri(struct writer *w, const char *uri)
{
    while (*uri) {
        size_t n = utf8_len((unsigned char)*uri);
        put_atom(w, uri, n);
        uri += n;
    }
}

static void text_line(struct writer *w, const char *name, const char *value)
{
    put_ascii(w, name);
    put_ascii(w, ":");
    put_text(w, value);
    end_line(w);
}

static void ascii_line(struct writer *w, const char *line)
{
    put_ascii(w, line);
    end_line(w);
}

/* ---- dates ------------------------------------------------------------------------------ */

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && leap_year(y));
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* The number written by the n digits at s (all_digits said yes). */
static int number(const char *s, size_t n)
{
    int value = 0;
    for (size_t i = 0; i < n; i++)
        value = value * 10 + (s[i] - '0');
    return value;
}

/* "YYYYMMDD" of a day (a year of 4 digits). */
static void write_date(char out[ICAL_DATE_LEN + 1], int y, int m, int d)
{
    const int parts[3][2] = {{y, 4}, {m, 2}, {d, 2}};
    char *o = out + ICAL_DATE_LEN;
    *o = '\0';
    for (int p = 2; p >= 0; p--) {
        int value = parts[p][0];
        for (int k = 0; k < parts[p][1]; k++, value /= 10)
            *--o = (char)('0' + value % 10);
    }
}

/* "YYYY-MM-DD" (valid_date said yes) as "YYYYMMDD", and the day after it. */
static void ical_dates(const char *date, char start[ICAL_DATE_LEN + 1], char end[ICAL_DATE_LEN + 1])
{
    int y = number(date, 4), m = number(date + 5, 2), d = number(date + 8, 2);
    write_date(start, y, m, d);
    if (++d > days_in_month(y, m)) {
        d = 1;
        if (++m > 12) m = 1, y++;
    }
    write_date(end, y, m, d);
}

/* YYYYMMDDTHHMMSSZ with a real day and time (a leap second allowed). */
static bool valid_dtstamp(const char *s)
{
    if (!s || strlen(s) != ICAL_DTSTAMP_LEN || s[8] != 'T' || s[15] != 'Z') return false;
    if (!all_digits(s, 8) || !all_digits(s + 9, 6)) return false;
    int y = number(s, 4), m = number(s + 4, 2), d = number(s + 6, 2);
    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return false;
    return number(s + 9, 2) < 24 && number(s + 11, 2) < 60 && number(s + 13, 2) <= 60;
}

/* ---- events ----------------------------------------------------------------------------- */

/* A time zone's name as the zone database spells it ("Asia/Ho_Chi_Minh"): nothing to escape. */
static bool valid_zone_name(const char *zone)
{
    size_t n = strlen(zone);
    if (n == 0 || n > 64) return false;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)zone[i]) || strchr("/_+-", zone[i]))) return false;
    return true;
}

static bool nonempty_utf8(const char *text)
{
    return text && *text && valid_utf8(text);
}

/* A URL kept as is: UTF-8 with no space and no control character (nothing to escape). */
static bool ical_url_ok(const char *url)
{
    if (!nonempty_utf8(url)) return false;
    for (const unsigned char *c = (const unsigned char *)url; *c; c++)
        if (*c <= ' ' || *c == 0x7F) return false;
    return true;
}

bool ical_event_ok(const struct ical_event *event)
{
    return event && event->date && valid_date(event->date) && nonempty_utf8(event->uid) &&
           nonempty_utf8(event->summary) && (!event->description || valid_utf8(event->description));
}

static void put_event(struct writer *w, const struct ical_event *e, const char *dtstamp)
{
    char start[ICAL_DATE_LEN + 1], end[ICAL_DATE_LEN + 1];
    ical_dates(e->date, start, end);
    ascii_line(w, "BEGIN:VEVENT");
    text_line(w, "UID", e->uid);
    put_ascii(w, "DTSTAMP:");
    ascii_line(w, dtstamp);
    put_ascii(w, "DTSTART;VALUE=DATE:");
    ascii_line(w, start);
    put_ascii(w, "DTEND;VALUE=DATE:");
    ascii_line(w, end);
    text_line(w, "SUMMARY", e->summary);
    if (e->description && *e->description) text_line(w, "DESCRIPTION", e->description);
    if (ical_url_ok(e->url)) {
        put_ascii(w, "URL:");
        put_uri(w, e->url);
        end_line(w);
    }
    ascii_line(w, "TRANSP:TRANSPARENT");
    ascii_line(w, "BEGIN:VALARM");
    ascii_line(w, "ACTION:DISPLAY");
    ascii_line(w, "TRIGGER:-P3D");
    text_line(w, "DESCRIPTION", e->summary);
    ascii_line(w, "END:VALARM");
    ascii_line(w, "END:VEVENT");
}

char *ical_calendar(const char *name, const struct ical_event *events, size_t n,
                    const char *dtstamp_utc)
{
    if (!valid_dtstamp(dtstamp_utc)) return NULL;
    struct writer w = {0};
    ascii_line(&w, "BEGIN:VCALENDAR");
    ascii_line(&w, "VERSION:2.0");
    ascii_line(&w, "PRODID:-//thidua//thiduad//VI");
    ascii_line(&w, "CALSCALE:GREGORIAN");
    ascii_line(&w, "METHOD:PUBLISH");
    if (nonempty_utf8(name)) text_line(&w, "X-WR-CALNAME", name);
    const char *zone = getenv("TZ"); /* the configured zone (main sets TZ) */
    put_ascii(&w, "X-WR-TIMEZONE:");
    put_ascii(&w, zone && valid_zone_name(zone) ? zone : "Asia/Ho_Chi_Minh");
    end_line(&w);
    for (size_t i = 0; i < n; i++)
        if (ical_event_ok(&events[i])) put_event(&w, &events[i], dtstamp_utc);
    ascii_line(&w, "END:VCALENDAR");
    return buffer_take(&w.out);
}
