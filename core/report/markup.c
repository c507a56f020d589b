/* markup.c — formatted and escaped text into a buffer, for the HTML and SVG writers. */
#include "report/markup.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/text.h"

#define MARKUP_CHUNK 1024

void markup_printf(struct buffer *b, const char *fmt, ...)
{
    char text[MARKUP_CHUNK];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n > 0) buffer_put(b, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

void markup_text(struct buffer *b, const char *s, bool lines)
{
    for (; *s; s++) {
        size_t run = strcspn(s, "&<>\"\n"); /* what needs no escaping, in one copy */
        buffer_put(b, s, run);
        s += run;
        if (!*s) break;
        switch (*s) {
        case '&': buffer_puts(b, "&amp;"); break;
        case '<': buffer_puts(b, "&lt;"); break;
        case '>': buffer_puts(b, "&gt;"); break;
        case '"': buffer_puts(b, "&quot;"); break;
        case '\n':
            if (lines) {
                buffer_puts(b, "<br>");
                break;
            }
            /* fall through */
        default: buffer_putc(b, *s);
        }
    }
}

void markup_number(struct buffer *b, double v, int digits)
{
    char text[TEXT_DECIMAL_LEN + 8];
    if (v == trunc(v) && fabs(v) < 1e15 && !(v == 0 && signbit(v))) {
        buffer_puts(b, text_decimal(text, (long long)v));
        return;
    }
    snprintf(text, sizeof text, "%.*g", digits, v);
    buffer_puts(b, text);
}

void markup_amount(struct buffer *b, double amount)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(round(amount)));
    if (amount < 0) buffer_putc(b, '-');
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) buffer_putc(b, '.');
        buffer_putc(b, digits[i]);
    }
}
