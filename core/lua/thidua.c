/*
 * thidua.c — the `thidua` module rule code sees: small pure helpers, one luaL_Reg table,
 * arguments checked with luaL_check* so a mistake reads as "bad argument #1 to 'date'".
 * Rules get nothing that reaches files, processes or the network; the notification
 * plugins' I/O (thidua.http, thidua.smtp) is a different module with its own file.
 */
#include "lua/thidua.h"

#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "util/validate.h"

/* thidua.date("2025-06-15") -> "15/06/2025": how dates are shown to people. */
static int thidua_date(lua_State *L)
{
    const char *iso = luaL_checkstring(L, 1);
    if (!valid_date(iso)) return luaL_argerror(L, 1, "expected a date YYYY-MM-DD");
    lua_pushfstring(L, "%s/%s/%s", lua_pushlstring(L, iso + 8, 2), lua_pushlstring(L, iso + 5, 2),
                    lua_pushlstring(L, iso, 4));
    return 1;
}

/* thidua.valid_date("2025-02-29") -> false */
static int thidua_valid_date(lua_State *L)
{
    lua_pushboolean(L, valid_date(luaL_checkstring(L, 1)));
    return 1;
}

static const luaL_Reg thidua_rules_functions[] = {
    {"date", thidua_date},
    {"valid_date", thidua_valid_date},
    {NULL, NULL},
};

int luaopen_thidua_rules(lua_State *L)
{
    luaL_newlib(L, thidua_rules_functions);
    lua_pushliteral(L, "thidua 0.1");
    lua_setfield(L, -2, "version");
    return 1;
}
