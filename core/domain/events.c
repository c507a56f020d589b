/*
 * events.c — events for other systems, through the outbox like every notification: the
 * webhook plugin posts each, signed, and retries it like any message. An event's key is
 * unique (the event, its subject, when it happened and a counter), or a caller's `once`
 * for events that must be told a single time (a unit becoming late).
 */
#include "domain/events.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/outbox.h"
#include "util/clock.h"
#include "util/json_print.h"

#define KEY_LEN 256

static bool enabled;
static unsigned long counter; /* tells apart events of the same second */

void events_enable(bool on)
{
    enabled = on;
}

bool events_enabled(void)
{
    return enabled;
}

int events_queue(struct store *st, const char *event, const char *unit, const char *once,
                 cJSON *payload)
{
    if (!enabled) {
        cJSON_Delete(payload);
        return 0;
    }
    char now[CLOCK_ISO_LEN], key[KEY_LEN], moment[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    snprintf(moment, sizeof moment, "%.16s", now); /* due at once: "YYYY-MM-DDTHH:MM" */
    if (once)
        snprintf(key, sizeof key, "event|%s|%s", event, once);
    else
        snprintf(key, sizeof key, "event|%s|%s|%s|%lu", event, unit, now, ++counter);
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "event", event);
    cJSON_AddStringToObject(body, "at", now);
    for (cJSON *item = payload ? payload->child : NULL; item; item = payload->child)
        cJSON_AddItemToObject(body, item->string, cJSON_DetachItemViaPointer(payload, item));
    cJSON_Delete(payload);
    char *text = json_print(body);
    cJSON_Delete(body);
    if (!text) return -1;
    struct outbox_message m = {key,     unit,  "webhook", "webhook", "system",
                               "event", event, event,     text,      moment};
    bool inserted;
    int rc = outbox_insert(st, &m, &inserted);
    free(text);
    return rc;
}
