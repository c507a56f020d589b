/*
 * json.c — Lua values to JSON text and JSON to Lua values.
 *
 * Evaluations go from Lua to JSON text directly, without a cJSON tree in between: a
 * province's 51,000 evaluations are 160 MB of JSON, and building and freeing a tree for
 * each cost more than the rules themselves. The writer fails rather than write something a
 * client could not read back: invalid UTF-8, a value nested or repeated without end. On
 * failure the path of the offending field is built while the recursion unwinds, so the
 * common case pays nothing for it.
 */
#include "lua/json.h"

#include <lauxlib.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "util/validate.h"

/* Integers a double holds exactly: JSON numbers in that range become Lua integers. */
#define EXACT_INTEGER_LIMIT 9007199254740992.0
/* Keys of a plain table sorted on the stack up to this many; beyond, on the heap. */
#define SORTED_KEYS_ON_STACK 32
#define PATH_MAX_LEN         256

static const char array_mt_key = 'a'; /* registry key: its address */
static char null_sentinel;            /* its address is JSON null inside Lua */

void lua_json_push_array_mt(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &array_mt_key) != LUA_TNIL) return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 2);
    lua_pushliteral(L, "array");
    lua_setfield(L, -2, "__name");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &array_mt_key);
}

void lua_json_push_null(lua_State *L)
{
    lua_pushlightuserdata(L, &null_sentinel);
}

/* ---- JSON -> Lua ---------------------------------------------------------------------- */

static void push_value(lua_State *L, const cJSON *item, int depth)
{
    luaL_checkstack(L, 3, "JSON input nested too deeply");
    if (depth > LUA_JSON_MAX_DEPTH || !item) {
        lua_pushnil(L);
    } else if (cJSON_IsObject(item)) {
        lua_createtable(L, 0, cJSON_GetArraySize(item));
        for (const cJSON *child = item->child; child; child = child->next) {
            push_value(L, child, depth + 1);
            lua_setfield(L, -2, child->string);
        }
    } else if (cJSON_IsArray(item)) {
        lua_createtable(L, cJSON_GetArraySize(item), 0);
        int i = 1;
        for (const cJSON *child = item->child; child; child = child->next) {
            push_value(L, child, depth + 1);
            lua_rawseti(L, -2, i++);
        }
    } else if (cJSON_IsString(item)) {
        lua_pushstring(L, item->valuestring);
    } else if (cJSON_IsNumber(item)) {
        double v = item->valuedouble;
        if (v == floor(v) && fabs(v) < EXACT_INTEGER_LIMIT)
            lua_pushinteger(L, (lua_Integer)v);
        else
            lua_pushnumber(L, v);
    } else if (cJSON_IsBool(item)) {
        lua_pushboolean(L, cJSON_IsTrue(item));
    } else {
        lua_json_push_null(L);
    }
}

void lua_json_push(lua_State *L, const cJSON *item)
{
    push_value(L, item, 0);
}

/* ---- Lua -> JSON text ----------------------------------------------------------------- */

struct writer {
    lua_State *L;
    struct buffer *out;
    size_t nodes;
    const struct lua_json_limits *limits; /* NULL: none but the nesting and node caps */
    size_t start;                         /* out->len when this value began */
    const char *why;                      /* set on failure */
    bool whole;                           /* the failure is the value's, not one field's */
    char why_text[PATH_MAX_LEN];
    char path[PATH_MAX_LEN];
};

/* Writes s as a JSON string, checking as it goes that it is UTF-8: false (b's content then
 * unfinished) when it is not. One pass, straight into b's memory, which is grown once for
 * the longest the string can become (each byte as \u00XX). */
static bool write_string(struct buffer *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buffer_reserve(b, 6 * n + 2);
    if (b->failed) return true; /* the writer reports b->failed */
    const unsigned char *in = (const unsigned char *)s, *end = in + n;
    char *out = b->data + b->len;
    *out++ = '"';
    while (in < end) {
        unsigned char c = *in;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            *out++ = (char)*in++;
        } else if (c >= 0x80) {
            size_t len = utf8_char_len(in, end);
            if (!len) return false;
            memcpy(out, in, len);
            out += len, in += len;
        } else {
            *out++ = '\\';
            if (c == '"' || c == '\\') {
                *out++ = (char)c;
            } else if (c == '\n') {
                *out++ = 'n';
            } else {
                memcpy(out, "u00", 3);
                out[3] = hex[c >> 4], out[4] = hex[c & 15];
                out += 5;
            }
            in++;
        }
    }
    *out++ = '"';
    *out = '\0';
    b->len = (size_t)(out - b->data);
    return true;
}

/* Prepends a path step ("key" or "[i]") as a failure unwinds: "criteria[0].reason". */
static void prepend_path(struct writer *w, const char *step)
{
    if (w->whole) return;
    char joined[PATH_MAX_LEN];
    const char *sep = !w->path[0] || w->path[0] == '[' ? "" : ".";
    size_t step_len = strlen(step), sep_len = strlen(sep), tail = strlen(w->path);
    if (step_len + sep_len + tail >= sizeof joined) return; /* the deepest part is kept */
    memcpy(joined, step, step_len);
    memcpy(joined + step_len, sep, sep_len);
    memcpy(joined + step_len + sep_len, w->path, tail + 1);
    memcpy(w->path, joined, sizeof joined);
}

static bool write_value(struct writer *w, int index, int depth);

/* ---- long strings written before (lua_json_remember_strings) -------------------------- */

#define REMEMBERED_SLOTS 256
#define REMEMBERED_MIN   48 /* shorter ones cost less to write than to look up */
#define REMEMBERED_MAX   4096

/* A string's bytes and its JSON form. */
struct remembered {
    size_t len;
    char *text; /* the bytes, then the JSON form */
    size_t json_len;
};
static struct remembered *remembered; /* NULL: off */

void lua_json_remember_strings(void)
{
    if (!remembered) remembered = calloc(REMEMBERED_SLOTS, sizeof *remembered);
}

/* Writes s as JSON from what is remembered of it, or writes it and remembers it. Its slot
 * comes from its length and a few of its bytes; the slot holds it only if all its bytes are
 * the same (a reason made anew for each person is the same text at a new address). */
static bool write_remembered(struct buffer *b, const char *s, size_t n)
{
    uint64_t head, middle, tail;
    memcpy(&head, s, 8), memcpy(&middle, s + n / 2, 8), memcpy(&tail, s + n - 8, 8);
    uint64_t key = (head ^ (middle * 31) ^ (tail * 131) ^ n) * 0x9e3779b97f4a7c15u;
    struct remembered *r = &remembered[(key >> 56) % REMEMBERED_SLOTS];
    if (r->len == n && memcmp(r->text, s, n) == 0) {
        buffer_put(b, r->text + n, r->json_len);
        return true;
    }
    size_t before = b->len;
    if (!write_string(b, s, n)) return false;
    size_t json_len = b->len - before;
    char *text = b->failed ? NULL : realloc(r->text, n + json_len);
    if (!text) return true; /* not remembered; what was written stands */
    memcpy(text, s, n);
    memcpy(text + n, b->data + before, json_len);
    *r = (struct remembered){.len = n, .text = text, .json_len = json_len};
    return true;
}

/* A string no longer than limits->string_chars characters. */
static bool string_within_limit(struct writer *w, const char *s, size_t n)
{
    if (!w->limits || !w->limits->string_chars || n <= w->limits->string_chars) return true;
    size_t chars = utf8_chars(s, n);
    if (chars <= w->limits->string_chars) return true;
    snprintf(w->why_text, sizeof w->why_text, "chuỗi dài %zu ký tự, quá giới hạn %zu (%s)", chars,
             w->limits->string_chars, w->limits->string_chars_name);
    w->why = w->why_text;
    return false;
}

static bool write_scalar(struct writer *w, int index, int type)
{
    lua_State *L = w->L;
    char number[64];
    switch (type) {
    case LUA_TBOOLEAN: buffer_puts(w->out, lua_toboolean(L, index) ? "true" : "false"); break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, index)) {
            buffer_puts(w->out, text_decimal(number, (long long)lua_tointeger(L, index)));
            break;
        } else {
            double v = lua_tonumber(L, index);
            if (isfinite(v))
                snprintf(number, sizeof number, "%.17g", v);
            else
                snprintf(number, sizeof number, "null");
        }
        buffer_puts(w->out, number);
        break;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, index, &n);
        if (!string_within_limit(w, s, n)) return false;
        bool long_one = remembered && n >= REMEMBERED_MIN && n <= REMEMBERED_MAX;
        if (!(long_one ? write_remembered(w->out, s, n) : write_string(w->out, s, n))) {
            w->why = "chuỗi không phải UTF-8 hợp lệ (một ký tự bị cắt giữa chừng?)";
            return false;
        }
        break;
    }
    default: buffer_puts(w->out, "null"); break;
    }
    return true;
}

static bool write_array(struct writer *w, int index, int depth)
{
    lua_State *L = w->L;
    buffer_putc(w->out, '[');
    lua_Integer n = (lua_Integer)lua_rawlen(L, index);
    for (lua_Integer i = 1; i <= n; i++) {
        if (i > 1) buffer_putc(w->out, ',');
        lua_rawgeti(L, index, i);
        bool ok = write_value(w, -1, depth + 1);
        lua_pop(L, 1);
        if (!ok) {
            char step[32];
            snprintf(step, sizeof step, "[%lld]", (long long)(i - 1));
            prepend_path(w, step);
            return false;
        }
    }
    buffer_putc(w->out, ']');
    return true;
}

/* Writes "key":value for the value on top of the stack (popped). */
static bool write_member(struct writer *w, const char *key, size_t len, bool first, int depth)
{
    if (!first) buffer_putc(w->out, ',');
    if (!write_string(w->out, key, len)) {
        w->why = "tên trường không phải UTF-8 hợp lệ";
        lua_pop(w->L, 1);
        return false;
    }
    buffer_putc(w->out, ':');
    bool ok = write_value(w, -1, depth + 1);
    lua_pop(w->L, 1);
    if (!ok) prepend_path(w, key);
    return ok;
}

/* The keys its metatable's __order lists, in that order; absent ones are left out. */
static bool write_ordered_object(struct writer *w, int index, int order, int depth)
{
    lua_State *L = w->L;
    bool first = true;
    lua_Integer n = (lua_Integer)lua_rawlen(L, order);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, order, i);
        size_t len;
        const char *key = lua_tolstring(L, -1, &len);
        if (lua_rawget(L, index) == LUA_TNIL) { /* the key was replaced by its value */
            lua_pop(L, 1);
            continue;
        }
        if (!write_member(w, key ? key : "", len, first, depth)) return false;
        first = false;
    }
    return true;
}

struct key {
    const char *text;
    size_t len;
};

static int by_bytes(const void *a, const void *b)
{
    const struct key *x = a, *y = b;
    int c = memcmp(x->text, y->text, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Every string key, sorted bytewise. The key strings stay valid: the table holds them. */
static bool write_sorted_object(struct writer *w, int index, int depth)
{
    lua_State *L = w->L;
    struct key on_stack[SORTED_KEYS_ON_STACK], *keys = on_stack;
    size_t count = 0, cap = SORTED_KEYS_ON_STACK;
    bool ok = true;
    lua_pushnil(L);
    while (lua_next(L, index)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) continue;
        if (count == cap) {
            struct key *grown = malloc(2 * cap * sizeof *grown);
            if (!grown) {
                lua_pop(L, 1);
                w->why = "hết bộ nhớ";
                ok = false;
                goto done;
            }
            memcpy(grown, keys, count * sizeof *keys);
            if (keys != on_stack) free(keys);
            keys = grown;
            cap *= 2;
        }
        keys[count].text = lua_tolstring(L, -1, &keys[count].len);
        count++;
    }
    qsort(keys, count, sizeof *keys, by_bytes);
    for (size_t i = 0; i < count && ok; i++) {
        lua_pushlstring(L, keys[i].text, keys[i].len);
        lua_rawget(L, index);
        ok = write_member(w, keys[i].text, keys[i].len, i == 0, depth);
    }
done:
    if (keys != on_stack) free(keys);
    return ok;
}

/* A plain table whose keys are exactly 1..n (n > 0): a Lua sequence, written as an array
 * (a configuration file's { "a", "b" } has no array metatable). */
static bool is_sequence(lua_State *L, int index)
{
    lua_Integer n = (lua_Integer)lua_rawlen(L, index), keys = 0;
    if (n == 0) return false;
    lua_pushnil(L);
    while (lua_next(L, index)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > n) {
            lua_pop(L, 1);
            return false;
        }
        keys++;
    }
    return keys == n;
}

static bool write_table(struct writer *w, int index, int depth)
{
    lua_State *L = w->L;
    if (depth > LUA_JSON_MAX_DEPTH) {
        w->why = "lồng nhau quá sâu";
        return false;
    }
    int top = lua_gettop(L);
    bool ok;
    if (lua_getmetatable(L, index)) {
        lua_json_push_array_mt(L);
        if (lua_rawequal(L, -1, -2)) {
            lua_settop(L, top);
            return write_array(w, index, depth);
        }
        lua_pop(L, 1);
        lua_pushliteral(L, "__order");
        if (lua_rawget(L, -2) == LUA_TTABLE) {
            buffer_putc(w->out, '{');
            ok = write_ordered_object(w, index, lua_absindex(L, -1), depth);
            buffer_putc(w->out, '}');
            lua_settop(L, top);
            return ok;
        }
        lua_settop(L, top);
    }
    if (is_sequence(L, index)) return write_array(w, index, depth);
    buffer_putc(w->out, '{');
    ok = write_sorted_object(w, index, depth);
    buffer_putc(w->out, '}');
    return ok;
}

static bool write_value(struct writer *w, int index, int depth)
{
    lua_State *L = w->L;
    index = lua_absindex(L, index);
    if (++w->nodes > LUA_JSON_MAX_NODES || !lua_checkstack(L, 4)) {
        w->why = "giá trị quá lớn";
        return false;
    }
    if (w->limits && w->limits->total_bytes && w->out->len - w->start > w->limits->total_bytes) {
        snprintf(w->why_text, sizeof w->why_text, "dài hơn %zu byte, quá giới hạn (%s)",
                 w->limits->total_bytes, w->limits->total_bytes_name);
        w->why = w->why_text;
        w->whole = true;
        return false;
    }
    int type = lua_type(L, index);
    if (type == LUA_TTABLE) return write_table(w, index, depth);
    if (type == LUA_TLIGHTUSERDATA && lua_touserdata(L, index) == &null_sentinel) {
        buffer_puts(w->out, "null");
        return true;
    }
    return write_scalar(w, index, type);
}

int lua_json_write(lua_State *L, int index, struct buffer *b, char *err, size_t errlen)
{
    return lua_json_write_bounded(L, index, b, NULL, err, errlen);
}

int lua_json_write_bounded(lua_State *L, int index, struct buffer *b,
                           const struct lua_json_limits *limits, char *err, size_t errlen)
{
    struct writer w = {.L = L, .out = b, .limits = limits, .start = b->len};
    int top = lua_gettop(L);
    bool ok = write_value(&w, index, 0);
    if (ok && limits && limits->total_bytes && b->len - w.start > limits->total_bytes) {
        snprintf(w.why_text, sizeof w.why_text, "dài %zu byte, quá giới hạn %zu (%s)",
                 b->len - w.start, limits->total_bytes, limits->total_bytes_name);
        w.why = w.why_text;
        ok = false;
    }
    lua_settop(L, top);
    if (ok && b->failed) w.why = "hết bộ nhớ";
    if (ok && !b->failed) return 0;
    b->failed = true;
    snprintf(err, errlen, "%s%s%s", w.path, w.path[0] ? ": " : "", w.why);
    return -1;
}

cJSON *lua_json_to_cjson(lua_State *L, int index, char *err, size_t errlen)
{
    struct buffer b = {0};
    if (lua_json_write(L, index, &b, err, errlen) != 0) {
        buffer_free(&b);
        return NULL;
    }
    cJSON *out = cJSON_Parse(b.data);
    buffer_free(&b);
    if (!out) snprintf(err, errlen, "the value could not be read back as JSON");
    return out;
}
