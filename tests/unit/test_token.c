/*
 * test_token.c — unit tests for core/domain/tokens.c: token_create gives "thd_" + 43 base64url
 * characters, the tokens table keeps only the SHA-256 (hex) of it and never the token,
 * token_verify accepts it with its scope and unit and refuses modified, revoked and garbage
 * tokens, "unit:CODE" must name a known unit, scopes parse strictly, and creation writes an
 * audit line.
 *
 * Each test has its own migrated database under one mkdtemp() root that main() removes.
 */
#include <check.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/internal.h"
#include "store/units.h"
#include "store/store.h"
#include "domain/tokens.h"
#include "support.h"

static char root[256]; /* created by main() */
static char dir[512];  /* this test's folder */
static struct store *st;

#define TOKEN_LEN (4 + 43)

/* ---- helpers ---------------------------------------------------------------------------- */

static void add_unit(const char *code, const char *parent)
{
    struct unit_row u = {
        .code = code,
        .name = code,
        .parent_code = parent,
        .kind = parent ? "office" : "department",
        .email = "",
        .phone = "",
    };
    bool changed;
    ck_assert_int_eq(units_upsert(st, &u, &changed), 0);
}

static void setup(void)
{
    st = test_fresh_store(dir, sizeof dir, root);
    add_unit("SO", NULL);
    add_unit("VP", "SO");
}

static void teardown(void)
{
    store_close(st);
    st = NULL;
    test_remove_tree(dir);
}

static long long count_where(const char *sql, const char *arg)
{
    sqlite3_stmt *stmt = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL), SQLITE_OK);
    if (arg) sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    long long n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

static void create_ok(const char *name, const char *scope, char token[128])
{
    char err[256] = "";
    ck_assert_msg(token_create(st, name, scope, token, 128, err, sizeof err) == 0,
                  "token_create(%s, %s): %s", name, scope, err);
}

static void sha256_hex(const char *text, char out[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ck_assert_int_eq(EVP_Digest(text, strlen(text), digest, &len, EVP_sha256(), NULL), 1);
    ck_assert_uint_eq(len, 32);
    for (unsigned int i = 0; i < len; i++)
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

static bool is_base64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* ---- creation --------------------------------------------------------------------------- */

START_TEST(test_create_format)
{
    char token[128];
    create_ok("console", "admin", token);
    ck_assert_uint_eq(strlen(token), TOKEN_LEN);
    ck_assert_msg(strncmp(token, "thd_", 4) == 0, "%s", token);
    for (size_t i = 4; i < TOKEN_LEN; i++)
        ck_assert_msg(is_base64url(token[i]), "%s: '%c' at %zu is not base64url", token, token[i],
                      i);

    char other[128];
    create_ok("console 2", "admin", other);
    ck_assert_str_ne(token, other);
    ck_assert_int_eq(count_where("SELECT count(*) FROM tokens", NULL), 2);
}
END_TEST

START_TEST(test_name_is_one_live_token)
{
    char token[128], again[128], err[256];
    create_ok("console", "admin", token);
    ck_assert_int_eq(token_create(st, "console", "read", again, sizeof again, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "đã có token tên \"console\"") != NULL, "%s", err);
    ck_assert_int_eq(count_where("SELECT count(*) FROM tokens", NULL), 1);

    /* Revoked: refused at once, audited, and the name is free again. */
    struct principal who;
    ck_assert(token_verify(st, token, &who));
    ck_assert(who.token_id > 0);
    ck_assert_int_eq(token_revoke(st, "console", "tester"), 1);
    ck_assert(!token_verify(st, token, &who));
    ck_assert_int_eq(token_revoke(st, "console", "tester"), 0);
    ck_assert_int_eq(token_revoke(st, "nobody", "tester"), 0);
    ck_assert_int_eq(count_where("SELECT count(*) FROM audit WHERE actor = 'tester' AND action = "
                                 "'revoke' AND code = ?",
                                 "console"),
                     1);
    create_ok("console", "read", again);
    ck_assert(token_verify(st, again, &who));
    ck_assert_int_eq(who.scope, SCOPE_READ);
}
END_TEST

START_TEST(test_only_hash_is_stored)
{
    char token[128], hash[65];
    create_ok("reporter", "unit:VP", token);
    sha256_hex(token, hash);
    ck_assert_int_eq(count_where("SELECT count(*) FROM tokens WHERE hash = ?", hash), 1);
    ck_assert_int_eq(count_where("SELECT length(hash) FROM tokens", NULL), 64);

    /* Neither the token nor its random part shows up anywhere: tokens or audit, any column. */
    static const char *const probes[] = {
        "SELECT count(*) FROM tokens WHERE instr(coalesce(name,'') || coalesce(scope,'') || "
        "coalesce(hash,'') || coalesce(created_at,'') || coalesce(revoked_at,''), ?) > 0",
        "SELECT count(*) FROM audit WHERE instr(coalesce(actor,'') || coalesce(action,'') || "
        "coalesce(entity,'') || coalesce(code,'') || coalesce(detail,''), ?) > 0",
    };
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        ck_assert_int_eq(count_where(probes[i], token), 0);
        ck_assert_int_eq(count_where(probes[i], token + 4), 0);
        ck_assert_int_eq(count_where(probes[i], token + 20), 0); /* a tail of it */
    }
    ck_assert_int_eq(count_where("SELECT count(*) FROM tokens WHERE name = ? AND scope = "
                                 "'unit:VP' AND revoked_at IS NULL AND created_at <> ''",
                                 "reporter"),
                     1);
}
END_TEST

START_TEST(test_audit_line)
{
    char token[128];
    long long before = count_where("SELECT count(*) FROM audit", NULL);
    create_ok("console", "unit:SO", token);
    ck_assert_int_eq(count_where("SELECT count(*) FROM audit", NULL), before + 1);
    ck_assert_int_eq(count_where("SELECT count(*) FROM audit WHERE actor = 'cli' AND action = "
                                 "'create' AND entity = 'token' AND code = ? AND at <> '' "
                                 "AND instr(detail, 'unit:SO') > 0",
                                 "console"),
                     1);
}
END_TEST

START_TEST(test_create_refusals)
{
    char token[128] = "", err[256];
    long long tokens = count_where("SELECT count(*) FROM tokens", NULL);
    long long audit = count_where("SELECT count(*) FROM audit", NULL);

    err[0] = '\0';
    ck_assert_int_eq(token_create(st, "x", "unit:UNKNOWN", token, sizeof token, err, sizeof err),
                     -1);
    ck_assert_msg(strstr(err, "UNKNOWN") != NULL, "err: %s", err);

    static const char *const bad_scopes[] = {"",      "root",     "Admin", "admin ",
                                             "unit:", "unit:A B", "unit",  "read,admin"};
    for (size_t i = 0; i < sizeof bad_scopes / sizeof bad_scopes[0]; i++) {
        err[0] = '\0';
        ck_assert_msg(token_create(st, "x", bad_scopes[i], token, sizeof token, err, sizeof err) ==
                          -1,
                      "scope \"%s\" accepted", bad_scopes[i]);
        ck_assert_msg(err[0] != '\0', "no message for scope \"%s\"", bad_scopes[i]);
    }

    err[0] = '\0';
    ck_assert_int_eq(token_create(st, "", "admin", token, sizeof token, err, sizeof err), -1);
    ck_assert_msg(err[0] != '\0', "no message for an empty name");
    char long_name[200];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    ck_assert_int_eq(token_create(st, long_name, "admin", token, sizeof token, err, sizeof err),
                     -1);

    ck_assert_str_eq(token, ""); /* nothing was handed out */
    ck_assert_int_eq(count_where("SELECT count(*) FROM tokens", NULL), tokens);
    ck_assert_int_eq(count_where("SELECT count(*) FROM audit", NULL), audit);
}
END_TEST

/* ---- verification ----------------------------------------------------------------------- */

START_TEST(test_verify_scopes)
{
    char admin[128], reader[128], unit[128];
    create_ok("admin console", "admin", admin);
    create_ok("dashboard", "read", reader);
    create_ok("VP reporter", "unit:VP", unit);

    struct principal who;
    ck_assert(token_verify(st, admin, &who));
    ck_assert_int_eq(who.scope, SCOPE_ADMIN);
    ck_assert_str_eq(who.name, "admin console");

    ck_assert(token_verify(st, reader, &who));
    ck_assert_int_eq(who.scope, SCOPE_READ);
    ck_assert_str_eq(who.name, "dashboard");

    ck_assert(token_verify(st, unit, &who));
    ck_assert_int_eq(who.scope, SCOPE_UNIT);
    ck_assert_str_eq(who.unit, "VP");
    ck_assert_str_eq(who.name, "VP reporter");

    /* Again: the cached statement is reusable. */
    ck_assert(token_verify(st, admin, &who));
    ck_assert_int_eq(who.scope, SCOPE_ADMIN);
}
END_TEST

START_TEST(test_verify_refuses_modified)
{
    char token[128];
    create_ok("console", "admin", token);
    struct principal who;

    char copy[256];
    for (size_t i = 0; i < TOKEN_LEN; i++) {
        strcpy(copy, token);
        copy[i] = copy[i] == 'A' ? 'B' : 'A';
        ck_assert_msg(!token_verify(st, copy, &who), "modified at %zu: %s accepted", i, copy);
    }
    strcpy(copy, token);
    copy[TOKEN_LEN - 1] = '\0'; /* one character short */
    ck_assert(!token_verify(st, copy, &who));
    snprintf(copy, sizeof copy, "%sA", token); /* one character more */
    ck_assert(!token_verify(st, copy, &who));
    snprintf(copy, sizeof copy, "THD_%s", token + 4);
    ck_assert(!token_verify(st, copy, &who));
    snprintf(copy, sizeof copy, "%s", token + 4); /* without the prefix */
    ck_assert(!token_verify(st, copy, &who));
    snprintf(copy, sizeof copy, " %s", token);
    ck_assert(!token_verify(st, copy, &who));

    ck_assert(token_verify(st, token, &who)); /* the original still works */
}
END_TEST

START_TEST(test_verify_refuses_garbage)
{
    struct principal who;
    char hash[65];
    ck_assert(!token_verify(st, "", &who));
    ck_assert(!token_verify(st, "thd_", &who));
    ck_assert(!token_verify(st, "garbage", &who));
    ck_assert(!token_verify(st, "Bearer thd_xyz", &who));
    ck_assert(!token_verify(st, "thd_\xC3\x28\xFF", &who));
    char huge[4096];
    memset(huge, 'A', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    memcpy(huge, "thd_", 4);
    ck_assert(!token_verify(st, huge, &who));

    /* The stored hash is not a token either. */
    char token[128];
    create_ok("console", "admin", token);
    sha256_hex(token, hash);
    ck_assert(!token_verify(st, hash, &who));
    char prefixed[80];
    snprintf(prefixed, sizeof prefixed, "thd_%s", hash);
    ck_assert(!token_verify(st, prefixed, &who));
}
END_TEST

START_TEST(test_verify_refuses_revoked)
{
    char token[128], hash[65];
    create_ok("old", "admin", token);
    sha256_hex(token, hash);
    struct principal who;
    ck_assert(token_verify(st, token, &who));
    sqlite3_stmt *stmt = NULL;
    ck_assert_int_eq(
        sqlite3_prepare_v2(store_db(st),
                           "UPDATE tokens SET revoked_at = '2025-01-01T00:00:00+07:00' "
                           "WHERE hash = ?",
                           -1, &stmt, NULL),
        SQLITE_OK);
    sqlite3_bind_text(stmt, 1, hash, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_DONE);
    sqlite3_finalize(stmt);
    ck_assert(!token_verify(st, token, &who));
}
END_TEST

/* ---- scopes ----------------------------------------------------------------------------- */

START_TEST(test_parse_scope)
{
    struct principal p;
    ck_assert(token_parse_scope("admin", &p));
    ck_assert_int_eq(p.scope, SCOPE_ADMIN);
    ck_assert(token_parse_scope("read", &p));
    ck_assert_int_eq(p.scope, SCOPE_READ);
    ck_assert(token_parse_scope("unit:PTNMT-HX", &p));
    ck_assert_int_eq(p.scope, SCOPE_UNIT);
    ck_assert_str_eq(p.unit, "PTNMT-HX");
    ck_assert(token_parse_scope("unit:12345678901234567890123456789012", &p)); /* 32 */
    ck_assert(!token_parse_scope("unit:123456789012345678901234567890123", &p));
    ck_assert(!token_parse_scope("unit:", &p));
    ck_assert(!token_parse_scope("unit:a/b", &p));
    ck_assert(!token_parse_scope("write", &p));
    ck_assert(!token_parse_scope("", &p));
    ck_assert(!token_parse_scope("ADMIN", &p));
}
END_TEST

static Suite *token_suite(void)
{
    Suite *s = suite_create("token");
    TCase *create = tcase_create("create");
    tcase_add_checked_fixture(create, setup, teardown);
    tcase_set_timeout(create, 30);
    tcase_add_test(create, test_create_format);
    tcase_add_test(create, test_name_is_one_live_token);
    tcase_add_test(create, test_only_hash_is_stored);
    tcase_add_test(create, test_audit_line);
    tcase_add_test(create, test_create_refusals);
    suite_add_tcase(s, create);

    TCase *verify = tcase_create("verify");
    tcase_add_checked_fixture(verify, setup, teardown);
    tcase_set_timeout(verify, 30);
    tcase_add_test(verify, test_verify_scopes);
    tcase_add_test(verify, test_verify_refuses_modified);
    tcase_add_test(verify, test_verify_refuses_garbage);
    tcase_add_test(verify, test_verify_refuses_revoked);
    suite_add_tcase(s, verify);

    TCase *scopes = tcase_create("scopes");
    tcase_add_test(scopes, test_parse_scope);
    suite_add_tcase(s, scopes);
    return s;
}

int main(void)
{
    return test_main(token_suite(), "token", root, sizeof root);
}
