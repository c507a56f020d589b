/* tokens.h — API tokens: created once, stored as a SHA-256 hash, checked on each request. */
#ifndef THIDUA_DOMAIN_TOKENS_H
#define THIDUA_DOMAIN_TOKENS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/validate.h"

#define UNIT_SCOPE_PREFIX "unit:"

enum token_scope { SCOPE_NONE, SCOPE_READ, SCOPE_UNIT, SCOPE_ADMIN };

struct principal {
    char name[128];
    enum token_scope scope;
    char unit[CODE_MAX_LEN + 1]; /* for SCOPE_UNIT: the unit it may write */
};

/* Parses "admin", "read" or "unit:CODE". */
bool token_parse_scope(const char *text, struct principal *out);
/* Creates a token, stores its hash, writes the token itself (shown once) to out. */
int token_create(struct store *st, const char *name, const char *scope, char *out, size_t outlen,
                 char *err, size_t errlen);
/* Looks a presented token up. */
bool token_verify(struct store *st, const char *token, struct principal *who);

#endif
