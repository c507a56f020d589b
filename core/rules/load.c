/*
 * load.c — building a rules generation: one ruleset loaded into its own sandbox.
 *
 * Loading runs the engine (the Lua chunks of core/rules/engine/, compiled in) and then every .lua
 * file of the ruleset's folder in name order, then its tests/ folder; the engine checks the
 * declarations (references, title order, cycles), dry-runs every check, and runs the
 * self-tests. Only a generation that passed all of that is returned; the caller swaps it
 * in (domain/ruleset.c), so a failed load never disturbs the generation serving requests.
 *
 * Rule files run with an environment holding only string, table, math, utf8,
 * os.time/os.date, safe base functions and the thidua module (see engine/dsl.lua,
 * rule_env); text chunks only. The files and the self-tests share one instruction budget
 * and the load memory cap.
 *
 * The ruleset's hash (SHA-256 over each file's relative name and content, in load order)
 * names the generation; every evaluation it makes carries it. tests/ is not hashed.
 */
#include <lauxlib.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine_chunks.h"
#include "lua/json.h"
#include "lua/sandbox_process.h"
#include "lua/sandbox_spawner.h"
#include "lua/thidua.h"
#include "rules/internal.h"
#include "util/files.h"

#define RULES_PLACE_MAX 2400

void rules_limits_default(struct rules_limits *limits)
{
    *limits = (struct rules_limits){
        .load_instructions = 500LL * 1000 * 1000,
        .load_memory = 256u << 20,
        .eval_instructions = 5LL * 1000 * 1000,
        .eval_instructions_per_member = 200LL * 1000,
        .eval_memory = 64u << 20,
        .reason_chars = 8000,
        .evaluation_bytes = 256u << 10,
        .eval_deadline_ms = 1000,
        .load_deadline_ms = 60 * 1000,
    };
}

/* ---- the engine ----------------------------------------------------------------------- */

/* where(level) -> "file:line" of the function `level` calls up (the DSL names the place
 * of each declaration with it). */
static int host_where(lua_State *L)
{
    lua_Debug ar;
    int level = (int)luaL_optinteger(L, 1, 1);
    char place[RULES_PATH_MAX] = "?";
    if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar))
        sandbox_format_place(&ar, place, sizeof place);
    lua_pushstring(L, place);
    return 1;
}

/* exhausted() -> true once the budget or the memory cap has been hit: the rules' pcall
 * re-raises such errors instead of letting a rule swallow them. */
static int host_exhausted(lua_State *L)
{
    lua_pushboolean(L, sandbox_exhausted(sandbox_of(L)));
    return 1;
}

/* running(at): the rule declared at "file:line" is about to run. Said into the page the
 * daemon shares with the process running it (lua/sandbox_process.h), so a kill at the
 * wall-clock deadline names the rule. */
static int host_running(lua_State *L)
{
    size_t len = 0;
    const char *at = luaL_optlstring(L, 1, "?", &len), *slash = memrchr(at, '/', len);
    /* the file's name only: where the rules live is the administrator's business */
    if (slash) len -= (size_t)(slash + 1 - at), at = slash + 1;
    sandbox_process_doing("quy tắc khai báo tại ", at, len);
    return 0;
}

/* call_rule(at, fn, ...): running(at), then fn(...) with the budget counting (an engine
 * call counts the rules' functions only, lua/sandbox.h); its first two results. */
static int host_call_rule(lua_State *L)
{
    luaL_checktype(L, 2, LUA_TFUNCTION);
    host_running(L);
    sandbox_counting(L, lua_gettop(L) - 2, 2);
    return 2;
}

/* new_table(nrec): an empty table with room for nrec keys, so the engine's tables of known
 * size (a subject's facts, its criteria) are not rehashed as each key arrives. */
static int host_new_table(lua_State *L)
{
    lua_Integer nrec = luaL_checkinteger(L, 1);
    lua_createtable(L, 0, nrec > 0 && nrec <= 256 ? (int)nrec : 0);
    return 1;
}

/* The table the engine's chunks get beside E: what they need from C. */
static void push_host(lua_State *L)
{
    lua_createtable(L, 0, 7);
    lua_pushcfunction(L, host_running);
    lua_setfield(L, -2, "running");
    lua_pushcfunction(L, host_call_rule);
    lua_setfield(L, -2, "call_rule");
    lua_pushcfunction(L, host_new_table);
    lua_setfield(L, -2, "new_table");
    lua_pushcfunction(L, host_where);
    lua_setfield(L, -2, "where");
    lua_pushcfunction(L, host_exhausted);
    lua_setfield(L, -2, "exhausted");
    lua_json_push_array_mt(L);
    lua_setfield(L, -2, "array_mt");
    lua_json_push_null(L);
    lua_setfield(L, -2, "null");
    luaopen_thidua_rules(L);
    lua_setfield(L, -2, "thidua");
    rules_push_introspection(L);
}

/* Runs the engine's chunks in order with (E, host); the last one returns the engine. */
static int load_engine(struct rules_generation *gen, struct rules_report *report)
{
    lua_State *L = sandbox_state(gen->sandbox);
    char err[RULES_ERR_LEN];
    size_t count = sizeof embedded_files / sizeof embedded_files[0];
    lua_newtable(L); /* E, shared by the chunks */
    push_host(L);
    for (size_t i = 0; i < count; i++) {
        char chunkname[RULES_PATH_MAX];
        snprintf(chunkname, sizeof chunkname, "=%s", embedded_files[i].name);
        bool last = i + 1 == count;
        if (sandbox_load(gen->sandbox, embedded_files[i].text, embedded_files[i].len, chunkname,
                         err, sizeof err) != 0)
            goto fail;
        lua_pushvalue(L, -3);
        lua_pushvalue(L, -3);
        if (rules_call(gen, 2, last ? 1 : 0, gen->limits.load_instructions, gen->limits.load_memory,
                       err, sizeof err) != 0)
            goto fail;
    }
    gen->engine_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pop(L, 2);
    return 0;
fail:
    rules_report_add(report, err);
    lua_pop(L, 2);
    return -1;
}

/* ---- the ruleset's files ---------------------------------------------------------------- */

/* Runs one file's text as a rule chunk, in the rules' environment, under what is left of
 * the load budget. */
static int run_rule_file(struct rules_generation *gen, const char *path, const char *source,
                         size_t len, struct rules_report *report)
{
    lua_State *L = sandbox_state(gen->sandbox);
    char chunkname[RULES_PATH_MAX + 1], err[RULES_ERR_LEN], placed[RULES_PLACE_MAX];
    snprintf(chunkname, sizeof chunkname, "@%s", path);
    if (sandbox_load(gen->sandbox, source, len, chunkname, err, sizeof err) != 0) {
        rules_report_add(report, err);
        return -1;
    }
    /* The engine keeps the text: its checks read rules' source (engine/source.lua). */
    rules_push_engine_function(gen, "remember_source");
    lua_pushstring(L, path);
    lua_pushlstring(L, source, len);
    if (rules_call(gen, 2, 0, sandbox_budget_left(gen->sandbox), gen->limits.load_memory, err,
                   sizeof err) != 0) {
        lua_pop(L, 1);
        rules_report_add(report, err);
        return -1;
    }
    /* The chunk's only upvalue is _ENV: give it the rules' environment. */
    rules_push_engine_function(gen, "env");
    lua_setupvalue(L, -2, 1);
    if (rules_call(gen, 0, 0, sandbox_budget_left(gen->sandbox), gen->limits.load_memory, err,
                   sizeof err) == 0)
        return 0;
    /* A memory error has no position: name the file that was running. */
    bool has_place = strncmp(err, path, strlen(path)) == 0;
    snprintf(placed, sizeof placed, "%s%s%s", has_place ? "" : path, has_place ? "" : ": ", err);
    rules_report_add(report, placed);
    return -1;
}

/* Loads and runs every .lua file of a folder (load_folder), adding each to the ruleset's
 * hash when there is one. */
struct folder_load {
    struct rules_generation *gen;
    EVP_MD_CTX *digest;
    struct rules_report *report;
};

static int load_file(void *ctx, const struct rules_file *f)
{
    struct folder_load *load = ctx;
    if (!f->source) {
        char err[RULES_PLACE_MAX];
        snprintf(err, sizeof err, "%s: cannot read the file", f->path);
        rules_report_add(load->report, err);
        return -1;
    }
    if (load->digest) rules_digest_file(load->digest, f);
    return run_rule_file(load->gen, f->path, f->source, f->len, load->report);
}

/* Returns the number of files that failed. */
static int load_folder(struct rules_generation *gen, const char *folder, const char *prefix,
                       EVP_MD_CTX *digest, struct rules_report *report)
{
    struct folder_load load = {.gen = gen, .digest = digest, .report = report};
    return rules_each_file(folder, prefix, load_file, &load);
}

/* The ruleset's files (hashed), then tests/ (not hashed: editing a test does not make
 * every stored evaluation look out of date), under one load budget. */
static int load_ruleset_files(struct rules_generation *gen, const char *dir, bool with_tests,
                              struct rules_report *report)
{
    char err[RULES_ERR_LEN], tests_dir[RULES_PATH_MAX];
    EVP_MD_CTX *digest = EVP_MD_CTX_new();
    EVP_DigestInit_ex(digest, EVP_sha256(), NULL);
    /* The budget carries over from file to file: start it full. */
    sandbox_set_budget(gen->sandbox, gen->limits.load_instructions);
    int failures = load_folder(gen, dir, "", digest, report);
    snprintf(tests_dir, sizeof tests_dir, "%s/tests", dir);
    if (failures == 0 && with_tests) {
        rules_push_engine_function(gen, "begin_tests");
        if (rules_call(gen, 0, 0, sandbox_budget_left(gen->sandbox), gen->limits.load_memory, err,
                       sizeof err) != 0) {
            rules_report_add(report, err);
            failures++;
        }
        failures += load_folder(gen, tests_dir, "tests/", NULL, report);
    }
    rules_digest_end(digest, gen->hash);
    return failures;
}

/* ---- checks and self-tests -------------------------------------------------------------- */

/* The declarations checked together, and (with_probe) every check dry-run; every problem
 * reported. */
static int check_declarations(struct rules_generation *gen, bool with_probe,
                              struct rules_report *report)
{
    lua_State *L = sandbox_state(gen->sandbox);
    char err[RULES_ERR_LEN];
    rules_push_engine_function(gen, "finish");
    lua_pushboolean(L, with_probe);
    /* The checks and the self-tests share what is left of the load budget. */
    if (rules_call(gen, 1, 1, sandbox_budget_left(gen->sandbox), gen->limits.load_memory, err,
                   sizeof err) != 0) {
        rules_report_add(report, err);
        return -1;
    }
    size_t n = lua_rawlen(L, -1);
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        rules_report_add(report, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return n > 0 ? -1 : 0;
}

static char *field_copy(lua_State *L, int index, const char *name)
{
    lua_getfield(L, index, name);
    char *out = lua_type(L, -1) == LUA_TSTRING ? strdup(lua_tostring(L, -1)) : NULL;
    lua_pop(L, 1);
    return out;
}

/* Reads one self-test's outcome {name, at, ok, message} at the top of the stack. */
static void read_test_result(lua_State *L, struct rules_report *report)
{
    struct rules_test_result *t = &report->tests[report->test_count++];
    t->name = field_copy(L, -1, "name");
    t->at = field_copy(L, -1, "at");
    t->message = field_copy(L, -1, "message");
    lua_getfield(L, -1, "ok");
    t->passed = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (t->passed) {
        report->passed++;
        return;
    }
    report->failed++;
    char line[RULES_PLACE_MAX];
    snprintf(line, sizeof line, "%s (test \"%s\" failed)", t->message ? t->message : t->at,
             t->name);
    rules_report_add(report, line);
}

static int run_self_tests(struct rules_generation *gen, struct rules_report *report)
{
    lua_State *L = sandbox_state(gen->sandbox);
    char err[RULES_ERR_LEN];
    rules_push_engine_function(gen, "run_tests");
    if (rules_call(gen, 0, 1, sandbox_budget_left(gen->sandbox), gen->limits.load_memory, err,
                   sizeof err) != 0) {
        rules_report_add(report, err);
        return -1;
    }
    size_t n = lua_rawlen(L, -1);
    report->tests = calloc(n ? n : 1, sizeof *report->tests);
    for (size_t i = 1; report->tests && i <= n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        read_test_result(L, report);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return report->failed == 0 ? 0 : -1;
}

/* Calls engine.<function>() and keeps its result as JSON; NULL if it fails. */
static cJSON *call_for_json(struct rules_generation *gen, const char *function)
{
    char err[RULES_ERR_LEN];
    rules_push_engine_function(gen, function);
    if (rules_call(gen, 0, 1, gen->limits.load_instructions, gen->limits.load_memory, err,
                   sizeof err) != 0)
        return NULL;
    lua_State *L = sandbox_state(gen->sandbox);
    cJSON *out = lua_json_to_cjson(L, -1, err, sizeof err);
    lua_pop(L, 1);
    return out;
}

/* What the generation keeps from its engine: periods, catalog, summary. */
static int describe(struct rules_generation *gen, struct rules_report *report)
{
    lua_State *L = sandbox_state(gen->sandbox);
    char err[RULES_ERR_LEN];
    gen->periods = call_for_json(gen, "periods");
    gen->catalog = call_for_json(gen, "catalog");
    rules_push_engine_function(gen, "summary");
    if (rules_call(gen, 0, 1, gen->limits.load_instructions, gen->limits.load_memory, err,
                   sizeof err) == 0) {
        snprintf(gen->summary, sizeof gen->summary, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    if (gen->periods && gen->catalog) return 0;
    rules_report_add(report, "the campaign's periods cannot be read");
    return -1;
}

/* From now on the cap applies inside calls only (eval_base + eval_memory); between calls
 * C pushes inputs, bounded by the HTTP and CSV limits, without a cap that could turn into
 * an unprotected error. */
static void settle(struct rules_generation *gen)
{
    sandbox_collect(gen->sandbox, gen->limits.eval_instructions);
    /* Evaluations make many small, short-lived tables and a generation holds a few MiB:
     * let garbage grow to 4x before a cycle (pause 400) rather than sweep twice as often. */
    lua_gc(sandbox_state(gen->sandbox), LUA_GCINC, 400, 0, 0);
    gen->eval_base = sandbox_memory_used(gen->sandbox);
    sandbox_set_idle_limit(gen->sandbox, SIZE_MAX);
}

static struct rules_generation *new_generation(const char *dir, const struct rules_limits *limits,
                                               struct rules_report *report)
{
    char err[RULES_ERR_LEN];
    struct rules_generation *gen = calloc(1, sizeof *gen);
    if (!gen) return NULL;
    gen->limits = *limits;
    gen->dir = strdup(dir);
    gen->sandbox =
        sandbox_new(limits->load_memory,
                    "the rule ran past its instruction budget (an endless loop?)", err, sizeof err);
    if (!gen->sandbox) {
        rules_report_add(report, err);
        rules_free(gen);
        return NULL;
    }
    sandbox_set_owner(gen->sandbox, gen);
    sandbox_open_safe_libs(gen->sandbox);
    return gen;
}

struct rules_generation *rules_load_here(const char *dir, const struct rules_limits *limits,
                                         struct rules_report *report, bool self_tests)
{
    memset(report, 0, sizeof *report);
    if (!files_is_directory(dir)) {
        char err[RULES_PATH_MAX + 64];
        snprintf(err, sizeof err, "%s: no such ruleset folder", dir);
        rules_report_add(report, err);
        return NULL;
    }
    struct rules_generation *gen = new_generation(dir, limits, report);
    if (!gen) return NULL;
    if (load_engine(gen, report) != 0 || load_ruleset_files(gen, dir, self_tests, report) != 0 ||
        check_declarations(gen, self_tests, report) != 0 ||
        (self_tests && run_self_tests(gen, report) != 0) || describe(gen, report) != 0) {
        rules_free(gen);
        return NULL;
    }
    settle(gen);
    return gen;
}

void rules_free(struct rules_generation *gen)
{
    if (!gen) return;
    sandbox_spawner_stop(gen->spawner);
    sandbox_free(gen->sandbox, gen->limits.eval_instructions);
    cJSON_Delete(gen->periods);
    cJSON_Delete(gen->catalog);
    free(gen->dir);
    free(gen);
}
