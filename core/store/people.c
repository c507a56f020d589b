/*
 * people.c — the people table: each person in one unit today (people.unit_code), at most
 * one head per unit (a partial unique index), as rows, JSON views and the rules' input. Who
 * belonged to a unit on an earlier day comes from the memberships table (memberships.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/people.h"

int people_upsert(struct store *st, const struct person_row *p, bool *changed)
{
    static const char *const select_sql =
        "SELECT full_name, unit_code, position, is_head, email, phone, hired_on "
        "FROM people WHERE code = ?";
    static const char *const upsert_sql =
        "INSERT INTO people (code, full_name, unit_code, position, is_head, email, phone, "
        "hired_on, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) "
        "ON CONFLICT(code) DO UPDATE SET full_name=?2, unit_code=?3, position=?4, is_head=?5, "
        "email=?6, phone=?7, hired_on=?8, updated_at=?9";
    const char *values[] = {
        p->code,  p->full_name, p->unit_code, p->position, p->is_head ? "1" : "0",
        p->email, p->phone,     p->hired_on};
    enum { HIRED_ON = 7 };
    return store_put_row(st, select_sql, upsert_sql, values, 8, 1u << HIRED_ON, changed);
}

bool people_exists(struct store *st, const char *code)
{
    return store_exists(st, "SELECT 1 FROM people WHERE code = ?", code);
}

char *people_unit_of(struct store *st, const char *code)
{
    return store_single_text(st, "SELECT unit_code FROM people WHERE code = ?", code);
}

char *people_hired_on(struct store *st, const char *code)
{
    return store_single_text(st, "SELECT hired_on FROM people WHERE code = ?", code);
}

/* The stays m of people p in unit ?1 on day ?2, of people hired by then: who belonged to
 * the unit that day, with the position and headship they held there. */
#define MEMBERS_ON_DAY                                                                             \
    "people p JOIN memberships m ON m.person = p.code AND m.unit = ?1 AND (m.since IS NULL OR "    \
    "m.since <= ?2) AND (m.until IS NULL OR m.until > ?2) WHERE (p.hired_on IS NULL OR "           \
    "p.hired_on <= ?2)"

cJSON *people_list_json(struct store *st, const char *unit_code, const char *day)
{
    static const char *const all_sql =
        "SELECT code, full_name, unit_code, position, is_head, email, phone, hired_on "
        "FROM people ORDER BY code";
    static const char *const unit_sql =
        "SELECT code, full_name, unit_code, position, is_head, email, phone, hired_on "
        "FROM people WHERE unit_code = ?1 ORDER BY is_head DESC, code";
    static const char *const members_sql =
        "SELECT p.code, p.full_name, p.unit_code, m.position, m.is_head, p.email, p.phone, "
        "p.hired_on FROM " MEMBERS_ON_DAY " ORDER BY m.is_head DESC, p.code";
    sqlite3_stmt *stmt = store_prepare(st, !unit_code ? all_sql : day ? members_sql : unit_sql);
    if (!stmt) return NULL;
    if (unit_code) store_bind_text(stmt, 1, unit_code);
    if (unit_code && day) store_bind_text(stmt, 2, day);
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "code", store_column_text(stmt, 0));
        cJSON_AddStringToObject(p, "full_name", store_column_text(stmt, 1));
        cJSON_AddStringToObject(p, "unit_code", store_column_text(stmt, 2));
        cJSON_AddStringToObject(p, "position", store_column_text(stmt, 3));
        cJSON_AddBoolToObject(p, "is_head", sqlite3_column_int(stmt, 4) != 0);
        cJSON_AddStringToObject(p, "email", store_column_text(stmt, 5));
        cJSON_AddStringToObject(p, "phone", store_column_text(stmt, 6));
        store_json_text_or_null(p, "hired_on", store_column_text(stmt, 7));
        cJSON_AddItemToArray(list, p);
    }
    store_done(st, stmt);
    return list;
}

cJSON *people_members_input(struct store *st, const char *period, const char *unit_code,
                            const char *day)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT p.code, p.full_name, m.position, m.is_head, (SELECT facts FROM fact_versions f "
            "WHERE f.period = ?3 AND f.subject = 'person' AND f.code = p.code ORDER BY version "
            "DESC LIMIT 1) FROM " MEMBERS_ON_DAY " ORDER BY p.code");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, unit_code);
    store_bind_text(stmt, 2, day);
    store_bind_text(stmt, 3, period);
    cJSON *members = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "code", store_column_text(stmt, 0));
        cJSON_AddStringToObject(m, "full_name", store_column_text(stmt, 1));
        cJSON_AddStringToObject(m, "position", store_column_text(stmt, 2));
        cJSON_AddBoolToObject(m, "is_head", sqlite3_column_int(stmt, 3) != 0);
        cJSON_AddStringToObject(m, "unit_code", unit_code);
        cJSON_AddItemToObject(m, "facts", store_facts_column(stmt, 4));
        cJSON_AddItemToArray(members, m);
    }
    store_done(st, stmt);
    return members;
}
