/*
 * test_ruleset.c — unit tests for domain/ruleset.c, the generations in service and their
 * swap: the root is one ruleset folder or one folder per campaign year, loaded side by side;
 * ruleset_reload swaps in a set that loaded whole, and on a refused reload (syntax error,
 * failing self-test, a period declared by two years) keeps the previous set serving
 * untouched (same pointers, same hashes); a year whose files did not change keeps its very
 * generation. No store: reload with st = NULL.
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

#define CAMPAIGN_OF(year, period)                                                                  \
    "campaign { year = " year ", name = \"x\", periods = { [\"" period "\"] = { from = \"" year    \
    "-01-01\", to = \"" year "-12-31\", report_due = \"" year "-11-15\" } } }\n"                   \
    "fact \"n\" { subject = \"unit\", type = \"integer\", min = 0, max = 100, label = \"N\" }\n"
#define CAMPAIGN CAMPAIGN_OF("2025", "2025-Y")
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

/* The score of a unit with no members in a period, under the rules serving it. */
static double score_in(const char *period)
{
    struct rules_generation *gen = ruleset_for_period(&rs, period);
    ck_assert_msg(gen != NULL, "no rules serve %s", period);
    char err[512] = "";
    cJSON *unit = cJSON_Parse("{\"code\":\"U\",\"facts\":{\"n\":1}}");
    cJSON *members = cJSON_CreateArray();
    cJSON *out = rules_evaluate_unit(gen, period, unit, members, err, sizeof err);
    ck_assert_msg(out != NULL, "the active generation does not evaluate: %s", err);
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(out, "unit");
    double score = cJSON_GetObjectItemCaseSensitive(u, "score")->valuedouble;
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(u, "rules_hash")->valuestring,
                     rules_hash(gen));
    cJSON_Delete(out);
    cJSON_Delete(unit);
    cJSON_Delete(members);
    return score;
}

static double active_score(void)
{
    return score_in("2025-Y");
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
    ck_assert_str_eq(rs.root, dir);
    ck_assert(!ruleset_loaded(&rs));
    ck_assert_uint_eq(rs.generation, 0);
    reload_ok();
    ck_assert_uint_eq(rs.count, 1);
    ck_assert_str_eq(rs.years[0].dir, dir);
}
END_TEST

/* Every year folder loads; other folders are ignored; each period finds its own year. */
START_TEST(test_years_side_by_side)
{
    put("2024/a.lua", CAMPAIGN_OF("2024", "2024-Y") CRITERION_POINTS(4));
    put("2025/a.lua", CAMPAIGN CRITERION_POINTS(5));
    put("999/a.lua", CAMPAIGN);
    put("2026-draft/a.lua", CAMPAIGN);
    put("README.md", "notes\n");
    char err[512] = "", expected[1024];
    ck_assert_msg(ruleset_init(&rs, dir, err, sizeof err) == 0, "%s", err);
    reload_ok();
    ck_assert_uint_eq(rs.count, 2);
    snprintf(expected, sizeof expected, "%s/2024", dir);
    ck_assert_str_eq(rs.years[0].dir, expected);
    ck_assert_ptr_eq(ruleset_for_period(&rs, "2024-Y"), ruleset_of_year(&rs, "2024"));
    ck_assert_ptr_eq(ruleset_for_period(&rs, "2025-Y"), ruleset_newest(&rs));
    ck_assert_ptr_null(ruleset_for_period(&rs, "2026-Y"));
    ck_assert_double_eq(score_in("2024-Y"), 4);
    ck_assert_double_eq(score_in("2025-Y"), 5);

    /* Changing 2025 leaves 2024's generation itself in service. */
    struct rules_generation *y2024 = ruleset_of_year(&rs, "2024");
    put("2025/a.lua", CAMPAIGN CRITERION_POINTS(6));
    reload_ok();
    ck_assert_ptr_eq(ruleset_of_year(&rs, "2024"), y2024);
    ck_assert_double_eq(score_in("2024-Y"), 4);
    ck_assert_double_eq(score_in("2025-Y"), 6);

    /* A new year that is broken refuses the whole reload: both years keep serving. */
    struct rules_generation *y2025 = ruleset_of_year(&rs, "2025");
    put("2026/a.lua", "campaign { year = 2026,\n");
    reload_refused();
    ck_assert_msg(problem_with("2026/a.lua:"), "the problem does not name 2026/a.lua:%s",
                  problems());
    ck_assert_uint_eq(rs.count, 2);
    ck_assert_ptr_eq(ruleset_of_year(&rs, "2025"), y2025);

    /* A year that declares another year's period is refused, naming the period. */
    put("2026/a.lua", CAMPAIGN_OF("2026", "2025-Y"));
    reload_refused();
    ck_assert_msg(problem_with("2025-Y"), "the clash is not named:%s", problems());
    ck_assert_uint_eq(rs.count, 2);

    /* Fixed: three years. */
    put("2026/a.lua", CAMPAIGN_OF("2026", "2026-Y") CRITERION_POINTS(7));
    reload_ok();
    ck_assert_uint_eq(rs.count, 3);
    ck_assert_ptr_eq(ruleset_of_year(&rs, "2025"), y2025);
    ck_assert_double_eq(score_in("2026-Y"), 7);
}
END_TEST

START_TEST(test_init_without_ruleset)
{
    put("README.md", "notes\n");
    char err[512] = "";
    ck_assert_int_eq(ruleset_init(&rs, dir, err, sizeof err), -1);
    ck_assert_msg(strstr(err, dir) != NULL, "err = %s", err);
    ck_assert_ptr_null(rs.root);
}
END_TEST

START_TEST(test_first_load_refused_leaves_nothing_active)
{
    put("a.lua", CAMPAIGN);
    put("b.lua", "criterion \"C1\" {\n");
    char err[512] = "";
    ck_assert_int_eq(ruleset_init(&rs, dir, err, sizeof err), 0);
    reload_refused();
    ck_assert(!ruleset_loaded(&rs));
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
    ck_assert_ptr_nonnull(ruleset_newest(&rs));
    ck_assert_uint_eq(rs.generation, 1);
    struct rules_generation *first = ruleset_newest(&rs);
    const char *first_hash = rules_hash(first);
    char first_copy[65];
    snprintf(first_copy, sizeof first_copy, "%s", first_hash);
    ck_assert_uint_eq(strlen(first_copy), 64);
    ck_assert_double_eq(active_score(), 1);

    /* Broken: a syntax error. Refused, the first generation keeps serving. */
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 2,\n");
    reload_refused();
    ck_assert_msg(problem_with("b.lua:"), "the problem does not name b.lua:%s", problems());
    ck_assert_ptr_eq(ruleset_newest(&rs), first);
    ck_assert_ptr_eq(rules_hash(ruleset_newest(&rs)), first_hash);
    ck_assert_str_eq(rules_hash(ruleset_newest(&rs)), first_copy);
    ck_assert_uint_eq(rs.generation, 1);
    ck_assert_double_eq(active_score(), 1);

    /* Broken otherwise: it loads but a self-test fails. Refused the same way. */
    put("b.lua", CRITERION_POINTS(2));
    put("tests/test_b.lua", "test \"x\" (function(t) t.eq(1, 2, \"one is two\") end)\n");
    reload_refused();
    ck_assert_uint_eq(rep.failed, 1);
    ck_assert_ptr_eq(ruleset_newest(&rs), first);
    ck_assert_str_eq(rules_hash(ruleset_newest(&rs)), first_copy);
    ck_assert_double_eq(active_score(), 1);

    /* Fixed: swapped in, with a new hash and the new points. */
    put("tests/test_b.lua", "test \"x\" (function(t) t.eq(1, 1, \"one is one\") end)\n");
    reload_ok();
    ck_assert_uint_eq(rep.passed, 1);
    ck_assert_ptr_nonnull(ruleset_newest(&rs));
    ck_assert_uint_eq(rs.generation, 2);
    ck_assert_str_ne(rules_hash(ruleset_newest(&rs)), first_copy);
    ck_assert_uint_eq(strlen(rules_hash(ruleset_newest(&rs))), 64);
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
    snprintf(first, sizeof first, "%s", rules_hash(ruleset_newest(&rs)));
    struct rules_generation *serving = ruleset_newest(&rs);
    reload_ok(); /* the same files: the generation serving them stays */
    ck_assert_uint_eq(rs.generation, 2);
    ck_assert_ptr_eq(ruleset_newest(&rs), serving);
    ck_assert_str_eq(rules_hash(ruleset_newest(&rs)), first);
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
    tcase_add_test(tc, test_years_side_by_side);
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
