/*
 * report_notes.c — two readings the consolidated report makes of what units give it:
 * - the note a unit sends with its report, split under the headings a review uses (Kế hoạch
 *   thi đua 2025, phần III; DOMAIN.md "Reports should say": results against targets,
 *   shortcomings and their causes, lessons, next tasks, proposals), so the Office finds
 *   every unit's "Tồn tại, hạn chế" together instead of reading each note whole;
 * - how many working days late a report is, by the campaign's calendar (weekend and
 *   holidays from the ruleset), counted from the effective due date (Bộ luật Dân sự 2015,
 *   Điều 148: a deadline on a day off ends with the next working day).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/report.h"
#include "domain/report_internal.h"
#include "store/facts.h"
#include "util/json_text.h"
#include "util/text.h"

/* The headings, and the words (without diacritics, lower case) a line opening each starts
 * with. A note's text before any heading counts as results. */
static const struct note_heading {
    const char *title;
    const char *words[4];
} headings[REPORT_NOTE_HEADINGS] = {
    {"Kết quả đạt được", {"ket qua", "thanh tich", NULL}},
    {"Tồn tại, hạn chế và nguyên nhân", {"ton tai", "han che", "nguyen nhan", "khuyet diem"}},
    {"Bài học kinh nghiệm", {"bai hoc", NULL}},
    {"Nhiệm vụ, giải pháp thời gian tới", {"nhiem vu", "phuong huong", "giai phap", NULL}},
    {"Đề xuất, kiến nghị", {"de xuat", "kien nghi", "de nghi", NULL}},
};

#define HEADING_LINE_MAX 80 /* bytes: a longer line without a colon is text, not a heading */

const char *report_note_heading(int i)
{
    return i >= 0 && i < REPORT_NOTE_HEADINGS ? headings[i].title : "";
}

/* Past a list mark: "1.", "2)", "II.", "-", "*", "•", "a)". */
static const char *past_list_mark(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    const char *p = s;
    while (isdigit((unsigned char)*p) || *p == 'I' || *p == 'V' || *p == 'X')
        p++;
    if (p > s && (*p == '.' || *p == ')')) s = p + 1;
    if (strncmp(s, "\xe2\x80\xa2", 3) == 0) s += 3; /* • */
    while (*s == '-' || *s == '*' || *s == '+' || *s == ' ' || *s == '\t')
        s++;
    return s;
}

/* The heading a line opens (and where its text starts), or -1. */
static int heading_of(const char *line, size_t len, const char **text)
{
    char *copy = strndup(line, len);
    char *plain = copy ? text_unaccent(past_list_mark(copy)) : NULL;
    int found = -1;
    for (char *c = plain; c && *c; c++)
        *c = (char)tolower((unsigned char)*c);
    for (int h = 0; plain && h < REPORT_NOTE_HEADINGS && found < 0; h++)
        for (int w = 0; w < 4 && headings[h].words[w] && found < 0; w++)
            if (strncmp(plain, headings[h].words[w], strlen(headings[h].words[w])) == 0) found = h;
    if (found >= 0) {
        const char *colon = memchr(line, ':', len);
        if (colon)
            *text = colon + 1;
        else if (len <= HEADING_LINE_MAX)
            *text = line + len;
        else
            found = -1;
    }
    free(plain);
    free(copy);
    return found;
}

static void append(char **dst, const char *text, size_t len)
{
    while (len && (*text == ' ' || *text == '\t'))
        text++, len--;
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\r'))
        len--;
    if (!len) return;
    size_t have = *dst ? strlen(*dst) : 0;
    char *grown = realloc(*dst, have + len + 2);
    if (!grown) return;
    if (have) grown[have++] = '\n';
    memcpy(grown + have, text, len);
    grown[have + len] = '\0';
    *dst = grown;
}

void report_split_note(const char *note, char *out[REPORT_NOTE_HEADINGS])
{
    for (int i = 0; i < REPORT_NOTE_HEADINGS; i++)
        out[i] = NULL;
    int current = 0;
    for (const char *line = note; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *text = line;
        int h = heading_of(line, len, &text);
        if (h >= 0) current = h;
        append(&out[current], text, len - (size_t)(text - line));
        line = end ? end + 1 : NULL;
    }
    for (int i = 0; i < REPORT_NOTE_HEADINGS; i++)
        if (!out[i]) out[i] = strdup("");
}

int report_add_notes(cJSON *report, struct store *st, const char *period)
{
    cJSON *notes = facts_notes_of_period(st, period, "unit");
    if (!notes) return -1;
    cJSON *sections = cJSON_AddArrayToObject(report, "notes");
    cJSON *entries[REPORT_NOTE_HEADINGS];
    for (int i = 0; i < REPORT_NOTE_HEADINGS; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "heading", headings[i].title);
        entries[i] = cJSON_AddArrayToObject(s, "entries");
        cJSON_AddItemToArray(sections, s);
    }
    const cJSON *n, *units = cJSON_GetObjectItemCaseSensitive(report, "units");
    cJSON_ArrayForEach(n, notes)
    {
        const char *name = n->string;
        const cJSON *u;
        cJSON_ArrayForEach(u, units)
        {
            if (strcmp(json_text(u, "code"), n->string) == 0) name = json_text(u, "name");
        }
        char *parts[REPORT_NOTE_HEADINGS];
        report_split_note(n->valuestring, parts);
        for (int i = 0; i < REPORT_NOTE_HEADINGS; i++) {
            if (parts[i] && parts[i][0]) {
                cJSON *e = cJSON_CreateObject();
                cJSON_AddStringToObject(e, "unit_code", n->string);
                cJSON_AddStringToObject(e, "unit_name", name);
                cJSON_AddStringToObject(e, "text", parts[i]);
                cJSON_AddItemToArray(entries[i], e);
            }
            free(parts[i]);
        }
    }
    cJSON_Delete(notes);
    return 0;
}

/* Days since 1970-01-01 of "YYYY-MM-DD" (UTC, so no zone shifts a day); -1 when malformed. */
static long day_number(const char *date)
{
    struct tm tm = {0};
    if (sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    return (long)(timegm(&tm) / 86400);
}

static bool is_holiday(const cJSON *holidays, const char *date)
{
    const cJSON *h;
    cJSON_ArrayForEach(h, holidays)
    {
        if (strcmp(date, json_text(h, "from")) >= 0 && strcmp(date, json_text(h, "to")) <= 0)
            return true;
    }
    return false;
}

int report_working_days_after(const cJSON *campaign, const char *due, const char *date)
{
    long from = day_number(due), to = day_number(date);
    if (from < 0 || to <= from) return 0;
    bool weekend[8] = {false};
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(campaign, "weekend"))
    {
        if (cJSON_IsNumber(d) && d->valueint >= 1 && d->valueint <= 7) weekend[d->valueint] = true;
    }
    const cJSON *holidays = cJSON_GetObjectItemCaseSensitive(campaign, "holidays");
    int count = 0;
    for (long day = from + 1; day <= to; day++) {
        time_t t = (time_t)day * 86400 + 43200;
        struct tm tm;
        gmtime_r(&t, &tm);
        int iso = tm.tm_wday == 0 ? 7 : tm.tm_wday;
        char text[16];
        strftime(text, sizeof text, "%Y-%m-%d", &tm);
        count += !weekend[iso] && !is_holiday(holidays, text);
    }
    return count;
}
