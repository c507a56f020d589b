/* periods.h — the period_closures table: which periods are closed, since when, by whom. */
#ifndef THIDUA_STORE_PERIODS_H
#define THIDUA_STORE_PERIODS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "store/store.h"

/* 1 closed, 0 open, -1 on error. */
int periods_is_closed(struct store *st, const char *period);
/* The closure of a period as {period, closed_at, closed_by, reason}, or NULL when open. */
cJSON *periods_closure(struct store *st, const char *period);
/* Every closed period's code, in order. NULL on error. */
cJSON *periods_closed(struct store *st);
/* Records a closure (the caller holds the transaction). 0, or -1 on error. */
int periods_close(struct store *st, const char *period, const char *actor, const char *reason);
/* Removes a closure. 0, or -1 on error. */
int periods_reopen(struct store *st, const char *period);

#endif
