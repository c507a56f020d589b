/*
 * json.h — the bridge between Lua values and JSON.
 *
 * JSON to Lua: objects become tables, arrays become sequences, null becomes a sentinel
 * light userdata. Lua to JSON: a table with the array metatable is an array, and so is a
 * plain sequence (keys exactly 1..n); any other table is an object whose keys come out in
 * a stable order — the order its metatable's `__order` list gives (only those keys), or
 * else sorted bytewise — so equal values are equal bytes whatever state wrote them. Every
 * string written must be valid UTF-8: a rule that cuts "Chưa" in the middle of a character
 * gets an error naming the field, not broken text on the wire.
 */
#ifndef THIDUA_LUA_JSON_H
#define THIDUA_LUA_JSON_H

#include <cjson/cJSON.h>
#include <lua.h>
#include <stddef.h>

#include "util/buffer.h"

/* Deepest nesting converted either way. */
#define LUA_JSON_MAX_DEPTH 32
/* Most values one conversion writes: one evaluation is a few hundred; a table that refers
 * to itself along many paths could otherwise be 2^depth. */
#define LUA_JSON_MAX_NODES 1000000

/* The metatable that marks a table as a JSON array (created on first use). */
void lua_json_push_array_mt(lua_State *L);
/* The value that stands for JSON null. */
void lua_json_push_null(lua_State *L);

/* Pushes a JSON value as Lua; nesting past LUA_JSON_MAX_DEPTH becomes nil. */
void lua_json_push(lua_State *L, const cJSON *item);

/* Appends the value at index as JSON text to b. Returns 0, or -1 with err ("field.path:
 * why") when a string is not UTF-8, the value is too large, or memory ran out. */
int lua_json_write(lua_State *L, int index, struct buffer *b, char *err, size_t errlen);

/* Bounds on what one write may produce (0: no bound); the names are the settings that set
 * them, quoted in the error ("limits.reason_chars"). */
struct lua_json_limits {
    size_t string_chars; /* characters in any one string */
    const char *string_chars_name;
    size_t total_bytes; /* bytes of the whole text */
    const char *total_bytes_name;
};
/* lua_json_write within limits (NULL: none): a string or a value too long is an error
 * naming the field (or the value) and the limit, and writing stops there. */
int lua_json_write_bounded(lua_State *L, int index, struct buffer *b,
                           const struct lua_json_limits *limits, char *err, size_t errlen);

/* From now on this process remembers the JSON form of the long strings it writes, so that
 * the same string written again (a criterion's title, in each of 50,000 evaluations) is
 * copied, not checked and escaped again. For a rule process, which ends with _exit: what
 * it remembers is never freed. */
void lua_json_remember_strings(void);

/* The value at index as a cJSON tree (through the same writer); NULL with err. */
cJSON *lua_json_to_cjson(lua_State *L, int index, char *err, size_t errlen);

#endif
