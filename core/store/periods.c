/* periods.c — the period_closures table. */
#include "store/periods.h"

#include "store/internal.h"
#include "util/clock.h"

int periods_is_closed(struct store *st, const char *period)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT 1 FROM period_closures WHERE period = ?");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, period);
    int rc = sqlite3_step(stmt);
    store_done(st, stmt);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

cJSON *periods_closure(struct store *st, const char *period)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT closed_at, closed_by, reason FROM period_closures WHERE period = ?");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    cJSON *out = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        out = cJSON_CreateObject();
        cJSON_AddStringToObject(out, "period", period);
        cJSON_AddStringToObject(out, "closed_at", store_column_text(stmt, 0));
        cJSON_AddStringToObject(out, "closed_by", store_column_text(stmt, 1));
        cJSON_AddStringToObject(out, "reason", store_column_text(stmt, 2));
    }
    store_done(st, stmt);
    return out;
}

cJSON *periods_closed(struct store *st)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT period FROM period_closures ORDER BY period");
    if (!stmt) return NULL;
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW)
        cJSON_AddItemToArray(list, cJSON_CreateString(store_column_text(stmt, 0)));
    store_done(st, stmt);
    return list;
}

int periods_close(struct store *st, const char *period, const char *actor, const char *reason)
{
    sqlite3_stmt *stmt = store_prepare(st, "INSERT INTO period_closures (period, closed_at, "
                                           "closed_by, reason) VALUES (?, ?, ?, ?)");
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, now);
    store_bind_text(stmt, 3, actor);
    store_bind_text(stmt, 4, reason ? reason : "");
    return store_step_done(st, stmt);
}

int periods_reopen(struct store *st, const char *period)
{
    sqlite3_stmt *stmt = store_prepare(st, "DELETE FROM period_closures WHERE period = ?");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, period);
    return store_step_done(st, stmt);
}
