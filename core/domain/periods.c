/*
 * periods.c — closing and reopening periods, each in one transaction with its audit line.
 *
 * What "closed" protects is enforced where results are written: submissions refuse a
 * closed period (domain/submission.c) and a rules reload skips it (domain/ruleset.c).
 * Reopening does not recompute: the period's results change again only when a unit writes
 * to it or the rules of its year are reloaded, each of which says who did it.
 */
#include "domain/periods.h"

#include <stdio.h>

#include "domain/audit_trail.h"
#include "store/audit.h"
#include "store/periods.h"
#include "util/json_print.h"

static enum period_change change(struct store *st, const char *period, const char *actor,
                                 const char *reason, bool close)
{
    if (store_begin(st) != 0) return PERIOD_BUSY;
    int closed = periods_is_closed(st, period);
    enum period_change result = closed < 0               ? PERIOD_BUSY
                                : (closed == 1) == close ? PERIOD_ALREADY
                                                         : PERIOD_CHANGED;
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "reason", reason ? reason : "");
    char *detail_text = json_print(detail);
    cJSON_Delete(detail);
    if (result == PERIOD_CHANGED &&
        ((close ? periods_close(st, period, actor, reason) : periods_reopen(st, period)) != 0 ||
         audit_append(st, actor, close ? "close" : "reopen", "period", period, detail_text) != 0))
        result = PERIOD_BUSY;
    cJSON_free(detail_text);
    if (result == PERIOD_CHANGED && store_commit(st) == 0) {
        audit_trail_log(actor, close ? "close" : "reopen", "period", period);
        return result;
    }
    store_rollback(st);
    return result == PERIOD_CHANGED ? PERIOD_BUSY : result;
}

enum period_change period_close(struct store *st, const char *period, const char *actor,
                                const char *reason)
{
    return change(st, period, actor, reason, true);
}

enum period_change period_reopen(struct store *st, const char *period, const char *actor,
                                 const char *reason)
{
    return change(st, period, actor, reason, false);
}

bool period_is_closed(struct store *st, const char *period)
{
    return periods_is_closed(st, period) != 0;
}

cJSON *period_closure(struct store *st, const char *period)
{
    return periods_closure(st, period);
}
