/* outbox.c — an administrator's changes to the outbox, each in one transaction with its
 * audit line. A sent message stays sent: the record of what went out does not change. */
#include "domain/outbox.h"

#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "store/outbox.h"
#include "util/clock.h"

static bool status_in(const cJSON *m, const char *a, const char *b)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(m, "status");
    return cJSON_IsString(s) && (strcmp(s->valuestring, a) == 0 || strcmp(s->valuestring, b) == 0);
}

static enum outbox_change change(struct store *st, long long id, const char *actor, bool retry)
{
    if (store_begin(st) != 0) return OUTBOX_BUSY;
    cJSON *m = outbox_get(st, id);
    enum outbox_change result = OUTBOX_CHANGED;
    if (!m)
        result = OUTBOX_NOT_FOUND;
    else if (retry ? !status_in(m, OUTBOX_FAILED, OUTBOX_CANCELLED)
                   : !status_in(m, OUTBOX_QUEUED, OUTBOX_FAILED))
        result = OUTBOX_NOT_NOW;
    char now[CLOCK_MOMENT_LEN], code[32];
    clock_moment(0, now);
    snprintf(code, sizeof code, "%lld", id);
    if (result == OUTBOX_CHANGED &&
        (outbox_update(st, id, retry ? OUTBOX_QUEUED : OUTBOX_CANCELLED, 0, NULL,
                       retry ? now : NULL, 0, NULL) != 0 ||
         audit_append(st, actor, retry ? "retry" : "cancel", "outbox", code, NULL) != 0))
        result = OUTBOX_BUSY;
    cJSON_Delete(m);
    if (result == OUTBOX_CHANGED && store_commit(st) == 0) return result;
    store_rollback(st);
    return result == OUTBOX_CHANGED ? OUTBOX_BUSY : result;
}

enum outbox_change outbox_retry(struct store *st, long long id, const char *actor)
{
    return change(st, id, actor, true);
}

enum outbox_change outbox_cancel(struct store *st, long long id, const char *actor)
{
    return change(st, id, actor, false);
}
