/*
 * units.c — the units table: a tree of units with effective dates (valid_from,
 * valid_to) and a "merged into" link, as rows, JSON views and the rules' input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/units.h"

/* Members without facts the reminder pass gets by name; it counts the others. */
#define MEMBERS_NAMED 20

int units_upsert(struct store *st, const struct unit_row *u, bool *changed)
{
    static const char *const select_sql =
        "SELECT name, parent_code, kind, email, phone, valid_from, valid_to, merged_into "
        "FROM units WHERE code = ?";
    static const char *const upsert_sql =
        "INSERT INTO units (code, name, parent_code, kind, email, phone, valid_from, valid_to, "
        "merged_into, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) "
        "ON CONFLICT(code) DO UPDATE SET name=?2, parent_code=?3, kind=?4, email=?5, phone=?6, "
        "valid_from=?7, valid_to=?8, merged_into=?9, updated_at=?10";
    const char *values[] = {u->code,  u->name,       u->parent_code, u->kind,       u->email,
                            u->phone, u->valid_from, u->valid_to,    u->merged_into};
    enum { PARENT = 2, VALID_FROM = 6, VALID_TO = 7, MERGED_INTO = 8 };
    unsigned nullable = 1u << PARENT | 1u << VALID_FROM | 1u << VALID_TO | 1u << MERGED_INTO;
    return store_put_row(st, select_sql, upsert_sql, values, 9, nullable, changed);
}

bool units_exists(struct store *st, const char *code)
{
    return store_exists(st, "SELECT 1 FROM units WHERE code = ?", code);
}

char *units_parent(struct store *st, const char *code)
{
    return store_single_text(st, "SELECT parent_code FROM units WHERE code = ?", code);
}

char *units_head(struct store *st, const char *unit_code)
{
    return store_single_text(st, "SELECT code FROM people WHERE unit_code = ? AND is_head = 1",
                             unit_code);
}

#define UNIT_COLUMNS                                                                               \
    "u.code, u.name, u.parent_code, u.kind, u.email, u.phone, u.valid_from, u.valid_to, "          \
    "u.merged_into, (SELECT code FROM people WHERE unit_code = u.code AND is_head = 1), "          \
    "(SELECT count(*) FROM people WHERE unit_code = u.code)"

static cJSON *unit_from_row(sqlite3_stmt *stmt)
{
    cJSON *u = cJSON_CreateObject();
    cJSON_AddStringToObject(u, "code", store_column_text(stmt, 0));
    cJSON_AddStringToObject(u, "name", store_column_text(stmt, 1));
    store_json_text_or_null(u, "parent_code", store_column_text(stmt, 2));
    cJSON_AddStringToObject(u, "kind", store_column_text(stmt, 3));
    cJSON_AddStringToObject(u, "email", store_column_text(stmt, 4));
    cJSON_AddStringToObject(u, "phone", store_column_text(stmt, 5));
    store_json_text_or_null(u, "valid_from", store_column_text(stmt, 6));
    store_json_text_or_null(u, "valid_to", store_column_text(stmt, 7));
    store_json_text_or_null(u, "merged_into", store_column_text(stmt, 8));
    store_json_text_or_null(u, "head", store_column_text(stmt, 9));
    cJSON_AddNumberToObject(u, "people", sqlite3_column_int(stmt, 10));
    return u;
}

cJSON *units_get_json(struct store *st, const char *code)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT " UNIT_COLUMNS " FROM units u WHERE code = ?");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, code);
    cJSON *u = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) u = unit_from_row(stmt);
    store_done(st, stmt);
    if (!u) return NULL;
    /* The unit's place in the tree: its children. */
    stmt = store_prepare(st, "SELECT code FROM units WHERE parent_code = ? ORDER BY code");
    cJSON *children = cJSON_AddArrayToObject(u, "children");
    if (stmt) {
        store_bind_text(stmt, 1, code);
        while (sqlite3_step(stmt) == SQLITE_ROW)
            cJSON_AddItemToArray(children, cJSON_CreateString(store_column_text(stmt, 0)));
        store_done(st, stmt);
    }
    return u;
}

cJSON *units_list_json(struct store *st)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT " UNIT_COLUMNS " FROM units u ORDER BY "
                                           "(u.parent_code IS NOT NULL), u.code");
    if (!stmt) return NULL;
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW)
        cJSON_AddItemToArray(list, unit_from_row(stmt));
    store_done(st, stmt);
    return list;
}

cJSON *units_input_json(struct store *st, const char *period, const char *unit_code)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT u.code, u.name, u.kind, (SELECT facts FROM fact_versions f WHERE f.period = ?1 "
            "AND f.subject = 'unit' AND f.code = u.code ORDER BY version DESC LIMIT 1) "
            "FROM units u WHERE u.code = ?2");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, unit_code);
    cJSON *unit = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        unit = cJSON_CreateObject();
        cJSON_AddStringToObject(unit, "code", store_column_text(stmt, 0));
        cJSON_AddStringToObject(unit, "name", store_column_text(stmt, 1));
        cJSON_AddStringToObject(unit, "kind", store_column_text(stmt, 2));
        cJSON_AddItemToObject(unit, "facts", store_facts_column(stmt, 3));
    }
    store_done(st, stmt);
    return unit;
}

cJSON *units_to_evaluate(struct store *st, const char *period, const char *from, const char *to,
                         const char *members_on)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT code FROM units WHERE (valid_from IS NULL OR valid_from <= ?3) AND "
            "(valid_to IS NULL OR valid_to >= ?2) UNION SELECT code FROM fact_versions WHERE "
            "period = ?1 AND subject = 'unit' UNION SELECT m.unit FROM memberships m JOIN "
            "fact_versions f ON f.code = m.person AND f.subject = 'person' AND f.period = ?1 "
            "WHERE (m.since IS NULL OR m.since <= ?4) AND (m.until IS NULL OR m.until > ?4) "
            "ORDER BY 1");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, from);
    store_bind_text(stmt, 3, to);
    store_bind_text(stmt, 4, members_on);
    return store_code_list(st, stmt);
}

int units_dates(struct store *st, const char *code, struct unit_dates *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *stmt =
        store_prepare(st, "SELECT valid_from, valid_to, merged_into FROM units WHERE code = ?");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, code);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *v;
        if ((v = store_column_text(stmt, 0)))
            snprintf(out->valid_from, sizeof out->valid_from, "%s", v);
        if ((v = store_column_text(stmt, 1)))
            snprintf(out->valid_to, sizeof out->valid_to, "%s", v);
        if ((v = store_column_text(stmt, 2)))
            snprintf(out->merged_into, sizeof out->merged_into, "%s", v);
    }
    store_done(st, stmt);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

char *units_day_after_closing(struct store *st, const char *code)
{
    return store_single_text(
        st, "SELECT date(valid_to, '+1 day') FROM units WHERE code = ? AND valid_to IS NOT NULL",
        code);
}

cJSON *units_reporting(struct store *st, const char *period, const char *due)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT u.code, u.name, min(f.submitted_at), count(f.id) FROM units u LEFT JOIN "
            "fact_versions f ON f.subject = 'unit' AND f.code = u.code AND f.period = ?1 "
            "WHERE u.kind <> 'department' AND (u.valid_from IS NULL OR u.valid_from <= ?2) AND "
            "(u.valid_to IS NULL OR u.valid_to >= ?2) GROUP BY u.code ORDER BY u.code");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, due);
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *u = cJSON_CreateObject();
        cJSON_AddStringToObject(u, "code", store_column_text(stmt, 0));
        cJSON_AddStringToObject(u, "name", store_column_text(stmt, 1));
        store_json_text_or_null(u, "submitted_at", store_column_text(stmt, 2));
        cJSON_AddNumberToObject(u, "versions", sqlite3_column_int(stmt, 3));
        cJSON_AddItemToArray(list, u);
    }
    store_done(st, stmt);
    return list;
}

/* The reporting units of a period with what the reminder pass needs: contacts, the
 * first submission, the latest facts and the head. Sorted by code. */
static cJSON *obligation_units(struct store *st, const char *period, const char *due)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT u.code, u.name, u.email, u.phone, (SELECT min(submitted_at) FROM "
            "fact_versions f WHERE f.period = ?1 AND f.subject = 'unit' AND f.code = u.code), "
            "(SELECT facts FROM fact_versions f WHERE f.period = ?1 AND f.subject = 'unit' AND "
            "f.code = u.code ORDER BY version DESC LIMIT 1), h.code, h.full_name, h.email, "
            "h.phone FROM units u LEFT JOIN people h ON h.unit_code = u.code AND h.is_head = 1 "
            "WHERE u.kind <> 'department' AND (u.valid_from IS NULL OR u.valid_from <= ?2) AND "
            "(u.valid_to IS NULL OR u.valid_to >= ?2) ORDER BY u.code");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, due);
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *u = cJSON_CreateObject();
        static const char *const contact[] = {"code", "name", "email", "phone"};
        for (int i = 0; i < 4; i++)
            cJSON_AddStringToObject(u, contact[i], store_column_text(stmt, i));
        cJSON_AddBoolToObject(u, "submitted", store_column_text(stmt, 4) != NULL);
        cJSON_AddItemToObject(u, "facts", store_facts_column(stmt, 5));
        if (store_column_text(stmt, 6)) {
            cJSON *head = cJSON_AddObjectToObject(u, "head");
            static const char *const fields[] = {"code", "full_name", "email", "phone"};
            for (int i = 0; i < 4; i++)
                cJSON_AddStringToObject(head, fields[i], store_column_text(stmt, 6 + i));
        }
        cJSON_AddArrayToObject(u, "members");
        cJSON_AddNumberToObject(u, "without_facts", 0);
        cJSON_AddItemToArray(list, u);
    }
    store_done(st, stmt);
    return list;
}

static const char *code_of(const cJSON *unit)
{
    return cJSON_GetObjectItemCaseSensitive(unit, "code")->valuestring;
}

static void set_without_facts(cJSON *unit, int count)
{
    if (unit) cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(unit, "without_facts"), count);
}

/* Files the members of the period who have no facts yet under the unit they belonged to on
 * `end` (both lists sorted by unit code): the first MEMBERS_NAMED of them by name, and how
 * many in all. */
static void add_members(struct store *st, cJSON *units, const char *period, const char *end)
{
    /* Memberships first, each person looked up once; those with facts are one list read
     * before the scan (NOT IN), not a lookup per person. */
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT m.unit, p.code, p.full_name FROM memberships m CROSS JOIN people p ON "
            "p.code = m.person WHERE (m.since IS NULL OR m.since <= ?2) AND (m.until IS NULL OR "
            "m.until > ?2) AND (p.hired_on IS NULL OR p.hired_on <= ?2) AND m.person NOT IN "
            "(SELECT code FROM fact_versions WHERE period = ?1 AND subject = 'person') "
            "ORDER BY m.unit, p.code");
    if (!stmt) return;
    store_bind_text(stmt, 1, period);
    store_bind_text(stmt, 2, end);
    cJSON *unit = units->child, *current = NULL; /* current: the unit the rows are of */
    const char *current_code = NULL;
    int without_facts = 0, named = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *code = store_column_text(stmt, 0);
        if (!current || strcmp(current_code, code) != 0) {
            set_without_facts(current, without_facts);
            current = NULL;
            while (unit && strcmp(code_of(unit), code) < 0)
                unit = unit->next;
            if (!unit) break;
            if (strcmp(code_of(unit), code) != 0) continue; /* a unit that does not report */
            current = unit, current_code = code_of(unit);
            without_facts = named = 0;
        }
        without_facts++;
        if (named++ >= MEMBERS_NAMED) continue;
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "code", store_column_text(stmt, 1));
        cJSON_AddStringToObject(m, "full_name", store_column_text(stmt, 2));
        cJSON_AddBoolToObject(m, "has_facts", false);
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(current, "members"), m);
    }
    set_without_facts(current, without_facts);
    store_done(st, stmt);
}

cJSON *units_obligations(struct store *st, const char *period, const char *due,
                         const char *period_end)
{
    cJSON *units = obligation_units(st, period, due);
    if (units) add_members(st, units, period, period_end);
    return units;
}
