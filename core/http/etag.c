/*
 * http/etag.c — conditional GETs (RFC 9110 8.8.3, 13.1.2, 15.4.5) for every route, so no
 * route does it on its own: the router calls http_etag_apply once a GET is answered.
 *
 * The tag is strong: the first 128 bits of the body's SHA-256 (OpenSSL), in hex. The
 * answers are deterministic (cJSON keeps the order keys were added in, and every list has
 * a stable order), so equal data gives equal bytes and an equal tag: a client that sends
 * it back in If-None-Match gets 304 with no body until something it would see changes.
 * Hashing the body, not a version counter, keeps this true for every route without
 * knowing what each one reads; the cost is one hash of what is being sent anyway.
 *
 * Must never know about routes, tokens or the database.
 */
#include "http/etag.h"

#include <stdio.h>
#include <string.h>

#include "util/sha256.h"
#include "util/text.h"

/* Bytes of the SHA-256 kept in the tag: 128 bits, so a collision between two versions of
 * one resource is out of reach, in 32 hex digits. */
#define ETAG_HASH_BYTES 16
#define WEAK_PREFIX     "W/"

void http_etag_of(const char *body, size_t len, char out[HTTP_ETAG_LEN])
{
    unsigned char hash[SHA256_BYTES];
    sha256(body ? body : "", body ? len : 0, hash);
    out[0] = '"';
    text_hex(hash, ETAG_HASH_BYTES, out + 1);
    out[1 + 2 * ETAG_HASH_BYTES] = '"';
    out[2 + 2 * ETAG_HASH_BYTES] = '\0';
}

/* True when the If-None-Match list names tag: "*", or one of its entity tags by the weak
 * comparison RFC 9110 13.1.2 asks for (a W/ prefix ignored). */
static bool none_match_names(const char *list, const char *tag)
{
    size_t tag_len = strlen(tag);
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (*p == '*') return true;
        if (strncmp(p, WEAK_PREFIX, strlen(WEAK_PREFIX)) == 0) p += strlen(WEAK_PREFIX);
        if (strncmp(p, tag, tag_len) == 0) {
            char after = p[tag_len];
            if (after == '\0' || after == ',' || after == ' ' || after == '\t') return true;
        }
        const char *comma = strchr(p, ',');
        if (!comma) break;
        p = comma + 1;
    }
    return false;
}

static void append_header(struct http_response *resp, const char *name, const char *value)
{
    size_t used = strlen(resp->extra_headers);
    const char *const parts[] = {name, ": ", value, "\r\n"};
    text_join(resp->extra_headers + used, sizeof resp->extra_headers - used, parts, 4);
}

void http_etag_apply(const struct http_request *req, struct http_response *resp)
{
    if (resp->status != 200 || resp->later || strcmp(req->method, "GET") != 0) return;
    _Static_assert(sizeof resp->etag >= HTTP_ETAG_LEN, "room for the tag");
    /* A body kept by the response cache (http/response_cache.c) comes with its tag. */
    if (!resp->etag[0]) http_etag_of(resp->body, resp->body_len, resp->etag);
    const char *tag = resp->etag;
    append_header(resp, "ETag", tag);
    append_header(resp, "Cache-Control", HTTP_CACHE_CONTROL);
    const char *if_none_match = http_request_header(req, "If-None-Match");
    /* 304 keeps the 200's Content-Length (RFC 9110 8.6 allows it) and sends no body
     * (http/connection.c); the body is freed with the response. */
    if (if_none_match && none_match_names(if_none_match, tag)) resp->status = 304;
}
