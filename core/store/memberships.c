/*
 * memberships.c — the memberships table: each person's stays in units, [since, until), so
 * a move keeps the past (a closed district office keeps the people it had).
 */
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/memberships.h"

int memberships_start(struct store *st, const char *person, const char *unit)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO memberships (person, unit, since, until) VALUES (?1, ?2, NULL, NULL)");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, person);
    store_bind_text(stmt, 2, unit);
    return store_step_done(st, stmt);
}

int memberships_move(struct store *st, const char *person, const char *unit, const char *on)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "UPDATE memberships SET until = ?2 WHERE person = ?1 AND until IS NULL");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, person);
    store_bind_text(stmt, 2, on);
    if (store_step_done(st, stmt) != 0) return -1;
    stmt = store_prepare(
        st, "INSERT INTO memberships (person, unit, since, until) VALUES (?1, ?2, ?3, NULL)");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, person);
    store_bind_text(stmt, 2, unit);
    store_bind_text(stmt, 3, on);
    return store_step_done(st, stmt);
}

char *memberships_unit_on(struct store *st, const char *person, const char *day)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT unit FROM memberships WHERE person = ?1 AND (since IS NULL OR since <= ?2) "
            "AND (until IS NULL OR until > ?2)");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, person);
    store_bind_text(stmt, 2, day);
    char *unit = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) unit = strdup(store_column_text(stmt, 0));
    store_done(st, stmt);
    return unit;
}

char *memberships_open_unit(struct store *st, const char *person, char **since)
{
    *since = NULL;
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT unit, since FROM memberships WHERE person = ? AND until IS NULL");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, person);
    char *unit = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        unit = strdup(store_column_text(stmt, 0));
        if (store_column_text(stmt, 1)) *since = strdup(store_column_text(stmt, 1));
    }
    store_done(st, stmt);
    return unit;
}

cJSON *memberships_of_person(struct store *st, const char *person)
{
    /* NULL sorts first: the stay since joining comes before every dated one. */
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT unit, since, until FROM memberships WHERE person = ? ORDER BY since");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, person);
    cJSON *stays = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *stay = cJSON_CreateObject();
        cJSON_AddStringToObject(stay, "unit_code", store_column_text(stmt, 0));
        store_json_text_or_null(stay, "since", store_column_text(stmt, 1));
        store_json_text_or_null(stay, "until", store_column_text(stmt, 2));
        cJSON_AddItemToArray(stays, stay);
    }
    store_done(st, stmt);
    return stays;
}
