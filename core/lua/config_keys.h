/*
 * config_keys.h — finding a configuration key in its file and the key a typo meant, for
 * config_file.c's "file:line: key: ... (có phải \"database\"?)" messages.
 */
#ifndef THIDUA_LUA_CONFIG_KEYS_H
#define THIDUA_LUA_CONFIG_KEYS_H

#include <lua.h>
#include <stddef.h>

/* The line of the file where `key = ...` first appears (1 when it cannot be found: a key
 * computed or written as ["key"]). */
int config_line_of_key(const char *path, const char *key);

/* The known key nearest to `key` if one is within `most` edits, else NULL; the table whose
 * keys are the known ones is on top of the stack (left there). */
const char *config_nearest_key(lua_State *L, const char *key, size_t most);

#endif
