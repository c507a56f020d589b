/* json_text.h — reading a string field of a cJSON object without the null checks at every
 * call, and the checks JSON text from outside needs beyond what cJSON parses: well-formed
 * UTF-8, no NUL hidden in an escape, no key given twice. */
#ifndef THIDUA_UTIL_JSON_TEXT_H
#define THIDUA_UTIL_JSON_TEXT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* The string at obj[key], or "" when obj is NULL, the key absent or not a string. */
const char *json_text(const cJSON *obj, const char *key);

/* What is wrong with n bytes of JSON text that cJSON lets through. */
enum json_text_problem {
    JSON_TEXT_OK = 0,
    JSON_TEXT_NOT_UTF8, /* a byte sequence that is not well-formed UTF-8 */
    JSON_TEXT_NUL,      /* a NUL, raw or as \u0000: cJSON would cut the string there */
};
/* Checks the text; on a problem *at is the offset of the offending byte. */
enum json_text_problem json_text_check(const char *text, size_t n, size_t *at);

/* True when an object somewhere in item has a key twice (cJSON keeps both, and a lookup sees
 * only the first); path gets where ("facts.so_vu_viec", "members[2].facts.x"), cut short
 * to pathlen. Linear in the keys of each object after sorting them (n log n): a body of a
 * hundred thousand keys is checked in milliseconds. */
bool json_duplicate_key(const cJSON *item, char *path, size_t pathlen);

#endif
