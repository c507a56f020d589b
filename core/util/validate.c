/*
 * validate.c — the validators shared by the importers, the HTTP routes, the tokens and the
 * rules' `thidua` module. Hand-written because each is a few lines and none is a parser a
 * library would do better: codes are our own shape, dates are checked against the
 * calendar, phones against Vietnam's numbering plan (mobiles 0[35789]x, 9 digits after the
 * 0; landlines 02x, 10 digits after the 0).
 */
#include "util/validate.h"

#include <stdio.h>
#include <string.h>

#define EMAIL_MAX_LEN   254 /* RFC 5321's limit on a forward path */
#define PHONE_MAX_DIGIT 23
#define MOBILE_DIGITS   9  /* after the leading 0 */
#define LANDLINE_DIGITS 10 /* after the leading 0 */
#define YEAR_MIN        1900
#define YEAR_MAX        2200

bool valid_code(const char *code)
{
    size_t len = strlen(code);
    if (len == 0 || len > CODE_MAX_LEN) return false;
    for (const char *c = code; *c; c++) {
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_' || *c == '.'))
            return false;
    }
    return true;
}

static bool leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool valid_date(const char *text)
{
    int y, m, d;
    char tail;
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) return false;
    if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
    if (y < YEAR_MIN || y > YEAR_MAX || m < 1 || m > 12 || d < 1) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return d <= days[m - 1] + (m == 2 && leap_year(y));
}

bool valid_email(const char *text)
{
    const char *at = strchr(text, '@');
    if (!at || at == text || strchr(at + 1, '@')) return false;
    const char *dot = strrchr(at, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0') return false;
    for (const char *c = text; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == ',' || *c == ';') return false;
    return strlen(text) <= EMAIL_MAX_LEN;
}

size_t utf8_char_len(const unsigned char *s, const unsigned char *end)
{
    size_t extra;
    unsigned int cp;
    if (*s < 0x80) return 1;
    if ((*s & 0xE0) == 0xC0)
        extra = 1, cp = *s & 0x1F;
    else if ((*s & 0xF0) == 0xE0)
        extra = 2, cp = *s & 0x0F;
    else if ((*s & 0xF8) == 0xF0)
        extra = 3, cp = *s & 0x07;
    else
        return 0;
    if ((size_t)(end - s) <= extra) return 0;
    for (size_t i = 1; i <= extra; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return extra + 1;
}

bool valid_utf8_n(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text, *end = s + n;
    while (s < end) {
        if (*s < 0x80) {
            s++;
            continue;
        }
        size_t len = utf8_char_len(s, end);
        if (!len) return false;
        s += len;
    }
    return true;
}

size_t utf8_chars(const char *text, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)text[i] & 0xC0) != 0x80;
    return count;
}

size_t utf8_prefix_len(const char *text, size_t max)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = strnlen(text, max + 1);
    if (n <= max) return n;
    size_t cut = max;
    while (cut > 0 && (s[cut] & 0xC0) == 0x80) /* s[cut] continues the character before */
        cut--;
    return cut;
}

void utf8_scrub(char *text)
{
    unsigned char *s = (unsigned char *)text, *end = s + strlen(text);
    while (s < end) {
        size_t len = utf8_char_len(s, end);
        if (len) {
            s += len;
        } else {
            *s++ = '?';
        }
    }
}

bool valid_utf8(const char *text)
{
    return valid_utf8_n(text, strlen(text));
}

bool phone_to_e164(const char *text, char *out, size_t outlen)
{
    char digits[PHONE_MAX_DIGIT + 1] = "";
    size_t n = 0;
    bool plus = false;
    for (const char *c = text; *c; c++) {
        if (*c >= '0' && *c <= '9') {
            if (n >= PHONE_MAX_DIGIT) return false;
            digits[n++] = *c;
        } else if (*c == '+' && n == 0 && !plus) {
            plus = true;
        } else if (*c != ' ' && *c != '.' && *c != '-' && *c != '(' && *c != ')') {
            return false;
        }
    }
    digits[n] = '\0';
    const char *national; /* without the leading 0 or 84 */
    if (!plus && digits[0] == '0')
        national = digits + 1;
    else if (strncmp(digits, "84", 2) == 0)
        national = digits + 2;
    else
        return false;
    size_t len = strlen(national);
    bool mobile = len == MOBILE_DIGITS && strchr("35789", national[0]);
    bool landline = len == LANDLINE_DIGITS && national[0] == '2';
    if (!mobile && !landline) return false;
    snprintf(out, outlen, "+84%s", national);
    return true;
}
