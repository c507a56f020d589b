/* tokens.h — the tokens table: API tokens by the SHA-256 of their text (never the text). */
#ifndef THIDUA_STORE_TOKENS_H
#define THIDUA_STORE_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "store/store.h"

/* Stores a new token's hash. Returns 0 or -1. */
int tokens_insert(struct store *st, const char *name, const char *scope, const char *hash);
/* The id, name and scope of the live (not revoked) token with this hash; false if none. */
bool tokens_find(struct store *st, const char *hash, long long *id, char *name, size_t name_len,
                 char *scope, size_t scope_len);
/* Whether a live token has this name. */
bool tokens_name_taken(struct store *st, const char *name);
/* Marks the live token of this name revoked now: 1 done, 0 no such live token, -1 error. */
int tokens_revoke(struct store *st, const char *name);
/* The live tokens, oldest first: [{name, scope, created_at, last_used_at (or null)}]; NULL on
 * a read error. */
cJSON *tokens_list(struct store *st);
/* Records that token `id` was last used at `at` (ISO), unless a later use is stored. */
int tokens_touch(struct store *st, long long id, const char *at);

#endif
