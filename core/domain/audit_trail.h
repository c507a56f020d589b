/* audit_trail.h — the acts an administrator answers for (a reload, a token created or
 * revoked, a period closed or reopened): each logged with who did it and kept in the audit
 * table; and reading that table back (GET /api/v1/audit, thiduad audit). */
#ifndef THIDUA_DOMAIN_AUDIT_TRAIL_H
#define THIDUA_DOMAIN_AUDIT_TRAIL_H

#include <cjson/cJSON.h>

#include "domain/ruleset.h"
#include "store/store.h"

#define AUDIT_PAGE_DEFAULT 50
#define AUDIT_PAGE_MAX     1000

/* One log line "event=audit actor=... action=... entity=... code=..." for an act already
 * committed with its audit line (by the domain function that wrote it). */
void audit_trail_log(const char *actor, const char *action, const char *entity, const char *code);
/* An act that writes nothing else (a rules reload): its audit line, then its log line.
 * 0, or -1 when the line could not be written (logged all the same). */
int audit_trail_record(struct store *st, const char *actor, const char *action, const char *entity,
                       const char *code, const cJSON *detail);
/* A rules reload has ended, by `actor` (a token's name, or "SIGHUP"): rc 0 (in service, the
 * newest hash, `recomputed` evaluations) or -1 (refused with `problems`). */
void audit_trail_reload(struct store *st, const struct ruleset *rs, const char *actor, int rc,
                        size_t problems, long recomputed);
/* A page of the log, newest first: {"entries": [...], "total": N, "next_cursor": "ID" or
 * null}; `cursor` is a page's next_cursor (NULL or "" for the newest). NULL on a read
 * error or a cursor that is not one. */
cJSON *audit_trail_page(struct store *st, const char *cursor, int limit);

#endif
