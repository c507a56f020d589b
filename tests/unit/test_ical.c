/*
 * test_ical.c — unit tests for core/util/ical.c: the calendar is read back with libical (the
 * parser Evolution and others use), which must find no error (libical adds an X-LIC-ERROR
 * property for each) and give back each event's UID, SUMMARY and DESCRIPTION (unfolded and
 * unescaped, equal to the input), its URL, DTSTART and DTEND (the next day, across month and
 * year ends and February of leap and common years), TRANSP and the 3-day VALARM. The text
 * itself is checked line by line: every physical line ends in CRLF, holds at most 75 octets
 * and is well-formed UTF-8 on its own (no fold inside a character), and a fold falls before
 * an escape, never inside it. Events with an impossible date (or no uid, no summary, broken
 * UTF-8) are left out; a malformed DTSTAMP gives NULL.
 *
 * Pure text: no files, so no per-test folder.
 */
#include <check.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ical.h"
#include "util/validate.h"
#include "support.h"

static char root[256]; /* created by main() */

#define DTSTAMP "20250615T083000Z"

static const char LONG_DESCRIPTION[] =
    "Các phòng, ban và đơn vị trực thuộc gửi báo cáo sơ kết công tác thi đua, khen thưởng sáu "
    "tháng đầu năm 2025 về Văn phòng Sở trước ngày 15/7/2025; báo cáo nêu rõ kết quả thực hiện "
    "các phong trào thi đua, số tập thể và cá nhân được đề nghị khen thưởng.\n"
    "Liên hệ: Phòng Tổ chức — Cán bộ, điện thoại 0243 123 4567.\n"
    "Đường dẫn nội bộ: \\\\may-chu\\bao-cao\\2025";

static const struct ical_event EVENTS[] = {
    {"report-2025-H1-VP@thidua", "2025-07-15",
     "Hạn nộp báo cáo sáu tháng đầu năm 2025 — Văn phòng Sở", LONG_DESCRIPTION,
     "https://thidua.example.vn/bao-cao/2025-H1?don-vi=VP&ky=6-thang"},
    {"report-2025-year-SO@thidua", "2025-12-31",
     "Hạn nộp báo cáo tổng kết năm 2025; xét khen thưởng, danh hiệu \\ thi đua",
     "Dòng một\nDòng hai; có dấu phẩy, chấm phẩy\r\nDòng ba \\ hết.", NULL},
    {"leap-2024-02-28@thidua", "2024-02-28", "Ngày 28 tháng 2 năm nhuận 2024", NULL, NULL},
    {"leap-2024-02-29@thidua", "2024-02-29", "Ngày 29 tháng 2 năm nhuận 2024", "", NULL},
};
#define N_EVENTS (sizeof EVENTS / sizeof EVENTS[0])

/* DTSTART and DTEND of EVENTS, as year, month, day. */
static const int STARTS[N_EVENTS][3] = {
    {2025, 7, 15}, {2025, 12, 31}, {2024, 2, 28}, {2024, 2, 29}};
static const int ENDS[N_EVENTS][3] = {{2025, 7, 16}, {2026, 1, 1}, {2024, 2, 29}, {2024, 3, 1}};

/* ---- helpers ---------------------------------------------------------------------------- */

static char *calendar_ok(const char *name, const struct ical_event *events, size_t n)
{
    char *text = ical_calendar(name, events, n, DTSTAMP);
    ck_assert_msg(text != NULL, "ical_calendar gave NULL");
    return text;
}

/* Every physical line ends in CRLF, has at most ICAL_LINE_MAX octets and is UTF-8 on its own;
 * no CR or LF elsewhere. Returns how many lines are continuations (start with a space). */
static int check_lines(const char *text)
{
    int folded = 0, number = 1;
    const char *line = text;
    ck_assert_msg(*text != '\0', "empty calendar");
    while (*line) {
        const char *crlf = strstr(line, "\r\n");
        ck_assert_msg(crlf != NULL, "line %d does not end in CRLF", number);
        size_t len = (size_t)(crlf - line);
        ck_assert_msg(memchr(line, '\r', len) == NULL && memchr(line, '\n', len) == NULL,
                      "line %d holds a bare CR or LF", number);
        ck_assert_msg(len <= ICAL_LINE_MAX, "line %d has %zu octets: %.*s", number, len, (int)len,
                      line);
        ck_assert_msg(valid_utf8_n(line, len), "line %d splits a UTF-8 character: %.*s", number,
                      (int)len, line);
        if (*line == ' ') folded++;
        line = crlf + 2;
        number++;
    }
    return folded;
}

/* The text with every fold (CRLF + space) removed: the logical lines (malloc'd). */
static char *unfold(const char *text)
{
    char *out = malloc(strlen(text) + 1), *o = out;
    ck_assert(out != NULL);
    for (const char *s = text; *s;) {
        if (s[0] == '\r' && s[1] == '\n' && s[2] == ' ') {
            s += 3;
        } else {
            *o++ = *s++;
        }
    }
    *o = '\0';
    return out;
}

/* Whether the unfolded text has a whole logical line equal to line. */
static int has_line(const char *text, const char *line)
{
    char *logical = unfold(text);
    size_t n = strlen(line);
    int found = 0;
    for (const char *s = logical; *s && !found;) {
        const char *end = strstr(s, "\r\n");
        found = end && (size_t)(end - s) == n && memcmp(s, line, n) == 0;
        s = end ? end + 2 : s + strlen(s);
    }
    free(logical);
    return found;
}

/* X-LIC-ERROR properties in comp and all its subcomponents. */
static int count_errors(icalcomponent *comp)
{
    int n = icalcomponent_count_properties(comp, ICAL_XLICERROR_PROPERTY);
    for (icalcomponent *c = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT))
        n += count_errors(c);
    return n;
}

/* libical's reading of text: a VCALENDAR with no X-LIC-ERROR anywhere. */
static icalcomponent *parse_ok(const char *text)
{
    icalcomponent *cal = icalparser_parse_string(text);
    ck_assert_msg(cal != NULL, "libical could not parse:\n%s", text);
    ck_assert_int_eq(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    if (count_errors(cal) != 0) {
        char *dump = icalcomponent_as_ical_string_r(cal);
        ck_abort_msg("libical found errors:\n%s", dump);
    }
    return cal;
}

static const char *x_property(icalcomponent *cal, const char *name)
{
    for (icalproperty *p = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(cal, ICAL_X_PROPERTY))
        if (strcmp(icalproperty_get_x_name(p), name) == 0) return icalproperty_get_x(p);
    return NULL;
}

static void check_date(struct icaltimetype t, const int ymd[3], const char *what, size_t i)
{
    ck_assert_msg(t.is_date, "event %zu: %s is not a DATE", i, what);
    ck_assert_msg(t.year == ymd[0] && t.month == ymd[1] && t.day == ymd[2],
                  "event %zu: %s is %04d-%02d-%02d, expected %04d-%02d-%02d", i, what, t.year,
                  t.month, t.day, ymd[0], ymd[1], ymd[2]);
}

static void check_alarm(icalcomponent *ev, const struct ical_event *e)
{
    icalcomponent *alarm = icalcomponent_get_first_component(ev, ICAL_VALARM_COMPONENT);
    ck_assert(alarm != NULL);
    icalproperty *p = icalcomponent_get_first_property(alarm, ICAL_ACTION_PROPERTY);
    ck_assert(p != NULL && icalproperty_get_action(p) == ICAL_ACTION_DISPLAY);
    p = icalcomponent_get_first_property(alarm, ICAL_TRIGGER_PROPERTY);
    ck_assert(p != NULL);
    struct icaltriggertype trigger = icalproperty_get_trigger(p);
    ck_assert_int_eq(icaldurationtype_as_int(trigger.duration), -3 * 24 * 3600);
    ck_assert_str_eq(icalcomponent_get_description(alarm), e->summary);
}

/* The event as libical read it, against what was given (expected_description: unescaped). */
static void check_event(icalcomponent *ev, const struct ical_event *e,
                        const char *expected_description, size_t i)
{
    ck_assert_msg(strcmp(icalcomponent_get_uid(ev), e->uid) == 0, "event %zu: UID", i);
    ck_assert_msg(strcmp(icalcomponent_get_summary(ev), e->summary) == 0,
                  "event %zu: SUMMARY is \"%s\"", i, icalcomponent_get_summary(ev));
    if (expected_description) {
        ck_assert_str_eq(icalcomponent_get_description(ev), expected_description);
    } else {
        ck_assert(icalcomponent_get_first_property(ev, ICAL_DESCRIPTION_PROPERTY) == NULL);
    }
    icalproperty *url = icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY);
    if (e->url) {
        ck_assert(url != NULL);
        ck_assert_str_eq(icalproperty_get_url(url), e->url);
    } else {
        ck_assert(url == NULL);
    }
    icalproperty *transp = icalcomponent_get_first_property(ev, ICAL_TRANSP_PROPERTY);
    ck_assert(transp != NULL && icalproperty_get_transp(transp) == ICAL_TRANSP_TRANSPARENT);
    struct icaltimetype stamp = icalcomponent_get_dtstamp(ev);
    ck_assert(stamp.year == 2025 && stamp.month == 6 && stamp.day == 15 && stamp.hour == 8 &&
              stamp.minute == 30 && icaltime_is_utc(stamp));
    check_alarm(ev, e);
}

/* ---- tests ------------------------------------------------------------------------------ */

START_TEST(test_calendar_read_back)
{
    char *text = calendar_ok("Hạn báo cáo thi đua — Sở Nội vụ", EVENTS, N_EVENTS);
    ck_assert_int_gt(check_lines(text), 5); /* the long description and summaries fold */
    icalcomponent *cal = parse_ok(text);

    icalproperty *p = icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY);
    ck_assert(p != NULL);
    ck_assert_str_eq(icalproperty_get_version(p), "2.0");
    p = icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY);
    ck_assert(p != NULL);
    ck_assert_str_eq(icalproperty_get_prodid(p), "-//thidua//thiduad//VI");
    p = icalcomponent_get_first_property(cal, ICAL_CALSCALE_PROPERTY);
    ck_assert(p != NULL);
    ck_assert_str_eq(icalproperty_get_calscale(p), "GREGORIAN");
    p = icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY);
    ck_assert(p != NULL && icalproperty_get_method(p) == ICAL_METHOD_PUBLISH);
    ck_assert_str_eq(x_property(cal, "X-WR-CALNAME"), "Hạn báo cáo thi đua — Sở Nội vụ");
    ck_assert_str_eq(x_property(cal, "X-WR-TIMEZONE"), "Asia/Ho_Chi_Minh");

    static const char *const descriptions[N_EVENTS] = {
        LONG_DESCRIPTION, "Dòng một\nDòng hai; có dấu phẩy, chấm phẩy\nDòng ba \\ hết.", NULL,
        NULL}; /* an empty description is left out */
    ck_assert_int_eq(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), N_EVENTS);
    size_t i = 0;
    for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT); ev;
         ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT), i++) {
        check_event(ev, &EVENTS[i], descriptions[i], i);
        check_date(icalcomponent_get_dtstart(ev), STARTS[i], "DTSTART", i);
        check_date(icalcomponent_get_dtend(ev), ENDS[i], "DTEND", i);
    }
    icalcomponent_free(cal);
    free(text);
}
END_TEST

START_TEST(test_text_lines)
{
    char *text = calendar_ok("Lịch hạn", EVENTS, N_EVENTS);
    check_lines(text);
    ck_assert(strncmp(text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) == 0);
    size_t len = strlen(text);
    ck_assert(len > 15 && strcmp(text + len - 15, "END:VCALENDAR\r\n") == 0);
    ck_assert(has_line(text, "DTSTART;VALUE=DATE:20251231"));
    ck_assert(has_line(text, "DTEND;VALUE=DATE:20260101"));
    ck_assert(has_line(text, "DTEND;VALUE=DATE:20240229"));
    ck_assert(has_line(text, "DTEND;VALUE=DATE:20240301"));
    ck_assert(has_line(text, "SUMMARY:Hạn nộp báo cáo tổng kết năm 2025\\; xét khen thưởng\\, "
                             "danh hiệu \\\\ thi đua"));
    ck_assert(has_line(text, "DESCRIPTION:Dòng một\\nDòng hai\\; có dấu phẩy\\, chấm phẩy\\n"
                             "Dòng ba \\\\ hết."));
    ck_assert(has_line(text, "TRIGGER:-P3D"));
    ck_assert(has_line(text, "TRANSP:TRANSPARENT"));
    ck_assert(has_line(text, "X-WR-TIMEZONE:Asia/Ho_Chi_Minh"));
    ck_assert(has_line(text, "DTSTAMP:" DTSTAMP));
    free(text);
}
END_TEST

/* Folds at a 2-, 3- and 4-octet character and at an escape, at every offset. */
START_TEST(test_fold_boundaries)
{
    static const char *const units[] = {"đ", "ế", "😀", ";", "\n", "\\", "a"};
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        for (size_t pad = 0; pad < 4; pad++) {
            char summary[1024] = "";
            for (size_t k = 0; k < pad; k++)
                strcat(summary, "x");
            while (strlen(summary) + strlen(units[u]) < 300)
                strcat(summary, units[u]);
            struct ical_event e = {"fold@thidua", "2025-03-01", summary, summary, NULL};
            char *text = calendar_ok(NULL, &e, 1);
            ck_assert_int_ge(check_lines(text), 4);
            icalcomponent *cal = parse_ok(text);
            icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
            ck_assert(ev != NULL);
            ck_assert_str_eq(icalcomponent_get_summary(ev), summary);
            ck_assert_str_eq(icalcomponent_get_description(ev), summary);
            ck_assert(x_property(cal, "X-WR-CALNAME") == NULL);
            icalcomponent_free(cal);
            free(text);
        }
    }
}
END_TEST

/* The first physical line of SUMMARY is full to 74 octets when the escape would pass 75. */
START_TEST(test_fold_before_escape)
{
    char summary[128];
    memset(summary, 'a', 66); /* "SUMMARY:" + 66 = 74 octets */
    strcpy(summary + 66, ";b");
    struct ical_event e = {"escape@thidua", "2025-03-01", summary, NULL, NULL};
    char *text = calendar_ok("x", &e, 1);
    check_lines(text);
    char expected[128];
    snprintf(expected, sizeof expected, "\r\nSUMMARY:%.66s\r\n \\;b\r\n", summary);
    ck_assert_msg(strstr(text, expected) != NULL, "no fold before the escape:\n%s", text);
    free(text);
}
END_TEST

START_TEST(test_next_day)
{
    static const char *const cases[][2] = {{"2025-12-31", "20260101"}, {"2024-02-28", "20240229"},
                                           {"2024-02-29", "20240301"}, {"2025-02-28", "20250301"},
                                           {"2100-02-28", "21000301"}, {"2000-02-28", "20000229"},
                                           {"2025-04-30", "20250501"}, {"2025-01-31", "20250201"},
                                           {"2025-06-14", "20250615"}, {"1999-12-31", "20000101"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct ical_event e = {"day@thidua", cases[i][0], "Hạn", NULL, NULL};
        char *text = calendar_ok("x", &e, 1);
        char line[64];
        snprintf(line, sizeof line, "DTEND;VALUE=DATE:%s", cases[i][1]);
        ck_assert_msg(has_line(text, line), "%s: no %s in\n%s", cases[i][0], line, text);
        icalcomponent_free(parse_ok(text));
        free(text);
    }
}
END_TEST

START_TEST(test_invalid_events_left_out)
{
    static const char *const bad_dates[] = {"2025-02-29",  "2100-02-29", "2025-13-01", "2025-04-31",
                                            "2025-00-10",  "2025-01-00", "2025-1-01",  "20250101",
                                            "2025-01-01x", "",           "1899-12-31"};
    struct ical_event events[32];
    size_t n = 0;
    for (size_t i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++)
        events[n++] = (struct ical_event){"bad-date@thidua", bad_dates[i], "Hạn", NULL, NULL};
    events[n++] = (struct ical_event){"no-date@thidua", NULL, "Hạn", NULL, NULL};
    events[n++] = (struct ical_event){NULL, "2025-05-05", "Hạn", NULL, NULL};
    events[n++] = (struct ical_event){"", "2025-05-05", "Hạn", NULL, NULL};
    events[n++] = (struct ical_event){"no-summary@thidua", "2025-05-05", "", NULL, NULL};
    events[n++] = (struct ical_event){"bad-utf8@thidua", "2025-05-05", "H\xC3\x28n", NULL, NULL};
    events[n++] = (struct ical_event){"bad-desc@thidua", "2025-05-05", "Hạn", "\xE1\xBA", NULL};
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(!ical_event_ok(&events[i]), "event %zu accepted", i);
    events[n++] = (struct ical_event){"kept@thidua", "2025-05-05", "Hạn giữ lại", NULL,
                                      "https://x.example/a b"}; /* URL with a space: dropped */
    ck_assert(ical_event_ok(&events[n - 1]));

    char *text = calendar_ok("x", events, n);
    check_lines(text);
    icalcomponent *cal = parse_ok(text);
    ck_assert_int_eq(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 1);
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    ck_assert_str_eq(icalcomponent_get_uid(ev), "kept@thidua");
    ck_assert(icalcomponent_get_first_property(ev, ICAL_URL_PROPERTY) == NULL);
    icalcomponent_free(cal);
    free(text);
}
END_TEST

START_TEST(test_control_characters)
{
    struct ical_event e = {"ctl@thidua", "2025-05-05", "a\\b;c,d\ne\r\nf\rg\x01h\ti\x7fj", NULL,
                           NULL};
    char *text = calendar_ok("x", &e, 1);
    check_lines(text);
    ck_assert(has_line(text, "SUMMARY:a\\\\b\\;c\\,d\\ne\\nf\\ngh\tij"));
    icalcomponent *cal = parse_ok(text);
    icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    ck_assert_str_eq(icalcomponent_get_summary(ev), "a\\b;c,d\ne\nf\ngh\tij");
    icalcomponent_free(cal);
    free(text);
}
END_TEST

START_TEST(test_dtstamp_and_empty)
{
    static const char *const bad[] = {"20250615T083000",
                                      "2025-06-15T08:30:00Z",
                                      "20250230T000000Z",
                                      "20250615T250000Z",
                                      "20250615T086000Z",
                                      "20250615 083000Z",
                                      "",
                                      "20250615T083000ZZ"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(ical_calendar("x", EVENTS, N_EVENTS, bad[i]) == NULL, "%s accepted", bad[i]);
    ck_assert(ical_calendar("x", EVENTS, N_EVENTS, NULL) == NULL);

    char *text = ical_calendar(NULL, NULL, 0, "20240229T235960Z");
    ck_assert(text != NULL);
    check_lines(text);
    icalcomponent *cal = parse_ok(text);
    ck_assert_int_eq(icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT), 0);
    icalcomponent_free(cal);
    free(text);
}
END_TEST

static Suite *ical_suite(void)
{
    Suite *s = suite_create("ical");
    TCase *tc = tcase_create("calendar");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_calendar_read_back);
    tcase_add_test(tc, test_text_lines);
    tcase_add_test(tc, test_fold_boundaries);
    tcase_add_test(tc, test_fold_before_escape);
    tcase_add_test(tc, test_next_day);
    tcase_add_test(tc, test_invalid_events_left_out);
    tcase_add_test(tc, test_control_characters);
    tcase_add_test(tc, test_dtstamp_and_empty);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_main(ical_suite(), "ical", root, sizeof root);
}
