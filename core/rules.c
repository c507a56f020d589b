/*
 * rules.c — rules generations.
 *
 * A generation is one ruleset loaded into its own lua_State. Loading runs core/engine.lua
 * (compiled in) and then every .lua file of the ruleset's folder in name order, then its
 * tests/ folder; the engine checks the declarations (references, title order, cycles), dry-
 * runs every check, and runs the self-tests. Only a generation that passed all of that is
 * returned; the caller swaps it in (rules_engine in daemon.c), so a failed load never
 * disturbs the generation serving requests.
 *
 * The sandbox: rule files run with an environment holding only string, table, math, utf8,
 * os.time/os.date, safe base functions and the thidua module (see engine.lua, rule_env);
 * text chunks only (no bytecode). Every call into Lua carries an instruction budget (a count
 * hook) and a memory cap (this file's allocator keeps exact accounts of what the state
 * holds), during loading as during each evaluation: a rule that loops or allocates without
 * end fails that call with "file:line: ..." and the state stays usable.
 *
 * The ruleset's hash (SHA-256 over each file's relative name and content, in load order)
 * names the generation; every evaluation it makes carries it.
 */
#include "rules.h"

#include <dirent.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdbool.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine_lua.h"
#include "log.h"
#include "lua_api.h"

#define HOOK_EVERY     1000
#define JSON_MAX_DEPTH 32
#define JSON_MAX_NODES 1000000 /* one evaluation is a few hundred; a DAG could be 2^depth */

struct lua_memory {
    size_t used, limit;
    bool refused; /* an allocation was refused since the last guarded call began */
};

struct rules_generation {
    lua_State *L;
    struct lua_memory memory;
    struct rules_limits limits;
    long long budget_left;
    int engine_ref, array_mt_ref;
    size_t eval_base;  /* bytes held once loaded: an evaluation may add limits.eval_memory */
    size_t json_nodes; /* values converted by the current to_json call */
    char hash[65];
    char *dir;
    char summary[256];
    cJSON *periods, *catalog;
};

static char null_sentinel; /* its address is JSON null inside Lua */

void rules_limits_default(struct rules_limits *limits)
{
    *limits = (struct rules_limits){
        .load_instructions = 500LL * 1000 * 1000,
        .load_memory = 256u << 20,
        .eval_instructions = 5LL * 1000 * 1000,
        .eval_instructions_per_member = 200LL * 1000,
        .eval_memory = 64u << 20,
    };
}

/* ---- report --------------------------------------------------------------------------- */

static void report_problem(struct rules_report *report, const char *text)
{
    char **grown = realloc(report->problems, (report->problem_count + 1) * sizeof *grown);
    if (!grown) return;
    report->problems = grown;
    report->problems[report->problem_count++] = strdup(text);
}

void rules_report_free(struct rules_report *report)
{
    for (size_t i = 0; i < report->problem_count; i++)
        free(report->problems[i]);
    free(report->problems);
    for (size_t i = 0; i < report->test_count; i++) {
        free(report->tests[i].name);
        free(report->tests[i].at);
        free(report->tests[i].message);
    }
    free(report->tests);
    memset(report, 0, sizeof *report);
}

/* ---- the sandbox: memory, instructions, positions ------------------------------------- */

static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct lua_memory *mem = ud;
    if (ptr == NULL) osize = 0; /* then osize only tells the object's type */
    if (nsize == 0) {
        free(ptr);
        mem->used -= osize;
        return NULL;
    }
    if (nsize > osize && mem->used + (nsize - osize) > mem->limit) {
        mem->refused = true;
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block) mem->used = mem->used - osize + nsize;
    return block;
}

static struct rules_generation *generation_of(lua_State *L)
{
    return *(struct rules_generation **)lua_getextraspace(L);
}

/* The place of a Lua activation record, as "file:line". */
static void format_place(lua_Debug *ar, char *out, size_t outlen)
{
    const char *src = ar->source;
    if (src[0] == '@' || src[0] == '=') src++;
    if (ar->currentline > 0)
        snprintf(out, outlen, "%s:%d", src, ar->currentline);
    else
        snprintf(out, outlen, "%s", src);
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    struct rules_generation *gen = generation_of(L);

    gen->budget_left -= HOOK_EVERY;
    if (gen->budget_left >= 0) return;
    char place[512];
    lua_getinfo(L, "Sl", ar);
    format_place(ar, place, sizeof place);
    lua_pushfstring(L, "%s: the rule ran past its instruction budget (an endless loop?)", place);
    lua_error(L);
}

/* An error outside any protected call: nothing can recover, but the log says why. */
static int rules_panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    log_error("rules: unprotected Lua error: %s", msg ? msg : "(not a string)");
    return 0; /* Lua aborts */
}

/* where(level) -> "file:line" of the function `level` calls up (engine.lua uses it). */
static int host_where(lua_State *L)
{
    lua_Debug ar;
    int level = (int)luaL_optinteger(L, 1, 1);
    char place[512] = "?";
    if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar))
        format_place(&ar, place, sizeof place);
    lua_pushstring(L, place);
    return 1;
}

/* exhausted() -> true once the budget or the memory cap has been hit: the rules' pcall
 * re-raises such errors instead of letting a rule swallow them. */
static int host_exhausted(lua_State *L)
{
    struct rules_generation *gen = generation_of(L);
    lua_pushboolean(L, gen->budget_left < 0 || gen->memory.refused);
    return 1;
}

/* A full collection under a budget: what a failed call left behind is freed so the next
 * call gets its whole memory cap, and a finalizer cannot run for ever. */
static void collect_garbage(struct rules_generation *gen)
{
    gen->budget_left = gen->limits.eval_instructions;
    lua_sethook(gen->L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    lua_gc(gen->L, LUA_GCCOLLECT);
    lua_sethook(gen->L, NULL, 0, 0);
}

static const char *running_rule(struct rules_generation *gen);

/* Calls the function below nargs on the stack under the budget and the memory cap.
 * On failure writes the message to err and leaves nothing on the stack. */
static int guarded_call(struct rules_generation *gen, int nargs, int nresults,
                        long long instructions, size_t memory_limit, char *err, size_t errlen)
{
    lua_State *L = gen->L;
    size_t idle_limit = gen->memory.limit;
    gen->memory.limit = memory_limit;
    gen->budget_left = instructions;
    gen->memory.refused = false;
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    int rc = lua_pcall(L, nargs, nresults, 0);
    lua_sethook(L, NULL, 0, 0);
    gen->memory.limit = idle_limit;
    if (rc == LUA_OK) return 0;
    if (rc == LUA_ERRMEM || gen->memory.refused) {
        size_t cap = memory_limit == gen->limits.load_memory ? gen->limits.load_memory
                                                             : gen->limits.eval_memory;
        lua_pop(L, 1);
        collect_garbage(gen);
        /* An allocation failure has no position: name the rule that was running. */
        const char *rule = running_rule(gen);
        snprintf(err, errlen,
                 "%s%sa rule needed more memory than it may use (%zu MiB): does it build an "
                 "endless table?",
                 rule, rule[0] ? ": " : "", cap >> 20);
        return -1;
    }
    const char *msg = lua_tostring(L, -1);
    snprintf(err, errlen, "%s", msg ? msg : "a rule raised an error that is not a string");
    lua_pop(L, 1);
    collect_garbage(gen);
    return -1;
}

/* ---- JSON <-> Lua ------------------------------------------------------------------------ */

static void push_json(lua_State *L, const cJSON *item, int depth)
{
    luaL_checkstack(L, 3, "JSON input nested too deeply");
    if (depth > JSON_MAX_DEPTH || !item) {
        lua_pushnil(L);
    } else if (cJSON_IsObject(item)) {
        lua_createtable(L, 0, cJSON_GetArraySize(item));
        for (const cJSON *child = item->child; child; child = child->next) {
            push_json(L, child, depth + 1);
            lua_setfield(L, -2, child->string);
        }
    } else if (cJSON_IsArray(item)) {
        lua_createtable(L, cJSON_GetArraySize(item), 0);
        int i = 1;
        for (const cJSON *child = item->child; child; child = child->next) {
            push_json(L, child, depth + 1);
            lua_rawseti(L, -2, i++);
        }
    } else if (cJSON_IsString(item)) {
        lua_pushstring(L, item->valuestring);
    } else if (cJSON_IsNumber(item)) {
        double v = item->valuedouble;
        if (v == floor(v) && fabs(v) < 9007199254740992.0)
            lua_pushinteger(L, (lua_Integer)v);
        else
            lua_pushnumber(L, v);
    } else if (cJSON_IsBool(item)) {
        lua_pushboolean(L, cJSON_IsTrue(item));
    } else {
        lua_pushlightuserdata(L, &null_sentinel);
    }
}

static cJSON *to_json(struct rules_generation *gen, int index, int depth)
{
    lua_State *L = gen->L;
    index = lua_absindex(L, index);
    if (++gen->json_nodes > JSON_MAX_NODES || !lua_checkstack(L, 3)) return cJSON_CreateNull();
    switch (lua_type(L, index)) {
    case LUA_TBOOLEAN: return cJSON_CreateBool(lua_toboolean(L, index));
    case LUA_TNUMBER: {
        if (lua_isinteger(L, index)) return cJSON_CreateNumber((double)lua_tointeger(L, index));
        double v = lua_tonumber(L, index);
        return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
    }
    case LUA_TSTRING: return cJSON_CreateString(lua_tostring(L, index));
    case LUA_TTABLE: break;
    default: return cJSON_CreateNull();
    }
    if (depth > JSON_MAX_DEPTH) return cJSON_CreateNull();
    bool is_array = false;
    if (lua_getmetatable(L, index)) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, gen->array_mt_ref);
        is_array = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
    }
    if (is_array) {
        cJSON *array = cJSON_CreateArray();
        lua_Integer n = (lua_Integer)lua_rawlen(L, index);
        for (lua_Integer i = 1; i <= n; i++) {
            lua_rawgeti(L, index, i);
            cJSON_AddItemToArray(array, to_json(gen, -1, depth + 1));
            lua_pop(L, 1);
        }
        return array;
    }
    cJSON *object = cJSON_CreateObject();
    lua_pushnil(L);
    while (lua_next(L, index)) {
        if (lua_type(L, -2) == LUA_TSTRING)
            cJSON_AddItemToObject(object, lua_tostring(L, -2), to_json(gen, -1, depth + 1));
        lua_pop(L, 1);
    }
    return object;
}

/* ---- Lua -> JSON text ------------------------------------------------------------------
 * Evaluations go from Lua to JSON text directly, without a cJSON tree in between: a
 * province's 51,000 evaluations are 160 MB of JSON, and building and freeing a tree for
 * each cost more than the rules themselves. */

struct text_buffer {
    char *data;
    size_t len, cap;
    size_t nodes; /* values written, bounded by JSON_MAX_NODES */
    bool failed;
};

static void text_put(struct text_buffer *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64 * 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (!grown) {
            b->failed = true;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void text_puts(struct text_buffer *b, const char *s)
{
    text_put(b, s, strlen(s));
}

static void text_string(struct text_buffer *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    text_put(b, "\"", 1);
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        text_put(b, s + start, i - start);
        char esc[7] = {'\\', (char)c, 0};
        if (c == '"' || c == '\\') {
            text_put(b, esc, 2);
        } else if (c == '\n') {
            text_put(b, "\\n", 2);
        } else {
            char u[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            text_put(b, u, 6);
        }
        start = i + 1;
    }
    text_put(b, s + start, n - start);
    text_put(b, "\"", 1);
}

static void to_json_text(struct rules_generation *gen, int index, int depth, struct text_buffer *b)
{
    lua_State *L = gen->L;
    index = lua_absindex(L, index);
    if (++b->nodes > JSON_MAX_NODES || !lua_checkstack(L, 3)) {
        b->failed = true;
        return;
    }
    char number[64];
    switch (lua_type(L, index)) {
    case LUA_TBOOLEAN: text_puts(b, lua_toboolean(L, index) ? "true" : "false"); return;
    case LUA_TNUMBER:
        if (lua_isinteger(L, index)) {
            snprintf(number, sizeof number, "%lld", (long long)lua_tointeger(L, index));
        } else {
            double v = lua_tonumber(L, index);
            if (!isfinite(v)) {
                text_puts(b, "null");
                return;
            }
            snprintf(number, sizeof number, "%.17g", v);
        }
        text_puts(b, number);
        return;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, index, &n);
        text_string(b, s, n);
        return;
    }
    case LUA_TTABLE: break;
    default: text_puts(b, "null"); return;
    }
    if (depth > JSON_MAX_DEPTH) {
        text_puts(b, "null");
        return;
    }
    bool is_array = false;
    if (lua_getmetatable(L, index)) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, gen->array_mt_ref);
        is_array = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
    }
    if (is_array) {
        text_put(b, "[", 1);
        lua_Integer n = (lua_Integer)lua_rawlen(L, index);
        for (lua_Integer i = 1; i <= n; i++) {
            if (i > 1) text_put(b, ",", 1);
            lua_rawgeti(L, index, i);
            to_json_text(gen, -1, depth + 1, b);
            lua_pop(L, 1);
        }
        text_put(b, "]", 1);
        return;
    }
    text_put(b, "{", 1);
    bool first = true;
    lua_pushnil(L);
    while (lua_next(L, index)) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            if (!first) text_put(b, ",", 1);
            first = false;
            size_t n;
            const char *key = lua_tolstring(L, -2, &n);
            text_string(b, key, n);
            text_put(b, ":", 1);
            to_json_text(gen, -1, depth + 1, b);
        }
        lua_pop(L, 1);
    }
    text_put(b, "}", 1);
}

/* Pushes engine.<name>. */
static void push_engine_function(struct rules_generation *gen, const char *name)
{
    lua_rawgeti(gen->L, LUA_REGISTRYINDEX, gen->engine_ref);
    lua_getfield(gen->L, -1, name);
    lua_remove(gen->L, -2);
}

/* Where the rule that was running was declared ("" if none): engine.lua keeps it. */
static const char *running_rule(struct rules_generation *gen)
{
    static char place[512];
    place[0] = '\0';
    if (!gen->engine_ref) return place;
    push_engine_function(gen, "running_rule");
    if (lua_pcall(gen->L, 0, 1, 0) == LUA_OK && lua_type(gen->L, -1) == LUA_TSTRING)
        snprintf(place, sizeof place, "%s", lua_tostring(gen->L, -1));
    lua_pop(gen->L, 1);
    return place;
}

/* ---- loading ----------------------------------------------------------------------------- */

static int is_lua_file(const struct dirent *entry)
{
    size_t len = strlen(entry->d_name);
    return entry->d_name[0] != '.' && len > 4 && strcmp(entry->d_name + len - 4, ".lua") == 0;
}

char *rules_find_ruleset(const char *rules_root)
{
    struct dirent **entries;
    int n = scandir(rules_root, &entries, is_lua_file, alphasort);
    if (n > 0) {
        for (int i = 0; i < n; i++)
            free(entries[i]);
        free(entries);
        return strdup(rules_root);
    }
    if (n == 0) free(entries);
    DIR *dir = opendir(rules_root);
    if (!dir) return NULL;
    char best[256] = "";
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (strspn(e->d_name, "0123456789") != strlen(e->d_name) || !e->d_name[0]) continue;
        if (strlen(e->d_name) > strlen(best) ||
            (strlen(e->d_name) == strlen(best) && strcmp(e->d_name, best) > 0))
            snprintf(best, sizeof best, "%s", e->d_name);
    }
    closedir(dir);
    if (!best[0]) return NULL;
    size_t len = strlen(rules_root) + strlen(best) + 2;
    char *out = malloc(len);
    if (out) snprintf(out, len, "%s/%s", rules_root, best);
    return out;
}

static char *read_whole_file(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (!in) return NULL;
    char *data = NULL;
    size_t used = 0, cap = 0, n;
    char chunk[8192];
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        if (used + n + 1 > cap) {
            cap = (used + n + 1) * 2;
            char *grown = realloc(data, cap);
            if (!grown) {
                free(data);
                fclose(in);
                return NULL;
            }
            data = grown;
        }
        memcpy(data + used, chunk, n);
        used += n;
    }
    fclose(in);
    if (!data) data = calloc(1, 1);
    *len = used;
    return data;
}

/* Loads and runs every .lua file of folder (relative name prefix for hashing). */
static int load_folder(struct rules_generation *gen, const char *folder, const char *prefix,
                       EVP_MD_CTX *digest, struct rules_report *report)
{
    struct dirent **entries;
    int n = scandir(folder, &entries, is_lua_file, alphasort);
    if (n < 0) return 0; /* tests/ may be absent */
    int failures = 0;
    for (int i = 0; i < n; i++) {
        char path[1024], err[1200];
        snprintf(path, sizeof path, "%s/%s", folder, entries[i]->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            free(entries[i]);
            continue;
        }
        size_t len = 0;
        char *source = read_whole_file(path, &len);
        if (!source) {
            snprintf(err, sizeof err, "%s: cannot read the file", path);
            report_problem(report, err);
            failures++;
            free(entries[i]);
            continue;
        }
        char name[600];
        snprintf(name, sizeof name, "%s%s", prefix, entries[i]->d_name);
        if (digest) {
            EVP_DigestUpdate(digest, name, strlen(name) + 1);
            EVP_DigestUpdate(digest, source, len);
        }
        char chunkname[1100];
        snprintf(chunkname, sizeof chunkname, "@%s", path);
        if (luaL_loadbufferx(gen->L, source, len, chunkname, "t") != LUA_OK) {
            const char *msg = lua_tostring(gen->L, -1);
            if (!msg) msg = "cannot load the file";
            if (strncmp(msg, path, strlen(path)) == 0) {
                report_problem(report, msg);
            } else { /* "attempt to load a binary chunk" names no file */
                snprintf(err, sizeof err, "%s: %s", path, msg);
                report_problem(report, err);
            }
            lua_pop(gen->L, 1);
            failures++;
        } else {
            /* The chunk's only upvalue is _ENV: give it the rules' environment. */
            lua_rawgeti(gen->L, LUA_REGISTRYINDEX, gen->engine_ref);
            lua_getfield(gen->L, -1, "env");
            lua_remove(gen->L, -2);
            lua_setupvalue(gen->L, -2, 1);
            long long left = gen->budget_left;
            if (guarded_call(gen, 0, 0, left, gen->limits.load_memory, err, sizeof err) != 0) {
                char placed[2400];
                /* A memory error has no position: name the file that was running. */
                bool has_place = strncmp(err, path, strlen(path)) == 0;
                snprintf(placed, sizeof placed, "%s%s%s", has_place ? "" : path,
                         has_place ? "" : ": ", err);
                report_problem(report, placed);
                failures++;
            }
            gen->budget_left = gen->budget_left < 0 ? 0 : gen->budget_left;
        }
        free(source);
        free(entries[i]);
    }
    free(entries);
    return failures;
}

static bool run_self_tests(struct rules_generation *gen, struct rules_report *report)
{
    char err[1024];
    push_engine_function(gen, "run_tests");
    long long left = gen->budget_left > 0 ? gen->budget_left : 0;
    if (guarded_call(gen, 0, 1, left, gen->limits.load_memory, err, sizeof err) != 0) {
        report_problem(report, err);
        return false;
    }
    lua_State *L = gen->L;
    size_t n = lua_rawlen(L, -1);
    report->tests = calloc(n ? n : 1, sizeof *report->tests);
    for (size_t i = 1; report->tests && i <= n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        struct rules_test_result *t = &report->tests[report->test_count++];
        lua_getfield(L, -1, "name");
        t->name = strdup(lua_tostring(L, -1));
        lua_getfield(L, -2, "at");
        t->at = strdup(lua_tostring(L, -1));
        lua_getfield(L, -3, "ok");
        t->passed = lua_toboolean(L, -1);
        lua_getfield(L, -4, "message");
        t->message = lua_type(L, -1) == LUA_TSTRING ? strdup(lua_tostring(L, -1)) : NULL;
        lua_pop(L, 5);
        if (t->passed) {
            report->passed++;
        } else {
            report->failed++;
            char line[1400];
            snprintf(line, sizeof line, "%s (test \"%s\" failed)", t->message ? t->message : t->at,
                     t->name);
            report_problem(report, line);
        }
    }
    lua_pop(L, 1);
    return report->failed == 0;
}

static cJSON *call_for_json(struct rules_generation *gen, const char *function)
{
    char err[512];
    push_engine_function(gen, function);
    if (guarded_call(gen, 0, 1, gen->limits.load_instructions, gen->limits.load_memory, err,
                     sizeof err) != 0)
        return NULL;
    gen->json_nodes = 0;
    cJSON *out = to_json(gen, -1, 0);
    lua_pop(gen->L, 1);
    return out;
}

struct rules_generation *rules_load(const char *dir, const struct rules_limits *limits,
                                    struct rules_report *report)
{
    memset(report, 0, sizeof *report);
    char err[1024];
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        snprintf(err, sizeof err, "%s: no such ruleset folder", dir);
        report_problem(report, err);
        return NULL;
    }
    struct rules_generation *gen = calloc(1, sizeof *gen);
    if (!gen) return NULL;
    gen->limits = *limits;
    gen->memory.limit = limits->load_memory;
    gen->dir = strdup(dir);
    gen->L = lua_newstate(sandbox_alloc, &gen->memory);
    if (!gen->L) {
        report_problem(report, "cannot create a Lua state");
        rules_free(gen);
        return NULL;
    }
    lua_State *L = gen->L;
    *(struct rules_generation **)lua_getextraspace(L) = gen;
    lua_atpanic(L, rules_panic);
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 1);
    lua_pop(L, 6);
    /* getmetatable("") would hand rules the string library the engine itself uses. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    /* Defence in depth: rules never see the state's globals (engine.lua gives them their
     * own environment), but nothing here needs to reach files or processes either. */
    static const char *const unused_os[] = {"execute", "exit",      "getenv", "remove",
                                            "rename",  "setlocale", "tmpname"};
    lua_getglobal(L, "os");
    for (size_t i = 0; i < sizeof unused_os / sizeof unused_os[0]; i++) {
        lua_pushnil(L);
        lua_setfield(L, -2, unused_os[i]);
    }
    lua_pop(L, 1);
    static const char *const unused_base[] = {"dofile", "loadfile", "load", "collectgarbage"};
    for (size_t i = 0; i < sizeof unused_base / sizeof unused_base[0]; i++) {
        lua_pushnil(L);
        lua_setglobal(L, unused_base[i]);
    }

    /* The engine, with what it needs from C. */
    if (luaL_loadbufferx(L, engine_lua, sizeof engine_lua, "=engine.lua", "t") != LUA_OK) {
        report_problem(report, lua_tostring(L, -1));
        rules_free(gen);
        return NULL;
    }
    lua_createtable(L, 0, 4);
    lua_pushcfunction(L, host_where);
    lua_setfield(L, -2, "where");
    lua_pushcfunction(L, host_exhausted);
    lua_setfield(L, -2, "exhausted");
    lua_newtable(L);
    lua_pushliteral(L, "array");
    lua_setfield(L, -2, "__name");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushvalue(L, -1);
    gen->array_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_setfield(L, -2, "array_mt");
    lua_pushlightuserdata(L, &null_sentinel);
    lua_setfield(L, -2, "null");
    luaopen_thidua_rules(L);
    lua_setfield(L, -2, "thidua");
    if (guarded_call(gen, 1, 1, limits->load_instructions, limits->load_memory, err, sizeof err) !=
        0) {
        report_problem(report, err);
        rules_free(gen);
        return NULL;
    }
    gen->engine_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    /* The ruleset's files, then its tests, under one load budget. */
    EVP_MD_CTX *digest = EVP_MD_CTX_new();
    EVP_DigestInit_ex(digest, EVP_sha256(), NULL);
    gen->budget_left = limits->load_instructions;
    int failures = load_folder(gen, dir, "", digest, report);
    /* tests/ is not part of the rules: it may not declare any, and it is not hashed, so
     * editing a test does not make every stored evaluation look out of date. */
    char tests_dir[1024];
    snprintf(tests_dir, sizeof tests_dir, "%s/tests", dir);
    if (failures == 0) {
        push_engine_function(gen, "begin_tests");
        if (guarded_call(gen, 0, 0, gen->budget_left, limits->load_memory, err, sizeof err) != 0) {
            report_problem(report, err);
            failures++;
        }
        failures += load_folder(gen, tests_dir, "tests/", NULL, report);
    }
    unsigned char hash[EVP_MAX_MD_SIZE];
    unsigned int hash_len = 0;
    EVP_DigestFinal_ex(digest, hash, &hash_len);
    EVP_MD_CTX_free(digest);
    for (unsigned int i = 0; i < hash_len; i++)
        snprintf(gen->hash + 2 * i, 3, "%02x", hash[i]);
    if (failures) {
        rules_free(gen);
        return NULL;
    }

    /* Declarations checked together, then the self-tests. */
    push_engine_function(gen, "finish");
    /* The checks and the self-tests share what is left of the load budget. */
    if (guarded_call(gen, 0, 1, gen->budget_left, limits->load_memory, err, sizeof err) != 0) {
        report_problem(report, err);
        rules_free(gen);
        return NULL;
    }
    size_t n = lua_rawlen(L, -1);
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        report_problem(report, lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (n > 0 || !run_self_tests(gen, report)) {
        rules_free(gen);
        return NULL;
    }
    gen->periods = call_for_json(gen, "periods");
    gen->catalog = call_for_json(gen, "catalog");
    push_engine_function(gen, "summary");
    if (guarded_call(gen, 0, 1, limits->load_instructions, limits->load_memory, err, sizeof err) ==
        0) {
        snprintf(gen->summary, sizeof gen->summary, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    if (!gen->periods || !gen->catalog) {
        report_problem(report, "the campaign's periods cannot be read");
        rules_free(gen);
        return NULL;
    }
    collect_garbage(gen);
    /* Evaluations make many small, short-lived tables and a generation holds a few MiB:
     * let garbage grow to 4x before a cycle (pause 400) rather than sweep twice as often. */
    lua_gc(L, LUA_GCINC, 400, 0, 0);
    /* From now on the cap applies inside calls only (eval_base + eval_memory); between
     * calls C pushes inputs, bounded by the HTTP and CSV limits, without a cap that could
     * turn into an unprotected error. */
    gen->eval_base = gen->memory.used;
    gen->memory.limit = SIZE_MAX;
    return gen;
}

void rules_free(struct rules_generation *gen)
{
    if (!gen) return;
    if (gen->L) {
        /* Finalizers run here; the budget hook stops one that would never end. */
        gen->budget_left = gen->limits.eval_instructions;
        lua_sethook(gen->L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
        lua_close(gen->L);
    }
    cJSON_Delete(gen->periods);
    cJSON_Delete(gen->catalog);
    free(gen->dir);
    free(gen);
}

const char *rules_hash(const struct rules_generation *gen)
{
    return gen->hash;
}

const char *rules_dir(const struct rules_generation *gen)
{
    return gen->dir;
}

const char *rules_summary(const struct rules_generation *gen)
{
    return gen->summary;
}

const cJSON *rules_periods(const struct rules_generation *gen)
{
    return gen->periods;
}

const cJSON *rules_period(const struct rules_generation *gen, const char *code)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, gen->periods)
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, "code");
        if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0) return p;
    }
    return NULL;
}

const cJSON *rules_catalog(const struct rules_generation *gen)
{
    return gen->catalog;
}

/* ---- asking the generation ---------------------------------------------------------------- */

/* Fixed at load: a rule that keeps what it allocates cannot raise its own cap. */
static size_t eval_memory_limit(const struct rules_generation *gen)
{
    return gen->eval_base + gen->limits.eval_memory;
}

cJSON *rules_validate_facts(struct rules_generation *gen, const char *subject, const cJSON *facts)
{
    char err[512];
    push_engine_function(gen, "validate_facts");
    lua_pushstring(gen->L, subject);
    push_json(gen->L, facts, 0);
    if (guarded_call(gen, 2, 1, gen->limits.eval_instructions, eval_memory_limit(gen), err,
                     sizeof err) != 0)
        return NULL;
    gen->json_nodes = 0;
    cJSON *details = to_json(gen, -1, 0);
    lua_pop(gen->L, 1);
    return details;
}

static void stamp_hash(cJSON *evaluation, const char *hash)
{
    if (cJSON_IsObject(evaluation)) cJSON_AddStringToObject(evaluation, "rules_hash", hash);
}

void rules_results_free(struct rules_results *results)
{
    free(results->items);
    free(results->text);
    memset(results, 0, sizeof *results);
}

/* Appends the evaluation at the top of the stack as one result, its text to b (one block
 * per unit: one allocation instead of one per subject, each of which would make glibc
 * consolidate its fast bins). r->json holds the offset until the block is final. */
static int add_result(struct rules_generation *gen, struct rules_results *out,
                      struct text_buffer *b)
{
    lua_State *L = gen->L;
    struct rules_result *r = &out->items[out->count];
    memset(r, 0, sizeof *r);
    lua_getfield(L, -1, "subject");
    snprintf(r->subject, sizeof r->subject, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
    lua_getfield(L, -2, "code");
    snprintf(r->code, sizeof r->code, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
    lua_getfield(L, -3, "score");
    r->score = (int)lua_tointeger(L, -1);
    lua_pop(L, 3);
    /* The hash is set on the table itself, so the text carries it like any field. */
    lua_pushstring(L, gen->hash);
    lua_setfield(L, -2, "rules_hash");
    r->json = (char *)(uintptr_t)b->len;
    to_json_text(gen, -1, 0, b);
    text_put(b, "", 1); /* the NUL that ends this item */
    if (b->failed) return -1;
    out->count++;
    return 0;
}

int rules_evaluate_unit_text(struct rules_generation *gen, const char *period, const cJSON *unit,
                             const cJSON *members, struct rules_results *out, char *err,
                             size_t errlen)
{
    memset(out, 0, sizeof *out);
    push_engine_function(gen, "evaluate_unit");
    lua_pushstring(gen->L, period);
    push_json(gen->L, unit, 0);
    push_json(gen->L, members, 0);
    long long budget = gen->limits.eval_instructions +
                       gen->limits.eval_instructions_per_member * cJSON_GetArraySize(members);
    if (guarded_call(gen, 3, 1, budget, eval_memory_limit(gen), err, errlen) != 0) return -1;
    lua_State *L = gen->L;
    lua_getfield(L, -1, "people");
    size_t people = lua_rawlen(L, -1);
    out->items = calloc(people + 1, sizeof *out->items);
    int rc = out->items ? 0 : -1;
    struct text_buffer b = {0};
    lua_getfield(L, -2, "unit");
    if (rc == 0) rc = add_result(gen, out, &b);
    lua_pop(L, 1);
    for (size_t i = 1; rc == 0 && i <= people; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        rc = add_result(gen, out, &b);
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    out->text = b.data;
    for (size_t i = 0; rc == 0 && i < out->count; i++)
        out->items[i].json = out->text + (uintptr_t)out->items[i].json;
    if (rc != 0) {
        rules_results_free(out);
        snprintf(err, errlen, "out of memory while writing the evaluation");
    }
    return rc;
}

cJSON *rules_evaluate_unit(struct rules_generation *gen, const char *period, const cJSON *unit,
                           const cJSON *members, char *err, size_t errlen)
{
    struct rules_results results;
    if (rules_evaluate_unit_text(gen, period, unit, members, &results, err, errlen) != 0)
        return NULL;
    cJSON *out = cJSON_CreateObject();
    cJSON *people = cJSON_CreateArray();
    for (size_t i = 0; i < results.count; i++) {
        cJSON *e = cJSON_Parse(results.items[i].json);
        if (i == 0)
            cJSON_AddItemToObject(out, "unit", e);
        else
            cJSON_AddItemToArray(people, e);
    }
    cJSON_AddItemToObject(out, "people", people);
    rules_results_free(&results);
    return out;
}

cJSON *rules_evaluate_person(struct rules_generation *gen, const char *period, const cJSON *person,
                             char *err, size_t errlen)
{
    push_engine_function(gen, "evaluate_person");
    lua_pushstring(gen->L, period);
    push_json(gen->L, person, 0);
    if (guarded_call(gen, 2, 1, gen->limits.eval_instructions, eval_memory_limit(gen), err,
                     errlen) != 0)
        return NULL;
    gen->json_nodes = 0;
    cJSON *out = to_json(gen, -1, 0);
    lua_pop(gen->L, 1);
    stamp_hash(out, gen->hash);
    return out;
}
