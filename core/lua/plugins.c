/*
 * plugins.c — loading the channel plugins and setting up the configured channels.
 *
 * Every .lua file of the plugins folder runs in one sandbox (a memory cap, an instruction
 * budget, no io, no os but time and date, no require, load or pcall), each with its own
 * environment, and returns `channel "name" { options = {...}, send = function(msg, opt) }`.
 * An option is declared by its type ("string", "number", "boolean", "secret", "table") or as
 * { type = ..., default = ..., optional = true }; a secret is a string never shown. The
 * configuration's channels are then checked against those declarations — a channel without
 * a plugin, an option nobody declared, a required one missing, a value of the wrong type —
 * each a problem "FILE: channels.NAME.OPTION: why". "log" needs no configuration.
 */
#include <dirent.h>
#include <lauxlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/json.h"
#include "lua/plugins_internal.h"
#include "util/files.h"

#define PATH_LEN    1024
#define PROBLEM_LEN 1200
#define ALWAYS_ON   "log"

static void problem(struct plugins_report *report, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void problem(struct plugins_report *report, const char *fmt, ...)
{
    char line[PROBLEM_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char **grown = realloc(report->problems, (report->count + 1) * sizeof *grown);
    if (!grown) return;
    report->problems = grown;
    report->problems[report->count++] = strdup(line);
}

void plugins_report_free(struct plugins_report *report)
{
    for (size_t i = 0; i < report->count; i++)
        free(report->problems[i]);
    free(report->problems);
    memset(report, 0, sizeof *report);
}

/* channel "name" { spec } -> the spec, named. */
static int channel_spec(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_setfield(L, 1, "name");
    lua_settop(L, 1);
    return 1;
}

static int channel_decl(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    if (strlen(name) >= PLUGIN_NAME_MAX) return luaL_argerror(L, 1, "name too long");
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, channel_spec, 1);
    return 1;
}

/* The environment a plugin file runs in: safe base functions, the libraries, thidua. */
static void push_environment(lua_State *L, struct plugins *pl)
{
    static const char *const base[] = {
        "assert", "error",  "ipairs",   "next",   "pairs",  "select", "tonumber", "tostring",
        "type",   "rawget", "rawequal", "rawlen", "string", "table",  "math",     "utf8"};
    lua_newtable(L);
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++) {
        lua_getglobal(L, base[i]);
        lua_setfield(L, -2, base[i]);
    }
    lua_createtable(L, 0, 2); /* os: the clock only */
    lua_getglobal(L, "os");
    lua_getfield(L, -1, "time");
    lua_setfield(L, -3, "time");
    lua_getfield(L, -1, "date");
    lua_setfield(L, -3, "date");
    lua_pop(L, 1);
    lua_setfield(L, -2, "os");
    plugins_push_thidua(L, pl);
    lua_setfield(L, -2, "thidua");
    lua_pushcfunction(L, channel_decl);
    lua_setfield(L, -2, "channel");
}

static struct plugin *find_plugin(struct plugins *pl, const char *name)
{
    for (size_t i = 0; i < pl->count; i++)
        if (strcmp(pl->list[i].name, name) == 0) return &pl->list[i];
    return NULL;
}

/* Runs one plugin file; on success its spec is kept under its channel's name. */
static void load_file(struct plugins *pl, const char *path, struct plugins_report *report)
{
    lua_State *L = sandbox_state(pl->sandbox);
    char err[PLUGIN_ERROR_MAX], chunkname[PATH_LEN + 1];
    size_t len = 0;
    char *text = files_read_whole(path, &len);
    if (!text) {
        problem(report, "%s: cannot read the file", path);
        return;
    }
    snprintf(chunkname, sizeof chunkname, "@%s", path);
    int rc = sandbox_load(pl->sandbox, text, len, chunkname, err, sizeof err);
    free(text);
    if (rc != 0) {
        problem(report, "%s", err);
        return;
    }
    push_environment(L, pl);
    lua_setupvalue(L, -2, 1);
    enum sandbox_status status =
        sandbox_call(pl->sandbox, 0, 1, PLUGIN_INSTRUCTIONS, PLUGIN_MEMORY, err, sizeof err);
    if (status == SANDBOX_OUT_OF_MEMORY) {
        problem(report, "%s: the plugin needs more memory than it may use", path);
        return;
    }
    if (status != SANDBOX_OK) {
        problem(report, "%s", err); /* Lua's message names the file and line */
        return;
    }
    if (!lua_istable(L, -1) || lua_getfield(L, -1, "name") != LUA_TSTRING ||
        lua_getfield(L, -2, "send") != LUA_TFUNCTION) {
        problem(report, "%s: the file must return channel \"name\" { send = function(msg, opt) }",
                path);
        lua_settop(L, 0);
        return;
    }
    const char *name = lua_tostring(L, -2);
    if (find_plugin(pl, name)) {
        problem(report, "%s: channel \"%s\" is declared twice", path, name);
        lua_settop(L, 0);
        return;
    }
    if (strlen(path) >= sizeof pl->list->file) {
        problem(report, "%s: đường dẫn quá dài", path);
        lua_settop(L, 0);
        return;
    }
    struct plugin *grown = realloc(pl->list, (pl->count + 1) * sizeof *grown);
    if (!grown) return;
    pl->list = grown;
    struct plugin *p = memset(&pl->list[pl->count++], 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    memcpy(p->file, path, strlen(path) + 1); /* fits: checked above */
    lua_pop(L, 2);
    lua_getfield(L, -1, "concurrency");
    p->concurrency =
        lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0 ? (int)lua_tointeger(L, -1) : 0;
    lua_pop(L, 1);
    p->spec_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    p->options_ref = LUA_NOREF;
}

static int is_lua_file(const struct dirent *entry)
{
    size_t len = strlen(entry->d_name);
    return entry->d_name[0] != '.' && len > 4 && strcmp(entry->d_name + len - 4, ".lua") == 0;
}

static void load_folder(struct plugins *pl, const char *dir, bool needed,
                        struct plugins_report *report)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, is_lua_file, alphasort);
    if (n < 0) {
        /* Without channels configured, the built-in log is all a daemon needs. */
        if (needed) problem(report, "%s: no plugins folder", dir);
        return;
    }
    for (int i = 0; i < n; i++) {
        char path[PATH_LEN];
        snprintf(path, sizeof path, "%s/%s", dir, entries[i]->d_name);
        free(entries[i]);
        if (files_is_regular(path)) load_file(pl, path, report);
    }
    free(entries);
}

/* ---- options ------------------------------------------------------------------------ */

/* The declared type of an option at the top of the stack: "string", "number", "boolean" or
 * "secret"; *required unless it has a default or is optional. Pushes the default or nil. */
static const char *declared_type(lua_State *L, bool *required)
{
    *required = true;
    if (lua_type(L, -1) == LUA_TSTRING) {
        lua_pushnil(L);
        return lua_tostring(L, -2);
    }
    if (!lua_istable(L, -1)) {
        lua_pushnil(L);
        return "";
    }
    lua_getfield(L, -1, "optional");
    *required = !lua_toboolean(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, -1, "type");
    const char *type = lua_tostring(L, -1);
    lua_pop(L, 1); /* the string stays alive in the declaration table */
    lua_getfield(L, -1, "default");
    if (!lua_isnil(L, -1)) *required = false;
    return type ? type : "";
}

static bool value_fits(const char *type, const cJSON *value)
{
    if (strcmp(type, "string") == 0 || strcmp(type, "secret") == 0) return cJSON_IsString(value);
    if (strcmp(type, "number") == 0) return cJSON_IsNumber(value);
    if (strcmp(type, "boolean") == 0) return cJSON_IsBool(value);
    if (strcmp(type, "table") == 0) return cJSON_IsArray(value) || cJSON_IsObject(value);
    return false;
}

/* Checks one declared option against the configuration and sets it in the options table.
 * The stack ends with the options table, then the option's declaration. */
static void set_option(lua_State *L, struct plugin *p, const char *name, const cJSON *config,
                       const char *where, struct plugins_report *report)
{
    bool required;
    const char *type = declared_type(L, &required); /* pushes the default */
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(config, name);
    if (!value) {
        if (required) problem(report, "%s: channels.%s.%s: missing", where, p->name, name);
        lua_setfield(L, -3, name); /* the default (or nil) */
        return;
    }
    lua_pop(L, 1);
    if (!value_fits(type, value)) {
        problem(report, "%s: channels.%s.%s: expected a %s", where, p->name, name,
                strcmp(type, "secret") == 0 ? "string" : type);
        return;
    }
    lua_json_push(L, value);
    lua_setfield(L, -3, name);
    if (strcmp(type, "secret") == 0) {
        for (int i = 0; i < PLUGIN_SECRETS_MAX; i++) {
            if (p->secrets[i]) continue;
            p->secrets[i] = strdup(value->valuestring);
            break;
        }
    }
}

/* Builds the options a configured channel's send gets; false (with problems) if they do
 * not match its declarations. */
static bool configure(struct plugins *pl, struct plugin *p, const cJSON *config, const char *where,
                      struct plugins_report *report)
{
    lua_State *L = sandbox_state(pl->sandbox);
    size_t before = report->count;
    for (const cJSON *o = config ? config->child : NULL; o; o = o->next) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, p->spec_ref);
        lua_getfield(L, -1, "options");
        bool declared = lua_istable(L, -1) && lua_getfield(L, -1, o->string) != LUA_TNIL;
        lua_settop(L, 0);
        if (!declared)
            problem(report, "%s: channels.%s.%s: the plugin declares no such option", where,
                    p->name, o->string);
    }
    lua_newtable(L); /* the options send gets */
    lua_rawgeti(L, LUA_REGISTRYINDEX, p->spec_ref);
    lua_getfield(L, -1, "options");
    if (lua_istable(L, -1)) {
        lua_pushnil(L);
        while (lua_next(L, 3)) { /* 4: the option's name, 5: its declaration */
            if (lua_type(L, 4) == LUA_TSTRING) {
                lua_pushvalue(L, 1);
                lua_pushvalue(L, 5);
                set_option(L, p, lua_tostring(L, 4), config, where, report);
                lua_settop(L, 5);
            }
            lua_pop(L, 1);
        }
    }
    lua_settop(L, 1);
    p->options_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return report->count == before;
}

static void configure_all(struct plugins *pl, const char *config_path, const cJSON *channels,
                          struct plugins_report *report)
{
    for (const cJSON *c = channels ? channels->child : NULL; c; c = c->next) {
        struct plugin *p = find_plugin(pl, c->string);
        if (!p) {
            problem(report, "%s: channels.%s: no plugin declares this channel", config_path,
                    c->string);
            continue;
        }
        p->ready = configure(pl, p, c, config_path, report);
    }
    struct plugin *log = find_plugin(pl, ALWAYS_ON);
    if (log && log->options_ref == LUA_NOREF) log->ready = configure(pl, log, NULL, "", report);
}

struct plugins *plugins_load(const char *dir, const char *config_path, const cJSON *channels,
                             struct net *net, struct plugins_report *report)
{
    char err[PLUGIN_ERROR_MAX];
    memset(report, 0, sizeof *report);
    struct plugins *pl = calloc(1, sizeof *pl);
    if (!pl) return NULL;
    pl->net = net;
    pl->sandbox =
        sandbox_new(PLUGIN_MEMORY, "the plugin ran past its instruction budget (an endless loop?)",
                    err, sizeof err);
    if (!pl->sandbox) {
        free(pl);
        return NULL;
    }
    sandbox_open_safe_libs(pl->sandbox);
    sandbox_set_owner(pl->sandbox, pl);
    load_folder(pl, dir, channels && channels->child, report);
    configure_all(pl, config_path ? config_path : "thiduad.conf", channels, report);
    return pl;
}

void plugins_free(struct plugins *pl)
{
    if (!pl) return;
    /* Jobs still here never got their turn (their callers are gone): dropped, their
     * messages stay "sending" and go again at the next start. */
    for (struct send_job *j = pl->jobs, *next; j; j = next) {
        next = j->next;
        cJSON_Delete(j->message);
        free(j);
    }
    sandbox_free(pl->sandbox, PLUGIN_INSTRUCTIONS);
    for (size_t i = 0; i < pl->count; i++)
        for (int s = 0; s < PLUGIN_SECRETS_MAX; s++)
            free(pl->list[i].secrets[s]);
    free(pl->list);
    free(pl);
}

cJSON *plugins_channels(const struct plugins *pl)
{
    cJSON *names = cJSON_CreateArray();
    bool log = false;
    for (size_t i = 0; pl && i < pl->count; i++) {
        if (!pl->list[i].ready) continue;
        cJSON_AddItemToArray(names, cJSON_CreateString(pl->list[i].name));
        log = log || strcmp(pl->list[i].name, ALWAYS_ON) == 0;
    }
    if (!log) cJSON_AddItemToArray(names, cJSON_CreateString(ALWAYS_ON));
    return names;
}

bool plugins_available(const struct plugins *pl, const char *channel)
{
    if (strcmp(channel, ALWAYS_ON) == 0) return true; /* a plugin, or the built-in line */
    for (size_t i = 0; pl && i < pl->count; i++)
        if (pl->list[i].ready && strcmp(pl->list[i].name, channel) == 0) return true;
    return false;
}

void plugins_set_state(struct plugins *pl, const struct plugin_state *state)
{
    if (pl && state) pl->state = *state;
}

size_t plugins_in_flight(const struct plugins *pl)
{
    return pl ? pl->in_flight : 0;
}
