/* vettings.c — the rules_vettings table (store/vettings.h). */
#include "store/vettings.h"

#include "store/internal.h"
#include "util/clock.h"

bool vettings_known(struct store *st, const char *key)
{
    return store_exists(st, "SELECT 1 FROM rules_vettings WHERE key = ?", key);
}

int vettings_remember(struct store *st, const char *key)
{
    char now[CLOCK_ISO_LEN], today[CLOCK_DATE_LEN];
    clock_now_iso(now, sizeof now);
    clock_today(today);
    sqlite3_stmt *forget = store_prepare(st, "DELETE FROM rules_vettings WHERE vetted_at < ?");
    if (!forget) return -1;
    store_bind_text(forget, 1, today);
    if (store_step_done(st, forget) != 0) return -1;
    sqlite3_stmt *stmt =
        store_prepare(st, "INSERT OR REPLACE INTO rules_vettings (key, vetted_at) VALUES (?, ?)");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, key);
    store_bind_text(stmt, 2, now);
    return store_step_done(st, stmt);
}
