/* thidua.h — the `thidua` module as rule code sees it. */
#ifndef THIDUA_LUA_THIDUA_H
#define THIDUA_LUA_THIDUA_H

#include <lua.h>

/* Pushes the module table for rules: pure functions only (no I/O). */
int luaopen_thidua_rules(lua_State *L);

#endif
