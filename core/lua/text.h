/* text.h — the `thidua.text` module: unaccented Vietnamese, NFC and SMS counts. */
#ifndef THIDUA_LUA_TEXT_H
#define THIDUA_LUA_TEXT_H

#include <lua.h>

/* Pushes the module table: unaccent(s), nfc(s), sms(s). Pure functions (no I/O). */
int luaopen_thidua_text(lua_State *L);

#endif
