/*
 * facts.c — facts as append-only versions per (period, subject, code): a submission
 * never overwrites, it adds a version saying who and when.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/facts.h"
#include "util/clock.h"

int facts_append(struct store *st, const char *period, const char *subject, const char *code,
                 const char *facts_json, const char *note, const char *actor, char *submitted_at,
                 size_t at_len)
{
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    if (submitted_at) snprintf(submitted_at, at_len, "%s", now);
    return facts_append_at(st, period, subject, code, facts_json, note, actor, now);
}

/* A statement about one subject's versions: ?1 period, ?2 subject, ?3 code bound. */
static sqlite3_stmt *subject_statement(struct store *st, const char *sql, const char *period,
                                       const char *subject, const char *code)
{
    sqlite3_stmt *stmt = store_prepare(st, sql);
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, subject);
    store_bind_text(stmt, 3, code);
    return stmt;
}

int facts_append_at(struct store *st, const char *period, const char *subject, const char *code,
                    const char *facts_json, const char *note, const char *actor, const char *at)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO fact_versions (period, subject, code, version, facts, note, "
            "submitted_at, submitted_by) VALUES (?1, ?2, ?3, (SELECT coalesce(max(version), 0) + 1 "
            "FROM fact_versions WHERE period = ?1 AND subject = ?2 AND code = ?3), ?4, ?5, ?6, ?7) "
            "RETURNING version");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, subject);
    store_bind_text(stmt, 3, code);
    store_bind_text(stmt, 4, facts_json);
    store_bind_text(stmt, 5, note);
    store_bind_text(stmt, 6, at);
    store_bind_text(stmt, 7, actor);
    int version = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) version = sqlite3_column_int(stmt, 0);
    store_done(st, stmt);
    return version;
}

cJSON *facts_latest(struct store *st, const char *period, const char *subject, const char *code,
                    int *version, char *submitted_at, size_t at_len)
{
    sqlite3_stmt *stmt = subject_statement(
        st,
        "SELECT facts, version, submitted_at FROM fact_versions WHERE period = ? AND "
        "subject = ? AND code = ? ORDER BY version DESC LIMIT 1",
        period, subject, code);
    if (!stmt) return NULL;
    cJSON *facts = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        facts = cJSON_Parse(store_column_text(stmt, 0));
        if (version) *version = sqlite3_column_int(stmt, 1);
        if (submitted_at) snprintf(submitted_at, at_len, "%s", store_column_text(stmt, 2));
    }
    store_done(st, stmt);
    return facts;
}

cJSON *facts_latest_of_period(struct store *st, const char *period)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT subject, code, facts FROM fact_versions f WHERE period = ?1 AND version = "
            "(SELECT max(version) FROM fact_versions m WHERE m.period = ?1 AND m.subject = "
            "f.subject AND m.code = f.code)");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "subject", store_column_text(stmt, 0));
        cJSON_AddStringToObject(row, "code", store_column_text(stmt, 1));
        cJSON_AddItemToObject(row, "facts", store_facts_column(stmt, 2));
        cJSON_AddItemToArray(list, row);
    }
    store_done(st, stmt);
    if (rc == SQLITE_DONE) return list;
    cJSON_Delete(list);
    return NULL;
}

bool facts_first_submission(struct store *st, const char *period, const char *subject,
                            const char *code, char *at, size_t at_len, int *versions)
{
    /* min() alone, so SQLite reads one entry of fact_versions_first (migration 10). */
    sqlite3_stmt *stmt = subject_statement(
        st,
        "SELECT min(submitted_at) FROM fact_versions WHERE period = ? AND subject = ? AND "
        "code = ?",
        period, subject, code);
    if (!stmt) return false;
    bool found = false;
    if (sqlite3_step(stmt) == SQLITE_ROW && store_column_text(stmt, 0)) {
        found = true;
        snprintf(at, at_len, "%s", store_column_text(stmt, 0));
    }
    store_done(st, stmt);
    if (!found || !versions) return found;
    stmt = subject_statement(
        st, "SELECT count(*) FROM fact_versions WHERE period = ? AND subject = ? AND code = ?",
        period, subject, code);
    if (!stmt) return false;
    *versions = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
    store_done(st, stmt);
    return found;
}

cJSON *facts_versions(struct store *st, const char *period, const char *subject, const char *code)
{
    sqlite3_stmt *stmt =
        subject_statement(st,
                          "SELECT version, submitted_at, submitted_by, note FROM fact_versions "
                          "WHERE period = ? AND subject = ? AND code = ? ORDER BY version",
                          period, subject, code);
    if (!stmt) return NULL;
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddNumberToObject(row, "version", sqlite3_column_int(stmt, 0));
        cJSON_AddStringToObject(row, "submitted_at", store_column_text(stmt, 1));
        cJSON_AddStringToObject(row, "submitted_by", store_column_text(stmt, 2));
        cJSON_AddStringToObject(row, "note", store_column_text(stmt, 3));
        cJSON_AddItemToArray(list, row);
    }
    store_done(st, stmt);
    if (rc == SQLITE_DONE) return list;
    cJSON_Delete(list);
    return NULL;
}

cJSON *facts_periods(struct store *st)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "SELECT DISTINCT period FROM fact_versions ORDER BY period");
    return stmt ? store_code_list(st, stmt) : NULL;
}

cJSON *facts_notes_of_period(struct store *st, const char *period, const char *subject)
{
    /* SQLite takes the bare column `note` from the row holding max(version). "import" is
     * the marker `thiduad import facts` writes, not a unit's words. */
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT code, note, max(version) FROM fact_versions WHERE period = ? AND "
            "subject = ? AND note <> '' AND note <> 'import' GROUP BY code ORDER BY code");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, subject);
    cJSON *notes = cJSON_CreateObject();
    while (sqlite3_step(stmt) == SQLITE_ROW)
        cJSON_AddStringToObject(notes, store_column_text(stmt, 0), store_column_text(stmt, 1));
    store_done(st, stmt);
    return notes;
}
