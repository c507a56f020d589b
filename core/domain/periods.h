/*
 * periods.h — closing a period: its results become records. A closed period's stored
 * evaluations never change (no reload, no move of people or units recomputes them) and
 * every write to it is refused; reopening takes a reason. Both are audited.
 */
#ifndef THIDUA_DOMAIN_PERIODS_H
#define THIDUA_DOMAIN_PERIODS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "store/store.h"

enum period_change {
    PERIOD_CHANGED,
    PERIOD_ALREADY, /* closing a closed period, or reopening an open one */
    PERIOD_BUSY,    /* the database refused: nothing changed */
};

enum period_change period_close(struct store *st, const char *period, const char *actor,
                                const char *reason);
/* reason is required by the callers (the record says why it was reopened). */
enum period_change period_reopen(struct store *st, const char *period, const char *actor,
                                 const char *reason);
/* True when closed (or when the database cannot say: a write then waits for a clear answer). */
bool period_is_closed(struct store *st, const char *period);
/* {period, closed_at, closed_by, reason} of a closed period, or NULL when open. */
cJSON *period_closure(struct store *st, const char *period);

#endif
