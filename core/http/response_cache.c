/*
 * response_cache.c — kept answers (see response_cache.h): a direct-mapped table, an FNV-1a
 * hash of the key choosing the slot, each slot holding one answer. A newer answer for the
 * same slot replaces the older; a stale one (another stamp) is never given and is replaced
 * by the next put. The bytes kept stay under the cache's budget: an answer that would pass
 * it is not kept. No eviction policy beyond that: the answers worth keeping are a
 * department's few hundred units and people, read again and again.
 */
#include "http/response_cache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/etag.h"

#define SLOTS         4096
#define MAX_BODY_KEPT (256 * 1024) /* larger answers are rare and cheap to make again */

struct kept {
    char *key;
    char *body;
    size_t len;
    const char *content_type;
    char etag[HTTP_ETAG_LEN];
    struct response_cache_stamp stamp;
};

struct response_cache {
    size_t max_bytes, bytes;
    struct kept slots[SLOTS];
};

struct response_cache *response_cache_new(size_t max_bytes)
{
    struct response_cache *cache = calloc(1, sizeof *cache);
    if (cache) cache->max_bytes = max_bytes;
    return cache;
}

static void forget(struct response_cache *cache, struct kept *k)
{
    cache->bytes -= k->key ? k->len + strlen(k->key) : 0;
    free(k->key);
    free(k->body);
    memset(k, 0, sizeof *k);
}

void response_cache_free(struct response_cache *cache)
{
    if (!cache) return;
    for (size_t i = 0; i < SLOTS; i++)
        forget(cache, &cache->slots[i]);
    free(cache);
}

static struct kept *slot_of(struct response_cache *cache, const char *key)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return &cache->slots[h % SLOTS];
}

static bool same_stamp(struct response_cache_stamp a, struct response_cache_stamp b)
{
    return a.data_version == b.data_version && a.rules_generation == b.rules_generation;
}

bool response_cache_get(struct response_cache *cache, const char *key,
                        struct response_cache_stamp stamp, struct http_response *resp)
{
    if (!cache || !stamp.data_version) return false;
    struct kept *k = slot_of(cache, key);
    if (!k->key || !same_stamp(k->stamp, stamp) || strcmp(k->key, key) != 0) return false;
    char *body = malloc(k->len + 1);
    if (!body) return false;
    memcpy(body, k->body, k->len + 1);
    free(resp->body);
    resp->status = 200;
    resp->content_type = k->content_type;
    resp->body = body;
    resp->body_len = k->len;
    memcpy(resp->etag, k->etag, sizeof k->etag);
    return true;
}

void response_cache_put(struct response_cache *cache, const char *key,
                        struct response_cache_stamp stamp, struct http_response *resp)
{
    if (!cache || !stamp.data_version || resp->status != 200 || resp->extra_headers[0] ||
        !resp->body || resp->body_len > MAX_BODY_KEPT)
        return;
    struct kept *k = slot_of(cache, key);
    forget(cache, k);
    size_t key_len = strlen(key);
    if (cache->bytes + resp->body_len + key_len > cache->max_bytes) return;
    if (!resp->etag[0]) http_etag_of(resp->body, resp->body_len, resp->etag);
    k->key = malloc(key_len + 1);
    k->body = malloc(resp->body_len + 1);
    if (!k->key || !k->body) {
        free(k->key);
        free(k->body);
        memset(k, 0, sizeof *k);
        return;
    }
    memcpy(k->key, key, key_len + 1);
    memcpy(k->body, resp->body, resp->body_len);
    k->body[resp->body_len] = '\0';
    k->len = resp->body_len;
    k->content_type = resp->content_type;
    memcpy(k->etag, resp->etag, sizeof k->etag);
    k->stamp = stamp;
    cache->bytes += k->len + key_len;
}
