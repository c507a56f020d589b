/* tokens.c — the tokens table: one row per token, its hash, scope and life. */
#include "store/tokens.h"

#include <stdio.h>

#include "store/internal.h"
#include "util/clock.h"

int tokens_insert(struct store *st, const char *name, const char *scope, const char *hash)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "INSERT INTO tokens (name, scope, hash, created_at) VALUES (?, ?, ?, ?)");
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    store_bind_text(stmt, 1, name);
    store_bind_text(stmt, 2, scope);
    store_bind_text(stmt, 3, hash);
    store_bind_text(stmt, 4, now);
    return store_step_done(st, stmt);
}

bool tokens_find(struct store *st, const char *hash, char *name, size_t name_len, char *scope,
                 size_t scope_len)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "SELECT name, scope FROM tokens WHERE hash = ? AND revoked_at IS NULL");
    if (!stmt) return false;
    store_bind_text(stmt, 1, hash);
    bool found = sqlite3_step(stmt) == SQLITE_ROW;
    if (found) {
        snprintf(name, name_len, "%s", store_column_text(stmt, 0));
        snprintf(scope, scope_len, "%s", store_column_text(stmt, 1));
    }
    store_done(st, stmt);
    return found;
}
