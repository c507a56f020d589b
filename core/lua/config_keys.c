/*
 * config_keys.c — what the configuration's messages say about a key: the line of the file
 * where it is set, and the known key an unknown one was probably meant to be (a typo's
 * edit distance). Text only, and one look at a Lua table of the keys read.
 */
#include "lua/config_keys.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/files.h"

int config_line_of_key(const char *path, const char *key)
{
    size_t len = 0;
    char *text = files_read_whole(path, &len);
    int line = 1, found = 0;
    size_t keylen = strlen(key);
    for (const char *p = text; p && *p && !found; p++) {
        bool starts_word = p == text || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
        if (starts_word && strncmp(p, key, keylen) == 0) {
            const char *q = p + keylen;
            while (*q == ' ' || *q == '\t')
                q++;
            if (*q == '=' && q[1] != '=') found = line;
        }
        if (*p == '\n') line++;
    }
    free(text);
    return found ? found : 1;
}

/* Edit distance between two short keys (a typo's distance to the key meant). */
static size_t key_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 64;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            size_t cost = diagonal + (a[i - 1] != b[j - 1]);
            size_t best = above + 1 < row[j - 1] + 1 ? above + 1 : row[j - 1] + 1;
            row[j] = cost < best ? cost : best;
            diagonal = above;
        }
    }
    return row[lb];
}

const char *config_nearest_key(lua_State *L, const char *key, size_t most)
{
    const char *hint = NULL;
    size_t best = most + 1;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        size_t d = key_distance(key, lua_tostring(L, -1));
        if (d < best) {
            best = d;
            hint = lua_tostring(L, -1); /* the string stays alive in the table */
        }
    }
    return hint;
}
