/* tokens.h — API tokens: created once, stored as a SHA-256 hash, checked on each request. */
#ifndef THIDUA_DOMAIN_TOKENS_H
#define THIDUA_DOMAIN_TOKENS_H

#include <stdbool.h>
#include <cjson/cJSON.h>
#include <stddef.h>

#include "store/store.h"
#include "util/validate.h"

#define UNIT_SCOPE_PREFIX "unit:"

enum token_scope { SCOPE_NONE, SCOPE_READ, SCOPE_UNIT, SCOPE_ADMIN };

struct principal {
    long long token_id; /* 0 for no token */
    char name[128];
    enum token_scope scope;
    char unit[CODE_MAX_LEN + 1]; /* for SCOPE_UNIT: the unit it may write */
};

/* Parses "admin", "read" or "unit:CODE". */
bool token_parse_scope(const char *text, struct principal *out);
/* Creates a token, stores its hash, writes the token itself (shown once) to out. 0; -1 when
 * the name, the scope or its unit is refused, or a live token already has the name (err
 * says which); -2 when the database failed. */
int token_create(struct store *st, const char *name, const char *scope, char *out, size_t outlen,
                 char *err, size_t errlen);
/* Revokes the live token called `name` (audited as done by `actor`): it is refused from the
 * next request on. 1 done, 0 no live token has the name, -1 the database failed. */
int token_revoke(struct store *st, const char *name, const char *actor);
/* The live tokens: [{name, scope, created_at, last_used_at}], oldest first; NULL on error. */
cJSON *token_list(struct store *st);
/* Looks a presented token up. */
bool token_verify(struct store *st, const char *token, struct principal *who);

#endif
