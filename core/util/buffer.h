/* buffer.h — a growable byte buffer, always NUL-terminated, that remembers a failed
 * allocation instead of reporting each one: write everything, check `failed` once. */
#ifndef THIDUA_UTIL_BUFFER_H
#define THIDUA_UTIL_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct buffer {
    char *data; /* NUL-terminated once anything was written */
    size_t len, cap;
    bool failed; /* an allocation failed: the content is incomplete */
};

/* Grows the buffer to hold `extra` more bytes and the NUL: buffer_reserve's slow path. */
void buffer_grow(struct buffer *b, size_t extra);

/* Makes room for at least `extra` more bytes (and the NUL). Inline, like the writers
 * below: JSON writers call them for every few bytes. */
static inline void buffer_reserve(struct buffer *b, size_t extra)
{
    if (!b->failed && b->len + extra + 1 > b->cap) buffer_grow(b, extra);
}

static inline void buffer_put(struct buffer *b, const char *bytes, size_t n)
{
    buffer_reserve(b, n);
    if (b->failed || !b->data) return;
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void buffer_puts(struct buffer *b, const char *text)
{
    buffer_put(b, text, strlen(text));
}

static inline void buffer_putc(struct buffer *b, char c)
{
    buffer_reserve(b, 1);
    if (b->failed || !b->data) return;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}
/* Hands the data over (malloc'd, NULL if failed) and leaves the buffer empty. */
char *buffer_take(struct buffer *b);
void buffer_free(struct buffer *b);

#endif
