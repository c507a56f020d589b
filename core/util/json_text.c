/* json_text.c — see json_text.h. */
#include "util/json_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/validate.h"

#define NUL_ESCAPE     "\\u0000"
#define NUL_ESCAPE_LEN (sizeof NUL_ESCAPE - 1)
/* Keys of one object sorted on the stack up to this many; beyond, on the heap. */
#define KEYS_ON_STACK 64

const char *json_text(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

enum json_text_problem json_text_check(const char *text, size_t n, size_t *at)
{
    const char *nul = memchr(text, '\0', n);
    /* \u0000 only counts inside a string, where an escape starts at an unescaped
     * backslash; outside strings a backslash is a syntax error cJSON reports. */
    bool in_string = false;
    for (size_t i = 0; i < n && (!nul || text + i < nul); i++) {
        if (text[i] == '"') {
            in_string = !in_string;
        } else if (in_string && text[i] == '\\') {
            if (n - i >= NUL_ESCAPE_LEN && strncasecmp(text + i, NUL_ESCAPE, NUL_ESCAPE_LEN) == 0) {
                *at = i;
                return JSON_TEXT_NUL;
            }
            i++; /* the escaped character */
        }
    }
    if (nul) {
        *at = (size_t)(nul - text);
        return JSON_TEXT_NUL;
    }
    if (valid_utf8_n(text, n)) return JSON_TEXT_OK;
    size_t good = 0; /* the first bad byte: after the longest valid prefix */
    for (size_t step = n; step > 0; step /= 2)
        while (good + step <= n && valid_utf8_n(text, good + step))
            good += step;
    *at = good;
    return JSON_TEXT_NOT_UTF8;
}

static int by_key(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    return strcmp(x->string, y->string);
}

/* Sets path to the first key of obj that a sibling repeats; false when none does. */
static bool repeated_key(const cJSON *obj, char *path, size_t pathlen)
{
    const cJSON *on_stack[KEYS_ON_STACK], **keys = on_stack;
    size_t count = (size_t)cJSON_GetArraySize(obj);
    if (count < 2) return false;
    if (count > KEYS_ON_STACK && !(keys = malloc(count * sizeof *keys))) {
        snprintf(path, pathlen, "(hết bộ nhớ)");
        return true;
    }
    size_t i = 0;
    for (const cJSON *c = obj->child; c; c = c->next)
        keys[i++] = c;
    qsort(keys, count, sizeof *keys, by_key);
    bool found = false;
    for (i = 1; i < count && !found; i++) {
        if (strcmp(keys[i - 1]->string, keys[i]->string) != 0) continue;
        snprintf(path, pathlen, "%.*s", (int)utf8_prefix_len(keys[i]->string, pathlen - 1),
                 keys[i]->string);
        found = true;
    }
    if (keys != on_stack) free(keys);
    return found;
}

/* Puts step before the path found below it: "facts" + "x" -> "facts.x". */
static void prepend(char *path, size_t pathlen, const char *step, bool index)
{
    char tail[256];
    snprintf(tail, sizeof tail, "%s", path);
    int len = (int)utf8_prefix_len(step, 120);
    snprintf(path, pathlen, index ? "[%.*s]%s%s" : "%.*s%s%s", len, step,
             tail[0] && tail[0] != '[' ? "." : "", tail);
}

bool json_duplicate_key(const cJSON *item, char *path, size_t pathlen)
{
    path[0] = '\0';
    if (!item || !(cJSON_IsObject(item) || cJSON_IsArray(item))) return false;
    if (cJSON_IsObject(item) && repeated_key(item, path, pathlen)) return true;
    int index = 0;
    for (const cJSON *c = item->child; c; c = c->next, index++) {
        if (!json_duplicate_key(c, path, pathlen)) continue;
        char step[16];
        snprintf(step, sizeof step, "%d", index);
        prepend(path, pathlen, cJSON_IsObject(item) ? c->string : step, cJSON_IsArray(item));
        return true;
    }
    return false;
}
