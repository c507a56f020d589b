/*
 * config_file.c — reads etc/thiduad.conf, a Lua table, into struct config.
 *
 * The file is Lua so administrators write the same language as the rules, but it runs in
 * the sandbox with an empty environment (no libraries at all), under an instruction budget
 * and a memory cap: a config file can compute a value, never touch the system. It may
 * either `return { ... }` or assign globals. Every field is checked for its type and range;
 * an error names the file and, where Lua knows it, the line: "etc/thiduad.conf:12: ..." or
 * "etc/thiduad.conf: listen: ...". Relative paths are relative to the config file's folder,
 * so the daemon can be started from anywhere.
 *
 * A key nothing reads is an error, not silence: each reader below marks the top-level key it
 * reads (mark_read), and what is left unmarked is refused with its line, found in the file's
 * text ("thiduad.conf:4: databse: ..."), with the nearest known key as a hint. The time zone
 * must be one of the system's (/usr/share/zoneinfo), or every local date would be UTC.
 */
#include "lua/config_file.h"
#include "lua/config_keys.h"

#include <ctype.h>
#include <lua.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/json.h"
#include "lua/sandbox.h"
#include "util/files.h"

#define CONFIG_INSTRUCTIONS (10LL * 1000 * 1000)
#define CONFIG_MEMORY       (16u << 20)
#define READ_KEYS           "thidua.config.read" /* registry: the top-level keys read */
#define ZONEINFO_DIR        "/usr/share/zoneinfo"
#define KEY_HINT_DISTANCE   2 /* a known key this close to an unknown one is suggested */

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

/* Marks a top-level key as read (the readers below call it; the rest is unknown). */
static void mark_read(lua_State *L, const char *field)
{
    if (lua_getfield(L, LUA_REGISTRYINDEX, READ_KEYS) == LUA_TTABLE) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, field);
    }
    lua_pop(L, 1);
}

/* Field readers: leave the value in place when the field is absent (nil). */
static int read_string(lua_State *L, const char *field, char **out, const char *file, char *err,
                       size_t errlen)
{
    mark_read(L, field);
    int type = lua_getfield(L, -1, field);
    int rc = 0;
    if (type == LUA_TSTRING) {
        replace(out, strdup(lua_tostring(L, -1)));
    } else if (type != LUA_TNIL) {
        snprintf(err, errlen, "%s:%d: %s: cần một chuỗi, không phải %s", file,
                 config_line_of_key(file, field), field, lua_typename(L, type));
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
            snprintf(err, errlen, "%s:%d: limits.%s: %g nằm ngoài khoảng cho phép (%g đến %g)",
                     file, config_line_of_key(file, field), field, v, min, max);
            rc = -1;
        } else {
            *out = v;
        }
    } else if (type != LUA_TNIL) {
        snprintf(err, errlen, "%s:%d: limits.%s: cần một số, không phải %s", file,
                 config_line_of_key(file, field), field, lua_typename(L, type));
        rc = -1;
    }
    lua_pop(L, 1);
    return rc;
}

/* A size limit (a whole number of bytes, characters or members) in [min, max]. */
static int read_size(lua_State *L, const char *field, double min, double max, size_t *out,
                     const char *file, char *err, size_t errlen)
{
    double v = (double)*out;
    if (read_number(L, field, min, max, &v, file, err, errlen) != 0) return -1;
    *out = (size_t)v;
    return 0;
}

/* The sizes of what is read and written: notes, rules' strings, evaluations, CSV cells. */
static int read_size_limits(lua_State *L, struct config_limits *lim, const char *file, char *err,
                            size_t errlen)
{
    const struct {
        const char *name;
        double min, max;
        size_t *value;
    } sizes[] = {
        {"note_chars", 1, 1 << 20, &lim->note_chars},
        {"reason_chars", 16, 1 << 20, &lim->reason_chars},
        {"evaluation_bytes", 1024, 1 << 30, &lim->evaluation_bytes},
        {"evaluate_members", 0, 100000, &lim->evaluate_members},
        {"csv_cell_bytes", 64, 1 << 30, &lim->csv_cell_bytes},
        {"csv_row_bytes", 64, 1 << 30, &lim->csv_row_bytes},
    };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        if (read_size(L, sizes[i].name, sizes[i].min, sizes[i].max, sizes[i].value, file, err,
                      errlen) != 0)
            return -1;
    return 0;
}

/* A key of limits that no reader knows (a typo would otherwise leave the default in force
 * without a word): -1 with err naming it. */
static int unknown_limit(lua_State *L, const char *file, char *err, size_t errlen)
{
    static const char *const known[] = {
        "body_bytes",     "header_bytes",     "head_timeout",     "read_timeout",
        "write_timeout",  "idle_timeout",     "connections",      "connections_per_address",
        "shutdown_grace", "eval_deadline",    "load_deadline",    "note_chars",
        "reason_chars",   "evaluation_bytes", "evaluate_members", "csv_cell_bytes",
        "csv_row_bytes",
    };
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        bool found = false;
        const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        for (size_t i = 0; key && !found && i < sizeof known / sizeof known[0]; i++)
            found = strcmp(key, known[i]) == 0;
        lua_pop(L, 1);
        if (!found) {
            snprintf(err, errlen,
                     "%s:%d: limits.%s: không có giới hạn này (README, \"Configuration\")", file,
                     key ? config_line_of_key(file, key) : 1, key ? key : "?");
            lua_pop(L, 1);
            return -1;
        }
    }
    return 0;
}

static int read_limits(lua_State *L, struct config_limits *lim, const char *file, char *err,
                       size_t errlen)
{
    mark_read(L, "limits");
    int type = lua_getfield(L, -1, "limits");
    if (type == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    if (type != LUA_TTABLE) {
        snprintf(err, errlen, "%s:%d: limits: cần một bảng { ... }", file,
                 config_line_of_key(file, "limits"));
        lua_pop(L, 1);
        return -1;
    }
    double body = (double)lim->body_bytes, header = (double)lim->header_bytes;
    double conns = lim->connections, per_address = lim->connections_per_address;
    int rc =
        read_number(L, "body_bytes", 1024, 1 << 30, &body, file, err, errlen) ||
        read_number(L, "header_bytes", 1024, 1 << 20, &header, file, err, errlen) ||
        read_number(L, "head_timeout", 0.1, 3600, &lim->head_timeout, file, err, errlen) ||
        read_number(L, "read_timeout", 0.1, 3600, &lim->read_timeout, file, err, errlen) ||
        read_number(L, "write_timeout", 0.1, 3600, &lim->write_timeout, file, err, errlen) ||
        read_number(L, "idle_timeout", 0.1, 3600, &lim->idle_timeout, file, err, errlen) ||
        read_number(L, "connections", 1, 100000, &conns, file, err, errlen) ||
        read_number(L, "connections_per_address", 1, 100000, &per_address, file, err, errlen) ||
        read_number(L, "shutdown_grace", 0, 600, &lim->shutdown_grace, file, err, errlen) ||
        read_number(L, "eval_deadline", 0.05, 600, &lim->eval_deadline, file, err, errlen) ||
        read_number(L, "load_deadline", 1, 3600, &lim->load_deadline, file, err, errlen) ||
        read_size_limits(L, lim, file, err, errlen) || unknown_limit(L, file, err, errlen);
    lim->body_bytes = (size_t)body;
    lim->header_bytes = (size_t)header;
    lim->connections = (int)conns;
    lim->connections_per_address = (int)per_address;
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

/* channels = { name = { option = value, ... }, ... }: kept as JSON for the channels. */
static int read_channels(lua_State *L, struct config *cfg, const char *path, char *err,
                         size_t errlen)
{
    mark_read(L, "channels");
    int type = lua_getfield(L, -1, "channels");
    int rc = 0;
    if (type == LUA_TTABLE) {
        lua_pushnil(L);
        while (rc == 0 && lua_next(L, -2)) {
            if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TTABLE) {
                snprintf(err, errlen, "%s:%d: channels: mỗi kênh viết tên = { tùy chọn }", path,
                         config_line_of_key(path, "channels"));
                rc = -1;
            }
            lua_pop(L, 1);
        }
        char why[256];
        cJSON *channels = rc == 0 ? lua_json_to_cjson(L, -1, why, sizeof why) : NULL;
        if (rc == 0 && !cJSON_IsObject(channels)) {
            snprintf(err, errlen, "%s:%d: channels: %s", path, config_line_of_key(path, "channels"),
                     channels ? "cần một bảng { ... }" : why);
            rc = -1;
        }
        if (rc == 0) {
            cJSON_Delete(cfg->channels);
            cfg->channels = channels;
        } else {
            cJSON_Delete(channels);
        }
    } else if (type != LUA_TNIL) {
        snprintf(err, errlen, "%s:%d: channels: cần một bảng { ... }", path,
                 config_line_of_key(path, "channels"));
        rc = -1;
    }
    lua_pop(L, 1);
    return rc;
}

/* Whether `zone` names a file of the system's time zone database: "Asia/Ho_Chi_Minh", "UTC";
 * not a path that climbs out of it. */
static bool known_zone(const char *zone)
{
    if (!zone[0] || zone[0] == '/' || strstr(zone, "..")) return false;
    char path[512];
    snprintf(path, sizeof path, ZONEINFO_DIR "/%s", zone);
    return files_is_regular(path);
}

/* A top-level key no reader read: -1 with "file:line: key: ..." and the nearest key read.
 * The config's table is on top of the stack. */
static int unknown_key(lua_State *L, const char *path, char *err, size_t errlen)
{
    lua_getfield(L, LUA_REGISTRYINDEX, READ_KEYS);
    lua_pushnil(L);
    while (lua_next(L, -3)) {
        lua_pop(L, 1);
        bool named = lua_type(L, -1) == LUA_TSTRING;
        if (named) {
            lua_pushvalue(L, -1);
            bool read = lua_rawget(L, -3) != LUA_TNIL;
            lua_pop(L, 1);
            if (read) continue;
        }
        const char *key = named ? lua_tostring(L, -1) : "?";
        lua_pushvalue(L, -2);
        const char *hint = named ? config_nearest_key(L, key, KEY_HINT_DISTANCE) : NULL;
        char suggestion[96] = "";
        if (hint) snprintf(suggestion, sizeof suggestion, " (có phải \"%s\"?)", hint);
        snprintf(err, errlen,
                 "%s:%d: %s: không có tùy chọn cấu hình này%s; các tùy chọn có trong README, "
                 "mục \"Configuration\"",
                 path, named ? config_line_of_key(path, key) : 1, key, suggestion);
        lua_pop(L, 3);
        return -1;
    }
    lua_pop(L, 1);
    return 0;
}

/* metrics_from = { "127.0.0.1", "10.0.0.0/8", "::1" }: who reads /metrics without a token. */
static int read_metrics_from(lua_State *L, struct config *cfg, const char *path, char *err,
                             size_t errlen)
{
    mark_read(L, "metrics_from");
    int type = lua_getfield(L, -1, "metrics_from");
    int rc = 0;
    if (type == LUA_TTABLE) {
        size_t count = lua_rawlen(L, -1);
        struct ip_network *nets = calloc(count ? count : 1, sizeof *nets);
        for (size_t i = 0; rc == 0 && i < count; i++) {
            int item = lua_rawgeti(L, -1, (lua_Integer)i + 1);
            if (item != LUA_TSTRING || !nets || !ip_network_parse(lua_tostring(L, -1), &nets[i])) {
                snprintf(err, errlen,
                         "%s:%d: metrics_from[%zu]: cần một địa chỉ hoặc một mạng "
                         "(\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"), không phải %s%s%s",
                         path, config_line_of_key(path, "metrics_from"), i + 1,
                         item == LUA_TSTRING ? "\"" : "",
                         item == LUA_TSTRING ? lua_tostring(L, -1) : lua_typename(L, item),
                         item == LUA_TSTRING ? "\"" : "");
                rc = -1;
            }
            lua_pop(L, 1);
        }
        if (rc == 0) {
            free(cfg->metrics_from);
            cfg->metrics_from = nets;
            cfg->metrics_from_count = count;
        } else {
            free(nets);
        }
    } else if (type != LUA_TNIL) {
        snprintf(err, errlen, "%s:%d: metrics_from: cần một danh sách địa chỉ, không phải %s", path,
                 config_line_of_key(path, "metrics_from"), lua_typename(L, type));
        rc = -1;
    }
    lua_pop(L, 1);
    return rc;
}

/* Runs the file in an empty environment and leaves its table on the stack: the one it
 * returns, or the globals it assigned. */
static int run_file(struct sandbox *sb, const char *path, char *err, size_t errlen)
{
    lua_State *L = sandbox_state(sb);
    size_t len = 0;
    char *text = files_read_whole(path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: không đọc được tệp cấu hình", path);
        return -1;
    }
    char chunkname[1100];
    snprintf(chunkname, sizeof chunkname, "@%s", path);
    int rc = sandbox_load(sb, text, len, chunkname, err, errlen);
    free(text);
    if (rc != 0) return -1;
    lua_newtable(L); /* the environment: no library, no global but the file's own */
    lua_pushvalue(L, -1);
    lua_insert(L, -3);
    lua_setupvalue(L, -2, 1);
    if (sandbox_call(sb, 0, 1, CONFIG_INSTRUCTIONS, CONFIG_MEMORY, err, errlen) != SANDBOX_OK) {
        if (!err[0]) snprintf(err, errlen, "%s: tệp cấu hình cần quá nhiều bộ nhớ", path);
        return -1;
    }
    if (lua_istable(L, -1)) {
        lua_remove(L, -2);
    } else {
        lua_pop(L, 1);
    }
    return 0;
}

/* Reads every field of the table on top of the stack into cfg. */
static int read_fields(lua_State *L, struct config *cfg, const char *path, char *err, size_t errlen)
{
    char *listen = NULL;
    if (read_string(L, "listen", &listen, path, err, errlen) != 0) return -1;
    if (listen && parse_listen(listen, &cfg->listen_host, &cfg->listen_port) != 0) {
        snprintf(err, errlen, "%s:%d: listen: cần \"host:port\", không phải \"%s\"", path,
                 config_line_of_key(path, "listen"), listen);
        free(listen);
        return -1;
    }
    free(listen);
    if (read_path(L, "database", &cfg->database, cfg->dir, path, err, errlen) ||
        read_path(L, "rules", &cfg->rules, cfg->dir, path, err, errlen) ||
        read_path(L, "plugins", &cfg->plugins, cfg->dir, path, err, errlen) ||
        read_path(L, "web", &cfg->web, cfg->dir, path, err, errlen) ||
        read_string(L, "timezone", &cfg->timezone, path, err, errlen) ||
        read_string(L, "log_level", &cfg->log_level, path, err, errlen) ||
        read_limits(L, &cfg->limits, path, err, errlen) ||
        read_metrics_from(L, cfg, path, err, errlen))
        return -1;
    if (strcmp(cfg->log_level, "debug") && strcmp(cfg->log_level, "info") &&
        strcmp(cfg->log_level, "warn") && strcmp(cfg->log_level, "error")) {
        snprintf(err, errlen, "%s:%d: log_level: là debug, info, warn hoặc error", path,
                 config_line_of_key(path, "log_level"));
        return -1;
    }
    if (!known_zone(cfg->timezone)) {
        snprintf(err, errlen,
                 "%s:%d: timezone: \"%s\" không phải múi giờ có trong " ZONEINFO_DIR
                 " (ví dụ \"Asia/Ho_Chi_Minh\")",
                 path, config_line_of_key(path, "timezone"), cfg->timezone);
        return -1;
    }
    return read_channels(L, cfg, path, err, errlen);
}

int config_load(struct config *cfg, const char *path, char *err, size_t errlen)
{
    char *dir = dirname_of(path);
    config_defaults(cfg, dir);
    free(dir);
    cfg->path = strdup(path);
    struct sandbox *sb =
        sandbox_new(CONFIG_MEMORY, "tệp cấu hình chạy quá lâu (một vòng lặp vô tận?)", err, errlen);
    if (!sb) return -1;
    int rc = run_file(sb, path, err, errlen);
    lua_State *L = sandbox_state(sb);
    if (rc == 0) {
        lua_newtable(L);
        lua_setfield(L, LUA_REGISTRYINDEX, READ_KEYS);
        rc = read_fields(L, cfg, path, err, errlen);
    }
    if (rc == 0) rc = unknown_key(L, path, err, errlen);
    sandbox_free(sb, CONFIG_INSTRUCTIONS);
    return rc;
}
