/*
 * http/parse.h — what the server (http/connection.c) shares with the request text layer
 * (http/request.c) and nobody else may use: the head parser and the errors it reports.
 *
 * Nothing here may mention libevent: http/request.c includes it and must build without.
 */
#ifndef THIDUA_HTTP_PARSE_H
#define THIDUA_HTTP_PARSE_H

#include <stdbool.h>

#include "http/server.h"

/* The Content-Type of a response that sets none, and of every error body. */
#define HTTP_JSON_TYPE "application/json; charset=utf-8"

/* What a request head says beyond struct http_request: how the body is framed and whether
 * the connection may stay open after the answer. */
struct http_head {
    long long content_length; /* 0 when the head names none */
    bool keep_alive;
    bool http11;         /* HTTP/1.1, not 1.0 */
    const char *problem; /* after a 400: what was wrong, for its message (a static string) */
};

/* Parses a request head in place, strictly by RFC 9112 (request.c says what is refused):
 * head is len bytes, the request line and the header lines, each ending in CRLF (the blank
 * line that ends the head already dropped), with a NUL at head[len]; a NUL inside is refused,
 * not taken for the end. The request's strings point into head. Clears req, then fills its
 * method, path, query and headers (not its body or remote), and fills *out.
 * Returns 0, or the HTTP status the request is refused with: 400 malformed or ambiguous,
 * 411 a body with a transfer coding, 431 too many headers, 505 an HTTP version other than
 * 1.0 and 1.1. After a refusal req and *out are partly filled and must not be used, but for
 * out->problem. */
int http_parse_head(char *head, size_t len, struct http_request *req, struct http_head *out);

/* The error code and message (static strings) a refusal by http_parse_head is answered
 * with, for http_response_error. */
const char *http_head_error_code(int status);
const char *http_head_error_message(int status);

#endif
