/* notify.h — the daemon's notifications: the reminder pass and the outbox's sender on
 * timers of the event loop, with the channel plugins and the network they use. */
#ifndef THIDUA_DAEMON_NOTIFY_H
#define THIDUA_DAEMON_NOTIFY_H

#include "domain/ruleset.h"
#include "store/store.h"
#include "util/config.h"

struct event_base;
struct notifier;

/* Loads the channel plugins (problems are logged; a broken channel is off, the daemon
 * serves), queues again what a previous process left "sending", and starts the timers:
 * the reminder pass every minute, the sender every second. NULL when out of memory or the
 * network cannot be set up. */
struct notifier *notifier_start(struct event_base *base, const struct config *cfg, struct store *st,
                                struct ruleset *rules);
/* Stops the timers, cancels the sends in flight (they are queued again) and writes every
 * outcome. */
void notifier_stop(struct notifier *n);

/* `thiduad remind --send`: sends every queued message that is due, on a loop of its own,
 * until none is left or `timeout` seconds pass. 0, or -1 when the channels cannot be set
 * up. Outcomes are in the outbox. */
long notify_send_due(const struct config *cfg, struct store *st, double timeout);

#endif
