/* release.c — the Lua release the sandbox runs (thiduad --version). */
#include "lua/release.h"

#include <lua.h>

const char *sandbox_lua_release(void)
{
    return LUA_RELEASE;
}
