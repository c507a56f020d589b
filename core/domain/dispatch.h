/* dispatch.h — sending the outbox: due messages out through their channels, retried with
 * backoff, and every outcome written back. */
#ifndef THIDUA_DOMAIN_DISPATCH_H
#define THIDUA_DOMAIN_DISPATCH_H

#include <stddef.h>

#include "lua/plugins.h"
#include "store/store.h"

/* How hard to try. */
struct dispatch_policy {
    int max_attempts;     /* then "failed", visible and re-queueable */
    double first_backoff; /* seconds before the second attempt; doubles each time */
    double max_backoff;   /* seconds */
    int batch;            /* messages started per run (small: requests are served between
                             runs) */
    size_t max_in_flight; /* sends running at once */
};
void dispatch_policy_default(struct dispatch_policy *policy);

struct dispatcher;

/* A dispatcher on a store and the loaded channels. Messages left "sending" by a process
 * that died are queued again first (they go out again with the same idempotency key). */
struct dispatcher *dispatcher_new(struct store *st, struct plugins *pl,
                                  const struct dispatch_policy *policy);
/* Writes what is pending, then frees. Sends still running must have ended (plugins and
 * the network freed first, which ends them). */
void dispatcher_free(struct dispatcher *d);

/* Called when a send ends and there is room for another: the loop should call
 * dispatcher_run soon (once for many ends: it is a hint, not a command). */
void dispatcher_set_wake(struct dispatcher *d, void (*wake)(void *arg), void *arg);

/* Starts the queued messages whose time has come (local time now). Returns how many
 * started; outcomes arrive through the channels' callbacks. */
size_t dispatcher_run(struct dispatcher *d);
/* Writes the outcomes received since the last flush, in one transaction. */
void dispatcher_flush(struct dispatcher *d);
size_t dispatcher_in_flight(const struct dispatcher *d);
/* Outcomes received and not yet written. */
size_t dispatcher_pending(const struct dispatcher *d);

#endif
