/*
 * http.h — the HTTP/1.1 server, behind a small interface: a request in, a response out.
 * Handlers never see libevent; the server owns sockets, parsing, limits and shutdown.
 */
#ifndef THIDUA_HTTP_SERVER_H
#define THIDUA_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/config.h"

struct event_base;

#define HTTP_MAX_HEADERS 64

struct http_header {
    const char *name;
    const char *value;
};

struct http_request {
    const char *method;
    const char *path;  /* without the query string, not percent-decoded (http_path_decode) */
    const char *query; /* after '?', or "" */
    struct http_header headers[HTTP_MAX_HEADERS];
    int header_count;
    const char *body; /* NUL-terminated for convenience; body_len excludes the NUL */
    size_t body_len;
    const char *remote; /* peer address */
};

struct http_response {
    int status;
    const char *content_type; /* static string; default JSON */
    char *body;               /* malloc'd; the server frees it */
    size_t body_len;
    char extra_headers[768]; /* "Name: value\r\n" lines (the console's CSP is long) */
    void *connection;        /* the server's: which connection asked (http_response_later) */
    bool later;              /* the handler will answer through http_later_answer */
    char actor[128];         /* the token's name once authenticated, for the access log */
    char etag[40];           /* the body's entity tag once known (http/etag.c), "" before */
};

/* An answer a handler gives after it has returned (a rules reload: the client's connection
 * waits for it, the loop does not). */
struct http_later;
/* Called by a handler instead of filling resp: the request will be answered by
 * http_later_answer, on the loop. Meanwhile the connection reads nothing more and its
 * deadlines are off. NULL when out of memory (then answer resp as usual). */
struct http_later *http_response_later(struct http_response *resp);
/* Sends resp (its body taken over) to the client that has waited, if it is still there,
 * then reads its next request; frees later. */
void http_later_answer(struct http_later *later, struct http_response *resp);
/* True when the client that waits has gone (its request is no longer readable). */
bool http_later_gone(const struct http_later *later);

typedef void (*http_handler)(const struct http_request *req, struct http_response *resp, void *ctx);

struct http_server;

struct http_server *http_server_start(struct event_base *base, const char *host, int port,
                                      const struct config_limits *limits, http_handler handler,
                                      void *ctx, char *err, size_t errlen);
/* The port actually bound (useful when 0 was asked for). */
int http_server_port(const struct http_server *srv);
int http_server_connections(const struct http_server *srv);
/* Stops accepting, lets in-flight requests finish (up to limits->shutdown_grace), then calls
 * done(arg). Idle keep-alive connections are closed at once. */
void http_server_shutdown(struct http_server *srv, void (*done)(void *), void *arg);
void http_server_free(struct http_server *srv);

/* Case-insensitive header lookup; NULL if absent. */
const char *http_request_header(const struct http_request *req, const char *name);
/* The percent-decoded value of a query parameter: 1 when found, 0 when absent, -1 when it
 * does not fit in out (a caller must not read that as "absent"). */
int http_query_param(const struct http_request *req, const char *name, char *out, size_t outlen);
/* True when the path is well-formed UTF-8 and every query parameter's name and value
 * decode to well-formed UTF-8 without a NUL; otherwise why says which (in Vietnamese). */
bool http_target_clean(const struct http_request *req, char *why, size_t whylen);
/* Percent-decodes a request's path (RFC 3986 2.1) into out (outlen bytes; the decoded path
 * is never longer than raw) for route matching. NULL when it decodes cleanly; otherwise the
 * error code it is refused with (400), and why, in Vietnamese: "invalid_path" for a '%' not
 * followed by two hex digits, an encoded '/' (%2F: a segment holding a slash), a NUL or
 * another control character, or a "." or ".." segment (encoded or not: no route has one,
 * and a code never is one); "invalid_utf8" when the bytes decoded are not UTF-8. */
const char *http_path_decode(const char *raw, char *out, size_t outlen, char *why, size_t whylen);
/* Sets a JSON error body {"error":{"code","message"}}. */
void http_response_error(struct http_response *resp, int status, const char *code,
                         const char *message);
const char *http_status_text(int status);

#endif
