/* events.h — what other systems are told (report.submitted, report.late,
 * evaluation.changed, rules.reloaded): outbox messages for the webhook channel, queued in
 * the same transaction as the change they tell of. */
#ifndef THIDUA_DOMAIN_EVENTS_H
#define THIDUA_DOMAIN_EVENTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "store/store.h"

/* Events are queued only while a webhook channel is set up (the daemon and the commands
 * that write say so once they know their channels). */
void events_enable(bool on);
bool events_enabled(void);

/* Queues one event inside the caller's transaction: {"event", "at", ...payload} (payload
 * consumed). `unit` may be "". `once`, when not NULL, makes the event a one-off: a second
 * with the same `once` is not queued. 0 or -1. */
int events_queue(struct store *st, const char *event, const char *unit, const char *once,
                 cJSON *payload);

#endif
