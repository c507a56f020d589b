/* token_usage.h — when each token was last used, noted in memory on every request and
 * written to the tokens table in one transaction at most once a minute (and at shutdown),
 * so authenticating never costs a write (domain/token_usage.c). */
#ifndef THIDUA_DOMAIN_TOKEN_USAGE_H
#define THIDUA_DOMAIN_TOKEN_USAGE_H

#include "store/store.h"

#define TOKEN_USAGE_FLUSH_SECONDS 60

struct token_usage;

struct token_usage *token_usage_new(void);
void token_usage_free(struct token_usage *usage);
/* Token `id` was used now (no effect for 0 or a NULL usage). */
void token_usage_note(struct token_usage *usage, long long id);
/* Writes what was noted since the last flush; kept for the next one if the database is
 * busy. 0 or -1. */
int token_usage_flush(struct token_usage *usage, struct store *st);

#endif
