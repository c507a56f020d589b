/* json_print.h — cJSON values as compact JSON text, the same bytes as cJSON_PrintUnformatted
 * (util/json_print.c says why it is not called). */
#ifndef THIDUA_UTIL_JSON_PRINT_H
#define THIDUA_UTIL_JSON_PRINT_H

#include <cjson/cJSON.h>

/* The text of item (malloc'd, NUL-terminated), or NULL when item is NULL or memory ran
 * out. */
char *json_print(const cJSON *item);

#endif
