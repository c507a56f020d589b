/* audit.h — the audit log: every write says who made it. */
#ifndef THIDUA_STORE_AUDIT_H
#define THIDUA_STORE_AUDIT_H

#include "store/store.h"

/* Appends one line: who (token name or "cli"), what, on which entity, with an optional
 * JSON detail. Returns 0 or -1. */
int audit_append(struct store *st, const char *actor, const char *action, const char *entity,
                 const char *code, const char *detail_json);

#endif
