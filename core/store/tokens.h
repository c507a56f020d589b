/* tokens.h — the tokens table: API tokens by the SHA-256 of their text (never the text). */
#ifndef THIDUA_STORE_TOKENS_H
#define THIDUA_STORE_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* Stores a new token's hash. Returns 0 or -1. */
int tokens_insert(struct store *st, const char *name, const char *scope, const char *hash);
/* The name and scope of the live (not revoked) token with this hash; false if none. */
bool tokens_find(struct store *st, const char *hash, char *name, size_t name_len, char *scope,
                 size_t scope_len);

#endif
