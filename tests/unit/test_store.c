/*
 * test_store.c — unit tests for core/store.c: opening a database (file creation, WAL,
 * synchronous=FULL, foreign keys), forward migrations (0 -> latest, idempotence, refusal of a
 * newer file, rollback of a failed migration), the online backup, the prepared-statement
 * cache and the clock_now_iso() timestamp format.
 *
 * Every test works in its own folder under one mkdtemp() root that main() removes at the end,
 * so nothing is left behind even when a forked test dies half-way.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/internal.h"
#include "store/units.h"
#include "store/store.h"
#include "util/clock.h"
#include "support.h"

static char root[256]; /* created by main() */
static char dir[512];  /* this test's folder */
static char db_path[1024];

/* ---- helpers ---------------------------------------------------------------------------- */

static void setup(void)
{
    test_make_dir(dir, sizeof dir, root);
    snprintf(db_path, sizeof db_path, "%s/thidua.db", dir);
}

static void teardown(void)
{
    test_remove_tree(dir);
}

static struct store *open_store(const char *path)
{
    char err[512] = "";
    struct store *st = store_open(path, err, sizeof err);
    ck_assert_msg(st != NULL, "store_open(%s): %s", path, err);
    return st;
}

/* The first column of the first row of sql, as an integer. */
static long long query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(stmt) == SQLITE_ROW, "%s: no row", sql);
    long long v = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return v;
}

/* The first column of the first row of sql as malloc'd text ("" for NULL). */
static char *query_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_msg(sqlite3_step(stmt) == SQLITE_ROW, "%s: no row", sql);
    const unsigned char *text = sqlite3_column_text(stmt, 0);
    char *out = strdup(text ? (const char *)text : "");
    sqlite3_finalize(stmt);
    return out;
}

static void exec_sql(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
    sqlite3_free(msg);
}

static bool table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *stmt = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                        "AND name = ?",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
    bool found = sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_finalize(stmt);
    return found;
}

static void set_user_version(const char *path, int version)
{
    sqlite3 *db = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version);
    exec_sql(db, sql);
    sqlite3_close(db);
}

static void upsert_unit(struct store *st, const char *code, const char *name, const char *parent)
{
    struct unit_row u = {
        .code = code,
        .name = name,
        .parent_code = parent,
        .kind = parent ? "office" : "department",
        .email = "",
        .phone = "",
        .valid_from = "2020-01-01",
    };
    bool changed = false;
    ck_assert_msg(units_upsert(st, &u, &changed) == 0, "upsert %s: %s", code,
                  sqlite3_errmsg(store_db(st)));
    ck_assert(changed);
}

/* ---- opening ---------------------------------------------------------------------------- */

START_TEST(test_open_creates_file)
{
    struct stat sb;
    ck_assert_int_eq(stat(db_path, &sb), -1);
    ck_assert_int_eq(errno, ENOENT);
    struct store *st = open_store(db_path);
    ck_assert_ptr_nonnull(store_db(st));
    ck_assert_int_eq(stat(db_path, &sb), 0);
    ck_assert(S_ISREG(sb.st_mode));
    ck_assert_int_eq(store_schema_version(st), 0);
    store_close(st);
}
END_TEST

START_TEST(test_open_pragmas)
{
    struct store *st = open_store(db_path);
    sqlite3 *db = store_db(st);
    char *mode = query_text(db, "PRAGMA journal_mode");
    ck_assert_str_eq(mode, "wal");
    free(mode);
    ck_assert_int_eq(query_int(db, "PRAGMA synchronous"), 2); /* FULL */
    ck_assert_int_eq(query_int(db, "PRAGMA foreign_keys"), 1);
    store_close(st);

    /* WAL is persistent in the file: a plain connection sees it too. */
    sqlite3 *plain = NULL;
    ck_assert_int_eq(sqlite3_open(db_path, &plain), SQLITE_OK);
    mode = query_text(plain, "PRAGMA journal_mode");
    ck_assert_str_eq(mode, "wal");
    free(mode);
    sqlite3_close(plain);
}
END_TEST

START_TEST(test_open_fails_with_message)
{
    char path[1024], err[512] = "";
    snprintf(path, sizeof path, "%s/no/such/folder/x.db", dir);
    ck_assert_ptr_null(store_open(path, err, sizeof err));
    ck_assert_msg(strstr(err, path) != NULL, "err should name the path: %s", err);

    /* A file that is not a database is refused at open, not later. */
    char junk[1024];
    snprintf(junk, sizeof junk, "%s/junk.db", dir);
    FILE *f = fopen(junk, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 200; i++)
        fputs("this is certainly not an SQLite database file\n", f);
    fclose(f);
    err[0] = '\0';
    ck_assert_ptr_null(store_open(junk, err, sizeof err));
    ck_assert_msg(strstr(err, junk) != NULL, "err should name the path: %s", err);
}
END_TEST

/* ---- migrations ------------------------------------------------------------------------- */

START_TEST(test_migrate_to_latest)
{
    ck_assert_int_ge(store_schema_latest(), 2);
    struct store *st = open_store(db_path);
    ck_assert_int_eq(store_schema_version(st), 0);
    char err[512] = "";
    ck_assert_msg(store_migrate(st, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(store_schema_version(st), store_schema_latest());
    sqlite3 *db = store_db(st);
    static const char *const tables[] = {"units", "people",        "tokens",
                                         "audit", "fact_versions", "evaluations"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
        ck_assert_msg(table_exists(db, tables[i]), "table %s missing", tables[i]);
    ck_assert(sqlite3_get_autocommit(db)); /* no transaction left open */
    store_close(st);

    /* The version is in the file, not only in the connection. */
    st = open_store(db_path);
    ck_assert_int_eq(store_schema_version(st), store_schema_latest());
    store_close(st);
}
END_TEST

START_TEST(test_migrate_twice_is_noop)
{
    struct store *st = test_open_migrated(db_path);
    sqlite3 *db = store_db(st);
    char *schema_before = query_text(db, "SELECT group_concat(sql, ';') FROM sqlite_master");
    int changes_before = sqlite3_total_changes(db);

    char err[512] = "";
    ck_assert_msg(store_migrate(st, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(store_schema_version(st), store_schema_latest());
    char *schema_after = query_text(db, "SELECT group_concat(sql, ';') FROM sqlite_master");
    ck_assert_str_eq(schema_before, schema_after);
    ck_assert_int_eq(sqlite3_total_changes(db), changes_before);
    free(schema_before);
    free(schema_after);
    store_close(st);

    /* And again after reopening. */
    st = open_store(db_path);
    ck_assert_msg(store_migrate(st, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(store_schema_version(st), store_schema_latest());
    store_close(st);
}
END_TEST

START_TEST(test_migrate_keeps_data)
{
    struct store *st = test_open_migrated(db_path);
    upsert_unit(st, "SO", "Sở", NULL);
    char err[512] = "";
    ck_assert_msg(store_migrate(st, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(query_int(store_db(st), "SELECT count(*) FROM units"), 1);
    store_close(st);
}
END_TEST

START_TEST(test_migrate_refuses_newer_file)
{
    int newer = store_schema_latest() + 1;
    struct store *st = open_store(db_path);
    store_close(st);
    set_user_version(db_path, newer);

    st = open_store(db_path);
    ck_assert_int_eq(store_schema_version(st), newer);
    char err[512] = "";
    ck_assert_int_eq(store_migrate(st, err, sizeof err), -1);
    ck_assert_msg(err[0] != '\0', "no message");
    char number[16];
    snprintf(number, sizeof number, "%d", newer);
    ck_assert_msg(strstr(err, number) != NULL, "message should give the file's version: %s", err);
    ck_assert_msg(strstr(err, "newer") != NULL, "message should say newer: %s", err);
    /* Nothing was touched. */
    ck_assert_int_eq(store_schema_version(st), newer);
    ck_assert(!table_exists(store_db(st), "units"));
    store_close(st);
}
END_TEST

START_TEST(test_migrate_failure_rolls_back_first)
{
    /* A hand-made `units` table makes migration 1 fail on its first statement. */
    struct store *st = open_store(db_path);
    sqlite3 *db = store_db(st);
    exec_sql(db, "CREATE TABLE units (x TEXT); INSERT INTO units VALUES ('hand-made')");
    char *before = query_text(db, "SELECT sql FROM sqlite_master WHERE name = 'units'");

    char err[512] = "";
    ck_assert_int_eq(store_migrate(st, err, sizeof err), -1);
    ck_assert_msg(strncmp(err, "migration 1:", 12) == 0, "err: %s", err);
    ck_assert_msg(strstr(err, "units") != NULL, "err should say what failed: %s", err);
    ck_assert_int_eq(store_schema_version(st), 0);
    ck_assert(sqlite3_get_autocommit(db)); /* the transaction was closed */
    char *after = query_text(db, "SELECT sql FROM sqlite_master WHERE name = 'units'");
    ck_assert_str_eq(before, after);
    char *row = query_text(db, "SELECT x FROM units");
    ck_assert_str_eq(row, "hand-made");
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master"), 1);
    free(before);
    free(after);
    free(row);
    store_close(st);
}
END_TEST

START_TEST(test_migrate_failure_rolls_back_partial)
{
    /* `audit` is the last table migration 1 creates: units, people and tokens are created
     * first and must vanish with the rollback. */
    struct store *st = open_store(db_path);
    sqlite3 *db = store_db(st);
    exec_sql(db, "CREATE TABLE audit (y INTEGER)");
    char err[512] = "";
    ck_assert_int_eq(store_migrate(st, err, sizeof err), -1);
    ck_assert_msg(strncmp(err, "migration 1:", 12) == 0, "err: %s", err);
    ck_assert_int_eq(store_schema_version(st), 0);
    ck_assert(!table_exists(db, "units"));
    ck_assert(!table_exists(db, "people"));
    ck_assert(!table_exists(db, "tokens"));
    ck_assert(table_exists(db, "audit"));
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM sqlite_master"), 1);
    store_close(st);
}
END_TEST

START_TEST(test_migrate_failure_keeps_earlier_migrations)
{
    /* Migration 1 succeeds and is committed; migration 2 hits a hand-made `evaluations`. */
    struct store *st = open_store(db_path);
    sqlite3 *db = store_db(st);
    exec_sql(db, "CREATE TABLE evaluations (z TEXT)");
    char err[512] = "";
    ck_assert_int_eq(store_migrate(st, err, sizeof err), -1);
    ck_assert_msg(strncmp(err, "migration 2:", 12) == 0, "err: %s", err);
    ck_assert_int_eq(store_schema_version(st), 1);
    ck_assert(table_exists(db, "units"));
    ck_assert(!table_exists(db, "fact_versions"));
    store_close(st);

    /* Once the obstacle is gone, the migration resumes from version 1. */
    sqlite3 *plain = NULL;
    ck_assert_int_eq(sqlite3_open(db_path, &plain), SQLITE_OK);
    exec_sql(plain, "DROP TABLE evaluations");
    sqlite3_close(plain);
    st = test_open_migrated(db_path);
    ck_assert_int_eq(store_schema_version(st), store_schema_latest());
    ck_assert(table_exists(store_db(st), "fact_versions"));
    store_close(st);
}
END_TEST

/* ---- transactions ----------------------------------------------------------------------- */

START_TEST(test_begin_rollback_commit)
{
    struct store *st = test_open_migrated(db_path);
    sqlite3 *db = store_db(st);
    ck_assert_int_eq(store_begin(st), 0);
    upsert_unit(st, "SO", "Sở", NULL);
    store_rollback(st);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM units"), 0);
    store_rollback(st); /* harmless outside a transaction */

    ck_assert_int_eq(store_begin(st), 0);
    upsert_unit(st, "SO", "Sở", NULL);
    ck_assert_int_eq(store_commit(st), 0);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM units"), 1);
    store_close(st);
}
END_TEST

/* The version caches are checked against: moved by every commit that may change what they
 * keep (this connection's, an autocommit statement's, another connection's), not by a read,
 * nor by the outbox's relaxed marks (a dispatch would otherwise drop every kept answer). */
static unsigned long version_now(struct store *st)
{
    ck_assert_int_eq(store_begin_read(st), 0);
    unsigned long v = store_data_version(st);
    store_end_read(st);
    ck_assert_uint_ne(v, 0);
    return v;
}

START_TEST(test_data_version_follows_what_caches_read)
{
    struct store *st = test_open_migrated(db_path);
    unsigned long v = version_now(st);
    ck_assert_uint_eq(version_now(st), v); /* reads move nothing */

    ck_assert_int_eq(store_begin(st), 0);
    upsert_unit(st, "SO", "Sở", NULL);
    ck_assert_int_eq(store_commit_relaxed(st), 0);
    ck_assert_uint_eq(version_now(st), v); /* a relaxed commit: the outbox's kind */

    ck_assert_int_eq(store_begin(st), 0);
    upsert_unit(st, "VP", "Văn phòng", "SO");
    ck_assert_int_eq(store_commit(st), 0);
    unsigned long after_commit = version_now(st);
    ck_assert_uint_ne(after_commit, v);

    char err[256];
    ck_assert_int_eq(
        store_exec(st, "UPDATE units SET name = 'Văn phòng Sở' WHERE code = 'VP'", err, sizeof err),
        0);
    unsigned long after_autocommit = version_now(st);
    ck_assert_uint_ne(after_autocommit, after_commit);

    struct store *other = store_open(db_path, err, sizeof err);
    ck_assert_ptr_nonnull(other);
    ck_assert_int_eq(store_exec(other, "UPDATE units SET name = 'Sở Nông nghiệp' WHERE code = 'SO'",
                                err, sizeof err),
                     0);
    store_close(other);
    ck_assert_uint_ne(version_now(st), after_autocommit);
    store_close(st);
}
END_TEST

/* ---- backup ----------------------------------------------------------------------------- */

START_TEST(test_backup_copies_data)
{
    struct store *st = test_open_migrated(db_path);
    upsert_unit(st, "SO", "Sở Nông nghiệp và Môi trường", NULL);
    upsert_unit(st, "VP", "Văn phòng Sở", "SO");
    upsert_unit(st, "TTRA", "Thanh tra Sở", "SO");

    char copy[1024], err[512] = "";
    snprintf(copy, sizeof copy, "%s/backup.db", dir);
    ck_assert_msg(store_backup(st, copy, err, sizeof err) == 0, "store_backup: %s", err);
    store_close(st);

    struct store *restored = open_store(copy);
    sqlite3 *db = store_db(restored);
    ck_assert_int_eq(query_int(db, "SELECT count(*) FROM units"), 3);
    ck_assert_int_eq(store_schema_version(restored), store_schema_latest());
    char *name = query_text(db, "SELECT name FROM units WHERE code = 'SO'");
    ck_assert_str_eq(name, "Sở Nông nghiệp và Môi trường");
    free(name);
    char *parent = query_text(db, "SELECT parent_code FROM units WHERE code = 'VP'");
    ck_assert_str_eq(parent, "SO");
    free(parent);
    char *check = query_text(db, "PRAGMA integrity_check");
    ck_assert_str_eq(check, "ok");
    free(check);
    store_close(restored);
}
END_TEST

START_TEST(test_backup_bad_destination)
{
    struct store *st = test_open_migrated(db_path);
    char copy[1024], err[512] = "";
    snprintf(copy, sizeof copy, "%s/missing/folder/backup.db", dir);
    ck_assert_int_eq(store_backup(st, copy, err, sizeof err), -1);
    ck_assert_msg(strstr(err, copy) != NULL, "err should name the destination: %s", err);
    store_close(st);
}
END_TEST

/* ---- statement cache -------------------------------------------------------------------- */

static const char select_param_sql[] = "SELECT ?";
static const char select_param_twin[] = "SELECT ?"; /* same text, another address */

START_TEST(test_prepare_caches_by_text)
{
    struct store *st = test_open_migrated(db_path);
    sqlite3_stmt *a = store_prepare(st, select_param_sql);
    ck_assert_ptr_nonnull(a);
    sqlite3_stmt *b = store_prepare(st, select_param_sql);
    ck_assert_ptr_eq(a, b);
    /* The same text at another address is the same statement. */
    ck_assert_ptr_eq(store_prepare(st, select_param_twin), a);
    /* Another text in the same buffer (an address reused) is another statement. */
    char buffer[32];
    snprintf(buffer, sizeof buffer, "SELECT 1");
    sqlite3_stmt *one = store_prepare(st, buffer);
    snprintf(buffer, sizeof buffer, "SELECT 2");
    sqlite3_stmt *two = store_prepare(st, buffer);
    ck_assert_ptr_ne(one, two);
    ck_assert_int_eq(sqlite3_step(two), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(two, 0), 2);
    store_done(st, two);
    store_close(st);
}
END_TEST

/* More distinct statements than the cache holds: each still works, and the ones beyond the
 * cache are finalized by store_done (the ASan build's leak check sees any left behind). */
START_TEST(test_prepare_beyond_cache)
{
    struct store *st = test_open_migrated(db_path);
    for (int i = 0; i < 1000; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "SELECT %d", i);
        sqlite3_stmt *stmt = store_prepare(st, sql);
        ck_assert_ptr_nonnull(stmt);
        ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
        ck_assert_int_eq(sqlite3_column_int(stmt, 0), i);
        store_done(st, stmt);
    }
    /* Cached ones come back from the cache. */
    sqlite3_stmt *first = store_prepare(st, "SELECT 0");
    ck_assert_ptr_eq(store_prepare(st, "SELECT 0"), first);
    store_done(st, first);
    store_close(st);
}
END_TEST

START_TEST(test_prepare_resets_and_clears)
{
    struct store *st = test_open_migrated(db_path);
    sqlite3_stmt *stmt = store_prepare(st, select_param_sql);
    ck_assert_ptr_nonnull(stmt);
    sqlite3_bind_int(stmt, 1, 42);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(stmt, 0), 42);
    /* Left mid-way, with a binding: the next store_prepare hands it back fresh. */
    stmt = store_prepare(st, select_param_sql);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_type(stmt, 0), SQLITE_NULL);
    sqlite3_reset(stmt);
    store_close(st);
}
END_TEST

START_TEST(test_prepare_bad_sql)
{
    struct store *st = test_open_migrated(db_path);
    static const char bad_sql[] = "SELEC nonsense";
    ck_assert_ptr_null(store_prepare(st, bad_sql));
    store_close(st);
}
END_TEST

START_TEST(test_size_bytes)
{
    struct store *st = test_open_migrated(db_path);
    long long size = store_size_bytes(st);
    long long expected =
        query_int(store_db(st), "PRAGMA page_count") * query_int(store_db(st), "PRAGMA page_size");
    ck_assert_int_gt(size, 0);
    ck_assert_int_eq(size, expected);
    store_close(st);
}
END_TEST

/* ---- store_now -------------------------------------------------------------------------- */

/* "YYYY-MM-DDTHH:MM:SS+HH:MM" */
static void assert_timestamp_shape(const char *s)
{
    ck_assert_msg(strlen(s) == 25, "\"%s\" should be 25 characters", s);
    static const char pattern[] = "dddd-dd-ddTdd:dd:dd?dd:dd";
    for (size_t i = 0; i < sizeof pattern - 1; i++) {
        char p = pattern[i], c = s[i];
        if (p == 'd')
            ck_assert_msg(c >= '0' && c <= '9', "\"%s\": position %zu is not a digit", s, i);
        else if (p == '?')
            ck_assert_msg(c == '+' || c == '-', "\"%s\": position %zu is not a sign", s, i);
        else
            ck_assert_msg(c == p, "\"%s\": position %zu should be '%c'", s, i, p);
    }
}

static void now_in_zone(const char *tz, char *buf, size_t len)
{
    setenv("TZ", tz, 1);
    tzset();
    clock_now_iso(buf, len);
}

START_TEST(test_now_format)
{
    char buf[40];
    clock_now_iso(buf, sizeof buf);
    assert_timestamp_shape(buf);

    now_in_zone("ICT-7", buf, sizeof buf); /* POSIX: seven hours east of UTC */
    assert_timestamp_shape(buf);
    ck_assert_str_eq(buf + 19, "+07:00");

    now_in_zone("IST-5:30", buf, sizeof buf);
    assert_timestamp_shape(buf);
    ck_assert_str_eq(buf + 19, "+05:30");

    now_in_zone("NST+3:30", buf, sizeof buf);
    assert_timestamp_shape(buf);
    ck_assert_str_eq(buf + 19, "-03:30");

    now_in_zone("UTC0", buf, sizeof buf);
    assert_timestamp_shape(buf);
    ck_assert_str_eq(buf + 19, "+00:00");
}
END_TEST

static void utc_day(char *out, size_t len)
{
    time_t t = time(NULL);
    struct tm utc;
    gmtime_r(&t, &utc);
    strftime(out, len, "%Y-%m-%d", &utc);
}

START_TEST(test_now_is_now)
{
    char before[16], after[16], buf[40];
    utc_day(before, sizeof before);
    now_in_zone("UTC0", buf, sizeof buf);
    utc_day(after, sizeof after);
    ck_assert_msg(strncmp(buf, before, 10) == 0 || strncmp(buf, after, 10) == 0,
                  "%s is not today (%s)", buf, before);
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");

    TCase *open = tcase_create("open");
    tcase_add_checked_fixture(open, setup, teardown);
    tcase_set_timeout(open, 30);
    tcase_add_test(open, test_open_creates_file);
    tcase_add_test(open, test_open_pragmas);
    tcase_add_test(open, test_open_fails_with_message);
    suite_add_tcase(s, open);

    TCase *migrate = tcase_create("migrate");
    tcase_add_checked_fixture(migrate, setup, teardown);
    tcase_set_timeout(migrate, 30);
    tcase_add_test(migrate, test_migrate_to_latest);
    tcase_add_test(migrate, test_migrate_twice_is_noop);
    tcase_add_test(migrate, test_migrate_keeps_data);
    tcase_add_test(migrate, test_migrate_refuses_newer_file);
    tcase_add_test(migrate, test_migrate_failure_rolls_back_first);
    tcase_add_test(migrate, test_migrate_failure_rolls_back_partial);
    tcase_add_test(migrate, test_migrate_failure_keeps_earlier_migrations);
    suite_add_tcase(s, migrate);

    TCase *tx = tcase_create("transactions");
    tcase_add_checked_fixture(tx, setup, teardown);
    tcase_set_timeout(tx, 30);
    tcase_add_test(tx, test_begin_rollback_commit);
    tcase_add_test(tx, test_data_version_follows_what_caches_read);
    suite_add_tcase(s, tx);

    TCase *backup = tcase_create("backup");
    tcase_add_checked_fixture(backup, setup, teardown);
    tcase_set_timeout(backup, 30);
    tcase_add_test(backup, test_backup_copies_data);
    tcase_add_test(backup, test_backup_bad_destination);
    suite_add_tcase(s, backup);

    TCase *prepare = tcase_create("prepare");
    tcase_add_checked_fixture(prepare, setup, teardown);
    tcase_set_timeout(prepare, 30);
    tcase_add_test(prepare, test_prepare_caches_by_text);
    tcase_add_test(prepare, test_prepare_beyond_cache);
    tcase_add_test(prepare, test_prepare_resets_and_clears);
    tcase_add_test(prepare, test_prepare_bad_sql);
    tcase_add_test(prepare, test_size_bytes);
    suite_add_tcase(s, prepare);

    TCase *now = tcase_create("now");
    tcase_add_test(now, test_now_format);
    tcase_add_test(now, test_now_is_now);
    suite_add_tcase(s, now);
    return s;
}

int main(void)
{
    return test_main(store_suite(), "store", root, sizeof root);
}
