/*
 * store.c — owns the SQLite connection: pragmas, transactions, the statement cache and the
 * online backup. The schema is migrations.c's; each table family has its own file.
 *
 * Durability: WAL with synchronous=FULL, so a transaction that COMMIT returned for survives a
 * kill -9 or a power cut; writes take BEGIN IMMEDIATE so two writers never deadlock on a
 * lock upgrade; busy_timeout covers the CLI writing while the daemon runs.
 *
 * The statement cache is an open-addressing hash table keyed by the SQL text itself (hash,
 * then a full comparison), so two different statements can never share an entry. A memo
 * from the text's address to its slot saves hashing the text on every call (the address
 * only suggests a slot: the text is compared before the statement is used). When the cache
 * is full, a statement is prepared for one use, remembered as transient, and finalized by
 * store_done.
 */
#include "store/internal.h"

#include "util/clock.h"

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATEMENT_CACHE_SLOTS 256 /* a power of two; the code base has about 60 statements */
#define STATEMENT_CACHE_MAX   (STATEMENT_CACHE_SLOTS * 3 / 4)
#define BUSY_TIMEOUT_MS       5000
#define BACKUP_PAGES_PER_STEP 256
#define BACKUP_RETRY_MS       20
#define ADDRESS_MEMO_SLOTS    512 /* a power of two */
#define TRANSIENT_MAX         16  /* uncached statements in use at once */

struct cached_statement {
    uint64_t hash;
    sqlite3_stmt *stmt; /* NULL: a free slot; its SQL text is sqlite3_sql(stmt) */
};

struct store {
    sqlite3 *db;
    struct cached_statement cache[STATEMENT_CACHE_SLOTS];
    int cached;
    struct {
        const char *sql; /* an address a statement was last asked for by */
        int slot;
    } memo[ADDRESS_MEMO_SLOTS];
    sqlite3_stmt *transient[TRANSIENT_MAX]; /* prepared beyond the cache, not yet done */
    int transients;
    enum store_failure write_failure; /* full, read-only or I/O, until a write commits */
    /* The data version of the read transaction store_begin_read opened, once asked for:
     * it cannot change before store_end_read, so a request asks SQLite once. */
    bool reading;
    unsigned long read_version;
    /* This connection's commits that may change what a cache keeps (store_data_version):
     * counted by SQLite's commit hook, all but those of store_commit_relaxed (the outbox's
     * marks, which no cached answer reads). */
    unsigned long own_commits;
    bool relaxed_commit;
};

sqlite3 *store_db(struct store *st)
{
    return st->db;
}

enum store_failure *store_remembered_failure(struct store *st)
{
    return &st->write_failure;
}

int store_exec(struct store *st, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) == SQLITE_OK) return 0;
    if (err) snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(st->db));
    sqlite3_free(msg);
    return -1;
}

/* SQLite's commit hook: runs for every commit that wrote, autocommit statements included. */
static int count_commit(void *arg)
{
    struct store *st = arg;
    if (!st->relaxed_commit) st->own_commits++;
    return 0; /* 0: the commit goes on */
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
    struct store *st = calloc(1, sizeof *st);
    char msg[256];
    if (!st) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    int rc = sqlite3_open_v2(
        path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, st->db ? sqlite3_errmsg(st->db) : "cannot open");
        goto fail;
    }
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    sqlite3_commit_hook(st->db, count_commit, st);
    if (store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
                   msg, sizeof msg) != 0) {
        snprintf(err, errlen, "%s: %s", path, msg);
        goto fail;
    }
    return st;
fail:
    sqlite3_close(st->db);
    free(st);
    return NULL;
}

void store_close(struct store *st)
{
    if (!st) return;
    for (int i = 0; i < st->transients; i++)
        sqlite3_finalize(st->transient[i]);
    for (int i = 0; i < STATEMENT_CACHE_SLOTS; i++)
        sqlite3_finalize(st->cache[i].stmt);
    sqlite3_close(st->db);
    free(st);
}

const char *store_errmsg(struct store *st)
{
    return sqlite3_errmsg(st->db);
}

/* ---- the statement cache -------------------------------------------------------------- */

static uint64_t sql_hash(const char *sql) /* FNV-1a */
{
    uint64_t h = 14695981039346656037ull;
    for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

/* The slot holding sql, or the free slot where it would go. */
static struct cached_statement *cache_slot(struct store *st, const char *sql, uint64_t hash)
{
    for (size_t i = 0; i < STATEMENT_CACHE_SLOTS; i++) {
        struct cached_statement *slot = &st->cache[(hash + i) & (STATEMENT_CACHE_SLOTS - 1)];
        if (!slot->stmt) return slot;
        if (slot->hash == hash && strcmp(sqlite3_sql(slot->stmt), sql) == 0) return slot;
    }
    return NULL; /* unreachable while the table is kept below STATEMENT_CACHE_MAX */
}

static size_t memo_index(const char *sql)
{
    return ((uintptr_t)sql >> 3) & (ADDRESS_MEMO_SLOTS - 1);
}

/* The cached statement for sql, found through the address memo or the text's hash. */
static struct cached_statement *cache_find(struct store *st, const char *sql, uint64_t *hash)
{
    size_t m = memo_index(sql);
    if (st->memo[m].sql == sql) {
        struct cached_statement *slot = &st->cache[st->memo[m].slot];
        if (slot->stmt && strcmp(sqlite3_sql(slot->stmt), sql) == 0) return slot;
    }
    *hash = sql_hash(sql);
    struct cached_statement *slot = cache_slot(st, sql, *hash);
    if (slot && slot->stmt) {
        st->memo[m].sql = sql;
        st->memo[m].slot = (int)(slot - st->cache);
    }
    return slot;
}

sqlite3_stmt *store_prepare(struct store *st, const char *sql)
{
    uint64_t hash = 0;
    struct cached_statement *slot = cache_find(st, sql, &hash);
    if (slot && slot->stmt) {
        sqlite3_reset(slot->stmt);
        sqlite3_clear_bindings(slot->stmt);
        return slot->stmt;
    }
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        return NULL;
    if (slot && st->cached < STATEMENT_CACHE_MAX) {
        *slot = (struct cached_statement){hash, stmt};
        st->cached++;
    } else if (st->transients < TRANSIENT_MAX) {
        st->transient[st->transients++] = stmt;
    } else {
        sqlite3_finalize(stmt); /* more uncached statements at once than any caller needs */
        return NULL;
    }
    return stmt;
}

void store_done(struct store *st, sqlite3_stmt *stmt)
{
    if (!stmt) return;
    for (int i = 0; i < st->transients; i++) {
        if (st->transient[i] != stmt) continue;
        sqlite3_finalize(stmt); /* prepared beyond the cache, for this one use */
        st->transient[i] = st->transient[--st->transients];
        return;
    }
    sqlite3_reset(stmt);
}

/* ---- helpers for the table files ------------------------------------------------------ */

void store_bind_text_or_null(sqlite3_stmt *stmt, int index, const char *value)
{
    if (value && value[0])
        sqlite3_bind_text(stmt, index, value, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(stmt, index);
}

void store_bind_text(sqlite3_stmt *stmt, int index, const char *value)
{
    sqlite3_bind_text(stmt, index, value ? value : "", -1, SQLITE_TRANSIENT);
}

const char *store_column_text(sqlite3_stmt *stmt, int index)
{
    const unsigned char *text = sqlite3_column_text(stmt, index);
    return text ? (const char *)text : NULL;
}

int store_step_done(struct store *st, sqlite3_stmt *stmt)
{
    int rc = sqlite3_step(stmt);
    store_done(st, stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

char *store_single_text(struct store *st, const char *sql, const char *arg)
{
    sqlite3_stmt *stmt = store_prepare(st, sql);
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, arg);
    char *out = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW && store_column_text(stmt, 0))
        out = strdup(store_column_text(stmt, 0));
    store_done(st, stmt);
    return out;
}

bool store_exists(struct store *st, const char *sql, const char *arg)
{
    sqlite3_stmt *stmt = store_prepare(st, sql);
    if (!stmt) return false;
    store_bind_text(stmt, 1, arg);
    bool found = sqlite3_step(stmt) == SQLITE_ROW;
    store_done(st, stmt);
    return found;
}

/* 1 when the stored row equals values, 0 when it differs or is absent, -1 on error. */
static int stored_row_equal(struct store *st, const char *select_sql, const char *const *values,
                            int count)
{
    sqlite3_stmt *stmt = store_prepare(st, select_sql);
    if (!stmt) return -1;
    store_bind_text(stmt, 1, values[0]);
    int rc = sqlite3_step(stmt), equal = 0;
    if (rc == SQLITE_ROW) {
        equal = 1;
        for (int i = 1; i < count && equal; i++)
            equal = store_same_text(values[i], store_column_text(stmt, i - 1));
    }
    store_done(st, stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? equal : -1;
}

int store_put_row(struct store *st, const char *select_sql, const char *upsert_sql,
                  const char *const *values, int count, unsigned nullable, bool *changed)
{
    *changed = false;
    int equal = stored_row_equal(st, select_sql, values, count);
    if (equal != 0) return equal < 0 ? -1 : 0;
    sqlite3_stmt *stmt = store_prepare(st, upsert_sql);
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    for (int i = 0; i < count; i++) {
        if (nullable & (1u << i))
            store_bind_text_or_null(stmt, i + 1, values[i]);
        else
            store_bind_text(stmt, i + 1, values[i]);
    }
    store_bind_text(stmt, count + 1, now);
    *changed = true;
    return store_step_done(st, stmt);
}

bool store_same_text(const char *a, const char *b)
{
    if (!a || !a[0]) return !b || !b[0];
    return b && strcmp(a, b) == 0;
}

void store_json_text_or_null(cJSON *obj, const char *key, const char *value)
{
    if (value)
        cJSON_AddStringToObject(obj, key, value);
    else
        cJSON_AddNullToObject(obj, key);
}

cJSON *store_facts_column(sqlite3_stmt *stmt, int index)
{
    const char *text = store_column_text(stmt, index);
    cJSON *facts = text ? cJSON_Parse(text) : NULL;
    return facts ? facts : cJSON_CreateObject();
}

cJSON *store_code_list(struct store *st, sqlite3_stmt *stmt)
{
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW)
        cJSON_AddItemToArray(list, cJSON_CreateString(store_column_text(stmt, 0)));
    store_done(st, stmt);
    return list;
}

/* ---- transactions --------------------------------------------------------------------- */

static int step_cached(struct store *st, const char *sql)
{
    sqlite3_stmt *stmt = store_prepare(st, sql);
    return stmt ? store_step_done(st, stmt) : -1;
}

int store_begin(struct store *st)
{
    return step_cached(st, "BEGIN IMMEDIATE");
}

int store_begin_nowait(struct store *st)
{
    sqlite3_busy_timeout(st->db, 0);
    int rc = store_begin(st);
    sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
    return rc;
}

int store_commit(struct store *st)
{
    int rc = step_cached(st, "COMMIT");
    if (rc == 0) st->write_failure = STORE_FAILURE_NONE;
    return rc;
}

int store_commit_relaxed(struct store *st)
{
    step_cached(st, "PRAGMA synchronous=NORMAL");
    st->relaxed_commit = true;
    int rc = step_cached(st, "COMMIT");
    st->relaxed_commit = false;
    step_cached(st, "PRAGMA synchronous=FULL");
    return rc;
}

void store_rollback(struct store *st)
{
    if (!sqlite3_get_autocommit(st->db)) step_cached(st, "ROLLBACK");
}

int store_in_transaction(struct store *st)
{
    return !sqlite3_get_autocommit(st->db);
}

int store_begin_read(struct store *st)
{
    st->read_version = 0;
    st->reading = step_cached(st, "BEGIN DEFERRED") == 0;
    return st->reading ? 0 : -1;
}

void store_end_read(struct store *st)
{
    st->reading = false;
    st->read_version = 0;
    if (!sqlite3_get_autocommit(st->db)) step_cached(st, "COMMIT");
}

unsigned long store_data_version(struct store *st)
{
    if (st->reading && st->read_version) return st->read_version;
    /* PRAGMA data_version starts the read (a DEFERRED transaction reads nothing until its
     * first statement), so the pager has looked at the file; its value moves with every
     * commit of another connection, any process's. This connection's own commits it does not
     * count: own_commits does, but for the outbox's relaxed ones, so a dispatch does not
     * throw away every kept answer 160 times a second. */
    sqlite3_stmt *stmt = store_prepare(st, "PRAGMA data_version");
    if (!stmt) return 0;
    unsigned long others =
        sqlite3_step(stmt) == SQLITE_ROW ? (unsigned long)sqlite3_column_int64(stmt, 0) : 0;
    store_done(st, stmt);
    if (others == 0) return 0;
    unsigned long version = (others << 32) + st->own_commits + 1;
    if (st->reading) st->read_version = version;
    return version;
}

/* ---- backup and size ------------------------------------------------------------------ */

int store_backup(struct store *st, const char *dest, char *err, size_t errlen)
{
    sqlite3 *out = NULL;
    sqlite3_backup *backup = NULL;
    int rc = sqlite3_open(dest, &out);
    if (rc == SQLITE_OK) backup = sqlite3_backup_init(out, "main", st->db, "main");
    if (!backup) goto fail;
    do {
        rc = sqlite3_backup_step(backup, BACKUP_PAGES_PER_STEP);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(BACKUP_RETRY_MS);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) goto fail;
    return sqlite3_close(out) == SQLITE_OK ? 0 : -1;
fail:
    snprintf(err, errlen, "%s: %s", dest, out ? sqlite3_errmsg(out) : "cannot open");
    sqlite3_close(out);
    return -1;
}

void store_checkpoint(struct store *st)
{
    sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

long long store_size_bytes(struct store *st)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()");
    long long size = -1;
    if (stmt && sqlite3_step(stmt) == SQLITE_ROW) size = sqlite3_column_int64(stmt, 0);
    store_done(st, stmt);
    return size;
}

const char *store_library_version(void)
{
    static char text[32];
    snprintf(text, sizeof text, "SQLite %s", sqlite3_libversion());
    return text;
}
