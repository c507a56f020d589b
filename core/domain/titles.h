/*
 * titles.h — the titles units and people held in the years before this system, recorded
 * so that the conditions spanning years (Bằng khen after two years, TTLDXS in a row) find
 * them. The years the system runs keep their titles in their year-end evaluations.
 */
#ifndef THIDUA_DOMAIN_TITLES_H
#define THIDUA_DOMAIN_TITLES_H

#include <stddef.h>

#include "store/store.h"

struct title_record {
    int year;
    const char *subject; /* "unit" or "person" */
    const char *code;
    const char *title;
};

/* Records n titles in one transaction with one audit line; a title already recorded is
 * kept. 0 with *added, or -1 with err (nothing written). */
int titles_put(struct store *st, const struct title_record *rows, size_t n, const char *actor,
               size_t *added, char *err, size_t errlen);

#endif
