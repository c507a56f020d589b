/* channel_state.c — the channel_state table: a small key-value store per channel. */
#include "store/channel_state.h"

#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "util/clock.h"

char *channel_state_get(struct store *st, const char *channel, const char *key)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "SELECT value FROM channel_state WHERE channel = ? AND key = ?");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, channel);
    store_bind_text(stmt, 2, key);
    char *out = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) out = strdup(store_column_text(stmt, 0));
    store_done(st, stmt);
    return out;
}

int channel_state_set(struct store *st, const char *channel, const char *key, const char *value)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO channel_state (channel, key, value, updated_at) VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT(channel, key) DO UPDATE SET value = ?3, updated_at = ?4");
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    store_bind_text(stmt, 1, channel);
    store_bind_text(stmt, 2, key);
    store_bind_text(stmt, 3, value);
    store_bind_text(stmt, 4, now);
    return store_step_done(st, stmt);
}
