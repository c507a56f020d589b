/*
 * titles.h — the titles units and people held in past years: those imported for the years
 * before this system (titles_awarded), and those of each year's stored year-end
 * evaluations. The conditions spanning years (Bằng khen after two years, TTLDXS in a row)
 * read them.
 */
#ifndef THIDUA_STORE_TITLES_H
#define THIDUA_STORE_TITLES_H

#include <cjson/cJSON.h>

#include "store/store.h"

/* How many years back the history given to the rules reaches. */
#define TITLES_HISTORY_YEARS 10

/* Records that a subject held a title in a year (the caller holds the transaction); a row
 * already there is kept. 1 when added, 0 when it was there, -1 on error. */
int titles_record(struct store *st, int year, const char *subject, const char *code,
                  const char *title, const char *source);

/* Adds "history": {"2024": ["CSTDCS", "LDTT"], ...} (years before `year`, titles in
 * order) to the unit's input object and to each member's ({code, ...}). 0 or -1. */
int titles_attach_history(struct store *st, int year, cJSON *unit, cJSON *members);

#endif
