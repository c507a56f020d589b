/*
 * response_head.c — an answer's status line and headers, put together without printf:
 * every answer has one, and formatting it was a measurable share of a cached GET.
 */
#include <string.h>

#include "http/parse.h"
#include "http/server_internal.h"

/* n in decimal, written at the end of out[24]; returns where it starts. */
static const char *decimal(char out[24], size_t n)
{
    char *p = out + 23;
    *p = '\0';
    do {
        *--p = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    return p;
}

size_t http_response_head(const struct http_response *resp, const char *date, bool keep_alive,
                          char *out, size_t len)
{
    char status[24], length[24];
    const char *const parts[] = {"HTTP/1.1 ",
                                 decimal(status, (size_t)resp->status),
                                 " ",
                                 http_status_text(resp->status),
                                 "\r\nContent-Type: ",
                                 resp->content_type ? resp->content_type : HTTP_JSON_TYPE,
                                 "\r\nContent-Length: ",
                                 decimal(length, resp->body_len),
                                 "\r\nDate: ",
                                 date,
                                 "\r\nConnection: ",
                                 keep_alive ? "keep-alive\r\n" : "close\r\n",
                                 resp->extra_headers,
                                 "\r\n"};
    size_t used = 0;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t n = strlen(parts[i]);
        if (used + n > len) n = len - used; /* never: HTTP_HEAD_MAX bounds the parts */
        memcpy(out + used, parts[i], n);
        used += n;
    }
    return used;
}
