/* vettings.h — the rules_vettings table: the keys of the rules' vettings that passed
 * (rules/vetting.c), so a command that reads the rules does not run the same self-tests
 * again the same day. A memory, not a record: no audit line, rows of past days pruned. */
#ifndef THIDUA_STORE_VETTINGS_H
#define THIDUA_STORE_VETTINGS_H

#include <stdbool.h>

#include "store/store.h"

/* Whether a vetting with this key passed. */
bool vettings_known(struct store *st, const char *key);
/* Remembers that it did (its own statement: the caller holds no transaction), and forgets
 * the vettings of days before today, whose keys can no longer match. 0 or -1. */
int vettings_remember(struct store *st, const char *key);

#endif
