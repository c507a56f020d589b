/* buffer.h — a growable byte buffer, always NUL-terminated, that remembers a failed
 * allocation instead of reporting each one: write everything, check `failed` once. */
#ifndef THIDUA_UTIL_BUFFER_H
#define THIDUA_UTIL_BUFFER_H

#include <stdbool.h>
#include <stddef.h>

struct buffer {
    char *data; /* NUL-terminated once anything was written */
    size_t len, cap;
    bool failed; /* an allocation failed: the content is incomplete */
};

/* Makes room for at least `extra` more bytes (and the NUL). */
void buffer_reserve(struct buffer *b, size_t extra);
void buffer_put(struct buffer *b, const char *bytes, size_t n);
void buffer_puts(struct buffer *b, const char *text);
void buffer_putc(struct buffer *b, char c);
/* Hands the data over (malloc'd, NULL if failed) and leaves the buffer empty. */
char *buffer_take(struct buffer *b);
void buffer_free(struct buffer *b);

#endif
