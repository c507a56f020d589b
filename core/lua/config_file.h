/* config_file.h — reading etc/thiduad.conf, a Lua table, in the sandbox. */
#ifndef THIDUA_LUA_CONFIG_FILE_H
#define THIDUA_LUA_CONFIG_FILE_H

#include <stddef.h>

#include "util/config.h"

/* Reads FILE over the defaults. On failure returns -1 and writes "file:line: message" to
 * err (cfg then holds the defaults, to be freed all the same). */
int config_load(struct config *cfg, const char *path, char *err, size_t errlen);

#endif
