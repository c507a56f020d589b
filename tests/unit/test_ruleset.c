/*
 * test_ruleset.c — unit tests for core/ruleset.c, the generation in service and its swap:
 * ruleset_init finds the ruleset folder (the root itself, or its newest year); ruleset_reload
 * swaps in a generation that loaded whole, and on a refused reload (syntax error, failing
 * self-test) keeps the previous generation serving untouched (same pointer, same hash);
 * a fixed ruleset then swaps in with a new hash. No store: reload with st = NULL.
 *
 * Each test works in its own mkdtemp() folder under one root that main() removes.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules/rules.h"
#include "domain/ruleset.h"
#include "support.h"

static char root[256]; /* created by main() */
static char dir[512];  /* this test's rules root */
static struct ruleset rs;
static struct rules_report rep;

#define CAMPAIGN                                                                                   \
    "campaign { year = 2025, name = \"x\", periods = { [\"2025-Y\"] = { from = \"2025-01-01\", "   \
    "to = \"2025-12-31\", report_due = \"2025-11-15\" } } }\n"                                     \
    "fact \"n\" { subject = \"unit\", type = \"integer\", min = 0, max = 100, label = \"N\" }\n"
#define CRITERION_POINTS(p)                                                                        \
    "criterion \"C1\" { subject = \"unit\", points = " #p ", title = \"t\", check = function() "   \
    "return true end }\n"

/* ---- helpers ---------------------------------------------------------------------------- */

/* Writes dir/name ("2025/a.lua" creates 2025/). */
static void put(const char *name, const char *text)
{
    char path[1024];
    const char *slash = strrchr(name, '/');
    if (slash) {
        snprintf(path, sizeof path, "%s/%.*s", dir, (int)(slash - name), name);
        ck_assert_msg(mkdir(path, 0700) == 0 || errno == EEXIST, "mkdir %s", path);
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *out = fopen(path, "wb");
    ck_assert_msg(out != NULL, "cannot write %s", path);
    ck_assert_int_eq(fputs(text, out) >= 0, 1);
    ck_assert_int_eq(fclose(out), 0);
}

static const char *problems(void)
{
    static char text[8192];
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < rep.problem_count && used < sizeof text - 1; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "\n  %s", rep.problems[i]);
    return rep.problem_count ? text : " (no problems reported)";
}

static bool problem_with(const char *needle)
{
    for (size_t i = 0; i < rep.problem_count; i++)
        if (strstr(rep.problems[i], needle)) return true;
    return false;
}

/* The score of a unit with no members under the active generation. */
static double active_score(void)
{
    ck_assert_ptr_nonnull(rs.active);
    char err[512] = "";
    cJSON *unit = cJSON_Parse("{\"code\":\"U\",\"facts\":{\"n\":1}}");
    cJSON *members = cJSON_CreateArray();
    cJSON *out = rules_evaluate_unit(rs.active, "2025-Y", unit, members, err, sizeof err);
    ck_assert_msg(out != NULL, "the active generation does not evaluate: %s", err);
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(out, "unit");
    double score = cJSON_GetObjectItemCaseSensitive(u, "score")->valuedouble;
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(u, "rules_hash")->valuestring,
                     rules_hash(rs.active));
    cJSON_Delete(out);
    cJSON_Delete(unit);
    cJSON_Delete(members);
    return score;
}

static void reload_ok(void)
{
    rules_report_free(&rep);
    ck_assert_msg(ruleset_reload(&rs, NULL, &rep, NULL) == 0, "reload refused:%s", problems());
}

static void reload_refused(void)
{
    rules_report_free(&rep);
    ck_assert_msg(ruleset_reload(&rs, NULL, &rep, NULL) == -1, "a broken reload was accepted");
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "%s/t-XXXXXX", root);
    ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp under %s", root);
    memset(&rs, 0, sizeof rs);
    memset(&rep, 0, sizeof rep);
}

static void teardown(void)
{
    ruleset_free(&rs);
    rules_report_free(&rep);
    test_remove_tree(dir);
}

/* ---- tests ------------------------------------------------------------------------------ */

START_TEST(test_init_uses_a_folder_of_lua_files)
{
    put("a.lua", CAMPAIGN);
    char err[512] = "";
    ck_assert_msg(ruleset_init(&rs, dir, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(rs.dir, dir);
    ck_assert_ptr_null(rs.active);
    ck_assert_uint_eq(rs.generation, 0);
}
END_TEST

START_TEST(test_init_picks_the_newest_year)
{
    put("2024/a.lua", CAMPAIGN);
    put("2025/a.lua", CAMPAIGN);
    put("999/a.lua", CAMPAIGN);
    put("2026-draft/a.lua", CAMPAIGN);
    put("README.md", "notes\n");
    char err[512] = "", expected[1024];
    ck_assert_msg(ruleset_init(&rs, dir, err, sizeof err) == 0, "%s", err);
    snprintf(expected, sizeof expected, "%s/2025", dir);
    ck_assert_str_eq(rs.dir, expected);
}
END_TEST

START_TEST(test_init_without_ruleset)
{
    put("README.md", "notes\n");
    char err[512] = "";
    ck_assert_int_eq(ruleset_init(&rs, dir, err, sizeof err), -1);
    ck_assert_msg(strstr(err, dir) != NULL, "err = %s", err);
    ck_assert_ptr_null(rs.dir);
}
END_TEST

START_TEST(test_first_load_refused_leaves_nothing_active)
{
    put("a.lua", CAMPAIGN);
    put("b.lua", "criterion \"C1\" {\n");
    char err[512] = "";
    ck_assert_int_eq(ruleset_init(&rs, dir, err, sizeof err), 0);
    reload_refused();
    ck_assert_ptr_null(rs.active);
    ck_assert_uint_eq(rs.generation, 0);
}
END_TEST

START_TEST(test_swap_keeps_old_generation_on_failure)
{
    put("a.lua", CAMPAIGN);
    put("b.lua", CRITERION_POINTS(1));
    char err[512] = "";
    ck_assert_msg(ruleset_init(&rs, dir, err, sizeof err) == 0, "%s", err);
    reload_ok();
    ck_assert_ptr_nonnull(rs.active);
    ck_assert_uint_eq(rs.generation, 1);
    struct rules_generation *first = rs.active;
    const char *first_hash = rules_hash(first);
    char first_copy[65];
    snprintf(first_copy, sizeof first_copy, "%s", first_hash);
    ck_assert_uint_eq(strlen(first_copy), 64);
    ck_assert_double_eq(active_score(), 1);

    /* Broken: a syntax error. Refused, the first generation keeps serving. */
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 2,\n");
    reload_refused();
    ck_assert_msg(problem_with("b.lua:"), "the problem does not name b.lua:%s", problems());
    ck_assert_ptr_eq(rs.active, first);
    ck_assert_ptr_eq(rules_hash(rs.active), first_hash);
    ck_assert_str_eq(rules_hash(rs.active), first_copy);
    ck_assert_uint_eq(rs.generation, 1);
    ck_assert_double_eq(active_score(), 1);

    /* Broken otherwise: it loads but a self-test fails. Refused the same way. */
    put("b.lua", CRITERION_POINTS(2));
    put("tests/test_b.lua", "test \"x\" (function(t) t.eq(1, 2, \"one is two\") end)\n");
    reload_refused();
    ck_assert_uint_eq(rep.failed, 1);
    ck_assert_ptr_eq(rs.active, first);
    ck_assert_str_eq(rules_hash(rs.active), first_copy);
    ck_assert_double_eq(active_score(), 1);

    /* Fixed: swapped in, with a new hash and the new points. */
    put("tests/test_b.lua", "test \"x\" (function(t) t.eq(1, 1, \"one is one\") end)\n");
    reload_ok();
    ck_assert_uint_eq(rep.passed, 1);
    ck_assert_ptr_nonnull(rs.active);
    ck_assert_uint_eq(rs.generation, 2);
    ck_assert_str_ne(rules_hash(rs.active), first_copy);
    ck_assert_uint_eq(strlen(rules_hash(rs.active)), 64);
    ck_assert_double_eq(active_score(), 2);
}
END_TEST

START_TEST(test_reload_unchanged_keeps_hash)
{
    put("a.lua", CAMPAIGN);
    put("b.lua", CRITERION_POINTS(1));
    char err[512] = "", first[65];
    ck_assert_int_eq(ruleset_init(&rs, dir, err, sizeof err), 0);
    reload_ok();
    snprintf(first, sizeof first, "%s", rules_hash(rs.active));
    reload_ok(); /* a new generation of the same files */
    ck_assert_uint_eq(rs.generation, 2);
    ck_assert_str_eq(rules_hash(rs.active), first);
    ck_assert_double_eq(active_score(), 1);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------ */

static Suite *ruleset_suite(void)
{
    Suite *s = suite_create("ruleset");
    TCase *tc = tcase_create("swap");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_init_uses_a_folder_of_lua_files);
    tcase_add_test(tc, test_init_picks_the_newest_year);
    tcase_add_test(tc, test_init_without_ruleset);
    tcase_add_test(tc, test_first_load_refused_leaves_nothing_active);
    tcase_add_test(tc, test_swap_keeps_old_generation_on_failure);
    tcase_add_test(tc, test_reload_unchanged_keeps_hash);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_main(ruleset_suite(), "ruleset", root, sizeof root);
}
