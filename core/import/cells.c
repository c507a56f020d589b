/*
 * cells.c — reading a cell the way a clerk's spreadsheet wrote it. Dates: ISO or the
 * dd/mm/yyyy of Vietnamese offices (day first, always), with the two mistakes Excel makes
 * named for what they are: a date cell exported as its serial number (days since
 * 1899-12-30, 45657 for 31/12/2024) and a day that does not exist. Booleans and subjects:
 * one spelling for every file, compared unaccented and in lower case (header_key). Phones:
 * a number Excel stored as a number has lost its leading 0.
 */
#include "import/cells.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/headers.h"
#include "util/validate.h"

#define YEAR_FIRST 1900
#define YEAR_LAST  2200
/* Excel serials taken for a date: 1927-05-18 .. 2099-12-31 (a smaller number in a date
 * column is more likely a year or a typo than a date). */
#define SERIAL_LOW  10000
#define SERIAL_HIGH 73050
/* Excel's day 0 is 1899-12-30 (its serials count 1900 as a leap year), 25569 days before
 * 1970-01-01. */
#define SERIAL_EPOCH_1970 25569

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && leap(y));
}

/* The civil date `days` after 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian). */
static void civil_from_days(long days, int *y, int *m, int *d)
{
    days += 719468;
    long era = (days >= 0 ? days : days - 146096) / 146097;
    long doe = days - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool all_digits(const char *s, size_t n)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/* Splits "a?b?c" (one separator among - / ., the same twice) into its three numbers and
 * their lengths; false when text is not that. */
static bool three_numbers(const char *text, long part[3], size_t len[3])
{
    const char *at = text;
    char sep = 0;
    for (int i = 0; i < 3; i++) {
        size_t n = strspn(at, "0123456789");
        if (n == 0 || n > 4) return false;
        part[i] = strtol(at, NULL, 10);
        len[i] = n;
        at += n;
        if (i == 2) break;
        if (!strchr("-/.", *at) || !*at || (sep && *at != sep)) return false;
        sep = *at++;
    }
    return *at == '\0';
}

static bool excel_serial(const char *text, char *why, size_t whylen)
{
    size_t n = strlen(text);
    if (!all_digits(text, n) || n > 5) return false;
    long serial = strtol(text, NULL, 10);
    if (serial < SERIAL_LOW || serial > SERIAL_HIGH) return false;
    int y, m, d;
    civil_from_days(serial - SERIAL_EPOCH_1970, &y, &m, &d);
    snprintf(why, whylen,
             "\"%s\" là số ngày kiểu Excel, không phải ngày (có lẽ là %02d/%02d/%04d): hãy "
             "định dạng cột là Ngày (dd/mm/yyyy) hoặc Văn bản rồi lưu lại tệp",
             text, d, m, y);
    return true;
}

bool cell_date(const char *text, char iso[CELL_DATE_LEN], char *why, size_t whylen)
{
    long part[3];
    size_t len[3];
    if (excel_serial(text, why, whylen)) return false;
    bool year_first = three_numbers(text, part, len) && len[0] == 4 && len[1] <= 2 && len[2] <= 2;
    bool year_last =
        !year_first && three_numbers(text, part, len) && len[2] == 4 && len[0] <= 2 && len[1] <= 2;
    if (!year_first && !year_last) {
        snprintf(why, whylen, "\"%s\" không phải ngày (viết dd/mm/yyyy hoặc yyyy-mm-dd)", text);
        return false;
    }
    int y = (int)(year_first ? part[0] : part[2]), m = (int)part[1];
    int d = (int)(year_first ? part[2] : part[0]);
    if (y < YEAR_FIRST || y > YEAR_LAST) {
        snprintf(why, whylen, "\"%s\": năm %d nằm ngoài %d..%d", text, y, YEAR_FIRST, YEAR_LAST);
        return false;
    }
    if (m < 1 || m > 12) {
        snprintf(why, whylen,
                 "\"%s\": không có tháng %d (ngày viết dd/mm/yyyy: ngày trước, tháng sau)", text,
                 m);
        return false;
    }
    if (d < 1 || d > days_in_month(y, m)) {
        snprintf(why, whylen, "\"%s\": không có ngày này, tháng %d năm %d chỉ có %d ngày", text, m,
                 y, days_in_month(y, m));
        return false;
    }
    char full[32]; /* room for any int, though y, m and d are checked */
    snprintf(full, sizeof full, "%04d-%02d-%02d", y, m, d);
    snprintf(iso, CELL_DATE_LEN, "%.10s", full);
    return valid_date(iso);
}

int cell_bool(const char *text)
{
    static const char *const yes[] = {"1", "x", "co", "true"};
    static const char *const no[] = {"0", "khong", "false"};
    char *key = header_key(text);
    int value = -1;
    for (size_t i = 0; key && value < 0 && i < sizeof yes / sizeof yes[0]; i++)
        if (strcmp(key, yes[i]) == 0) value = 1;
    for (size_t i = 0; key && value < 0 && i < sizeof no / sizeof no[0]; i++)
        if (strcmp(key, no[i]) == 0) value = 0;
    free(key);
    return value;
}

const char *cell_subject(const char *text)
{
    char *key = header_key(text);
    const char *subject = NULL;
    if (key && (strcmp(key, "unit") == 0 || strcmp(key, "don_vi") == 0)) subject = "unit";
    if (key && (strcmp(key, "person") == 0 || strcmp(key, "ca_nhan") == 0)) subject = "person";
    free(key);
    return subject;
}

bool cell_phone_lost_zero(const char *text, char *fixed, size_t len)
{
    char digits[16];
    size_t n = 0;
    for (const char *c = text; *c; c++) {
        if (*c >= '0' && *c <= '9' && n + 1 < sizeof digits)
            digits[n++] = *c;
        else if (*c != ' ' && *c != '.' && *c != '-')
            return false;
    }
    digits[n] = '\0';
    bool mobile = n == 9 && strchr("35789", digits[0]);
    bool landline = n == 10 && digits[0] == '2';
    if (!mobile && !landline) return false;
    char e164[24];
    snprintf(fixed, len, "0%s", digits);
    return phone_to_e164(fixed, e164, sizeof e164);
}
