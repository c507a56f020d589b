/* subject_index.c — a sorted array of (subject/code, item) and binary search over it. */
#include "domain/subject_index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json_text.h"
#include "util/text.h"

/* "subject/code" into key (cut to fit): built for every add and find. */
static void key_of(char *key, size_t size, const char *subject, const char *code)
{
    text_join(key, size, (const char *const[]){subject, "/", code}, 3);
}

int subject_index_add(struct subject_index *ix, const char *subject, const char *code, cJSON *item)
{
    if (ix->count == ix->capacity) {
        size_t capacity = ix->capacity ? ix->capacity * 2 : 64;
        struct subject_entry *grown = realloc(ix->entries, capacity * sizeof *grown);
        if (!grown) return -1;
        ix->entries = grown;
        ix->capacity = capacity;
    }
    struct subject_entry *e = &ix->entries[ix->count++];
    key_of(e->key, sizeof e->key, subject, code);
    e->item = item;
    ix->sorted = 0;
    return 0;
}

static int by_key(const void *a, const void *b)
{
    const struct subject_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    /* Equal keys keep their order of addition, so the last added is found. */
    return c ? c : (x < y ? -1 : x > y);
}

void subject_index_sort(struct subject_index *ix)
{
    if (ix->count) qsort(ix->entries, ix->count, sizeof *ix->entries, by_key);
    ix->sorted = 1;
}

cJSON *subject_index_find(const struct subject_index *ix, const char *subject, const char *code)
{
    char key[sizeof ix->entries->key];
    key_of(key, sizeof key, subject, code);
    size_t lo = 0, hi = ix->count;
    while (lo < hi) { /* the last entry whose key is <= key */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(ix->entries[mid].key, key) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && strcmp(ix->entries[lo - 1].key, key) == 0 ? ix->entries[lo - 1].item : NULL;
}

int subject_index_of_array(struct subject_index *ix, cJSON *array)
{
    cJSON *item;
    cJSON_ArrayForEach(item, array)
    {
        if (subject_index_add(ix, json_text(item, "subject"), json_text(item, "code"), item) != 0)
            return -1;
    }
    subject_index_sort(ix);
    return 0;
}

void subject_index_free(struct subject_index *ix)
{
    free(ix->entries);
    memset(ix, 0, sizeof *ix);
}
