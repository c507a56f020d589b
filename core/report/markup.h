/* markup.h — writing HTML and SVG into a buffer: formatted text and escaped text. */
#ifndef THIDUA_REPORT_MARKUP_H
#define THIDUA_REPORT_MARKUP_H

#include "util/buffer.h"

/* printf into the buffer (at most 1 KiB per call: markup, not content). */
void markup_printf(struct buffer *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text with &, <, >, " escaped; line feeds become <br> when `lines`. */
void markup_text(struct buffer *b, const char *text, bool lines);
/* A number as printf's "%.<digits>g" writes it; a whole number (the usual cell: points, a
 * count) without going through printf. */
void markup_number(struct buffer *b, double v, int digits);
/* A whole number with dots between thousands, as Vietnamese writes amounts: 2.340.000. */
void markup_amount(struct buffer *b, double amount);

#endif
