/*
 * daemon.c — `thiduad serve`: opens the store, starts the HTTP server on one libevent loop,
 * and handles signals.
 *
 * SIGTERM and SIGINT stop accepting connections and let in-flight requests finish (up to
 * limits.shutdown_grace), then the loop ends and the process exits 0. SIGHUP reloads the
 * rules; a failed reload leaves the running rules serving. Signals arrive through libevent,
 * so handlers run on the loop like everything else and need no async-signal care.
 */
#include "daemon.h"

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "http.h"
#include "log.h"
#include "ruleset.h"
#include "store.h"

struct daemon {
    struct event_base *base;
    struct http_server *http;
    struct api api;
    struct ruleset rules;
    const struct config *config;
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

static void on_reload_signal(evutil_socket_t sig, short events, void *arg)
{
    (void)sig;
    (void)events;
    struct daemon *d = arg;
    log_info("SIGHUP received: reloading the rules from %s", d->rules.dir);
    struct rules_report report;
    ruleset_reload(&d->rules, d->api.store, &report, NULL);
    rules_report_free(&report);
}

int daemon_serve(const struct config *cfg)
{
    char err[512];
    struct daemon d = {.config = cfg};
    struct store *st = store_open(cfg->database, err, sizeof err);
    if (!st) {
        log_error("database: %s", err);
        return 1;
    }
    int version = store_schema_version(st);
    if (version != store_schema_latest()) {
        log_error("database %s is at schema version %d, this build needs %d: run `thiduad db %s`",
                  cfg->database, version, store_schema_latest(), version == 0 ? "init" : "migrate");
        store_close(st);
        return 1;
    }
    if (ruleset_init(&d.rules, cfg->rules, err, sizeof err) != 0) {
        log_error("rules: %s", err);
        store_close(st);
        return 1;
    }
    struct rules_report report;
    int loaded = ruleset_reload(&d.rules, st, &report, NULL);
    rules_report_free(&report);
    if (loaded != 0) {
        log_error("the rules in %s do not load; fix them (thiduad check) and start again",
                  d.rules.dir);
        ruleset_free(&d.rules);
        store_close(st);
        return 1;
    }
    d.api = (struct api){.store = st, .config = cfg, .rules = &d.rules};
    d.base = event_base_new();
    if (!d.base) {
        log_error("cannot create the event loop");
        ruleset_free(&d.rules);
        store_close(st);
        return 1;
    }
    d.http = http_server_start(d.base, cfg->listen_host, cfg->listen_port, &cfg->limits, api_handle,
                               &d.api, err, sizeof err);
    if (!d.http) {
        log_error("%s", err);
        event_base_free(d.base);
        ruleset_free(&d.rules);
        store_close(st);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    struct event *term = evsignal_new(d.base, SIGTERM, on_stop_signal, &d);
    struct event *intr = evsignal_new(d.base, SIGINT, on_stop_signal, &d);
    struct event *hup = evsignal_new(d.base, SIGHUP, on_reload_signal, &d);
    event_add(term, NULL);
    event_add(intr, NULL);
    event_add(hup, NULL);

    log_info("serving http://%s:%d/ (database %s)", cfg->listen_host, http_server_port(d.http),
             cfg->database);
    event_base_dispatch(d.base);

    event_free(term);
    event_free(intr);
    event_free(hup);
    http_server_free(d.http);
    event_base_free(d.base);
    ruleset_free(&d.rules);
    store_close(st);
    log_info("stopped");
    return 0;
}
