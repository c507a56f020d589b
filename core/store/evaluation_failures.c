/*
 * evaluation_failures.c — the evaluation_failures table: one row per (period, unit) whose
 * evaluation a rule made fail on the stored facts, until an evaluation of it succeeds.
 */
#include "store/evaluation_failures.h"

#include <stdio.h>
#include <string.h>

#include "store/internal.h"
#include "util/clock.h"

int evaluation_failures_put(struct store *st, const char *period, const char *unit,
                            const char *error, const char *rules_hash)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO evaluation_failures (period, unit, error, rules_hash, failed_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(period, unit) DO UPDATE SET error = ?3, "
            "rules_hash = ?4, failed_at = ?5");
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, unit);
    store_bind_text(stmt, 3, error);
    store_bind_text(stmt, 4, rules_hash);
    store_bind_text(stmt, 5, now);
    return store_step_done(st, stmt);
}

int evaluation_failures_clear(struct store *st, const char *period, const char *unit)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "DELETE FROM evaluation_failures WHERE period = ? AND unit = ?");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, unit);
    if (store_step_done(st, stmt) != 0) return -1;
    return sqlite3_changes(store_db(st)) > 0 ? 1 : 0;
}

/* One failure row (period, unit, error, rules_hash, failed_at) of a prepared statement. */
static cJSON *failure_row(struct store *st, sqlite3_stmt *stmt)
{
    cJSON *out = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        static const char *const names[] = {"period", "unit", "error", "rules_hash", "failed_at"};
        out = cJSON_CreateObject();
        for (int i = 0; i < 5; i++)
            cJSON_AddStringToObject(out, names[i], store_column_text(stmt, i));
    }
    store_done(st, stmt);
    return out;
}

cJSON *evaluation_failures_get(struct store *st, const char *period, const char *unit)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT period, unit, error, rules_hash, failed_at FROM "
                                           "evaluation_failures WHERE period = ? AND unit = ?");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, unit);
    return failure_row(st, stmt);
}

cJSON *evaluation_failures_of_period(struct store *st, const char *period)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT unit, error, rules_hash, failed_at FROM evaluation_failures WHERE period = ? "
            "ORDER BY unit");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    cJSON *out = cJSON_CreateObject();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "error", store_column_text(stmt, 1));
        cJSON_AddStringToObject(f, "rules_hash", store_column_text(stmt, 2));
        cJSON_AddStringToObject(f, "failed_at", store_column_text(stmt, 3));
        cJSON_AddItemToObject(out, store_column_text(stmt, 0), f);
    }
    store_done(st, stmt);
    return out;
}

long evaluation_failures_count(struct store *st, const char *rules_hash)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT count(*) FROM evaluation_failures WHERE ?1 IS NULL OR rules_hash <> ?1");
    if (!stmt) return -1;
    if (rules_hash) store_bind_text(stmt, 1, rules_hash);
    long n = sqlite3_step(stmt) == SQLITE_ROW ? (long)sqlite3_column_int64(stmt, 0) : -1;
    store_done(st, stmt);
    return n;
}
