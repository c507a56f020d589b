/*
 * daemon.c — `thiduad serve`: opens the store, starts the HTTP server on one libevent loop,
 * and handles signals.
 *
 * SIGTERM and SIGINT stop accepting connections and let in-flight requests finish (up to
 * limits.shutdown_grace), then the loop ends and the process exits 0. SIGHUP reloads the
 * rules; a failed reload leaves the running rules serving. Signals arrive through libevent,
 * so handlers run on the loop like everything else and need no async-signal care.
 */
#include "daemon/daemon.h"

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "daemon/forker.h"
#include "daemon/notify.h"
#include "daemon/reload.h"
#include "daemon/writer.h"
#include "domain/token_usage.h"
#include "domain/ruleset.h"
#include "http/api.h"
#include "store/checkpointer.h"
#include "http/response_cache.h"
#include "http/server.h"
#include "lua/sandbox_process.h"
#include "util/descriptors.h"
#include "util/log.h"

/* How often the access log's waiting lines are written: at most this late. */
#define LOG_FLUSH_MS 100
/* What the response cache may hold: a department's evaluations many times over. */
#define RESPONSE_CACHE_BYTES ((size_t)64 << 20)

#define ERR_LEN 512
/* Descriptors the daemon needs besides its clients: the listener, the database and its
 * journal, the log, the event loop, outbound mail and SMS (Redis reserves 32). */
#define RESERVED_DESCRIPTORS 64

struct daemon {
    struct event_base *base;
    struct http_server *http;
    struct api api;
    struct ruleset rules;
    struct notifier *notifier;
    struct reloader *reloader;
    const struct config *config;
    struct token_usage *usage; /* tokens' last use, noted by the router */
    struct event *usage_timer; /* writes it once a minute */
    struct event *log_timer;   /* writes the access log's waiting lines */
    struct event *writes;      /* stores the submissions waiting as one group (http/writes.c) */
    struct writer *writer;     /* ... on a thread of its own (daemon/writer.c); may be NULL */
    struct store_checkpointer *checkpointer; /* the WAL's checkpoints, off the loop */
};

static void drained(void *arg)
{
    struct daemon *d = arg;
    log_info("all requests finished; stopping");
    event_base_loopexit(d->base, NULL);
}

static void on_stop_signal(evutil_socket_t sig, short events, void *arg)
{
    (void)events;
    struct daemon *d = arg;
    if (d->api.shutting_down) return;
    log_info("%s received: finishing %d open connection(s)", sig == SIGTERM ? "SIGTERM" : "SIGINT",
             http_server_connections(d->http));
    d->api.shutting_down = true;
    http_server_shutdown(d->http, drained, d);
}

static int start_reload(void *ctx, const char *actor, reload_done done, void *arg)
{
    struct daemon *d = ctx;
    writer_wait(d->writer); /* a reload may swap the rules a group in flight evaluates with */
    return reloader_start(d->reloader, actor, done, arg);
}

static void on_reload_signal(evutil_socket_t sig, short events, void *arg)
{
    (void)sig;
    (void)events;
    struct daemon *d = arg;
    log_info("SIGHUP received: reloading the rules from %s", d->rules.root);
    start_reload(d, RELOAD_BY_SIGNAL, NULL, NULL);
}

/* Submissions are waiting (http/writes.c): they are stored as one group once the loop has
 * read everything that has arrived (an active event runs after the ones already active). */
static void writes_ready(void *event)
{
    event_active(event, EV_TIMEOUT, 0);
}

static void on_writes(evutil_socket_t fd, short events, void *api)
{
    (void)fd;
    (void)events;
    api_writes_flush(api);
}

/* Submissions are stored in groups on the loop's turn (d->writes), each group's transaction
 * on the writer's thread when it has one (else on the loop). */
static int start_writes(struct daemon *d)
{
    d->writes = event_new(d->base, -1, 0, on_writes, &d->api);
    if (!d->writes) return -1;
    d->api.writes_ready = writes_ready;
    d->api.writes_ctx = d->writes;
    d->writer = writer_new(d->base, d->config->database);
    if (d->writer) {
        d->api.writes_run = writer_run;
        d->api.writes_run_ctx = d->writer;
    }
    return 0;
}

/* A reload has ended: the writes held meanwhile are handled, by the rules now serving. */
static void release_held(void *api)
{
    api_release_held(api);
}

/* The store, at the schema this build writes; *rc says why not (sysexits.h). */
static struct store *open_current_store(const struct config *cfg, int *rc)
{
    char err[ERR_LEN];
    struct store *st = store_open(cfg->database, err, sizeof err);
    *rc = EX_UNAVAILABLE;
    if (!st) {
        log_error("database: %s", err);
        return NULL;
    }
    *rc = EX_CONFIG; /* restarting will not migrate it */
    int version = store_schema_version(st);
    if (version == store_schema_latest()) return st;
    log_error("database %s is at schema version %d, this build needs %d: run `thiduad db %s`",
              cfg->database, version, store_schema_latest(), version == 0 ? "init" : "migrate");
    store_close(st);
    return NULL;
}

/* The first rules generation; the daemon does not start without one. */
static int load_first_rules(struct daemon *d, struct store *st)
{
    char err[ERR_LEN];
    if (ruleset_init(&d->rules, d->config->rules, err, sizeof err) != 0) {
        log_error("rules: %s", err);
        return -1;
    }
    d->rules.limits.reason_chars = d->config->limits.reason_chars;
    d->rules.limits.evaluation_bytes = d->config->limits.evaluation_bytes;
    d->rules.limits.eval_deadline_ms = (long)(d->config->limits.eval_deadline * 1000);
    d->rules.limits.load_deadline_ms = (long)(d->config->limits.load_deadline * 1000);
    /* Rule processes are forked by each generation's spawner, not by the daemon. */
    d->rules.prefork = true;
    struct rules_report report;
    int loaded = ruleset_reload(&d->rules, st, &report, NULL);
    rules_report_free(&report);
    if (loaded == 0) return 0;
    log_error("the rules in %s do not load; fix them (thiduad check) and start again",
              d->rules.root);
    return -1;
}

/* Once a minute: the tokens' last use, in one transaction (skipped while a reload holds the
 * write lock: the next minute writes it). */
static void on_usage_timer(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    struct daemon *d = arg;
    if (!d->rules.reloading && token_usage_flush(d->usage, d->api.store) != 0)
        log_warn("tokens: their last use could not be written (%s); trying again in a minute",
                 store_errmsg(d->api.store));
}

/* A few times a second: the access log's waiting lines (util/log.h, log_fields_batched),
 * and the rule processes that have exited since they answered (no <defunct> thiduad stays
 * in `ps` while the daemon is idle). */
static void on_log_timer(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    (void)arg;
    log_flush();
    sandbox_process_collect_exited();
}

static int start_log_flush(struct daemon *d)
{
    struct timeval every = {.tv_usec = LOG_FLUSH_MS * 1000};
    d->log_timer = event_new(d->base, -1, EV_PERSIST, on_log_timer, NULL);
    return d->log_timer && event_add(d->log_timer, &every) == 0 ? 0 : -1;
}

static int start_token_usage(struct daemon *d)
{
    struct timeval minute = {.tv_sec = TOKEN_USAGE_FLUSH_SECONDS};
    d->usage = token_usage_new();
    d->usage_timer = d->usage ? event_new(d->base, -1, EV_PERSIST, on_usage_timer, d) : NULL;
    if (!d->usage_timer || event_add(d->usage_timer, &minute) != 0) return -1;
    d->api.token_usage = d->usage;
    return 0;
}

/* Makes room in RLIMIT_NOFILE for every connection allowed plus the daemon's own files, as
 * far as the hard limit allows; says so when it cannot (accept then pauses on EMFILE). */
static void raise_descriptor_limit(const struct config_limits *limits)
{
    long wanted = (long)limits->connections + RESERVED_DESCRIPTORS;
    long got = descriptors_raise(wanted);
    if (got < wanted)
        log_warn("the descriptor limit is %ld, below the %ld that limits.connections = %d "
                 "needs; raise the hard limit (LimitNOFILE=, ulimit -Hn) or lower the cap",
                 got, wanted, limits->connections);
    else
        log_info("descriptor limit: %ld", got);
}

/* Runs the loop until a stop signal has drained the server. */
static void run_loop(struct daemon *d)
{
    static const int stop_signals[] = {SIGTERM, SIGINT};
    struct event *events[3] = {NULL};
    signal(SIGPIPE, SIG_IGN);
    for (size_t i = 0; i < 2; i++)
        events[i] = evsignal_new(d->base, stop_signals[i], on_stop_signal, d);
    events[2] = evsignal_new(d->base, SIGHUP, on_reload_signal, d);
    for (size_t i = 0; i < 3; i++)
        event_add(events[i], NULL);
    log_info("serving http://%s:%d/ (database %s)", d->config->listen_host,
             http_server_port(d->http), d->config->database);
    event_base_dispatch(d->base);
    for (size_t i = 0; i < 3; i++)
        event_free(events[i]);
}

int daemon_serve(const struct config *cfg)
{
    char err[ERR_LEN];
    int rc;
    struct daemon d = {.config = cfg};
    struct store *st = open_current_store(cfg, &rc);
    if (!st) goto done;
    rc = EX_CONFIG; /* the rules are configuration: a restart would fail the same way */
    if (load_first_rules(&d, st) != 0) goto done;
    rc = EX_OSERR;
    d.checkpointer = store_checkpointer_start(st, err, sizeof err);
    if (!d.checkpointer) log_warn("checkpoints stay in the commits: %s", err);
    d.api = (struct api){.store = st, .config = cfg, .rules = &d.rules};
    d.base = event_base_new();
    if (!d.base) {
        log_error("cannot create the event loop");
        goto done;
    }
    /* From here on, a thread beside the loop has its rule processes forked by the loop. */
    if (forker_start(d.base) != 0)
        log_warn("rule processes are forked by the thread that asks for them (no pipe to the "
                 "loop)");
    d.reloader = reloader_new(d.base, &d.rules, cfg->database, st, release_held, &d.api);
    if (!d.reloader) {
        log_error("cannot watch for rules reloads (out of memory or descriptors)");
        goto done;
    }
    d.api.reload_start = start_reload;
    d.api.reload_ctx = &d;
    if (start_writes(&d) != 0) {
        log_error("out of memory");
        goto done;
    }
    /* Repeated GETs of evaluations answered from memory (http/response_cache.h). */
    d.api.responses = response_cache_new(RESPONSE_CACHE_BYTES);
    if (start_token_usage(&d) != 0 || start_log_flush(&d) != 0) {
        log_error("out of memory");
        goto done;
    }
    raise_descriptor_limit(&cfg->limits);
    rc = EX_UNAVAILABLE; /* the address is taken or refused: a later start may succeed */
    d.http = http_server_start(d.base, cfg->listen_host, cfg->listen_port, &cfg->limits, api_handle,
                               &d.api, err, sizeof err);
    if (!d.http) {
        log_error("%s", err);
        goto done;
    }
    d.notifier = notifier_start(d.base, cfg, st, &d.rules);
    rc = EX_CONFIG; /* the channels' configuration */
    if (!d.notifier) {
        log_error("notifications cannot start (see above)");
        goto done;
    }
    run_loop(&d);
    log_info("stopped");
    rc = 0;
done:
    writer_free(d.writer); /* a group in flight commits and is answered first */
    api_writes_abandon(&d.api);
    http_server_free(d.http);
    forker_stop();             /* a reload's thread asking for a fork now fails, and ends */
    reloader_free(d.reloader); /* after the server: a reload's waiting client is gone */
    notifier_stop(d.notifier); /* after the reload: its last marks are written */
    if (d.usage_timer) event_free(d.usage_timer);
    if (d.log_timer) event_free(d.log_timer);
    if (d.writes) event_free(d.writes);
    log_flush();
    if (st) token_usage_flush(d.usage, st);
    token_usage_free(d.usage);
    response_cache_free(d.api.responses);
    if (d.base) event_base_free(d.base);
    ruleset_free(&d.rules);
    store_checkpointer_stop(d.checkpointer, st);
    store_close(st);
    return rc;
}
