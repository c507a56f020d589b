/* tokens.c — the tokens table: one row per token, its hash, scope and life (created, last
 * used, revoked); one live token per name (migration 9). */
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

bool tokens_find(struct store *st, const char *hash, long long *id, char *name, size_t name_len,
                 char *scope, size_t scope_len)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT name, scope, id FROM tokens WHERE hash = ? AND revoked_at IS NULL");
    if (!stmt) return false;
    store_bind_text(stmt, 1, hash);
    bool found = sqlite3_step(stmt) == SQLITE_ROW;
    if (found) {
        snprintf(name, name_len, "%s", store_column_text(stmt, 0));
        snprintf(scope, scope_len, "%s", store_column_text(stmt, 1));
        *id = sqlite3_column_int64(stmt, 2);
    }
    store_done(st, stmt);
    return found;
}

bool tokens_name_taken(struct store *st, const char *name)
{
    return store_exists(st, "SELECT 1 FROM tokens WHERE name = ? AND revoked_at IS NULL", name);
}

int tokens_revoke(struct store *st, const char *name)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL");
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    store_bind_text(stmt, 1, now);
    store_bind_text(stmt, 2, name);
    if (store_step_done(st, stmt) != 0) return -1;
    return sqlite3_changes(store_db(st)) > 0 ? 1 : 0;
}

cJSON *tokens_list(struct store *st)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT name, scope, created_at, last_used_at FROM "
                                           "tokens WHERE revoked_at IS NULL ORDER BY id");
    if (!stmt) return NULL;
    static const char *const names[] = {"name", "scope", "created_at", "last_used_at"};
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *token = cJSON_CreateObject();
        for (int i = 0; i < 4; i++) {
            const char *v = store_column_text(stmt, i);
            cJSON_AddItemToObject(token, names[i], v ? cJSON_CreateString(v) : cJSON_CreateNull());
        }
        cJSON_AddItemToArray(list, token);
    }
    store_done(st, stmt);
    if (rc == SQLITE_DONE) return list;
    cJSON_Delete(list);
    return NULL;
}

int tokens_touch(struct store *st, long long id, const char *at)
{
    sqlite3_stmt *stmt = store_prepare(st, "UPDATE tokens SET last_used_at = ?1 WHERE id = ?2 AND "
                                           "(last_used_at IS NULL OR last_used_at < ?1)");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, at);
    sqlite3_bind_int64(stmt, 2, id);
    return store_step_done(st, stmt);
}
