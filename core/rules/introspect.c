/*
 * introspect.c — what the engine may learn about a rule function and a rule file without
 * the debug library (which rule code never gets): a function's file, its first and last
 * lines, its parameters' names and the Lua functions it holds as upvalues (the helpers it
 * calls), and each rule file's source text, kept for the loader's checks that read the
 * source (undeclared facts, the line of a campaign key). engine/source.lua uses them.
 */
#include <lauxlib.h>
#include <string.h>

#include "rules/internal.h"

/* function_info(fn) -> {source, first, last, params = {...}, helpers = {...}} or nil for a
 * C function. */
static int host_function_info(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_Debug ar;
    lua_pushvalue(L, 1);
    if (!lua_getinfo(L, ">Su", &ar) || strcmp(ar.what, "Lua") != 0) {
        lua_pushnil(L);
        return 1;
    }
    lua_createtable(L, 0, 5);
    const char *src = ar.source[0] == '@' || ar.source[0] == '=' ? ar.source + 1 : ar.source;
    lua_pushstring(L, src);
    lua_setfield(L, -2, "source");
    lua_pushinteger(L, ar.linedefined);
    lua_setfield(L, -2, "first");
    lua_pushinteger(L, ar.lastlinedefined);
    lua_setfield(L, -2, "last");
    lua_createtable(L, ar.nparams, 0);
    for (int i = 1; i <= ar.nparams; i++) {
        lua_pushvalue(L, 1);
        const char *name = lua_getlocal(L, NULL, i); /* pushes nothing */
        lua_pop(L, 1);
        lua_pushstring(L, name ? name : "");
        lua_rawseti(L, -2, i);
    }
    lua_setfield(L, -2, "params");
    lua_newtable(L);
    int helpers = 0;
    for (int i = 1; i <= ar.nups; i++) {
        if (!lua_getupvalue(L, 1, i)) break;
        if (lua_type(L, -1) == LUA_TFUNCTION && !lua_iscfunction(L, -1))
            lua_rawseti(L, -2, ++helpers);
        else
            lua_pop(L, 1);
    }
    lua_setfield(L, -2, "helpers");
    return 1;
}

void rules_push_introspection(lua_State *L)
{
    lua_pushcfunction(L, host_function_info);
    lua_setfield(L, -2, "function_info");
}
