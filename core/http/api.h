/* api.h — the HTTP API as the daemon starts it: the context every handler shares, and the
 * http_handler that routes a request to its handler. */
#ifndef THIDUA_HTTP_API_H
#define THIDUA_HTTP_API_H

#include <stdbool.h>

#include "domain/ruleset.h"
#include "http/server.h"
#include "store/store.h"
#include "util/config.h"

struct api {
    struct store *store;
    const struct config *config;
    struct ruleset *rules; /* the rules in service; rules->active may be NULL */
    bool shutting_down;
    /* Starts a rules reload off the loop (daemon/reload.c): done(arg, ...) is called on the
     * loop when it has ended; -1 (done never called) when one runs already. NULL: a reload
     * runs inside its request, on the loop. `actor` (the token's name) is audited. */
    int (*reload_start)(void *ctx, const char *actor,
                        void (*done)(void *arg, int rc, struct rules_report *report,
                                     long recomputed),
                        void *arg);
    void *reload_ctx;
    struct token_usage *token_usage;  /* tokens' last use, flushed by the daemon; may be NULL */
    struct response_cache *responses; /* kept answers (http/response_cache.h); may be NULL */
    /* Writes that came while a reload held the write lock, oldest first: each is handled
     * once the reload has ended (api_release_held). */
    struct api_held *held_first, *held_last;
    /* Submissions waiting for the next group commit (http/writes.h), oldest first, and how
     * the daemon is told there are some: writes_ready(writes_ctx) makes the loop call
     * api_writes_flush once it has read what has arrived. NULL: each submission is stored
     * on its own, inside its request. */
    struct api_write *writes_first, *writes_last;
    void (*writes_ready)(void *ctx);
    void *writes_ctx;
    /* Where a group's transaction runs (daemon/writer.c): writes_run(ctx, work, done, job)
     * runs work(job, st) on a thread with a connection of its own, then done(job) on the
     * loop; false when it cannot (the group is stored on the loop). NULL: on the loop. One
     * group is in flight at a time. */
    bool (*writes_run)(void *ctx, void (*work)(void *job, struct store *st),
                       void (*done)(void *job), void *job);
    void *writes_run_ctx;
    bool writes_in_flight;
};

/* Stores one group of the submissions waiting (http/writes.h) and answers their clients;
 * asks for another call (writes_ready) while some are left. What the daemon calls when
 * writes_ready has been said, and after a reload (writes wait while one runs). */
void api_writes_flush(struct api *api);
/* Answers 503 to every submission still waiting (the daemon is stopping without a loop to
 * store them on). */
void api_writes_abandon(struct api *api);

/* Handles the writes held during a reload, in the order they came, and answers each: what
 * the daemon calls once a reload has been swapped in or refused. */
void api_release_held(struct api *api);

/* The http_handler for the daemon: ctx is a struct api. */
void api_handle(const struct http_request *req, struct http_response *resp, void *ctx);

#endif
