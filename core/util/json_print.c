/*
 * json_print.c — cJSON values as compact JSON text, byte for byte what cJSON_PrintUnformatted
 * writes, several times faster: one growing buffer, whole numbers without a printf and its
 * read-back check, runs of plain characters copied at once. Every JSON answer, report and
 * rule process's reply is written here (a province's report is 14 MB of JSON).
 */
#include "util/json_print.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buffer.h"
#include "util/text.h"

/* Whole numbers below this are written digit by digit; %1.15g writes them the same. */
#define WHOLE_MAX 1e15

/* cJSON's compare_double: equal within the precision of the larger. */
static bool nearly_equal(double a, double b)
{
    double larger = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= larger * DBL_EPSILON;
}

/* cJSON's print_number: %1.15g, or %1.17g when that does not read back as nearly the
 * same. */
static void put_number(struct buffer *b, double d)
{
    if (isnan(d) || isinf(d)) {
        buffer_put(b, "null", 4);
        return;
    }
    if (d == floor(d) && fabs(d) < WHOLE_MAX) {
        char digits[TEXT_DECIMAL_LEN];
        buffer_puts(b, text_decimal(digits, (long long)d));
        return;
    }
    char text[32];
    double back = 0;
    int n = snprintf(text, sizeof text, "%1.15g", d);
    if (sscanf(text, "%lg", &back) != 1 || !nearly_equal(back, d))
        n = snprintf(text, sizeof text, "%1.17g", d);
    buffer_put(b, text, (size_t)n);
}

/* cJSON's print_string: the short escapes, \u00XX for the other control characters, every
 * other byte as it is. */
static void put_string(struct buffer *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    buffer_putc(b, '"');
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        buffer_put(b, run, (size_t)(p - run));
        run = p + 1;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t len = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
            len = 6;
        }
        buffer_put(b, esc, len);
    }
    buffer_put(b, run, strlen(run));
    buffer_putc(b, '"');
}

static void put_value(struct buffer *b, const cJSON *item)
{
    switch (item->type & 0xFF) {
    case cJSON_NULL: buffer_put(b, "null", 4); break;
    case cJSON_False: buffer_put(b, "false", 5); break;
    case cJSON_True: buffer_put(b, "true", 4); break;
    case cJSON_Number: put_number(b, item->valuedouble); break;
    case cJSON_String: put_string(b, item->valuestring ? item->valuestring : ""); break;
    case cJSON_Raw:
        if (item->valuestring) buffer_puts(b, item->valuestring);
        break;
    case cJSON_Array:
    case cJSON_Object: {
        bool object = (item->type & 0xFF) == cJSON_Object;
        buffer_putc(b, object ? '{' : '[');
        for (const cJSON *child = item->child; child; child = child->next) {
            if (child != item->child) buffer_putc(b, ',');
            if (object) {
                put_string(b, child->string ? child->string : "");
                buffer_putc(b, ':');
            }
            put_value(b, child);
        }
        buffer_putc(b, object ? '}' : ']');
        break;
    }
    default: break;
    }
}

char *json_print(const cJSON *item)
{
    if (!item) return NULL;
    struct buffer b = {0};
    buffer_reserve(&b, 256);
    put_value(&b, item);
    return buffer_take(&b);
}
