/* release.h — the Lua release the sandbox runs, without showing a Lua type. */
#ifndef THIDUA_LUA_RELEASE_H
#define THIDUA_LUA_RELEASE_H

/* "Lua 5.4.4" (thiduad --version). */
const char *sandbox_lua_release(void);

#endif
