/* audit.h — the audit log: every write says who made it. */
#ifndef THIDUA_STORE_AUDIT_H
#define THIDUA_STORE_AUDIT_H

#include <cjson/cJSON.h>

#include "store/store.h"

/* Appends one line: who (token name or "cli"), what, on which entity, with an optional
 * JSON detail. Returns 0 or -1. */
int audit_append(struct store *st, const char *actor, const char *action, const char *entity,
                 const char *code, const char *detail_json);

/* The lines older than `before_id` (0: from the newest), newest first, at most `limit`:
 * [{id, at, actor, action, entity, code, detail (JSON, or null)}]; NULL on a read error. */
cJSON *audit_list(struct store *st, long long before_id, int limit);
/* How many lines the log holds; -1 on a read error. */
long long audit_count(struct store *st);

#endif
