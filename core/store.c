/*
 * store.c — owns the SQLite connection: pragmas, the schema and its forward migrations,
 * transactions, the statement cache and the online backup.
 *
 * Durability: WAL with synchronous=FULL, so a transaction that COMMIT returned for survives a
 * kill -9 or a power cut; writes take BEGIN IMMEDIATE so two writers never deadlock on a
 * lock upgrade; busy_timeout covers the CLI writing while the daemon runs.
 * The schema version lives in PRAGMA user_version. Migrations only ever move forward: each
 * entry of `migrations` takes the schema from version i to i+1 and runs in one transaction
 * together with the user_version bump, so a crash mid-migration leaves the old version intact.
 * Domain queries live in model.c; this file knows no table but through `migrations`.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STATEMENT_CACHE_SIZE 96

struct cached_statement {
    const char *sql; /* identity: the static string's address */
    sqlite3_stmt *stmt;
};

struct store {
    sqlite3 *db;
    struct cached_statement cache[STATEMENT_CACHE_SIZE];
    int cached;
};

static const char *const migrations[] = {
    /* 1: units, people, API tokens, the audit log. */
    "CREATE TABLE units ("
    "  code TEXT PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  parent_code TEXT REFERENCES units(code),"
    "  kind TEXT NOT NULL CHECK (kind IN ('department','office','unit','district')),"
    "  email TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  valid_from TEXT,"
    "  valid_to TEXT,"
    "  merged_into TEXT REFERENCES units(code),"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX units_parent ON units(parent_code);"
    "CREATE TABLE people ("
    "  code TEXT PRIMARY KEY,"
    "  full_name TEXT NOT NULL,"
    "  unit_code TEXT NOT NULL REFERENCES units(code),"
    "  position TEXT NOT NULL DEFAULT '',"
    "  is_head INTEGER NOT NULL DEFAULT 0 CHECK (is_head IN (0,1)),"
    "  email TEXT NOT NULL DEFAULT '',"
    "  phone TEXT NOT NULL DEFAULT '',"
    "  hired_on TEXT,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX people_unit ON people(unit_code);"
    "CREATE UNIQUE INDEX people_one_head ON people(unit_code) WHERE is_head = 1;"
    "CREATE TABLE tokens ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  scope TEXT NOT NULL,"
    "  hash TEXT NOT NULL UNIQUE,"
    "  created_at TEXT NOT NULL,"
    "  revoked_at TEXT"
    ");"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  entity TEXT NOT NULL,"
    "  code TEXT NOT NULL,"
    "  detail TEXT"
    ");",

    /* 2: facts as append-only versions, and the stored evaluations with their rules hash. */
    "CREATE TABLE fact_versions ("
    "  id INTEGER PRIMARY KEY,"
    "  period TEXT NOT NULL,"
    "  subject TEXT NOT NULL CHECK (subject IN ('unit','person')),"
    "  code TEXT NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  facts TEXT NOT NULL,"
    "  note TEXT NOT NULL DEFAULT '',"
    "  submitted_at TEXT NOT NULL,"
    "  submitted_by TEXT NOT NULL,"
    "  UNIQUE (period, subject, code, version)"
    ");"
    "CREATE TABLE evaluations ("
    "  period TEXT NOT NULL,"
    "  subject TEXT NOT NULL,"
    "  code TEXT NOT NULL,"
    "  rules_hash TEXT NOT NULL,"
    "  score INTEGER NOT NULL,"
    "  result TEXT NOT NULL,"
    "  evaluated_at TEXT NOT NULL,"
    "  PRIMARY KEY (period, subject, code)"
    ");",
};

int store_schema_latest(void)
{
    return (int)(sizeof migrations / sizeof migrations[0]);
}

void store_now(char *buf, size_t len)
{
    time_t now = time(NULL);
    struct tm local;
    localtime_r(&now, &local);
    char zone[8];
    strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &local);
    strftime(zone, sizeof zone, "%z", &local);
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%.3s:%.2s", zone, zone + 3);
}

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        if (err) snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
    struct store *st = calloc(1, sizeof *st);
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int rc = sqlite3_open_v2(
        path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, st->db ? sqlite3_errmsg(st->db) : "cannot open");
        sqlite3_close(st->db);
        free(st);
        return NULL;
    }
    sqlite3_busy_timeout(st->db, 5000);
    char msg[256];
    if (exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
             msg, sizeof msg) != 0) {
        snprintf(err, errlen, "%s: %s", path, msg);
        sqlite3_close(st->db);
        free(st);
        return NULL;
    }
    return st;
}

void store_close(struct store *st)
{
    if (!st) return;
    for (int i = 0; i < st->cached; i++)
        sqlite3_finalize(st->cache[i].stmt);
    sqlite3_close(st->db);
    free(st);
}

sqlite3 *store_db(struct store *st)
{
    return st->db;
}

int store_schema_version(struct store *st)
{
    sqlite3_stmt *stmt;
    int version = -1;
    if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) version = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    return version;
}

int store_migrate(struct store *st, char *err, size_t errlen)
{
    int version = store_schema_version(st);
    if (version < 0) {
        snprintf(err, errlen, "cannot read the schema version: %s", sqlite3_errmsg(st->db));
        return -1;
    }
    if (version > store_schema_latest()) {
        snprintf(err, errlen,
                 "the database is at schema version %d, newer than this build knows (%d)", version,
                 store_schema_latest());
        return -1;
    }
    for (int v = version; v < store_schema_latest(); v++) {
        char msg[512], bump[64];
        if (exec(st->db, "BEGIN IMMEDIATE", msg, sizeof msg) != 0) {
            snprintf(err, errlen, "migration %d: %s", v + 1, msg);
            return -1;
        }
        snprintf(bump, sizeof bump, "PRAGMA user_version=%d", v + 1);
        if (exec(st->db, migrations[v], msg, sizeof msg) != 0 ||
            exec(st->db, bump, msg, sizeof msg) != 0) {
            exec(st->db, "ROLLBACK", NULL, 0);
            snprintf(err, errlen, "migration %d: %s", v + 1, msg);
            return -1;
        }
        if (exec(st->db, "COMMIT", msg, sizeof msg) != 0) {
            snprintf(err, errlen, "migration %d: %s", v + 1, msg);
            return -1;
        }
    }
    return 0;
}

sqlite3_stmt *store_prepare(struct store *st, const char *sql)
{
    for (int i = 0; i < st->cached; i++) {
        if (st->cache[i].sql == sql) {
            sqlite3_stmt *stmt = st->cache[i].stmt;
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            return stmt;
        }
    }
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        return NULL;
    if (st->cached < STATEMENT_CACHE_SIZE)
        st->cache[st->cached++] = (struct cached_statement){sql, stmt};
    /* A full cache would leak here; the code base has far fewer statements than the cache. */
    return stmt;
}

int store_begin(struct store *st)
{
    return exec(st->db, "BEGIN IMMEDIATE", NULL, 0);
}

int store_commit(struct store *st)
{
    return exec(st->db, "COMMIT", NULL, 0);
}

void store_rollback(struct store *st)
{
    if (!sqlite3_get_autocommit(st->db)) exec(st->db, "ROLLBACK", NULL, 0);
}

int store_backup(struct store *st, const char *dest, char *err, size_t errlen)
{
    sqlite3 *out = NULL;
    if (sqlite3_open(dest, &out) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", dest, out ? sqlite3_errmsg(out) : "cannot open");
        sqlite3_close(out);
        return -1;
    }
    sqlite3_backup *backup = sqlite3_backup_init(out, "main", st->db, "main");
    if (!backup) {
        snprintf(err, errlen, "%s: %s", dest, sqlite3_errmsg(out));
        sqlite3_close(out);
        return -1;
    }
    int rc;
    do {
        rc = sqlite3_backup_step(backup, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "%s: %s", dest, sqlite3_errmsg(out));
        sqlite3_close(out);
        return -1;
    }
    rc = sqlite3_close(out);
    return rc == SQLITE_OK ? 0 : -1;
}

void store_checkpoint(struct store *st)
{
    sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

int store_begin_read(struct store *st)
{
    sqlite3_stmt *stmt = store_prepare(st, "BEGIN DEFERRED");
    int rc = stmt ? sqlite3_step(stmt) : SQLITE_ERROR;
    if (stmt) sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

void store_end_read(struct store *st)
{
    if (sqlite3_get_autocommit(st->db)) return;
    sqlite3_stmt *stmt = store_prepare(st, "COMMIT");
    if (stmt) {
        sqlite3_step(stmt);
        sqlite3_reset(stmt);
    }
}

long long store_size_bytes(struct store *st)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
    long long size = -1;
    if (stmt && sqlite3_step(stmt) == SQLITE_ROW) size = sqlite3_column_int64(stmt, 0);
    if (stmt) sqlite3_reset(stmt);
    return size;
}
