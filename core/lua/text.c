/*
 * text.c — the `thidua.text` module over util/text.c:
 *
 *   text.unaccent(s)  "Nguyễn Thị Đào" -> "Nguyen Thi Dao" (the text an SMS gateway gets)
 *   text.nfc(s)       s in NFC, the form the project keeps all text in
 *   text.sms(s)       {gsm7 = bool, units = n, segments = n}, as a gateway counts s
 *
 * Arguments are checked with luaL_check*; invalid UTF-8 reads as "bad argument #1 to
 * 'unaccent' (invalid UTF-8)". Strings may hold NULs. A result of util/text.c is malloc'd:
 * it sits in a box (a userdata whose __gc frees it) until it is a Lua string, so a memory
 * error raised while pushing it (the sandbox's cap) does not leak it.
 */
#include "lua/text.h"

#include <lauxlib.h>
#include <stdlib.h>

#include "util/text.h"
#include "util/validate.h"

/* Every function's upvalue 1: the boxes' metatable. */
#define BOX_METATABLE lua_upvalueindex(1)

static int box_gc(lua_State *L)
{
    char **box = lua_touserdata(L, 1);
    free(*box);
    *box = NULL;
    return 0;
}

/* Argument 1 as a string of valid UTF-8. */
static const char *check_utf8(lua_State *L, size_t *len)
{
    const char *s = luaL_checklstring(L, 1, len);
    if (!valid_utf8_n(s, *len)) luaL_argerror(L, 1, "invalid UTF-8");
    return s;
}

/* Pushes transform(argument 1) as a string. */
static int push_transformed(lua_State *L, char *(*transform)(const char *, size_t, size_t *))
{
    size_t len, out_len = 0;
    const char *s = check_utf8(L, &len);
    char **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    lua_pushvalue(L, BOX_METATABLE);
    lua_setmetatable(L, -2);
    *box = transform(s, len, &out_len);
    if (!*box) return luaL_error(L, "not enough memory");
    lua_pushlstring(L, *box, out_len);
    free(*box);
    *box = NULL;
    return 1;
}

/* text.unaccent("Phòng Tài nguyên") -> "Phong Tai nguyen" */
static int text_lua_unaccent(lua_State *L)
{
    return push_transformed(L, text_unaccent_n);
}

/* text.nfc("Vie\u{323}\u{302}t") -> "Việt" */
static int text_lua_nfc(lua_State *L)
{
    return push_transformed(L, text_nfc_n);
}

/* text.sms("Xin chao") -> {gsm7 = true, units = 8, segments = 1} */
static int text_lua_sms(lua_State *L)
{
    size_t len;
    const char *s = check_utf8(L, &len);
    struct sms_count count = text_sms_count_n(s, len);
    lua_createtable(L, 0, 3);
    lua_pushboolean(L, count.gsm7);
    lua_setfield(L, -2, "gsm7");
    lua_pushinteger(L, (lua_Integer)count.units);
    lua_setfield(L, -2, "units");
    lua_pushinteger(L, (lua_Integer)count.segments);
    lua_setfield(L, -2, "segments");
    return 1;
}

static const luaL_Reg text_functions[] = {
    {"unaccent", text_lua_unaccent},
    {"nfc", text_lua_nfc},
    {"sms", text_lua_sms},
    {NULL, NULL},
};

int luaopen_thidua_text(lua_State *L)
{
    luaL_newlibtable(L, text_functions);
    lua_createtable(L, 0, 1); /* the boxes' metatable */
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    luaL_setfuncs(L, text_functions, 1);
    return 1;
}
