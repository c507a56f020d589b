/*
 * notify.c — notifications on the event loop. Two timers: every minute the reminder pass
 * queues what the ruleset's reminders ask for at that moment (the outbox's keys keep each
 * step to one message), and every second the dispatcher sends what is due through the
 * channel plugins, whose network transfers run on this same loop (net/). Nothing here
 * blocks: a slow SMTP server or gateway only holds its own transfer.
 */
#include "daemon/notify.h"

#include <event2/event.h>
#include <stdlib.h>

#include "domain/dispatch.h"
#include "domain/events.h"
#include "domain/reminders.h"
#include "lua/plugins.h"
#include "net/net.h"
#include "store/channel_state.h"
#include "util/log.h"

#define REMIND_EVERY_SECONDS   60
#define DISPATCH_EVERY_SECONDS 1
#define ERR_LEN                1024
#define WAKE_AFTER_USEC        10000  /* the sender runs again 10 ms after a send ends */
#define POLL_USEC              100000 /* remind --send checks for the end every 0.1 s */

struct notifier {
    struct event_base *base;
    const struct config *cfg;
    struct store *st;
    struct ruleset *rules;
    struct net *net;
    struct plugins *plugins;
    struct dispatcher *dispatcher;
    struct event *remind_timer, *dispatch_timer;
    struct event *wake; /* a send ended: run the sender again on this loop turn */
};

static char *state_get(void *ctx, const char *channel, const char *key)
{
    return channel_state_get(ctx, channel, key);
}

static int state_set(void *ctx, const char *channel, const char *key, const char *value)
{
    return channel_state_set(ctx, channel, key, value);
}

/* The channel plugins, keeping their state in the database. */
static struct plugins *load_plugins(const struct config *cfg, struct net *net, struct store *st)
{
    struct plugins_report report;
    struct plugins *pl = plugins_load(cfg->plugins, cfg->path, cfg->channels, net, &report);
    const struct plugin_state state = {state_get, state_set, st};
    plugins_set_state(pl, &state);
    for (size_t i = 0; i < report.count; i++)
        log_warn("channels: %s", report.problems[i]);
    plugins_report_free(&report);
    return pl;
}

static void on_remind(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    struct notifier *n = arg;
    /* A reload holds the write lock: the pass waits for its next turn. */
    if (!ruleset_loaded(n->rules) || n->rules->reloading) return;
    char now[REMINDER_MOMENT_LEN], err[ERR_LEN];
    reminders_now(now);
    cJSON *channels = plugins_channels(n->plugins);
    struct reminder_pass pass;
    if (reminders_run(n->st, n->rules, now, channels, true, &pass, err, sizeof err) != 0) {
        log_error("reminders at %s: %s", now, err);
    } else {
        if (pass.queued) log_info("reminders at %s: %zu message(s) queued", now, pass.queued);
        reminder_pass_free(&pass);
    }
    cJSON_Delete(channels);
    dispatcher_run(n->dispatcher);
}

static void on_dispatch(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    struct notifier *n = arg;
    if (n->rules && n->rules->reloading) return; /* the marks it writes wait for the swap */
    dispatcher_run(n->dispatcher);
    dispatcher_flush(n->dispatcher);
}

/* Sends end in bursts: one run of the sender a few milliseconds later serves them all, and
 * the loop keeps most of its time for requests. */
static void wake_dispatcher(void *arg)
{
    struct notifier *n = arg;
    struct timeval soon = {0, WAKE_AFTER_USEC};
    if (!event_pending(n->wake, EV_TIMEOUT, NULL)) event_add(n->wake, &soon);
}

static struct event *every(struct event_base *base, int seconds, event_callback_fn fn, void *arg)
{
    struct event *ev = event_new(base, -1, EV_PERSIST, fn, arg);
    struct timeval tv = {seconds, 0};
    if (ev) event_add(ev, &tv);
    return ev;
}

struct notifier *notifier_start(struct event_base *base, const struct config *cfg, struct store *st,
                                struct ruleset *rules)
{
    char err[ERR_LEN];
    struct notifier *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    *n = (struct notifier){.base = base, .cfg = cfg, .st = st, .rules = rules};
    n->net = net_new(base, err, sizeof err);
    if (!n->net) {
        log_error("network: %s", err);
        free(n);
        return NULL;
    }
    n->plugins = load_plugins(cfg, n->net, st);
    events_enable(plugins_available(n->plugins, "webhook"));
    n->dispatcher = n->plugins ? dispatcher_new(st, n->plugins, NULL) : NULL;
    if (!n->dispatcher) {
        notifier_stop(n);
        return NULL;
    }
    n->wake = event_new(base, -1, 0, on_dispatch, n);
    if (n->wake) dispatcher_set_wake(n->dispatcher, wake_dispatcher, n);
    n->remind_timer = every(base, REMIND_EVERY_SECONDS, on_remind, n);
    n->dispatch_timer = every(base, DISPATCH_EVERY_SECONDS, on_dispatch, n);
    /* A pass at start, once the loop runs: what came due while the daemon was down. */
    if (n->remind_timer) event_active(n->remind_timer, EV_TIMEOUT, 0);
    return n;
}

void notifier_stop(struct notifier *n)
{
    if (!n) return;
    if (n->remind_timer) event_free(n->remind_timer);
    if (n->dispatch_timer) event_free(n->dispatch_timer);
    if (n->dispatcher) dispatcher_set_wake(n->dispatcher, NULL, NULL);
    if (n->wake) event_free(n->wake);
    net_free(n->net); /* sends in flight end as retryable failures: queued again */
    if (n->dispatcher) dispatcher_flush(n->dispatcher);
    dispatcher_free(n->dispatcher);
    plugins_free(n->plugins);
    free(n);
}

/* ---- remind --send ------------------------------------------------------------------ */

struct one_shot {
    struct dispatcher *dispatcher;
    struct event_base *base;
};

static void on_poll(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    struct one_shot *o = arg;
    dispatcher_flush(o->dispatcher);
    if (dispatcher_in_flight(o->dispatcher) == 0 && dispatcher_run(o->dispatcher) == 0 &&
        dispatcher_in_flight(o->dispatcher) == 0)
        event_base_loopbreak(o->base);
}

long notify_send_due(const struct config *cfg, struct store *st, double timeout)
{
    char err[ERR_LEN];
    struct event_base *base = event_base_new();
    struct net *net = base ? net_new(base, err, sizeof err) : NULL;
    struct plugins *pl = net ? load_plugins(cfg, net, st) : NULL;
    struct dispatcher *d = pl ? dispatcher_new(st, pl, NULL) : NULL;
    long rc = -1;
    if (d) {
        struct one_shot o = {.dispatcher = d, .base = base};
        dispatcher_run(d);
        struct event *poll = event_new(base, -1, EV_PERSIST, on_poll, &o);
        struct timeval tick = {0, POLL_USEC};
        event_add(poll, &tick);
        struct timeval limit = {(time_t)timeout, 0};
        event_base_loopexit(base, &limit);
        event_base_dispatch(base);
        event_free(poll);
        rc = 0;
    }
    net_free(net);
    dispatcher_free(d);
    plugins_free(pl);
    if (base) event_base_free(base);
    return rc;
}
