/* subject_index.h — JSON objects found by (subject, code) in O(log n): the lookups the
 * nomination files and the registered-against-achieved summary make over a whole province
 * (cJSON's own object lookup is linear, which over 50,000 people would be quadratic). */
#ifndef THIDUA_DOMAIN_SUBJECT_INDEX_H
#define THIDUA_DOMAIN_SUBJECT_INDEX_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct subject_index {
    struct subject_entry {
        char key[80]; /* "unit/VP", "person/CB0001" */
        cJSON *item;  /* not owned */
    } * entries;
    size_t count, capacity;
    int sorted;
};

/* Files item under (subject, code); call subject_index_sort before finding. A later item
 * with the same key is found in place of an earlier one. 0, or -1 out of memory. */
int subject_index_add(struct subject_index *ix, const char *subject, const char *code, cJSON *item);
void subject_index_sort(struct subject_index *ix);
/* The item under (subject, code), or NULL. */
cJSON *subject_index_find(const struct subject_index *ix, const char *subject, const char *code);
/* Every item of an array filed under its own "subject" and "code" fields. */
int subject_index_of_array(struct subject_index *ix, cJSON *array);
void subject_index_free(struct subject_index *ix);

#endif
