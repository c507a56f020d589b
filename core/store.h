/* store.h — the SQLite database: opening, schema migrations, transactions, backup. */
#ifndef THIDUA_STORE_H
#define THIDUA_STORE_H

#include <sqlite3.h>
#include <stddef.h>

struct store;

/* Opens (creating if needed) the database at path with WAL and synchronous=FULL.
 * Does not migrate: call store_migrate. Returns NULL and fills err on failure. */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *st);
sqlite3 *store_db(struct store *st);

/* The schema version this build writes, and the one in the file. */
int store_schema_latest(void);
int store_schema_version(struct store *st);
/* Applies every migration above the file's version, each in its own transaction. */
int store_migrate(struct store *st, char *err, size_t errlen);

/* A cached prepared statement for a static SQL string; reset, bindings cleared. */
sqlite3_stmt *store_prepare(struct store *st, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* Copies the live database to dest with SQLite's online backup API. */
int store_backup(struct store *st, const char *dest, char *err, size_t errlen);

/* Folds the write-ahead log back into the database and truncates it (after a large
 * rewrite such as re-evaluating everything). */
void store_checkpoint(struct store *st);

/* A read transaction around several reads, so they share one snapshot and one lock. */
int store_begin_read(struct store *st);
void store_end_read(struct store *st);

/* Size in bytes of the main database file (page_count * page_size). */
long long store_size_bytes(struct store *st);

/* "YYYY-MM-DDTHH:MM:SS+07:00" for now, local time. */
void store_now(char *buf, size_t len);

#endif
