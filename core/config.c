/*
 * config.c — reads etc/thiduad.conf, a Lua table, into struct config.
 *
 * The file is Lua so administrators write the same language as the rules, but it runs in an
 * empty environment (no libraries at all) under an instruction budget: a config file can
 * compute a value, never touch the system. It may either `return { ... }` or assign globals.
 * Every field is checked for its type and range; an error names the file and, where Lua
 * knows it, the line: "etc/thiduad.conf:12: ..." or "etc/thiduad.conf: listen: ...".
 * Relative paths are relative to the config file's folder (DESIGN.md), so the daemon can be
 * started from anywhere.
 */
#include "config.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Removes "." segments and folds "name/.." pairs, lexically: etc/../var -> var. */
static void normalise_path(char *path)
{
    bool absolute = path[0] == '/';
    char *segments[256];
    int count = 0;
    char *save = NULL;
    char *copy = strdup(path);
    if (!copy) return;
    for (char *seg = strtok_r(copy, "/", &save); seg && count < 256;
         seg = strtok_r(NULL, "/", &save)) {
        if (strcmp(seg, ".") == 0) continue;
        if (strcmp(seg, "..") == 0 && count > 0 && strcmp(segments[count - 1], "..") != 0) {
            count--;
            continue;
        }
        if (strcmp(seg, "..") == 0 && absolute) continue;
        segments[count++] = seg;
    }
    size_t used = 0;
    if (absolute) path[used++] = '/';
    for (int i = 0; i < count; i++) {
        size_t len = strlen(segments[i]);
        if (i) path[used++] = '/';
        memmove(path + used, segments[i], len);
        used += len;
    }
    if (used == 0) path[used++] = '.';
    path[used] = '\0';
    free(copy);
}

char *config_resolve_path(const char *dir, const char *path)
{
    char *out;
    if (path[0] == '/' || dir == NULL || dir[0] == '\0' || strcmp(dir, ".") == 0) {
        out = strdup(path);
    } else {
        size_t n = strlen(dir) + strlen(path) + 2;
        out = malloc(n);
        if (out) snprintf(out, n, "%s/%s", dir, path);
    }
    if (out) normalise_path(out);
    return out;
}

static char *dirname_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static void replace(char **slot, char *value)
{
    free(*slot);
    *slot = value;
}

void config_defaults(struct config *cfg, const char *base_dir)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->dir = strdup(base_dir ? base_dir : ".");
    cfg->listen_host = strdup("127.0.0.1");
    cfg->listen_port = 8080;
    cfg->database = config_resolve_path(cfg->dir, "var/thidua.db");
    cfg->rules = config_resolve_path(cfg->dir, "rules");
    cfg->plugins = config_resolve_path(cfg->dir, "plugins");
    cfg->web = config_resolve_path(cfg->dir, "web");
    cfg->timezone = strdup("Asia/Ho_Chi_Minh");
    cfg->log_level = strdup("info");
    cfg->limits = (struct config_limits){
        .body_bytes = 1 << 20,
        .header_bytes = 16 << 10,
        .read_timeout = 30,
        .write_timeout = 30,
        .idle_timeout = 60,
        .connections = 1024,
        .shutdown_grace = 10,
    };
}

void config_free(struct config *cfg)
{
    free(cfg->path);
    free(cfg->dir);
    free(cfg->listen_host);
    free(cfg->database);
    free(cfg->rules);
    free(cfg->plugins);
    free(cfg->web);
    free(cfg->timezone);
    free(cfg->log_level);
    memset(cfg, 0, sizeof *cfg);
}

/* Lua's messages name the file already, except a few (a binary chunk, the budget). */
static void place_error(char *err, size_t errlen, const char *path, const char *msg)
{
    if (!msg) msg = "cannot be read";
    if (strncmp(msg, path, strlen(path)) == 0)
        snprintf(err, errlen, "%s", msg);
    else
        snprintf(err, errlen, "%s: %s", path, msg);
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    luaL_error(L, "the configuration takes too long to evaluate (an endless loop?)");
}

/* Field readers: leave the value in place when the field is absent (nil). */
static int read_string(lua_State *L, const char *field, char **out, const char *file, char *err,
                       size_t errlen)
{
    int type = lua_getfield(L, -1, field);
    int rc = 0;
    if (type == LUA_TSTRING) {
        replace(out, strdup(lua_tostring(L, -1)));
    } else if (type != LUA_TNIL) {
        snprintf(err, errlen, "%s: %s: expected a string, got %s", file, field,
                 lua_typename(L, type));
        rc = -1;
    }
    lua_pop(L, 1);
    return rc;
}

static int read_path(lua_State *L, const char *field, char **out, const char *dir, const char *file,
                     char *err, size_t errlen)
{
    char *raw = NULL;
    if (read_string(L, field, &raw, file, err, errlen) != 0) return -1;
    if (raw) {
        replace(out, config_resolve_path(dir, raw));
        free(raw);
    }
    return 0;
}

static int read_number(lua_State *L, const char *field, double min, double max, double *out,
                       const char *file, char *err, size_t errlen)
{
    int type = lua_getfield(L, -1, field);
    int rc = 0;
    if (type == LUA_TNUMBER) {
        double v = lua_tonumber(L, -1);
        if (!(v >= min && v <= max)) { /* NaN fails too */
            snprintf(err, errlen, "%s: limits.%s: %g is out of range (%g to %g)", file, field, v,
                     min, max);
            rc = -1;
        } else {
            *out = v;
        }
    } else if (type != LUA_TNIL) {
        snprintf(err, errlen, "%s: limits.%s: expected a number, got %s", file, field,
                 lua_typename(L, type));
        rc = -1;
    }
    lua_pop(L, 1);
    return rc;
}

static int read_limits(lua_State *L, struct config_limits *lim, const char *file, char *err,
                       size_t errlen)
{
    int type = lua_getfield(L, -1, "limits");
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    if (type != LUA_TTABLE) {
        snprintf(err, errlen, "%s: limits: expected a table", file);
        lua_pop(L, 1);
        return -1;
    }
    double body = (double)lim->body_bytes, header = (double)lim->header_bytes;
    double conns = lim->connections;
    int rc = read_number(L, "body_bytes", 1024, 1 << 30, &body, file, err, errlen) ||
             read_number(L, "header_bytes", 1024, 1 << 20, &header, file, err, errlen) ||
             read_number(L, "read_timeout", 0.1, 3600, &lim->read_timeout, file, err, errlen) ||
             read_number(L, "write_timeout", 0.1, 3600, &lim->write_timeout, file, err, errlen) ||
             read_number(L, "idle_timeout", 0.1, 3600, &lim->idle_timeout, file, err, errlen) ||
             read_number(L, "connections", 1, 100000, &conns, file, err, errlen) ||
             read_number(L, "shutdown_grace", 0, 600, &lim->shutdown_grace, file, err, errlen);
    lim->body_bytes = (size_t)body;
    lim->header_bytes = (size_t)header;
    lim->connections = (int)conns;
    lua_pop(L, 1);
    return rc ? -1 : 0;
}

static int parse_listen(const char *listen, char **host, int *port)
{
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen) return -1;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end != '\0' || p < 0 || p > 65535 || end == colon + 1) return -1;
    const char *h = listen;
    size_t hlen = (size_t)(colon - listen);
    if (h[0] == '[' && hlen >= 2 && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    replace(host, strndup(h, hlen));
    *port = (int)p;
    return 0;
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
    char *dir = dirname_of(path);
    config_defaults(cfg, dir);
    free(dir);
    cfg->path = strdup(path);

    lua_State *L = luaL_newstate();
    if (!L) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int rc = -1;
    if (luaL_loadfilex(L, path, "t") != LUA_OK) {
        place_error(err, errlen, path, lua_tostring(L, -1));
        goto done;
    }
    /* An empty environment: the file sees no library and no global but its own. */
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "thidua.config.env");
    lua_setupvalue(L, -2, 1);
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, 10 * 1000 * 1000);
    if (lua_pcall(L, 0, 1, 0) != LUA_OK) {
        place_error(err, errlen, path, lua_tostring(L, -1));
        goto done;
    }
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_getfield(L, LUA_REGISTRYINDEX, "thidua.config.env");
    }

    char *listen = NULL;
    if (read_string(L, "listen", &listen, path, err, errlen) != 0) goto done;
    if (listen && parse_listen(listen, &cfg->listen_host, &cfg->listen_port) != 0) {
        snprintf(err, errlen, "%s: listen: expected \"host:port\", got \"%s\"", path, listen);
        free(listen);
        goto done;
    }
    free(listen);
    if (read_path(L, "database", &cfg->database, cfg->dir, path, err, errlen) ||
        read_path(L, "rules", &cfg->rules, cfg->dir, path, err, errlen) ||
        read_path(L, "plugins", &cfg->plugins, cfg->dir, path, err, errlen) ||
        read_path(L, "web", &cfg->web, cfg->dir, path, err, errlen) ||
        read_string(L, "timezone", &cfg->timezone, path, err, errlen) ||
        read_string(L, "log_level", &cfg->log_level, path, err, errlen) ||
        read_limits(L, &cfg->limits, path, err, errlen))
        goto done;
    if (strcmp(cfg->log_level, "debug") && strcmp(cfg->log_level, "info") &&
        strcmp(cfg->log_level, "warn") && strcmp(cfg->log_level, "error")) {
        snprintf(err, errlen, "%s: log_level: expected debug, info, warn or error", path);
        goto done;
    }
    int type = lua_getfield(L, -1, "channels");
    if (type != LUA_TNIL && type != LUA_TTABLE) {
        snprintf(err, errlen, "%s: channels: expected a table", path);
        goto done;
    }
    rc = 0;
done:
    lua_close(L);
    return rc;
}
