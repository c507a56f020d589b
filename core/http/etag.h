/*
 * http/etag.h — conditional GETs for every route in one place: a strong ETag (a hash of
 * the body), Cache-Control, and 304 Not Modified when the client's If-None-Match names the
 * body it already has. The router applies it to every GET answered 200 (HEAD included).
 */
#ifndef THIDUA_HTTP_ETAG_H
#define THIDUA_HTTP_ETAG_H

#include "http/server.h"

/* What every GET answered 200 carries: `private` (the answer depends on the token) and
 * `no-cache` (a client may keep it, but asks again with If-None-Match before using it). */
#define HTTP_CACHE_CONTROL "private, no-cache"

/* For a GET (or HEAD) answered 200: appends ETag and Cache-Control to resp's extra
 * headers, and when the request's If-None-Match matches the ETag (or is "*"), turns resp
 * into a 304 whose body the server does not send. Leaves any other response alone. */
void http_etag_apply(const struct http_request *req, struct http_response *resp);

/* Writes the strong entity tag of body (with its quotes, NUL-terminated) into out, which
 * has room for HTTP_ETAG_LEN bytes. */
#define HTTP_ETAG_LEN 36
void http_etag_of(const char *body, size_t len, char out[HTTP_ETAG_LEN]);

#endif
