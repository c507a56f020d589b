/*
 * test_rules.c — unit tests for the rules engine (core/rules/ with the chunks in
 * core/rules/engine/):
 *
 *   loader      the real rules/2025 loads with its self-tests and a stable 64-hex hash that
 *               follows the content; syntax errors, undeclared facts, `after` cycles, unknown
 *               criteria, duplicate facts, a missing campaign, person-after-unit titles and a
 *               failing self-test are refused with "file:line: message"; files run in name
 *               order in one environment; what tests/ may declare;
 *   check       issue 8: undeclared facts in a branch never run, in a helper, of members and
 *               read only at a boundary value; campaign keys, period and holiday dates and
 *               the points total, each in Vietnamese at the line that is wrong;
 *   sandbox     at load: instruction budget, memory cap, the functions rule code cannot reach,
 *               os.time/os.date, no bytecode; at evaluation: a check that loops, allocates
 *               without end or raises fails that call only, and the generation keeps serving;
 *               fact validation reports every problem at once;
 *   evaluation  the evaluation shape and CN7 (a head whose unit misses TTLDXS is not LDTT) on
 *               the real 2025 ruleset;
 *   known bugs  tests that fail until core is fixed (see the "bugs" test case at the bottom).
 *   review      regressions for what commit 117adfd fixed: ctx's metatable is hidden (no
 *               finalizer through it, no replacing its methods), globals and libraries are
 *               read-only at evaluation, the evaluation memory cap is fixed at load, and a rule
 *               scribbling on its subject does not change the evaluation's code or name.
 *
 * Each test writes a tiny ruleset into its own mkdtemp() folder under one root that main()
 * removes. The hang tests rely on Check's fork mode (ctest sets CK_FORK=yes) for their timeout.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules/rules.h"
#include "support.h"

static char root[256]; /* created by main() */
static char dir[512];  /* this test's ruleset folder */
static struct rules_limits limits;
static struct rules_report rep;
static struct rules_generation *gen;

/* The smallest valid ruleset: a campaign, a fact, a criterion. */
#define CAMPAIGN                                                                                   \
    "campaign { year = 2025, name = \"x\", periods = { [\"2025-Y\"] = { from = \"2025-01-01\", "   \
    "to = \"2025-12-31\", report_due = \"2025-11-15\" } } }\n"
#define FACT_N                                                                                     \
    "fact \"n\" { subject = \"unit\", type = \"integer\", min = 0, max = 100, label = \"N\" }\n"
#define CRITERION                                                                                  \
    "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\", check = function() return " \
    "true end }\n"

/* Real 2025 facts: a unit meeting TT1–TT6 (rating to fill in), a person meeting CN1–CN6. */
#define UNIT_FACTS_2025                                                                            \
    "{\"response_plan\":true,\"work_programme_approved\":true,\"tasks_assigned\":20,"              \
    "\"tasks_completed\":20,\"legal_docs_assigned\":2,\"legal_docs_completed\":2,"                 \
    "\"restructuring_on_time\":true,\"discipline_violations\":0,\"exemplary_models\":1,"           \
    "\"internal_solidarity\":true,\"unit_rating\":\"%s\"}"
#define PERSON_FACTS_2025                                                                          \
    "{\"rating\":\"HTXS\",\"months_worked\":12,\"initiatives\":1,\"responsibility\":true,"         \
    "\"obeys_assignment\":true,\"movement_participation\":true,\"discipline\":\"none\"}"

/* ---- helpers ---------------------------------------------------------------------------- */

/* Writes `len` bytes to dir/name ("tests/x.lua" creates tests/). */
static void put_bytes(const char *name, const char *data, size_t len)
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
    ck_assert_uint_eq(fwrite(data, 1, len, out), len);
    ck_assert_int_eq(fclose(out), 0);
}

static void put(const char *name, const char *text)
{
    put_bytes(name, text, strlen(text));
}

/* a_campaign.lua with the campaign and the fact n; the criteria go in other files. */
static void put_campaign(void)
{
    put("a_campaign.lua", CAMPAIGN FACT_N);
}

static void copy_tree(const char *from, const char *to)
{
    ck_assert_msg(mkdir(to, 0700) == 0 || errno == EEXIST, "mkdir %s", to);
    DIR *d = opendir(from);
    ck_assert_msg(d != NULL, "cannot open %s", from);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char src[2048], dst[2048];
        snprintf(src, sizeof src, "%s/%s", from, e->d_name);
        snprintf(dst, sizeof dst, "%s/%s", to, e->d_name);
        struct stat sb;
        ck_assert_int_eq(stat(src, &sb), 0);
        if (S_ISDIR(sb.st_mode)) {
            copy_tree(src, dst);
            continue;
        }
        FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
        ck_assert(in != NULL && out != NULL);
        char buf[8192];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
        fclose(in);
        ck_assert_int_eq(fclose(out), 0);
    }
    closedir(d);
}

static const char *real_ruleset(void)
{
    static char path[1024];
    const char *src = getenv("THIDUA_SOURCE_DIR");
    ck_assert_msg(src != NULL, "THIDUA_SOURCE_DIR is not set (run through ctest)");
    snprintf(path, sizeof path, "%s/rules/2025", src);
    return path;
}

/* Every problem of the report, one per line, for failure messages. */
static const char *problems(void)
{
    static char text[8192];
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < rep.problem_count && used < sizeof text - 1; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "\n  %s", rep.problems[i]);
    return rep.problem_count ? text : " (no problems reported)";
}

/* The first problem containing `needle`, or NULL. */
static const char *problem_with(const char *needle)
{
    for (size_t i = 0; i < rep.problem_count; i++)
        if (strstr(rep.problems[i], needle)) return rep.problems[i];
    return NULL;
}

static void load_ok_from(const char *path)
{
    gen = rules_load(path, &limits, NULL, &rep);
    ck_assert_msg(gen != NULL, "rules_load(%s) refused:%s", path, problems());
}

static void load_ok(void)
{
    load_ok_from(dir);
}

static void load_refused(void)
{
    gen = rules_load(dir, &limits, NULL, &rep);
    ck_assert_msg(gen == NULL, "rules_load accepted a ruleset it should refuse");
    ck_assert_msg(rep.problem_count > 0, "refused without a problem");
}

/* Asserts a problem starts with "<dir>/<file>:<line>:" (line 0: any line, or none) and
 * contains every non-NULL needle. */
static void assert_problem_at(const char *file, int line, const char *needle1, const char *needle2)
{
    char prefix[1024];
    if (line > 0)
        snprintf(prefix, sizeof prefix, "%s/%s:%d:", dir, file, line);
    else
        snprintf(prefix, sizeof prefix, "%s/%s", dir, file);
    for (size_t i = 0; i < rep.problem_count; i++) {
        const char *p = rep.problems[i];
        if (strncmp(p, prefix, strlen(prefix)) == 0 && (!needle1 || strstr(p, needle1)) &&
            (!needle2 || strstr(p, needle2)))
            return;
    }
    ck_abort_msg("no problem starting with \"%s\" and containing \"%s\" / \"%s\":%s", prefix,
                 needle1 ? needle1 : "", needle2 ? needle2 : "", problems());
}

static cJSON *json(const char *text)
{
    cJSON *item = cJSON_Parse(text);
    ck_assert_msg(item != NULL, "bad JSON in the test: %s", text);
    return item;
}

/* Seconds on a monotonic clock. */
static double test_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Evaluates a unit {code:"U", facts:{n:n}} with no members in 2025-Y. */
static cJSON *evaluate_n(int n, char *err, size_t errlen)
{
    char text[128];
    snprintf(text, sizeof text, "{\"code\":\"U\",\"name\":\"Unit\",\"facts\":{\"n\":%d}}", n);
    cJSON *unit = json(text), *members = cJSON_CreateArray();
    err[0] = '\0';
    cJSON *out = rules_evaluate_unit(gen, "2025-Y", unit, members, err, errlen);
    cJSON_Delete(unit);
    cJSON_Delete(members);
    return out;
}

/* An evaluation with n = 1 works and gives C1's point: the generation still serves. */
static void assert_still_serves(void)
{
    char err[1024];
    cJSON *out = evaluate_n(1, err, sizeof err);
    ck_assert_msg(out != NULL, "the generation no longer evaluates: %s", err);
    const cJSON *unit = cJSON_GetObjectItemCaseSensitive(out, "unit");
    ck_assert_double_eq(cJSON_GetObjectItemCaseSensitive(unit, "score")->valuedouble, 1);
    cJSON_Delete(out);
}

static const cJSON *item(const cJSON *object, const char *key)
{
    const cJSON *found = cJSON_GetObjectItemCaseSensitive(object, key);
    ck_assert_msg(found != NULL, "no \"%s\" in the object", key);
    return found;
}

static const char *str_of(const cJSON *object, const char *key)
{
    const cJSON *found = item(object, key);
    ck_assert_msg(cJSON_IsString(found), "\"%s\" is not a string", key);
    return found->valuestring;
}

/* The element of `array` whose `key` is the string `value`. */
static const cJSON *find_by(const cJSON *array, const char *key, const char *value)
{
    const cJSON *el;
    cJSON_ArrayForEach(el, array)
    {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(el, key);
        if (cJSON_IsString(k) && strcmp(k->valuestring, value) == 0) return el;
    }
    ck_abort_msg("no element with %s = \"%s\"", key, value);
    return NULL;
}

static bool is_true(const cJSON *object, const char *key)
{
    const cJSON *b = item(object, key);
    ck_assert_msg(cJSON_IsBool(b), "\"%s\" is not a boolean", key);
    return cJSON_IsTrue(b);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "%s/t-XXXXXX", root);
    ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp under %s", root);
    rules_limits_default(&limits);
    limits.eval_instructions = 1000000;
    limits.eval_memory = 8u << 20;
    limits.load_instructions = 5000000;
    limits.load_memory = 32u << 20;
    memset(&rep, 0, sizeof rep);
    gen = NULL;
}

static void teardown(void)
{
    rules_free(gen);
    gen = NULL;
    rules_report_free(&rep);
    test_remove_tree(dir);
}

/* ---- loader: the real ruleset ----------------------------------------------------------- */

START_TEST(test_real_ruleset_loads)
{
    rules_limits_default(&limits); /* as the daemon loads it */
    load_ok_from(real_ruleset());
    ck_assert_msg(rep.passed >= 75, "only %zu self-tests passed", rep.passed);
    ck_assert_uint_eq(rep.failed, 0);
    ck_assert_uint_eq(rep.test_count, rep.passed);
    ck_assert_uint_eq(rep.problem_count, 0);

    const char *hash = rules_hash(gen);
    ck_assert_uint_eq(strlen(hash), 64);
    ck_assert_uint_eq(strspn(hash, "0123456789abcdef"), 64);
    ck_assert_str_eq(rules_dir(gen), real_ruleset());
    ck_assert_ptr_nonnull(rules_period(gen, "2025-Y"));
    ck_assert_ptr_nonnull(rules_period(gen, "2025-H1"));
    ck_assert_ptr_null(rules_period(gen, "2024-Y"));

    /* Loaded again: the same hash. */
    struct rules_report rep2;
    struct rules_generation *again = rules_load(real_ruleset(), &limits, NULL, &rep2);
    ck_assert_ptr_nonnull(again);
    ck_assert_str_eq(rules_hash(again), hash);
    rules_free(again);
    rules_report_free(&rep2);
}
END_TEST

START_TEST(test_hash_follows_content)
{
    rules_limits_default(&limits);
    load_ok_from(real_ruleset());
    char original[65];
    snprintf(original, sizeof original, "%s", rules_hash(gen));

    /* A copy elsewhere has the same hash: it covers names relative to the folder. */
    char copy[700];
    snprintf(copy, sizeof copy, "%s/2025", dir);
    copy_tree(real_ruleset(), copy);
    struct rules_report r2;
    struct rules_generation *g2 = rules_load(copy, &limits, NULL, &r2);
    ck_assert_msg(g2 != NULL, "the copy is refused");
    ck_assert_str_eq(rules_hash(g2), original);
    rules_free(g2);
    rules_report_free(&r2);

    /* One byte changed, inside the first comment ("-- rules/..." becomes "-- Rules/..."). */
    char path[1024];
    snprintf(path, sizeof path, "%s/campaign.lua", copy);
    FILE *f = fopen(path, "r+b");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 3, SEEK_SET), 0);
    ck_assert_int_eq(fgetc(f), 'r');
    ck_assert_int_eq(fseek(f, 3, SEEK_SET), 0);
    ck_assert_int_eq(fputc('R', f), 'R');
    ck_assert_int_eq(fclose(f), 0);
    struct rules_report r3;
    struct rules_generation *g3 = rules_load(copy, &limits, NULL, &r3);
    ck_assert_msg(g3 != NULL, "the edited copy is refused");
    ck_assert_uint_eq(strlen(rules_hash(g3)), 64);
    ck_assert_str_ne(rules_hash(g3), original);
    rules_free(g3);
    rules_report_free(&r3);
}
END_TEST

/* ---- loader: refusals ------------------------------------------------------------------- */

START_TEST(test_minimal_ruleset_loads)
{
    put_campaign();
    put("b.lua", CRITERION);
    load_ok();
    ck_assert_uint_eq(rep.problem_count, 0);
    ck_assert_uint_eq(rep.test_count, 0);
    assert_still_serves();
}
END_TEST

START_TEST(test_syntax_error_has_file_and_line)
{
    put_campaign();
    put("b.lua", CRITERION "\nlocal x = = 2\n");
    load_refused();
    assert_problem_at("b.lua", 3, NULL, NULL);
}
END_TEST

START_TEST(test_undeclared_fact_refused_at_its_access)
{
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    return f.no_such_fact == 1\n"
                 "  end }\n");
    load_refused();
    assert_problem_at("b.lua", 3, "no_such_fact", NULL);
    ck_assert_msg(problem_with("engine/") == NULL, "blames the engine:%s", problems());
}
END_TEST

START_TEST(test_title_after_cycle_refused)
{
    put_campaign();
    put("b.lua",
        CRITERION "title \"TA\" { subject = \"unit\", name = \"A\", after = { \"TB\" } }\n"
                  "title \"TB\" { subject = \"unit\", name = \"B\", after = { \"TA\" } }\n");
    load_refused();
    const char *p = problem_with("vòng trở lại");
    ck_assert_msg(p != NULL, "no cycle reported:%s", problems());
    ck_assert_msg(strstr(p, "TA") && strstr(p, "TB"), "the cycle names only one title: %s", p);
    assert_problem_at("b.lua", 2, "vòng trở lại chính nó", NULL);
}
END_TEST

START_TEST(test_title_requires_unknown_criterion)
{
    put_campaign();
    put("b.lua", CRITERION "title \"TA\" { subject = \"unit\", name = \"A\", requires = { \"C1\", "
                           "\"NOPE\" } }\n");
    load_refused();
    assert_problem_at("b.lua", 2, "title \"TA\"", "requires nêu tiêu chí không có \"NOPE\"");
}
END_TEST

START_TEST(test_duplicate_fact)
{
    put_campaign();
    put("b.lua",
        CRITERION "fact \"n\" { subject = \"unit\", type = \"integer\", label = \"N\" }\n");
    load_refused();
    assert_problem_at("b.lua", 2, "fact \"n\"", "khai báo hai lần");
    ck_assert_msg(strstr(problem_with("khai báo hai lần"), "lần đầu tại") &&
                      strstr(problem_with("khai báo hai lần"), "a_campaign.lua:2"),
                  "does not say where the first one is:%s", problems());
}
END_TEST

START_TEST(test_missing_campaign)
{
    put("b.lua", FACT_N CRITERION);
    load_refused();
    ck_assert_msg(problem_with("chưa khai báo campaign { ... }") != NULL, "%s", problems());
}
END_TEST

START_TEST(test_person_title_after_unit_title)
{
    put_campaign();
    put("b.lua", CRITERION "title \"TU\" { subject = \"unit\", name = \"U\" }\n"
                           "title \"TP\" { subject = \"person\", name = \"P\", after = { \"TU\" } "
                           "}\n");
    load_refused();
    assert_problem_at("b.lua", 3, "\"TP\"", "\"TU\"");
}
END_TEST

START_TEST(test_failing_self_test)
{
    put_campaign();
    put("b.lua", CRITERION);
    put("tests/test_b.lua", "test \"fine\" (function(t) t.eq(1, 1, \"one\") end)\n"
                            "test \"x\" (function(t) t.eq(1, 2, \"one is two\") end)\n");
    load_refused();
    ck_assert_uint_eq(rep.test_count, 2);
    ck_assert_uint_eq(rep.passed, 1);
    ck_assert_uint_eq(rep.failed, 1);
    const struct rules_test_result *fine = &rep.tests[0], *x = &rep.tests[1];
    ck_assert_str_eq(fine->name, "fine");
    ck_assert(fine->passed);
    ck_assert_ptr_null(fine->message);
    ck_assert_str_eq(x->name, "x");
    ck_assert(!x->passed);
    ck_assert_ptr_nonnull(x->message);
    ck_assert_msg(strstr(x->message, "one is two"), "%s", x->message);
    ck_assert_msg(strstr(x->at, "tests/test_b.lua:2"), "at = %s", x->at);
    const char *p = problem_with("one is two");
    ck_assert_msg(p && strstr(p, "\"x\""), "the problem does not name the test:%s", problems());
}
END_TEST

/* A memory of vettings, as a command keeps in its database (store/vettings.h). */
struct vetting_memory {
    char keys[8][65];
    size_t count;
};

static bool memory_remembers(void *ctx, const char *key)
{
    struct vetting_memory *m = ctx;
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->keys[i], key) == 0) return true;
    return false;
}

static void memory_remember(void *ctx, const char *key)
{
    struct vetting_memory *m = ctx;
    ck_assert_uint_lt(m->count, 8);
    snprintf(m->keys[m->count++], sizeof m->keys[0], "%s", key);
}

/* Loads dir with the memory; asserts it loaded, and how many self-tests ran. */
static void load_with_memory(struct vetting_memory *m, size_t tests_run)
{
    struct rules_vetted vetted = {memory_remembers, memory_remember, m};
    rules_free(gen);
    rules_report_free(&rep);
    gen = rules_load(dir, &limits, &vetted, &rep);
    ck_assert_msg(gen != NULL, "refused:%s", problems());
    ck_assert_uint_eq(rep.test_count, tests_run);
}

#define TEST_FINE "test \"fine\" (function(t) t.eq(t.points(\"C1\"), 1, \"C1\") end)\n"

START_TEST(test_remembered_vetting_is_not_run_again)
{
    struct vetting_memory m = {0};
    put_campaign();
    put("b.lua", CRITERION);
    put("tests/test_b.lua", TEST_FINE);
    load_with_memory(&m, 1); /* vetted in a child: the test ran, and is remembered */
    ck_assert_uint_eq(m.count, 1);
    char hash[65];
    snprintf(hash, sizeof hash, "%s", rules_hash(gen));
    load_with_memory(&m, 0); /* remembered: built without running it again */
    ck_assert_str_eq(rules_hash(gen), hash);
    ck_assert_uint_eq(m.count, 1);

    /* A test edited to fail is another vetting: it runs, the load is refused, and nothing
     * is remembered; back as it was, the first vetting holds again. */
    struct rules_vetted vetted = {memory_remembers, memory_remember, &m};
    put("tests/test_b.lua", "test \"x\" (function(t) t.eq(1, 2, \"one is two\") end)\n");
    rules_free(gen);
    rules_report_free(&rep);
    gen = rules_load(dir, &limits, &vetted, &rep);
    ck_assert_ptr_null(gen);
    ck_assert_uint_eq(rep.failed, 1);
    ck_assert_uint_eq(m.count, 1);
    put("tests/test_b.lua", TEST_FINE);
    load_with_memory(&m, 0);

    /* Other limits (a budget the tests passed under may not hold for them), then an edited
     * rule file: vetted again each time. */
    limits.load_instructions -= 1;
    load_with_memory(&m, 1);
    ck_assert_uint_eq(m.count, 2);
    put("b.lua", CRITERION "-- edited\n");
    load_with_memory(&m, 1);
    ck_assert_uint_eq(m.count, 3);
    ck_assert_str_ne(rules_hash(gen), hash);
    load_with_memory(&m, 0);
}
END_TEST

START_TEST(test_files_load_in_name_order)
{
    /* alphasort: "10_..." < "2_..." < "a..." < "b...". */
    put("a.lua", CAMPAIGN FACT_N "POINTS = 10\n");
    put("b.lua", "criterion \"CB\" { subject = \"unit\", points = POINTS, title = \"b\", "
                 "check = function() return true end }\n");
    put("2_two.lua", "criterion \"C2\" { subject = \"unit\", points = 2, title = \"two\", "
                     "check = function() return true end }\n");
    put("10_ten.lua", "criterion \"C10\" { subject = \"unit\", points = 1, title = \"ten\", "
                      "check = function() return true end }\n");
    put("tests/test_points.lua", "test \"globals reach the tests\" (function(t) t.eq(POINTS, 10) "
                                 "end)\n");
    load_ok();
    ck_assert_uint_eq(rep.passed, 1);

    const cJSON *criteria = item(rules_catalog(gen), "criteria");
    ck_assert_int_eq(cJSON_GetArraySize(criteria), 3);
    ck_assert_str_eq(str_of(cJSON_GetArrayItem(criteria, 0), "id"), "C10");
    ck_assert_str_eq(str_of(cJSON_GetArrayItem(criteria, 1), "id"), "C2");
    ck_assert_str_eq(str_of(cJSON_GetArrayItem(criteria, 2), "id"), "CB");
    ck_assert_double_eq(item(cJSON_GetArrayItem(criteria, 2), "points")->valuedouble, 10);

    char err[512];
    cJSON *out = evaluate_n(1, err, sizeof err);
    ck_assert_msg(out != NULL, "%s", err);
    ck_assert_double_eq(item(item(out, "unit"), "score")->valuedouble, 13);
    cJSON_Delete(out);
}
END_TEST

/* tests/ is not part of the rules: a declaration there is refused, and editing a test
 * leaves the rules hash (stamped on evaluations) unchanged. */
START_TEST(test_tests_folder_is_not_rules)
{
    put_campaign();
    put("b.lua", CRITERION);
    load_ok();
    char before[65];
    snprintf(before, sizeof before, "%s", rules_hash(gen));
    rules_free(gen);
    rules_report_free(&rep);

    put("tests/test_more.lua", "test \"more\" (function(t) t.ok(true, \"yes\") end)\n");
    load_ok();
    ck_assert_str_eq(rules_hash(gen), before);
    rules_free(gen);
    gen = NULL;
    rules_report_free(&rep);

    put("tests/test_extra.lua", "criterion \"C9\" { subject = \"unit\", points = 7, title = "
                                "\"only in tests\", check = function() return true end }\n");
    load_refused();
    assert_problem_at("tests/test_extra.lua", 1, "không trong tests/", NULL);
}
END_TEST

/* ---- sandbox at load -------------------------------------------------------------------- */

START_TEST(test_load_endless_loop_refused)
{
    put_campaign();
    put("b.lua", CRITERION);
    put("c_loop.lua", "local x = 0\nwhile true do x = x + 1 end\n");
    load_refused();
    assert_problem_at("c_loop.lua", 2, "budget", NULL);
}
END_TEST

START_TEST(test_load_memory_bomb_refused)
{
    limits.load_instructions = 200LL * 1000 * 1000; /* the cap, not the budget, must stop it */
    put_campaign();
    put("b.lua", CRITERION);
    put("c_bomb.lua", "local t = {} for i = 1, 1e9 do t[i] = i end\n");
    load_refused();
    assert_problem_at("c_bomb.lua", 0, "memory", NULL);
}
END_TEST

START_TEST(test_load_forbidden_functions_absent)
{
    static const char *const uses[] = {
        "os.execute(\"true\")",
        "io.write(\"x\")",
        "require(\"os\")",
        "load(\"return 1\")",
        "loadstring(\"return 1\")",
        "dofile(\"/etc/passwd\")",
        "debug.traceback()",
        "package.loaded.x = 1",
        "string.dump(function() end)",
        "collectgarbage()",
        "os.exit(1)",
        "os.getenv(\"HOME\")",
        "os.remove(\"/nonexistent\")",
        "print(\"x\")",
        "rawset({}, 1, 1)",
    };
    put_campaign();
    put("b.lua", CRITERION);
    load_ok(); /* the base is valid */
    rules_free(gen);
    gen = NULL;
    rules_report_free(&rep);
    for (size_t i = 0; i < sizeof uses / sizeof uses[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "local ok = true\n%s\n", uses[i]);
        put("c_use.lua", text);
        gen = rules_load(dir, &limits, NULL, &rep);
        ck_assert_msg(gen == NULL, "`%s` at top level was accepted", uses[i]);
        assert_problem_at("c_use.lua", 2, "nil value", NULL);
        rules_report_free(&rep);
    }
}
END_TEST

START_TEST(test_load_os_time_and_date_work)
{
    put_campaign();
    put("b.lua",
        "local now = os.time()\n"
        "local today = os.date(\"%Y-%m-%d\", now)\n"
        "assert(type(now) == \"number\" and today:match(\"^%d%d%d%d%-%d%d%-%d%d$\"))\n"
        "assert(os.time({ year = 2025, month = 1, day = 1, hour = 12 }) > 0)\n"
        "assert(type(os.date()) == \"string\" and os.date(\"*t\").year >= 2025)\n" CRITERION);
    load_ok();
}
END_TEST

START_TEST(test_load_bytecode_refused)
{
    static const char chunk[] = "\x1bLua\x54\x00\x19\x93\r\n\x1a\n junk";
    put_campaign();
    put("b.lua", CRITERION);
    put_bytes("c_binary.lua", chunk, sizeof chunk - 1);
    load_refused();
    ck_assert_msg(problem_with("binary") != NULL, "%s", problems());
}
END_TEST

/* ---- sandbox at evaluation -------------------------------------------------------------- */

START_TEST(test_eval_endless_loop_fails_that_call)
{
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    if f.n == 13 then while true do end end\n"
                 "    return true\n"
                 "  end }\n");
    load_ok();
    char err[1024], expected[1024];
    cJSON *out = evaluate_n(13, err, sizeof err);
    ck_assert_ptr_null(out);
    snprintf(expected, sizeof expected, "%s/b.lua:3:", dir);
    ck_assert_msg(strncmp(err, expected, strlen(expected)) == 0, "err = %s", err);
    ck_assert_msg(strstr(err, "budget"), "err = %s", err);
    assert_still_serves();
    /* And again: the same failure, the same recovery. */
    ck_assert_ptr_null(evaluate_n(13, err, sizeof err));
    ck_assert_msg(strstr(err, "budget"), "err = %s", err);
    assert_still_serves();
}
END_TEST

/* The evaluation's budget is the rules' own instructions: the engine's work for a unit of
 * 300 people (tens of thousands of instructions) does not spend it, a rule's loop does. */
START_TEST(test_eval_budget_counts_the_rules_not_the_engine)
{
    limits.eval_instructions = 20000;
    limits.eval_instructions_per_member = 0;
    put_campaign();
    put("b.lua",
        CRITERION "criterion \"P1\" { subject = \"person\", points = 1, title = \"p\",\n"
                  "  check = function(s, f)\n"
                  "    if s.code == \"SPIN\" then local n = 0 for i = 1, 1e6 do n = n + i end end\n"
                  "    return true\n"
                  "  end }\n");
    load_ok();
    cJSON *unit = json("{\"code\":\"U\",\"name\":\"Unit\",\"facts\":{}}");
    cJSON *members = cJSON_CreateArray();
    for (int i = 0; i < 300; i++) {
        char member[128];
        snprintf(member, sizeof member, "{\"code\":\"P%d\",\"unit_code\":\"U\",\"facts\":{}}", i);
        cJSON_AddItemToArray(members, json(member));
    }
    char err[1024] = "";
    cJSON *out = rules_evaluate_unit(gen, "2025-Y", unit, members, err, sizeof err);
    ck_assert_msg(out != NULL, "300 people with trivial rules ran out of budget: %s", err);
    ck_assert_int_eq(cJSON_GetArraySize(item(out, "people")), 300);
    cJSON_Delete(out);
    cJSON_AddItemToArray(members, json("{\"code\":\"SPIN\",\"unit_code\":\"U\",\"facts\":{}}"));
    ck_assert_ptr_null(rules_evaluate_unit(gen, "2025-Y", unit, members, err, sizeof err));
    ck_assert_msg(strstr(err, "b.lua:4:") && strstr(err, "budget"), "err = %s", err);
    cJSON_Delete(unit);
    cJSON_Delete(members);
}
END_TEST

START_TEST(test_eval_memory_bomb_fails_that_call)
{
    limits.eval_instructions = 200LL * 1000 * 1000; /* the cap, not the budget, must stop it */
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    if f.n == 13 then local t = {} for i = 1, 1e9 do t[i] = i end end\n"
                 "    return true\n"
                 "  end }\n");
    load_ok();
    char err[1024];
    cJSON *out = evaluate_n(13, err, sizeof err);
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(err, "memory"), "err = %s", err);
    assert_still_serves();
}
END_TEST

START_TEST(test_eval_error_fails_that_call)
{
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    if f.n == 13 then error(\"boom\") end\n"
                 "    return true\n"
                 "  end }\n");
    load_ok();
    char err[1024], expected[1024];
    ck_assert_ptr_null(evaluate_n(13, err, sizeof err));
    snprintf(expected, sizeof expected, "%s/b.lua:3:", dir);
    ck_assert_msg(strncmp(err, expected, strlen(expected)) == 0, "err = %s", err);
    ck_assert_msg(strstr(err, "boom"), "err = %s", err);
    assert_still_serves();
}
END_TEST

START_TEST(test_eval_unknown_period)
{
    put_campaign();
    put("b.lua", CRITERION);
    load_ok();
    char err[512] = "";
    cJSON *unit = json("{\"code\":\"U\",\"facts\":{}}"), *members = cJSON_CreateArray();
    ck_assert_ptr_null(rules_evaluate_unit(gen, "2024-Y", unit, members, err, sizeof err));
    ck_assert_msg(strstr(err, "2024-Y"), "err = %s", err);
    cJSON_Delete(unit);
    cJSON_Delete(members);
    assert_still_serves();
}
END_TEST

START_TEST(test_validate_facts_reports_everything)
{
    put("a_campaign.lua", CAMPAIGN FACT_N
        "fact \"flag\" { subject = \"unit\", type = \"boolean\", label = \"Flag\" }\n"
        "fact \"kind\" { subject = \"unit\", type = \"enum\", values = { \"a\", \"b\" }, label = "
        "\"Kind\" }\n"
        "fact \"p\" { subject = \"person\", type = \"integer\", label = \"P\" }\n");
    put("b.lua", CRITERION);
    load_ok();

    cJSON *good = json("{\"n\":100,\"flag\":false,\"kind\":\"b\"}");
    cJSON *details = rules_validate_facts(gen, "unit", good, NULL);
    ck_assert_ptr_nonnull(details);
    ck_assert(cJSON_IsArray(details));
    ck_assert_int_eq(cJSON_GetArraySize(details), 0);
    cJSON_Delete(details);
    cJSON_Delete(good);

    cJSON *bad = json("{\"zzz\":1,\"flag\":\"yes\",\"n\":101,\"kind\":\"c\",\"p\":1}");
    details = rules_validate_facts(gen, "unit", bad, NULL);
    ck_assert_ptr_nonnull(details);
    ck_assert(cJSON_IsArray(details));
    ck_assert_int_eq(cJSON_GetArraySize(details), 5);
    static const char *const fields[] = {"facts.flag", "facts.kind", "facts.n", "facts.p",
                                         "facts.zzz"};
    for (int i = 0; i < 5; i++) {
        const cJSON *d = cJSON_GetArrayItem(details, i);
        ck_assert_str_eq(str_of(d, "field"), fields[i]);
        ck_assert_msg(str_of(d, "message")[0] != '\0', "empty message for %s", fields[i]);
    }
    /* p is a person fact: unknown for a unit, fine for a person. */
    ck_assert_ptr_nonnull(strstr(str_of(cJSON_GetArrayItem(details, 3), "message"), "\"p\""));
    ck_assert_ptr_nonnull(strstr(str_of(cJSON_GetArrayItem(details, 2), "message"), "100"));
    cJSON_Delete(details);
    cJSON_Delete(bad);

    cJSON *person = json("{\"p\":1.5}");
    details = rules_validate_facts(gen, "person", person, NULL);
    ck_assert_int_eq(cJSON_GetArraySize(details), 1);
    ck_assert_str_eq(str_of(cJSON_GetArrayItem(details, 0), "field"), "facts.p");
    cJSON_Delete(details);
    cJSON_Delete(person);
}
END_TEST

/* ---- evaluation on the real 2025 ruleset ------------------------------------------------ */

/* Evaluates unit U1 (TT1–TT6 met, rated unit_rating) with a head H and a member M who have
 * the same facts (CN1–CN6 met, rated HTXS). */
static cJSON *evaluate_2025(const char *unit_rating)
{
    char unit_text[1024], members_text[2048], err[1024] = "";
    snprintf(unit_text, sizeof unit_text,
             "{\"code\":\"U1\",\"name\":\"Phòng 1\",\"kind\":\"office\",\"facts\":" UNIT_FACTS_2025
             "}",
             unit_rating);
    snprintf(members_text, sizeof members_text,
             "[{\"code\":\"H\",\"full_name\":\"Trưởng\",\"position\":\"Trưởng phòng\","
             "\"is_head\":true,\"unit_code\":\"U1\",\"facts\":" PERSON_FACTS_2025 "},"
             "{\"code\":\"M\",\"full_name\":\"Viên\",\"position\":\"Chuyên viên\","
             "\"is_head\":false,\"unit_code\":\"U1\",\"facts\":" PERSON_FACTS_2025 "}]");
    cJSON *unit = json(unit_text), *members = json(members_text);
    cJSON *out = rules_evaluate_unit(gen, "2025-Y", unit, members, err, sizeof err);
    ck_assert_msg(out != NULL, "rules_evaluate_unit: %s", err);
    cJSON_Delete(unit);
    cJSON_Delete(members);
    return out;
}

static void assert_evaluation_shape(const cJSON *e, const char *subject, const char *code,
                                    int criteria, int titles)
{
    ck_assert_str_eq(str_of(e, "period"), "2025-Y");
    ck_assert_str_eq(str_of(e, "subject"), subject);
    ck_assert_str_eq(str_of(e, "code"), code);
    ck_assert(cJSON_IsNumber(item(e, "score")));
    ck_assert_str_eq(str_of(e, "rules_hash"), rules_hash(gen));
    const cJSON *c, *t, *list = item(e, "criteria");
    ck_assert(cJSON_IsArray(list));
    ck_assert_int_eq(cJSON_GetArraySize(list), criteria);
    cJSON_ArrayForEach(c, list)
    {
        str_of(c, "id");
        str_of(c, "title");
        ck_assert(cJSON_IsBool(item(c, "passed")));
        ck_assert(cJSON_IsNumber(item(c, "points")));
        const cJSON *reason = item(c, "reason");
        ck_assert(cJSON_IsNull(reason) || cJSON_IsString(reason));
    }
    list = item(e, "titles");
    ck_assert(cJSON_IsArray(list));
    ck_assert_int_eq(cJSON_GetArraySize(list), titles);
    cJSON_ArrayForEach(t, list)
    {
        str_of(t, "code");
        str_of(t, "name");
        ck_assert(cJSON_IsBool(item(t, "eligible")));
        ck_assert(cJSON_IsArray(item(t, "reasons")));
    }
}

START_TEST(test_evaluation_shape)
{
    rules_limits_default(&limits);
    load_ok_from(real_ruleset());
    cJSON *out = evaluate_2025("HTXS");
    const cJSON *unit = item(out, "unit"), *people = item(out, "people");
    assert_evaluation_shape(unit, "unit", "U1", 6, 2);
    ck_assert_str_eq(str_of(unit, "name"), "Phòng 1");
    ck_assert_double_eq(item(unit, "score")->valuedouble, 100);
    ck_assert(is_true(find_by(item(unit, "titles"), "code", "TTLDTT"), "eligible"));
    ck_assert(is_true(find_by(item(unit, "titles"), "code", "TTLDXS"), "eligible"));
    const cJSON *tt1 = find_by(item(unit, "criteria"), "id", "TT1");
    ck_assert(is_true(tt1, "passed"));
    ck_assert_double_eq(item(tt1, "points")->valuedouble, 15);
    ck_assert(cJSON_IsNull(item(tt1, "reason")));

    ck_assert(cJSON_IsArray(people));
    ck_assert_int_eq(cJSON_GetArraySize(people), 2);
    const cJSON *head = find_by(people, "code", "H");
    assert_evaluation_shape(head, "person", "H", 7, 2);
    ck_assert_str_eq(str_of(head, "unit_code"), "U1");
    ck_assert(is_true(head, "is_head"));
    ck_assert_double_eq(item(head, "score")->valuedouble, 100);
    cJSON_Delete(out);

    /* A failed criterion carries points 0 and a reason. */
    out = evaluate_2025("HT");
    unit = item(out, "unit");
    const cJSON *ttldtt = find_by(item(unit, "titles"), "code", "TTLDTT");
    ck_assert(!is_true(ttldtt, "eligible"));
    ck_assert_int_ge(cJSON_GetArraySize(item(ttldtt, "reasons")), 1);
    cJSON_Delete(out);

    cJSON *lazy = json("{\"code\":\"U2\",\"facts\":{\"response_plan\":false}}");
    cJSON *none = cJSON_CreateArray();
    char err[512];
    out = rules_evaluate_unit(gen, "2025-Y", lazy, none, err, sizeof err);
    ck_assert_msg(out != NULL, "%s", err);
    tt1 = find_by(item(item(out, "unit"), "criteria"), "id", "TT1");
    ck_assert(!is_true(tt1, "passed"));
    ck_assert_double_eq(item(tt1, "points")->valuedouble, 0);
    ck_assert_msg(cJSON_IsString(item(tt1, "reason")) && item(tt1, "reason")->valuestring[0],
                  "TT1 failed without a reason");
    cJSON_Delete(out);
    cJSON_Delete(lazy);
    cJSON_Delete(none);
}
END_TEST

START_TEST(test_cn7_head_of_unit_without_ttldxs)
{
    rules_limits_default(&limits);
    load_ok_from(real_ruleset());

    /* Unit rated HTT: not TTLDXS, so the head loses LDTT (CN7); the 70 % counts the
     * members' LDTT after that, 1 of 2, so no TTLDTT either. */
    cJSON *out = evaluate_2025("HTT");
    const cJSON *unit = item(out, "unit"), *people = item(out, "people");
    ck_assert(!is_true(find_by(item(unit, "titles"), "code", "TTLDTT"), "eligible"));
    ck_assert(!is_true(find_by(item(unit, "titles"), "code", "TTLDXS"), "eligible"));

    const cJSON *head = find_by(people, "code", "H"), *member = find_by(people, "code", "M");
    const cJSON *cn7 = find_by(item(head, "criteria"), "id", "CN7");
    ck_assert(is_true(cn7, "applicable"));
    ck_assert(!is_true(cn7, "passed"));
    const cJSON *ldtt = find_by(item(head, "titles"), "code", "LDTT");
    ck_assert(!is_true(ldtt, "eligible"));
    bool names_cn7 = false;
    const cJSON *reason;
    cJSON_ArrayForEach(reason, item(ldtt, "reasons")) names_cn7 |=
        cJSON_IsString(reason) && strstr(reason->valuestring, "CN7") != NULL;
    ck_assert_msg(names_cn7, "the head's LDTT reasons do not name CN7");

    ck_assert(!is_true(find_by(item(member, "criteria"), "id", "CN7"), "applicable"));
    ck_assert(is_true(find_by(item(member, "titles"), "code", "LDTT"), "eligible"));
    ck_assert(is_true(find_by(item(member, "titles"), "code", "CSTDCS"), "eligible"));
    cJSON_Delete(out);

    /* The same people in a TTLDXS unit: the head is LDTT too. */
    out = evaluate_2025("HTXS");
    unit = item(out, "unit");
    people = item(out, "people");
    ck_assert(is_true(find_by(item(unit, "titles"), "code", "TTLDXS"), "eligible"));
    head = find_by(people, "code", "H");
    ck_assert(is_true(find_by(item(head, "criteria"), "id", "CN7"), "passed"));
    ck_assert(is_true(find_by(item(head, "titles"), "code", "LDTT"), "eligible"));
    cJSON_Delete(out);
}
END_TEST

/* ---- known bugs: these fail until core is fixed ----------------------------------------- */

/* The hang tests end only by Check's timeout, which needs fork mode: without it they fail
 * at once instead of hanging the run. */
static void needs_fork_mode(void)
{
    const char *fork_mode = getenv("CK_FORK");
    if (fork_mode && strcmp(fork_mode, "no") == 0)
        ck_abort_msg("this test may hang: run it in fork mode (CK_FORK=yes)");
}

/* A check that catches its own budget error with pcall never ends: the hook raises once per
 * HOOK_EVERY instructions and the rule's pcall swallows each raise. */
START_TEST(test_bug_pcall_swallows_budget_error)
{
    needs_fork_mode();
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    if f.n == 13 then while true do pcall(function() while true do end end) "
                 "end end\n"
                 "    return true\n"
                 "  end }\n");
    load_ok();
    char err[1024];
    ck_assert_ptr_null(evaluate_n(13, err, sizeof err));
    ck_assert_msg(strstr(err, "budget"), "err = %s", err);
    assert_still_serves();
}
END_TEST

/* A __gc finalizer runs outside any budget in the final lua_gc of rules_load. */
START_TEST(test_bug_gc_finalizer_hangs_load)
{
    needs_fork_mode();
    put_campaign();
    put("b.lua", CRITERION "setmetatable({}, { __gc = function() while true do end end })\n");
    gen = rules_load(dir, &limits, NULL, &rep);
    /* Reached only if the load ends: either refusal naming b.lua, or a generation. */
    if (!gen) assert_problem_at("b.lua", 0, NULL, NULL);
}
END_TEST

/* A __gc finalizer kept alive by a global runs in rules_free's lua_close, outside any budget:
 * the next reload (which frees the previous generation) or shutdown hangs. */
START_TEST(test_bug_gc_finalizer_hangs_free)
{
    needs_fork_mode();
    put_campaign();
    put("b.lua",
        CRITERION "KEEP = setmetatable({}, { __gc = function() while true do end end })\n");
    gen = rules_load(dir, &limits, NULL, &rep);
    rules_free(gen);
    gen = NULL;
}
END_TEST

/* A memory failure during evaluation gives no "file:line" (rules.h promises one). */
START_TEST(test_bug_eval_memory_error_names_no_file)
{
    limits.eval_instructions = 200LL * 1000 * 1000;
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    if f.n == 13 then local t = {} for i = 1, 1e9 do t[i] = i end end\n"
                 "    return true\n"
                 "  end }\n");
    load_ok();
    char err[1024];
    ck_assert_ptr_null(evaluate_n(13, err, sizeof err));
    ck_assert_msg(strstr(err, "b.lua"), "the memory error does not name the rule file: %s", err);
}
END_TEST

/* A bytecode file is refused, but the problem does not say which file. */
START_TEST(test_bug_bytecode_refusal_names_no_file)
{
    static const char chunk[] = "\x1bLua\x54\x00\x19\x93\r\n\x1a\n junk";
    put_campaign();
    put("b.lua", CRITERION);
    put_bytes("c_binary.lua", chunk, sizeof chunk - 1);
    load_refused();
    assert_problem_at("c_binary.lua", 0, "binary", NULL);
}
END_TEST

/* rules.h: load_instructions is "for all files and self-tests together". Here the files use
 * ~80 % of it and the self-tests another ~80 %: each phase gets a fresh budget, so the load
 * passes. (If the header is what is wrong, fix it and delete this test.) */
START_TEST(test_bug_load_budget_not_shared_with_self_tests)
{
    limits.load_instructions = 5000000;
    put_campaign();
    put("b.lua", CRITERION "local x = 0 for i = 1, 2000000 do x = x + i end\n");
    put("tests/test_b.lua", "test \"burn\" (function(t)\n"
                            "  local x = 0 for i = 1, 2000000 do x = x + i end\n"
                            "  t.ok(x > 0)\n"
                            "end)\n");
    gen = rules_load(dir, &limits, NULL, &rep);
    ck_assert_msg(gen == NULL, "files and self-tests together ran ~8M instructions on a 5M "
                               "budget and the load passed");
    ck_assert_msg(problem_with("budget") != NULL, "%s", problems());
}
END_TEST

/* ---- review regressions: sandbox escapes fixed in 117adfd -------------------------------- */

/* getmetatable(ctx) is false for rules: they cannot reach the engine's ctx methods. */
START_TEST(test_review_ctx_metatable_hidden)
{
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f, ctx) return getmetatable(ctx) == false end }\n");
    load_ok();
    assert_still_serves(); /* score 1: the check saw false */
}
END_TEST

/* ctx.__index used to be the shared method table itself: a rule could replace a method,
 * or add __gc, for every later ctx. Now ctx.__index is nil and the table out of reach. */
START_TEST(test_review_ctx_index_out_of_reach)
{
    needs_fork_mode();
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f, ctx)\n"
                 "    local methods = ctx.__index\n"
                 "    if methods then methods.__gc = function() while true do end end end\n"
                 "    return methods == nil\n"
                 "  end }\n");
    load_ok();
    for (int i = 0; i < 5; i++)
        assert_still_serves(); /* score 1: the check saw no __index */
    rules_free(gen);
    gen = NULL;
}
END_TEST

/* A finalizer hung on ctx's metatable would run with hooks off (no budget) in a collection:
 * at the end of the load, during an evaluation, or in rules_free. Before 117adfd the rule
 * below reached the engine's ctx metatable and the load hung (ended by the tcase timeout). */
START_TEST(test_review_ctx_metatable_gc_cannot_hang)
{
    needs_fork_mode();
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f, ctx)\n"
                 "    local mt = getmetatable(ctx)\n"
                 "    if mt then mt.__gc = function() while true do end end end\n"
                 "    return true\n"
                 "  end }\n");
    load_ok();
    for (int i = 0; i < 5; i++)
        assert_still_serves();
    rules_free(gen);
    gen = NULL;
}
END_TEST

/* Rules whose C1 changes shared state when n is 13, and whose other rules depend on that
 * state: C2 on string.format, string.upper and NEWGLOBAL being absent, TB on ctx:has. For
 * n = 1 the answer is C1, C2 passed (score 3), TA not eligible, TB eligible. */
static void put_tamper_ruleset(const char *tamper)
{
    char text[2048];
    snprintf(text, sizeof text,
             "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
             "  check = function(s, f, ctx)\n"
             "    if f.n == 13 then %s end\n"
             "    return true\n"
             "  end }\n"
             "criterion \"C2\" { subject = \"unit\", points = 2, title = \"u\",\n"
             "  check = function(s, f, ctx)\n"
             "    return string.format(\"%%s\", f.n) == \"1\" and string.upper(\"a\") == \"A\"\n"
             "      and NEWGLOBAL == nil\n"
             "  end }\n"
             "title \"TA\" { subject = \"unit\", name = \"A\", requires = { \"C1\" },\n"
             "  check = function(s, f, ctx) return f.n == 2 end }\n"
             "title \"TB\" { subject = \"unit\", name = \"B\", after = { \"TA\" },\n"
             "  check = function(s, f, ctx) return not ctx:has(\"TA\") end }\n",
             tamper);
    put_campaign();
    put("b.lua", text);
}

/* An evaluation that changes shared state fails with an error containing `needle` (and
 * naming b.lua), and evaluations before and after it give the same answer. */
static void assert_tamper_refused(const char *tamper, const char *needle)
{
    put_tamper_ruleset(tamper);
    load_ok();
    char err[1024];
    cJSON *before = evaluate_n(1, err, sizeof err);
    ck_assert_msg(before != NULL, "[%s] %s", tamper, err);
    const cJSON *unit = item(before, "unit");
    ck_assert_double_eq(item(unit, "score")->valuedouble, 3);
    ck_assert(!is_true(find_by(item(unit, "titles"), "code", "TA"), "eligible"));
    ck_assert(is_true(find_by(item(unit, "titles"), "code", "TB"), "eligible"));

    for (int round = 0; round < 2; round++) {
        cJSON *tampered = evaluate_n(13, err, sizeof err);
        ck_assert_msg(tampered == NULL, "`%s` in a check was allowed (round %d)", tamper, round);
        ck_assert_msg(strstr(err, "b.lua:3:"), "[%s] the error does not name the rule: %s", tamper,
                      err);
        ck_assert_msg(strstr(err, needle), "[%s] err = %s", tamper, err);

        cJSON *after = evaluate_n(1, err, sizeof err);
        ck_assert_msg(after != NULL, "[%s] after the refused call: %s", tamper, err);
        char *b = cJSON_PrintUnformatted(before), *a = cJSON_PrintUnformatted(after);
        ck_assert_msg(cJSON_Compare(before, after, true),
                      "[%s] the answer changed:\nbefore %s\nafter  %s", tamper, b, a);
        free(b);
        free(a);
        cJSON_Delete(after);
    }
    cJSON_Delete(before);
    rules_free(gen);
    gen = NULL;
    rules_report_free(&rep);
}

START_TEST(test_review_ctx_methods_cannot_be_replaced)
{
    /* getmetatable(ctx) is false: indexing it is the error. */
    assert_tamper_refused("getmetatable(ctx).has = function() return true end", "boolean");
}
END_TEST

START_TEST(test_review_library_read_only_at_evaluation)
{
    assert_tamper_refused("string.format = nil", "read-only");
    assert_tamper_refused("string.upper = function() return \"B\" end", "read-only");
}
END_TEST

START_TEST(test_review_globals_read_only_at_evaluation)
{
    assert_tamper_refused("NEWGLOBAL = 1", "read-only");
    assert_tamper_refused("_G.NEWGLOBAL = 1", "read-only");
}
END_TEST

/* The memory cap is fixed at load. A rule that keeps 1 MiB per call in a file-level table
 * used to get "what is held + eval_memory" each call, so it grew without end; then C, pushing
 * the next input outside any protected call, hit the idle cap and Lua aborted the process.
 * Since every evaluation runs in a throwaway process (rules/process.c, issue 9 finding 5),
 * nothing a call keeps reaches the next: each of 40 calls starts from the generation as
 * loaded and passes, and none can grow what the next one may use. */
START_TEST(test_review_memory_cap_fixed_at_load)
{
    limits.eval_instructions = 200LL * 1000 * 1000; /* the cap, not the budget, must stop it */
    put_campaign();
    put("b.lua", "local KEEP = {}\n"
                 "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    KEEP[#KEEP + 1] = string.rep(\"x\", 1 << 20)\n"
                 "    return #KEEP == 1\n"
                 "  end }\n");
    load_ok();
    for (int i = 0; i < 40; i++) {
        char err[1024];
        cJSON *out = evaluate_n(1, err, sizeof err);
        ck_assert_msg(out != NULL, "call %d failed: %s", i, err);
        const cJSON *unit = cJSON_GetObjectItemCaseSensitive(out, "unit");
        ck_assert_msg(cJSON_GetObjectItemCaseSensitive(unit, "score")->valuedouble == 1,
                      "call %d saw what an earlier call kept", i);
        cJSON_Delete(out);
    }
}
END_TEST

/* Issue 9, finding 4: the instruction budget never sees time spent inside one C function.
 * A backtracking pattern on a long subject runs for minutes inside string.find; the
 * wall-clock deadline kills the process running it, and the generation keeps serving. */
START_TEST(test_eval_backtracking_pattern_stopped_by_the_deadline)
{
    limits.eval_deadline_ms = 500;
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    if f.n == 13 then return ('x'):rep(40000):find('(.-)*x') ~= nil end\n"
                 "    return true\n"
                 "  end }\n");
    load_ok();
    char err[1024];
    double started = test_now_seconds();
    cJSON *out = evaluate_n(13, err, sizeof err);
    double took = test_now_seconds() - started;
    ck_assert_ptr_null(out);
    ck_assert_msg(strstr(err, "quá thời hạn 500 ms"), "err = %s", err);
    ck_assert_msg(took < 3.0, "the spinning rule ran %.1f s past a 0.5 s deadline", took);
    assert_still_serves();
}
END_TEST

/* The same pattern in a self-test (or at a file's top level) stops the load, not the
 * process loading: the load runs first in a child under the load deadline. */
START_TEST(test_load_backtracking_self_test_stopped_by_the_deadline)
{
    limits.load_deadline_ms = 1000;
    put_campaign();
    put("b.lua", CRITERION);
    put("tests/t.lua", "test \"spins\" (function() "
                       "assert(('x'):rep(40000):find('(.-)*x') == nil) end)\n");
    double started = test_now_seconds();
    gen = rules_load(dir, &limits, NULL, &rep);
    double took = test_now_seconds() - started;
    ck_assert_ptr_null(gen);
    ck_assert_msg(problem_with("quá thời hạn 1000 ms"), "problems:%s", problems());
    ck_assert_msg(took < 4.0, "the load ran %.1f s past a 1 s deadline", took);
}
END_TEST

/* Issue 9, finding 5: facts are read-only to rules. A criterion that assigns a reported fact
 * is refused at load (the dry run reports every fact present) ... */
START_TEST(test_load_assigning_a_reported_fact_is_refused)
{
    put("a_campaign.lua", CAMPAIGN FACT_N
        "fact \"flag\" { subject = \"unit\", type = \"boolean\", label = \"F\" }\n");
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f) if f.flag then f.flag = false end; return true end }\n"
                 "criterion \"C2\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f) return f.flag == true end }\n");
    load_refused();
    assert_problem_at("b.lua", 2, "chỉ tiêu (facts) chỉ được đọc", NULL);
}
END_TEST

/* ... and one that assigns only for figures the dry run does not try fails that evaluation
 * with the same words: no later criterion sees the value it assigned. */
START_TEST(test_eval_assigning_a_reported_fact_fails_that_evaluation)
{
    put("a_campaign.lua", CAMPAIGN FACT_N
        "fact \"flag\" { subject = \"unit\", type = \"boolean\", label = \"F\" }\n");
    put("b.lua",
        "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
        "  check = function(s, f) if f.n == 57 then f.flag = false end; return true end }\n"
        "criterion \"C2\" { subject = \"unit\", points = 1, title = \"t\",\n"
        "  check = function(s, f) return f.flag == true end }\n");
    load_ok();
    cJSON *unit = json("{\"code\":\"U\",\"name\":\"Unit\",\"facts\":{\"n\":57,\"flag\":true}}");
    cJSON *members = cJSON_CreateArray();
    char err[1024] = "", expected[1024];
    cJSON *out = rules_evaluate_unit(gen, "2025-Y", unit, members, err, sizeof err);
    cJSON_Delete(unit);
    cJSON_Delete(members);
    ck_assert_msg(out == NULL, "C2 saw the fact C1 assigned: %s",
                  out ? cJSON_PrintUnformatted(out) : "");
    snprintf(expected, sizeof expected, "%s/b.lua:2:", dir);
    ck_assert_msg(strncmp(err, expected, strlen(expected)) == 0, "err = %s", err);
    ck_assert_msg(strstr(err, "chỉ tiêu (facts) chỉ được đọc"), "err = %s", err);
}
END_TEST

/* Issue 9, finding 5: a file-level table filled while one unit is evaluated is empty when the
 * next unit is: no rule carries anything from one evaluation to the next. */
START_TEST(test_eval_file_level_table_carries_nothing)
{
    put_campaign();
    put("b.lua", "local seen = {}\n"
                 "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    seen[#seen + 1] = f.n\n"
                 "    return #seen == 1, 'seen ' .. table.concat(seen, ',')\n"
                 "  end }\n");
    load_ok();
    for (int n = 1; n <= 3; n++) {
        char err[1024];
        cJSON *out = evaluate_n(n, err, sizeof err);
        ck_assert_msg(out != NULL, "err = %s", err);
        const cJSON *c1 = find_by(item(item(out, "unit"), "criteria"), "id", "C1");
        ck_assert_msg(is_true(c1, "passed"), "unit %d saw earlier units' figures: %s", n,
                      cJSON_PrintUnformatted(c1));
        cJSON_Delete(out);
    }
}
END_TEST

/* What a rule writes into its subject table is not what the evaluation reports. */
START_TEST(test_review_subject_mutation_not_reported)
{
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s) s.code = \"HACK\"; s.name = { deep = {} }; return true "
                 "end }\n"
                 "criterion \"P1\" { subject = \"person\", points = 1, title = \"p\",\n"
                 "  check = function(s)\n"
                 "    s.code = \"HACK\"; s.full_name = { deep = {} }; s.unit_code = \"X\"\n"
                 "    s.is_head = \"yes\"; return true\n"
                 "  end }\n");
    load_ok();
    cJSON *unit = json("{\"code\":\"U\",\"name\":\"Unit\",\"facts\":{\"n\":1}}");
    cJSON *members = json("[{\"code\":\"P\",\"full_name\":\"Person P\",\"is_head\":true,"
                          "\"unit_code\":\"U\",\"facts\":{}}]");
    char err[1024] = "";
    cJSON *out = rules_evaluate_unit(gen, "2025-Y", unit, members, err, sizeof err);
    ck_assert_msg(out != NULL, "%s", err);
    const cJSON *u = item(out, "unit");
    ck_assert_str_eq(str_of(u, "code"), "U");
    ck_assert_str_eq(str_of(u, "name"), "Unit");
    ck_assert_double_eq(item(u, "score")->valuedouble, 1);
    const cJSON *people = item(out, "people");
    ck_assert_int_eq(cJSON_GetArraySize(people), 1);
    const cJSON *p = cJSON_GetArrayItem(people, 0);
    ck_assert_str_eq(str_of(p, "code"), "P");
    ck_assert_str_eq(str_of(p, "name"), "Person P");
    ck_assert_str_eq(str_of(p, "unit_code"), "U");
    ck_assert(is_true(p, "is_head"));
    cJSON_Delete(out);

    cJSON *person = json("{\"code\":\"P\",\"full_name\":\"Person P\",\"is_head\":false,"
                         "\"unit_code\":\"U\",\"facts\":{}}");
    out = rules_evaluate_person(gen, "2025-Y", person, err, sizeof err);
    ck_assert_msg(out != NULL, "%s", err);
    ck_assert_str_eq(str_of(out, "code"), "P");
    ck_assert_str_eq(str_of(out, "name"), "Person P");
    ck_assert_str_eq(str_of(out, "unit_code"), "U");
    ck_assert(!is_true(out, "is_head"));
    cJSON_Delete(out);
    cJSON_Delete(person);

    /* The text path (what is stored and served) writes from the input too. */
    struct rules_results results = {0};
    ck_assert_msg(
        rules_evaluate_unit_text(gen, "2025-Y", unit, members, &results, err, sizeof err) == 0,
        "%s", err);
    ck_assert_uint_eq(results.count, 2);
    static const char *const codes[] = {"U", "P"}, *const names[] = {"Unit", "Person P"};
    for (size_t i = 0; i < 2; i++) {
        ck_assert_str_eq(results.items[i].code, codes[i]);
        cJSON *e = json(results.items[i].json);
        ck_assert_str_eq(str_of(e, "code"), codes[i]);
        ck_assert_str_eq(str_of(e, "name"), names[i]);
        cJSON_Delete(e);
    }
    rules_results_free(&results);
    cJSON_Delete(unit);
    cJSON_Delete(members);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------ */

/* ---- review of the engine split --------------------------------------------------------- */

/* A string fact cut in the middle of a character is refused, whatever its max_length. */
START_TEST(test_validate_facts_refuses_broken_utf8)
{
    put("a_campaign.lua", CAMPAIGN FACT_N
        "fact \"s\" { subject = \"unit\", type = \"string\", max_length = 10, label = \"S\" }\n");
    put("b.lua", CRITERION);
    load_ok();
    cJSON *facts = cJSON_CreateObject();
    cJSON_AddStringToObject(facts, "s", "Ch\xc6"); /* "Chư" cut after the first byte of ư */
    cJSON *details = rules_validate_facts(gen, "unit", facts, NULL);
    ck_assert_ptr_nonnull(details);
    ck_assert_int_eq(cJSON_GetArraySize(details), 1);
    ck_assert_str_eq(str_of(cJSON_GetArrayItem(details, 0), "field"), "facts.s");
    ck_assert_msg(strstr(str_of(cJSON_GetArrayItem(details, 0), "message"), "UTF-8"), "%s",
                  str_of(cJSON_GetArrayItem(details, 0), "message"));
    cJSON_Delete(details);
    cJSON_Delete(facts);
}
END_TEST

/* ctx:share of a title nobody declared names share and the rule's line, not the engine. */
START_TEST(test_ctx_share_unknown_title_blames_rule)
{
    put_campaign();
    put("b.lua", "title \"T\" { subject = \"unit\", name = \"T\",\n"
                 "  check = function(u, f, ctx) return ctx:share(\"NOPE\") > 0 end }\n");
    load_refused();
    assert_problem_at("b.lua", 2, "ctx:share", "NOPE");
    ck_assert_msg(problem_with("engine/") == NULL, "blames the engine:%s", problems());
}
END_TEST

/* What a self-test gets is its own: writing into it does not change later evaluations. */
START_TEST(test_selftest_cannot_change_later_results)
{
    put_campaign();
    put("b.lua", CRITERION "nomination \"N\" { name = \"N\", decided_by = \"d\",\n"
                           "  subjects = { \"unit\" }, check = function() return true end }\n");
    put("tests/t.lua", "test \"a\" (function(t)\n"
                       "  local r = t.evaluate_unit { unit = { facts = { n = 1 } } }.unit\n"
                       "  table.insert(r.reasons.N, \"x\")\n"
                       "end)\n"
                       "test \"b\" (function(t)\n"
                       "  local r = t.evaluate_unit { unit = { facts = { n = 1 } } }.unit\n"
                       "  t.eq(#r.reasons.N, 0, \"no reasons\")\n"
                       "end)\n");
    load_ok();
    ck_assert_uint_eq(rep.passed, 2);
}
END_TEST

/* ---- output: what goes on the wire ------------------------------------------------------ */

/* A reason cut in the middle of a character ("Chưa" to 3 bytes) is not written: the
 * evaluation fails naming the field, and the generation keeps serving. */
START_TEST(test_output_refuses_broken_utf8)
{
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    if f.n == 13 then return false, string.sub(\"Chưa\", 1, 3) end\n"
                 "    return true\n"
                 "  end }\n");
    load_ok();
    char err[1024];
    ck_assert_ptr_null(evaluate_n(13, err, sizeof err));
    ck_assert_msg(strstr(err, "UTF-8"), "err = %s", err);
    ck_assert_msg(strstr(err, "criteria[0].reason"), "err names no field: %s", err);
    assert_still_serves();
}
END_TEST

/* The real ruleset's evaluation of a unit and its members as text, NUL-separated. */
static char *evaluation_text_2025(void)
{
    char unit_text[1024], members_text[2048], err[1024] = "";
    snprintf(unit_text, sizeof unit_text,
             "{\"code\":\"U1\",\"name\":\"Phòng 1\",\"kind\":\"office\",\"facts\":" UNIT_FACTS_2025
             "}",
             "HTXS");
    snprintf(members_text, sizeof members_text,
             "[{\"code\":\"H\",\"full_name\":\"Trưởng\",\"position\":\"Trưởng phòng\","
             "\"is_head\":true,\"unit_code\":\"U1\",\"facts\":" PERSON_FACTS_2025 "}]");
    cJSON *unit = json(unit_text), *members = json(members_text);
    struct rules_results results;
    ck_assert_msg(
        rules_evaluate_unit_text(gen, "2025-Y", unit, members, &results, err, sizeof err) == 0,
        "%s", err);
    cJSON_Delete(unit);
    cJSON_Delete(members);
    size_t len = 0;
    for (size_t i = 0; i < results.count; i++)
        len += strlen(results.items[i].json) + 1;
    char *text = malloc(len + 1), *at = text;
    for (size_t i = 0; i < results.count; i++)
        at += sprintf(at, "%s\n", results.items[i].json);
    rules_results_free(&results);
    return text;
}

/* Equal results are equal bytes: the same input evaluated by two generations of the same
 * rules (two Lua states, each with its own string hashing) gives the same text, keys in
 * the declared order. */
START_TEST(test_output_key_order_stable)
{
    load_ok_from(real_ruleset());
    char *first = evaluation_text_2025();
    rules_free(gen);
    rules_report_free(&rep);
    load_ok_from(real_ruleset());
    char *second = evaluation_text_2025();
    ck_assert_str_eq(first, second);
    ck_assert_msg(strncmp(first,
                          "{\"period\":\"2025-Y\",\"subject\":\"unit\",\"code\":\"U1\","
                          "\"name\":\"Phòng 1\",\"score\":",
                          60) == 0,
                  "the unit's keys are not in the declared order: %.200s", first);
    ck_assert_msg(strstr(first, "\"criteria\":[{\"id\":\"TT1\",\"title\":") != NULL,
                  "criteria do not start with TT1's id and title: %.400s", first);
    ck_assert_msg(strstr(first, "{\"code\":\"TTLDTT\",\"name\":") != NULL,
                  "a title entry's keys are out of order");
    free(first);
    free(second);
}
END_TEST

/* ---- check: mistakes caught before they go live (issue 8) ------------------------------ */

/* A campaign written over several lines, as administrators write it; `extra` goes in at
 * line 4, `h1` is the 2025-H1 period's body (lines 6-8), `holidays` the holidays list
 * (from line 11). */
static void put_campaign_lines(const char *extra, const char *h1, const char *holidays)
{
    char text[4096];
    snprintf(text, sizeof text,
             "campaign {\n"                                           /* 1 */
             "  year = 2025,\n"                                       /* 2 */
             "  name = \"x\",\n"                                      /* 3 */
             "  %s\n"                                                 /* 4 */
             "  periods = {\n"                                        /* 5 */
             "    [\"2025-H1\"] = { label = \"Sáu tháng đầu năm\",\n" /* 6 */
             "      %s\n"                                             /* 7 */
             "    },\n"                                               /* 8 */
             "  },\n"                                                 /* 9 */
             "  holidays = {\n"                                       /* 10 */
             "%s"                                                     /* 11 ... */
             "  },\n"
             "}\n" FACT_N,
             extra, h1, holidays);
    put("a_campaign.lua", text);
}

#define GOOD_H1 "from = \"2025-01-01\", to = \"2025-06-30\", report_due = \"2025-06-15\","

START_TEST(test_check_undeclared_fact_in_a_branch_never_run)
{
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    if s.code == \"NEVER\" then\n"
                 "      return f.tasks_asigned == 1\n"
                 "    end\n"
                 "    return f.n == 1\n"
                 "  end }\n");
    load_refused();
    assert_problem_at("b.lua", 4, "criterion \"C1\" đọc chỉ tiêu \"tasks_asigned\"",
                      "chưa được khai báo cho tập thể");
}
END_TEST

START_TEST(test_check_undeclared_fact_in_a_helper_and_of_members)
{
    put_campaign();
    put("b.lua", "local function late(f)\n"
                 "  return f[\"n_late\"] ~= nil\n"
                 "end\n"
                 "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f, ctx)\n"
                 "    if s.code == \"NEVER\" then return late(f) end\n"
                 "    if s.code == \"NEVER\" then return ctx:members()[1].facts.ratng end\n"
                 "    return true\n"
                 "  end }\n");
    load_refused();
    assert_problem_at("b.lua", 2, "\"n_late\"", "chưa được khai báo cho tập thể");
    /* m.facts in a unit rule are a member's: a person fact is expected there. */
    assert_problem_at("b.lua", 7, "\"ratng\"", "chưa được khai báo cho cá nhân");
}
END_TEST

/* A name the source does not spell out, read only when n is at its maximum: the dry run
 * with boundary values reaches it. */
START_TEST(test_check_undeclared_fact_read_only_at_a_boundary)
{
    put_campaign();
    put("b.lua", "criterion \"C1\" { subject = \"unit\", points = 1, title = \"t\",\n"
                 "  check = function(s, f)\n"
                 "    if f.n == 100 then return f[\"n_\" .. \"max\"] == 1 end\n"
                 "    return true\n"
                 "  end }\n");
    load_refused();
    assert_problem_at("b.lua", 3, "chỉ tiêu \"n_max\" chưa được khai báo cho tập thể", NULL);
}
END_TEST

START_TEST(test_check_campaign_unknown_key_at_its_line)
{
    put_campaign_lines("colour = \"red\",", GOOD_H1 " reprot_due = \"2025-06-15\",", "");
    put("b.lua", CRITERION);
    load_refused();
    assert_problem_at("a_campaign.lua", 4, "campaign: trường \"colour\" không có trong khai báo",
                      NULL);
    assert_problem_at("a_campaign.lua", 7, "kỳ \"2025-H1\" (Sáu tháng đầu năm)",
                      "trường \"reprot_due\" không có trong khai báo");
}
END_TEST

START_TEST(test_check_period_dates)
{
    put_campaign_lines(
        "", "from = \"2025-01-01\", to = \"2025-06-30\",\n report_due = \"2025-07-15\",", "");
    put("b.lua", CRITERION);
    load_refused();
    assert_problem_at("a_campaign.lua", 8,
                      "kỳ \"2025-H1\" (Sáu tháng đầu năm): hạn báo cáo report_due (15/07/2025) "
                      "nằm ngoài kỳ (01/01/2025–30/06/2025)",
                      NULL);
    teardown();
    setup();
    put_campaign_lines(
        "", "from = \"2025-06-30\",\n to = \"2025-01-01\", report_due = \"2025-06-15\",", "");
    put("b.lua", CRITERION);
    load_refused();
    assert_problem_at("a_campaign.lua", 8,
                      "ngày kết thúc to (01/01/2025) trước ngày bắt đầu from (30/06/2025)", NULL);
}
END_TEST

START_TEST(test_check_holidays_named_inside_the_year)
{
    put_campaign_lines(
        "", GOOD_H1,
        "    { from = \"2025-01-01\", to = \"2025-01-01\", name = \"Tết Dương lịch\" },\n"
        "    { from = \"2025-09-02\", to = \"2026-09-02\", name = \"Quốc khánh\" },\n"
        "    { from = \"2025-02-30\", name = \"Nghỉ bù\" },\n"
        "    { from = \"2025-05-02\",\n      to = \"2025-05-01\", name = \"Đảo\" },\n");
    put("b.lua", CRITERION);
    load_refused();
    assert_problem_at("a_campaign.lua", 12,
                      "ngày nghỉ \"Quốc khánh\": to (02/09/2026) nằm ngoài năm 2025", NULL);
    assert_problem_at("a_campaign.lua", 13,
                      "ngày nghỉ \"Nghỉ bù\": from phải là ngày dạng YYYY-MM-DD", "\"2025-02-30\"");
    assert_problem_at("a_campaign.lua", 15,
                      "ngày nghỉ \"Đảo\": ngày kết thúc to (01/05/2025) trước", NULL);
    ck_assert_msg(problem_with("Tết Dương lịch") == NULL, "a good holiday blamed:%s", problems());
}
END_TEST

START_TEST(test_check_points_add_up_to_the_declared_total)
{
    put_campaign_lines("total_points = { unit = 3, person = 0 },", GOOD_H1, "");
    put("b.lua", CRITERION);
    load_refused();
    assert_problem_at("a_campaign.lua", 4,
                      "campaign: điểm các tiêu chí tập thể cộng lại được 1, không bằng tổng 3 "
                      "điểm mà total_points.unit khai báo",
                      NULL);
    ck_assert_msg(problem_with("cá nhân") == NULL, "person points blamed:%s", problems());
    teardown();
    setup();
    put_campaign_lines("total_points = { unit = 1, person = 0 },", GOOD_H1, "");
    put("b.lua", CRITERION);
    load_ok();
}
END_TEST

static Suite *rules_suite(void)
{
    Suite *s = suite_create("rules");

    TCase *loader = tcase_create("loader");
    tcase_add_checked_fixture(loader, setup, teardown);
    tcase_set_timeout(loader, 60);
    tcase_add_test(loader, test_real_ruleset_loads);
    tcase_add_test(loader, test_hash_follows_content);
    tcase_add_test(loader, test_minimal_ruleset_loads);
    tcase_add_test(loader, test_syntax_error_has_file_and_line);
    tcase_add_test(loader, test_undeclared_fact_refused_at_its_access);
    tcase_add_test(loader, test_title_after_cycle_refused);
    tcase_add_test(loader, test_title_requires_unknown_criterion);
    tcase_add_test(loader, test_duplicate_fact);
    tcase_add_test(loader, test_missing_campaign);
    tcase_add_test(loader, test_person_title_after_unit_title);
    tcase_add_test(loader, test_failing_self_test);
    tcase_add_test(loader, test_remembered_vetting_is_not_run_again);
    tcase_add_test(loader, test_files_load_in_name_order);
    tcase_add_test(loader, test_tests_folder_is_not_rules);
    suite_add_tcase(s, loader);

    TCase *check = tcase_create("check");
    tcase_add_checked_fixture(check, setup, teardown);
    tcase_set_timeout(check, 60);
    tcase_add_test(check, test_check_undeclared_fact_in_a_branch_never_run);
    tcase_add_test(check, test_check_undeclared_fact_in_a_helper_and_of_members);
    tcase_add_test(check, test_check_undeclared_fact_read_only_at_a_boundary);
    tcase_add_test(check, test_check_campaign_unknown_key_at_its_line);
    tcase_add_test(check, test_check_period_dates);
    tcase_add_test(check, test_check_holidays_named_inside_the_year);
    tcase_add_test(check, test_check_points_add_up_to_the_declared_total);
    suite_add_tcase(s, check);

    TCase *sandbox = tcase_create("sandbox");
    tcase_add_checked_fixture(sandbox, setup, teardown);
    tcase_set_timeout(sandbox, 60);
    tcase_add_test(sandbox, test_load_endless_loop_refused);
    tcase_add_test(sandbox, test_load_memory_bomb_refused);
    tcase_add_test(sandbox, test_load_forbidden_functions_absent);
    tcase_add_test(sandbox, test_load_os_time_and_date_work);
    tcase_add_test(sandbox, test_load_bytecode_refused);
    tcase_add_test(sandbox, test_eval_endless_loop_fails_that_call);
    tcase_add_test(sandbox, test_eval_budget_counts_the_rules_not_the_engine);
    tcase_add_test(sandbox, test_eval_backtracking_pattern_stopped_by_the_deadline);
    tcase_add_test(sandbox, test_load_backtracking_self_test_stopped_by_the_deadline);
    tcase_add_test(sandbox, test_load_assigning_a_reported_fact_is_refused);
    tcase_add_test(sandbox, test_eval_assigning_a_reported_fact_fails_that_evaluation);
    tcase_add_test(sandbox, test_eval_file_level_table_carries_nothing);
    tcase_add_test(sandbox, test_eval_memory_bomb_fails_that_call);
    tcase_add_test(sandbox, test_eval_error_fails_that_call);
    tcase_add_test(sandbox, test_eval_unknown_period);
    tcase_add_test(sandbox, test_validate_facts_reports_everything);
    suite_add_tcase(s, sandbox);

    TCase *evaluation = tcase_create("evaluation");
    tcase_add_checked_fixture(evaluation, setup, teardown);
    tcase_set_timeout(evaluation, 60);
    tcase_add_test(evaluation, test_evaluation_shape);
    tcase_add_test(evaluation, test_cn7_head_of_unit_without_ttldxs);
    suite_add_tcase(s, evaluation);

    TCase *split = tcase_create("engine split review");
    tcase_add_checked_fixture(split, setup, teardown);
    tcase_set_timeout(split, 30);
    tcase_add_test(split, test_validate_facts_refuses_broken_utf8);
    tcase_add_test(split, test_ctx_share_unknown_title_blames_rule);
    tcase_add_test(split, test_selftest_cannot_change_later_results);
    suite_add_tcase(s, split);

    TCase *output = tcase_create("output");
    tcase_add_checked_fixture(output, setup, teardown);
    tcase_set_timeout(output, 60);
    tcase_add_test(output, test_output_refuses_broken_utf8);
    tcase_add_test(output, test_output_key_order_stable);
    suite_add_tcase(s, output);

    TCase *bugs = tcase_create("bugs");
    tcase_add_checked_fixture(bugs, setup, teardown);
    tcase_set_timeout(bugs, 5); /* the working cases take milliseconds */
    tcase_add_test(bugs, test_bug_pcall_swallows_budget_error);
    tcase_add_test(bugs, test_bug_gc_finalizer_hangs_load);
    tcase_add_test(bugs, test_bug_gc_finalizer_hangs_free);
    tcase_add_test(bugs, test_bug_eval_memory_error_names_no_file);
    tcase_add_test(bugs, test_bug_bytecode_refusal_names_no_file);
    tcase_add_test(bugs, test_bug_load_budget_not_shared_with_self_tests);
    suite_add_tcase(s, bugs);

    TCase *review = tcase_create("review");
    tcase_add_checked_fixture(review, setup, teardown);
    tcase_set_timeout(review, 10); /* the working cases take well under a second */
    tcase_add_test(review, test_review_ctx_metatable_hidden);
    tcase_add_test(review, test_review_ctx_metatable_gc_cannot_hang);
    tcase_add_test(review, test_review_ctx_index_out_of_reach);
    tcase_add_test(review, test_review_ctx_methods_cannot_be_replaced);
    tcase_add_test(review, test_review_library_read_only_at_evaluation);
    tcase_add_test(review, test_review_globals_read_only_at_evaluation);
    tcase_add_test(review, test_review_memory_cap_fixed_at_load);
    tcase_add_test(review, test_review_subject_mutation_not_reported);
    suite_add_tcase(s, review);
    return s;
}

int main(void)
{
    return test_main(rules_suite(), "rules", root, sizeof root);
}
