/* json_text.h — reading a string field of a cJSON object without the null checks at every
 * call. */
#ifndef THIDUA_UTIL_JSON_TEXT_H
#define THIDUA_UTIL_JSON_TEXT_H

#include <cjson/cJSON.h>

/* The string at obj[key], or "" when obj is NULL, the key absent or not a string. */
const char *json_text(const cJSON *obj, const char *key);

#endif
