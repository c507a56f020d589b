/*
 * response_head.c — an answer's status line and headers, put together without printf:
 * every answer has one, and formatting it was a measurable share of a cached GET.
 */
#include <string.h>

#include "http/parse.h"
#include "http/server_internal.h"
#include "util/text.h"

size_t http_response_head(const struct http_response *resp, const char *date, bool keep_alive,
                          char *out, size_t len)
{
    char status[TEXT_DECIMAL_LEN], length[TEXT_DECIMAL_LEN];
    const char *const parts[] = {"HTTP/1.1 ",
                                 text_decimal(status, resp->status),
                                 " ",
                                 http_status_text(resp->status),
                                 "\r\nContent-Type: ",
                                 resp->content_type ? resp->content_type : HTTP_JSON_TYPE,
                                 "\r\nContent-Length: ",
                                 text_decimal(length, (long long)resp->body_len),
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
