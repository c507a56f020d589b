/*
 * internal.h — what the store's own files share: the connection, the statement cache and
 * the binding helpers. Private to core/store/ (and the store's unit tests): no other layer
 * includes it, so SQLite stays behind the store's headers.
 */
#ifndef THIDUA_STORE_INTERNAL_H
#define THIDUA_STORE_INTERNAL_H

#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdbool.h>

#include "store/store.h"

/* The connection, for the store's files and its tests. */
sqlite3 *store_db(struct store *st);

/* The write failure remembered until a write commits (store/failure.c). */
enum store_failure *store_remembered_failure(struct store *st);

/* A prepared statement for an SQL text, from the cache when it was prepared before, with
 * its bindings cleared. Give it back with store_done. NULL on a preparation error. */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);
/* Resets a statement from store_prepare (or finalizes it, if the cache had no room). */
void store_done(struct store *st, sqlite3_stmt *stmt);

/* Binds text, or NULL for a NULL or empty value. */
void store_bind_text_or_null(sqlite3_stmt *stmt, int index, const char *value);
/* Binds text ("" for NULL). */
void store_bind_text(sqlite3_stmt *stmt, int index, const char *value);
/* A text column, NULL for SQL NULL. */
const char *store_column_text(sqlite3_stmt *stmt, int index);
/* Runs a statement that returns no row; 0 or -1. */
int store_step_done(struct store *st, sqlite3_stmt *stmt);
/* Runs SQL text with no parameters (pragmas, migrations). */
int store_exec(struct store *st, const char *sql, char *err, size_t errlen);

/* The first text column of the one row a statement with one text parameter returns,
 * malloc'd, or NULL. */
char *store_single_text(struct store *st, const char *sql, const char *arg);
/* True when a statement with one text parameter returns a row. */
bool store_exists(struct store *st, const char *sql, const char *arg);

/* Writes a row only when it differs from the stored one, so re-importing a file changes
 * nothing. values[0] is the key; select_sql reads the other count - 1 columns by key, in
 * order; upsert_sql binds ?1..?count to values and ?count+1 to now. A column whose bit is
 * set in `nullable` is bound NULL when empty. *changed says whether anything was written. */
int store_put_row(struct store *st, const char *select_sql, const char *upsert_sql,
                  const char *const *values, int count, unsigned nullable, bool *changed);

/* Equal as stored values: NULL and "" are the same. */
bool store_same_text(const char *a, const char *b);
/* Adds key: text, or key: null for a NULL column. */
void store_json_text_or_null(cJSON *obj, const char *key, const char *value);
/* A column of facts JSON, parsed; {} when NULL or unreadable. */
cJSON *store_facts_column(sqlite3_stmt *stmt, int index);
/* The first column of every row, as a JSON array of strings; the statement is done. */
cJSON *store_code_list(struct store *st, sqlite3_stmt *stmt);

#endif
