/*
 * audit.c — the audit log: who (a token's name or "cli") did what to which entity, when.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/audit.h"
#include "util/clock.h"

int audit_append(struct store *st, const char *actor, const char *action, const char *entity,
                 const char *code, const char *detail_json)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO audit (at, actor, action, entity, code, detail) VALUES (?,?,?,?,?,?)");
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    store_bind_text(stmt, 1, now);
    store_bind_text(stmt, 2, actor);
    store_bind_text(stmt, 3, action);
    store_bind_text(stmt, 4, entity);
    store_bind_text(stmt, 5, code);
    store_bind_text_or_null(stmt, 6, detail_json);
    int rc = sqlite3_step(stmt);
    store_done(st, stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}
