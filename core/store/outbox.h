/* outbox.h — the outbox table: notifications queued, sent, failed, each once per key. */
#ifndef THIDUA_STORE_OUTBOX_H
#define THIDUA_STORE_OUTBOX_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "store/store.h"

/* Statuses a message goes through. */
#define OUTBOX_QUEUED    "queued"
#define OUTBOX_SENDING   "sending"
#define OUTBOX_SENT      "sent"
#define OUTBOX_FAILED    "failed"
#define OUTBOX_CANCELLED "cancelled"

struct outbox_message {
    const char *key; /* recipient|deadline|step|channel: UNIQUE */
    const char *unit, *channel, *recipient, *role, *deadline, *step, *subject, *body;
    const char *send_at; /* local "YYYY-MM-DDTHH:MM" */
};

/* Queues a message unless its key is already in the outbox. 0 (with *inserted) or -1. */
int outbox_insert(struct store *st, const struct outbox_message *m, bool *inserted);
/* Messages (newest first), filtered by status and unit when not NULL: [{id, key, unit,
 * channel, recipient, role, deadline, step, subject, body, send_at, status, attempts,
 * next_try, last_error, segments, created_at, sent_at}]. */
cJSON *outbox_list(struct store *st, const char *status, const char *unit, int limit);
/* Queued messages whose time has come (next_try <= now), oldest first. */
cJSON *outbox_due(struct store *st, const char *now, int limit);
/* One message by id, or NULL. */
cJSON *outbox_get(struct store *st, long long id);
/* Moves a message to `status`, recording the attempt: error (NULL when none), the next try
 * (for a retry), the segments billed (0: unknown), and sent_at for "sent". 0 or -1. */
int outbox_update(struct store *st, long long id, const char *status, int attempts,
                  const char *error, const char *next_try, int segments, const char *sent_at);
/* Messages left "sending" by a daemon that died go back to "queued". Returns how many. */
long outbox_requeue_sending(struct store *st);
/* How many messages have a status, by channel: {channel: count}. */
cJSON *outbox_counts(struct store *st, const char *status);

#endif
