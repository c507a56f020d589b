/* registrations.c — the registrations table (migration 8): append-only versions of what
 * each unit registered for a campaign year, and the units expected to register. */
#include "store/registrations.h"

#include <stdio.h>

#include "store/internal.h"

cJSON *registrations_latest(struct store *st, int year, const char *unit, int *version)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT version, targets FROM registrations WHERE "
                                           "year = ? AND unit = ? ORDER BY version DESC LIMIT 1");
    *version = -1;
    if (!stmt) return NULL;
    sqlite3_bind_int(stmt, 1, year);
    store_bind_text(stmt, 2, unit);
    cJSON *targets = NULL;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        *version = sqlite3_column_int(stmt, 0);
        targets = store_facts_column(stmt, 1);
    } else if (rc == SQLITE_DONE) {
        *version = 0;
    }
    store_done(st, stmt);
    return targets;
}

int registrations_append(struct store *st, const struct registration_row *row, int version)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO registrations (year, unit, version, targets, note, submitted_at, "
            "submitted_by) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!stmt) return -1;
    sqlite3_bind_int(stmt, 1, row->year);
    store_bind_text(stmt, 2, row->unit);
    sqlite3_bind_int(stmt, 3, version);
    store_bind_text(stmt, 4, row->targets);
    store_bind_text(stmt, 5, row->note ? row->note : "");
    store_bind_text(stmt, 6, row->submitted_at);
    store_bind_text(stmt, 7, row->submitted_by);
    return store_step_done(st, stmt);
}

bool registrations_first(struct store *st, int year, const char *unit, char *at, size_t len)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT min(submitted_at) FROM registrations WHERE year = ? AND unit = ?");
    if (!stmt) return false;
    sqlite3_bind_int(stmt, 1, year);
    store_bind_text(stmt, 2, unit);
    const char *first = sqlite3_step(stmt) == SQLITE_ROW ? store_column_text(stmt, 0) : NULL;
    if (first) snprintf(at, len, "%s", first);
    store_done(st, stmt);
    return first != NULL;
}

cJSON *registrations_of_year(struct store *st, int year)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT r.unit, r.version, r.targets, r.submitted_at, (SELECT min(submitted_at) "
            "FROM registrations f WHERE f.year = r.year AND f.unit = r.unit) FROM registrations "
            "r WHERE r.year = ?1 AND r.version = (SELECT max(version) FROM registrations m "
            "WHERE m.year = r.year AND m.unit = r.unit) ORDER BY r.unit");
    if (!stmt) return NULL;
    sqlite3_bind_int(stmt, 1, year);
    cJSON *out = cJSON_CreateObject();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *r = cJSON_AddObjectToObject(out, store_column_text(stmt, 0));
        cJSON_AddNumberToObject(r, "version", sqlite3_column_int(stmt, 1));
        cJSON_AddItemToObject(r, "targets", store_facts_column(stmt, 2));
        cJSON_AddStringToObject(r, "updated_at", store_column_text(stmt, 3));
        cJSON_AddStringToObject(r, "registered_at", store_column_text(stmt, 4));
    }
    store_done(st, stmt);
    if (rc == SQLITE_DONE) return out;
    cJSON_Delete(out);
    return NULL;
}

cJSON *registrations_expected(struct store *st, int year, const char *due)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT u.code, u.name, u.email, u.phone, (SELECT min(submitted_at) FROM "
            "registrations r WHERE r.year = ?1 AND r.unit = u.code), h.code, h.full_name, "
            "h.email, h.phone FROM units u LEFT JOIN people h ON h.unit_code = u.code AND "
            "h.is_head = 1 WHERE u.kind <> 'department' AND (u.valid_from IS NULL OR "
            "u.valid_from <= ?2) AND (u.valid_to IS NULL OR u.valid_to >= ?2) ORDER BY u.code");
    if (!stmt) return NULL;
    sqlite3_bind_int(stmt, 1, year);
    store_bind_text(stmt, 2, due);
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *u = cJSON_CreateObject();
        static const char *const contact[] = {"code", "name", "email", "phone"};
        for (int i = 0; i < 4; i++)
            cJSON_AddStringToObject(u, contact[i], store_column_text(stmt, i));
        store_json_text_or_null(u, "registered_at", store_column_text(stmt, 4));
        if (store_column_text(stmt, 5)) {
            cJSON *head = cJSON_AddObjectToObject(u, "head");
            static const char *const fields[] = {"code", "full_name", "email", "phone"};
            for (int i = 0; i < 4; i++)
                cJSON_AddStringToObject(head, fields[i], store_column_text(stmt, 5 + i));
        }
        cJSON_AddItemToArray(list, u);
    }
    store_done(st, stmt);
    if (rc == SQLITE_DONE) return list;
    cJSON_Delete(list);
    return NULL;
}
