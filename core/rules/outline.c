/*
 * outline.c — an evaluation's outline: what the consolidated report reads of each stored
 * evaluation, written beside its full text when it is made.
 *
 * {"name", "unit_code", "score", "criteria": {id: points}, "titles": [held], "nominations":
 * [proposed]}: about 150 bytes where the evaluation is 3 KB, so the report of a province
 * reads 50,000 outlines instead of parsing 50,000 evaluations (store/migrations.c, 10, made
 * the outlines of the evaluations stored before).
 */
#include <lua.h>

#include "lua/json.h"
#include "rules/internal.h"

/* Writes the field `key` of the table at index as JSON (null when absent). */
static int put_field(lua_State *L, int index, const char *key, struct buffer *b)
{
    char err[256];
    int rc = 0;
    if (lua_getfield(L, index, key) == LUA_TNIL)
        buffer_puts(b, "null");
    else
        rc = lua_json_write(L, -1, b, err, sizeof err);
    lua_pop(L, 1);
    return rc;
}

/* The codes of the entries of list `key` whose `eligible` is true, as a JSON array. */
static int put_held(lua_State *L, int index, const char *key, struct buffer *b)
{
    int rc = 0;
    bool first = true;
    buffer_putc(b, '[');
    lua_getfield(L, index, key);
    lua_Integer n = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
    for (lua_Integer i = 1; i <= n && rc == 0; i++) {
        lua_rawgeti(L, -1, i);
        lua_getfield(L, -1, "eligible");
        bool held = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (held) {
            if (!first) buffer_putc(b, ',');
            rc = put_field(L, lua_gettop(L), "code", b);
            first = false;
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    buffer_putc(b, ']');
    return rc;
}

int rules_write_outline(lua_State *L, int index, struct buffer *b)
{
    index = lua_absindex(L, index);
    int rc = 0;
    buffer_puts(b, "{\"name\":");
    rc |= put_field(L, index, "name", b);
    buffer_puts(b, ",\"unit_code\":");
    rc |= put_field(L, index, "unit_code", b);
    buffer_puts(b, ",\"score\":");
    rc |= put_field(L, index, "score", b);
    buffer_puts(b, ",\"criteria\":{");
    lua_getfield(L, index, "criteria");
    lua_Integer n = lua_istable(L, -1) ? (lua_Integer)lua_rawlen(L, -1) : 0;
    for (lua_Integer i = 1; i <= n && rc == 0; i++) {
        lua_rawgeti(L, -1, i);
        if (i > 1) buffer_putc(b, ',');
        rc |= put_field(L, lua_gettop(L), "id", b);
        buffer_putc(b, ':');
        rc |= put_field(L, lua_gettop(L), "points", b);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    buffer_puts(b, "},\"titles\":");
    rc |= put_held(L, index, "titles", b);
    buffer_puts(b, ",\"nominations\":");
    rc |= put_held(L, index, "nominations", b);
    buffer_putc(b, '}');
    return rc == 0 ? 0 : -1;
}
