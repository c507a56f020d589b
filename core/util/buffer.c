/* buffer.c — the growable buffer of buffer.h: capacity doubles, so n bytes written one
 * piece at a time cost O(n). */
#include "util/buffer.h"

#include <stdlib.h>
#include <string.h>

#define BUFFER_MIN_CAPACITY 256

void buffer_grow(struct buffer *b, size_t extra)
{
    if (b->failed || b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : BUFFER_MIN_CAPACITY;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *grown = realloc(b->data, cap);
    if (!grown) {
        b->failed = true;
        return;
    }
    b->data = grown;
    b->cap = cap;
}

char *buffer_take(struct buffer *b)
{
    char *data = b->failed ? NULL : b->data;
    if (b->failed) free(b->data);
    if (data == NULL && !b->failed) data = calloc(1, 1);
    memset(b, 0, sizeof *b);
    return data;
}

void buffer_free(struct buffer *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
