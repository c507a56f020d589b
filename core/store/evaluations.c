/*
 * evaluations.c — stored evaluations: one per (period, subject, code), stamped with
 * the hash of the rules that made it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/evaluations.h"
#include "util/clock.h"

int evaluations_put(struct store *st, const char *period, const char *subject, const char *code,
                    const char *rules_hash, int score, const char *result_json,
                    const char *outline_json)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO evaluations (period, subject, code, rules_hash, score, result, "
            "evaluated_at, outline) VALUES (?1,?2,?3,?4,?5,?6,?7,?8) ON CONFLICT(period, "
            "subject, code) DO UPDATE SET rules_hash=?4, score=?5, result=?6, evaluated_at=?7, "
            "outline=?8 "
            /* An unchanged evaluation is not rewritten: a report re-evaluates its whole unit,
             * and most members' results stay the same. */
            "WHERE evaluations.result IS NOT ?6 OR evaluations.rules_hash IS NOT ?4");
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, subject);
    store_bind_text(stmt, 3, code);
    store_bind_text(stmt, 4, rules_hash);
    sqlite3_bind_int(stmt, 5, score);
    store_bind_text(stmt, 6, result_json);
    store_bind_text(stmt, 7, now);
    store_bind_text(stmt, 8, outline_json);
    int rc = sqlite3_step(stmt);
    store_done(st, stmt);
    if (rc != SQLITE_DONE) return -1;
    return sqlite3_changes(store_db(st)) > 0 ? 1 : 0;
}

/* The first column of `sql` (which selects from one stored evaluation, then its rules
 * hash) for (period, subject, code), malloc'd; NULL when absent or not text. */
static char *one_evaluation(struct store *st, const char *sql, const char *period,
                            const char *subject, const char *code, char *hash_out, size_t hash_len)
{
    sqlite3_stmt *stmt = store_prepare(st, sql);
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, subject);
    store_bind_text(stmt, 3, code);
    char *out = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) == SQLITE_TEXT) {
        out = strdup(store_column_text(stmt, 0));
        if (hash_out) snprintf(hash_out, hash_len, "%s", store_column_text(stmt, 1));
    }
    store_done(st, stmt);
    return out;
}

char *evaluations_get(struct store *st, const char *period, const char *subject, const char *code,
                      char *hash_out, size_t hash_len)
{
    return one_evaluation(st,
                          "SELECT result, rules_hash FROM evaluations WHERE period = ? AND "
                          "subject = ? AND code = ?",
                          period, subject, code, hash_out, hash_len);
}

char *evaluations_get_criteria(struct store *st, const char *period, const char *subject,
                               const char *code)
{
    return one_evaluation(st,
                          "SELECT json_extract(result, '$.criteria'), rules_hash FROM "
                          "evaluations WHERE period = ? AND subject = ? AND code = ?",
                          period, subject, code, NULL, 0);
}

/* ---- inputs of the rule engine ---------------------------------------------------------- */

long evaluations_stale(struct store *st, const char *period, const char *rules_hash)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "SELECT count(*) FROM evaluations WHERE period = ? AND rules_hash <> ?");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, rules_hash);
    long n = sqlite3_step(stmt) == SQLITE_ROW ? (long)sqlite3_column_int64(stmt, 0) : -1;
    store_done(st, stmt);
    return n;
}

cJSON *evaluations_of_period(struct store *st, const char *period, const char *subject,
                             bool without_criteria)
{
    /* Without the criteria (their reasons are most of an evaluation's bytes), SQLite's own
     * JSON code drops them before the text is copied out and parsed. */
    static const char *const sql[2][2] = {
        {"SELECT subject, code, score, result FROM evaluations WHERE period = ? "
         "ORDER BY subject DESC, code",
         "SELECT subject, code, score, result FROM evaluations WHERE period = ? AND subject = ? "
         "ORDER BY code"},
        {"SELECT subject, code, score, json_remove(result, '$.criteria') FROM evaluations "
         "WHERE period = ? ORDER BY subject DESC, code",
         "SELECT subject, code, score, json_remove(result, '$.criteria') FROM evaluations "
         "WHERE period = ? AND subject = ? ORDER BY code"}};
    sqlite3_stmt *stmt = store_prepare(st, sql[without_criteria][subject != NULL]);
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    if (subject) store_bind_text(stmt, 2, subject);
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "subject", store_column_text(stmt, 0));
        cJSON_AddStringToObject(e, "code", store_column_text(stmt, 1));
        cJSON_AddNumberToObject(e, "score", sqlite3_column_int(stmt, 2));
        cJSON_AddStringToObject(e, "result", store_column_text(stmt, 3));
        cJSON_AddItemToArray(list, e);
    }
    store_done(st, stmt);
    return list;
}

int evaluations_each_outline(struct store *st, const char *period, const char *subject,
                             int (*each)(void *ctx, const char *code, const char *outline),
                             void *ctx)
{
    /* The primary key (period, subject, code) gives the order, no sort. */
    sqlite3_stmt *stmt = store_prepare(st, "SELECT code, outline FROM evaluations WHERE period = "
                                           "?1 AND subject = ?2 ORDER BY code");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, subject);
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW)
        rc = each(ctx, store_column_text(stmt, 0), store_column_text(stmt, 1));
    if (rc == 0 && step != SQLITE_DONE) rc = -1;
    store_done(st, stmt);
    return rc;
}
