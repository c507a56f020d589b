/*
 * http/response_cache.h — answers to the GETs other systems repeat most (a unit's or a
 * person's evaluation), kept in memory with their entity tag, so a repeated GET costs no
 * SQL, no JSON and no hash.
 *
 * An answer is kept for the database's data version and the rules' generation it was made
 * under (store_data_version, ruleset.generation), and only given again while both stand:
 * any commit, by this process or another (a submission, an import, a token revoked by
 * `thiduad token revoke`), or a reload makes every kept answer stale at once. The key holds
 * the request's path and query and the caller's scope (a unit token and an admin token do
 * not share answers).
 */
#ifndef THIDUA_HTTP_RESPONSE_CACHE_H
#define THIDUA_HTTP_RESPONSE_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "http/server.h"

struct response_cache;

/* A cache holding at most max_bytes of answers; NULL when out of memory. */
struct response_cache *response_cache_new(size_t max_bytes);
void response_cache_free(struct response_cache *cache);

/* What the answers depend on besides their key: the data and the rules. */
struct response_cache_stamp {
    unsigned long data_version;
    unsigned long rules_generation;
};

/* Fills resp (status 200, its type, a copy of the body, its ETag) from the answer kept for
 * key under stamp: true. False when there is none (resp untouched). */
bool response_cache_get(struct response_cache *cache, const char *key,
                        struct response_cache_stamp stamp, struct http_response *resp);

/* Keeps resp (a 200 with no extra headers) for key under stamp; its ETag is computed here
 * into resp->etag when not yet known. Answers that would not fit are not kept. */
void response_cache_put(struct response_cache *cache, const char *key,
                        struct response_cache_stamp stamp, struct http_response *resp);

#endif
