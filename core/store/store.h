/*
 * store.h — the SQLite database as the rest of the daemon sees it: opening, the schema
 * version and its migrations, transactions, backup. No SQLite type crosses this header:
 * the tables are reached through store/units.h, people.h, facts.h, evaluations.h,
 * audit.h and tokens.h. Transactions are opened by the domain layer only.
 */
#ifndef THIDUA_STORE_STORE_H
#define THIDUA_STORE_STORE_H

#include <stddef.h>

struct store;

/* Opens (creating if needed) the database at path with WAL and synchronous=FULL.
 * Does not migrate: call store_migrate. Returns NULL and fills err on failure. */
struct store *store_open(const char *path, char *err, size_t errlen);
void store_close(struct store *st);

/* The schema version this build writes, and the one in the file (-1 if unreadable). */
int store_schema_latest(void);
int store_schema_version(struct store *st);
/* Applies every migration above the file's version, each in its own transaction. */
int store_migrate(struct store *st, char *err, size_t errlen);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK (a no-op outside a transaction). */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);
/* BEGIN IMMEDIATE that gives up at once when another connection holds the write lock,
 * instead of waiting out the busy timeout: for bookkeeping on a timer (the outbox's sender),
 * which tries again on its next tick and must not hold the event loop while another process
 * keeps the database locked. */
int store_begin_nowait(struct store *st);
/* COMMIT without waiting for the disk (synchronous=NORMAL for this one commit): for
 * bookkeeping a crash may undo without harm (the outbox's sending/sent marks: a message
 * whose mark is lost is sent again under the same key). Never for what a client is told
 * is stored, nor for anything a cached answer reads: these commits do not move
 * store_data_version. */
int store_commit_relaxed(struct store *st);
/* True while a transaction is open. */
int store_in_transaction(struct store *st);

/* A read transaction around several reads, so they share one snapshot and one lock. */
int store_begin_read(struct store *st);
void store_end_read(struct store *st);
/* A number that changes whenever the database's content changes, by any connection of any
 * process, this one included — but for this connection's store_commit_relaxed (the
 * outbox's marks): what in-memory caches of stored data are checked against. Call inside a
 * transaction (store_begin_read); 0 when unknown. */
unsigned long store_data_version(struct store *st);

/* SQLite's message for the last failure on this connection. */
const char *store_errmsg(struct store *st);

/* Why a write failed, by what an administrator does about it. */
enum store_failure {
    STORE_FAILURE_NONE = 0,
    STORE_FAILURE_DISK_FULL, /* the file system is full (or the file at its size limit) */
    STORE_FAILURE_READ_ONLY, /* the file cannot be written: read-only, moved or deleted */
    STORE_FAILURE_LOCKED,    /* another process held the lock longer than the busy timeout */
    STORE_FAILURE_IO,        /* the disk or the file failed (I/O error, corruption) */
    STORE_FAILURE_OTHER,     /* anything else (a constraint, out of memory) */
};
/* The kind of the last failure on this connection: call it right after the failing call,
 * before a rollback. A full disk, a read-only file or an I/O error is remembered until a
 * write commits (store_unwritable reports it). */
enum store_failure store_failure(struct store *st);
/* The error code an API answers a failure with ("disk_full", "database_read_only",
 * "database_locked", "storage_error"), and what it means, in Vietnamese. */
const char *store_failure_code(enum store_failure kind);
const char *store_failure_text(enum store_failure kind);
/* Whether a write could succeed now, without trying one: STORE_FAILURE_NONE, or the kind and
 * why (into why) — the file opened read-only, moved or deleted, its file system (nearly)
 * full, or the last write failed that way and none has committed since. */
enum store_failure store_unwritable(struct store *st, char *why, size_t whylen);

/* Copies the live database to dest with SQLite's online backup API. */
int store_backup(struct store *st, const char *dest, char *err, size_t errlen);
/* Folds the write-ahead log back into the database and truncates it (after a large
 * rewrite such as re-evaluating everything). */
void store_checkpoint(struct store *st);
/* Size in bytes of the main database file (page_count * page_size). */
long long store_size_bytes(struct store *st);
/* The SQLite library in use, "SQLite 3.40.1" (thiduad --version). */
const char *store_library_version(void);

#endif
