/*
 * memberships.c — the memberships table: each person's stays in units, [since, until),
 * with the position and headship held there, so a move keeps the past (a closed district
 * office keeps the people it had, and its head).
 */
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/memberships.h"

/* Inserts a stay of p in p->unit_code from `since` (NULL: since joining), still open. */
static int insert_stay(struct store *st, const struct person_row *p, const char *since)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "INSERT INTO memberships (person, unit, position, is_head, since, until) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, NULL)");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, p->code);
    store_bind_text(stmt, 2, p->unit_code);
    store_bind_text(stmt, 3, p->position);
    sqlite3_bind_int(stmt, 4, p->is_head ? 1 : 0);
    store_bind_text_or_null(stmt, 5, since);
    return store_step_done(st, stmt);
}

int memberships_start(struct store *st, const struct person_row *p)
{
    return insert_stay(st, p, NULL);
}

int memberships_move(struct store *st, const struct person_row *p, const char *on)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "UPDATE memberships SET until = ?2 WHERE person = ?1 AND until IS NULL");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, p->code);
    store_bind_text(stmt, 2, on);
    if (store_step_done(st, stmt) != 0) return -1;
    return insert_stay(st, p, on);
}

int memberships_update_open(struct store *st, const struct person_row *p)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "UPDATE memberships SET position = ?2, is_head = ?3 WHERE person = ?1 AND "
            "until IS NULL AND (position <> ?2 OR is_head <> ?3)");
    if (!stmt) return -1;
    store_bind_text(stmt, 1, p->code);
    store_bind_text(stmt, 2, p->position);
    sqlite3_bind_int(stmt, 3, p->is_head ? 1 : 0);
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
    sqlite3_stmt *stmt =
        store_prepare(st, "SELECT unit, since FROM memberships WHERE person = ? AND until IS NULL");
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
        st, "SELECT unit, position, is_head, since, until FROM memberships WHERE person = ? "
            "ORDER BY since");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, person);
    cJSON *stays = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *stay = cJSON_CreateObject();
        cJSON_AddStringToObject(stay, "unit_code", store_column_text(stmt, 0));
        cJSON_AddStringToObject(stay, "position", store_column_text(stmt, 1));
        cJSON_AddBoolToObject(stay, "is_head", sqlite3_column_int(stmt, 2) != 0);
        store_json_text_or_null(stay, "since", store_column_text(stmt, 3));
        store_json_text_or_null(stay, "until", store_column_text(stmt, 4));
        cJSON_AddItemToArray(stays, stay);
    }
    store_done(st, stmt);
    return stays;
}
