/*
 * reload.c — a rules reload that never holds the serving loop (issue 9, finding 4).
 *
 * A reload loads every year (each load vetted in a child under the load deadline) and
 * recomputes every stored evaluation of the open periods whose rules changed: for a
 * province, seconds. It runs in a thread of its own with a SQLite connection of its own,
 * writing the recompute as one transaction; WAL lets the loop's connection go on reading
 * the last committed state meanwhile, so GET /healthz and the stored evaluations answer as
 * before. The loop is told through a pipe when the thread is done, joins it, and swaps the
 * new generations in (ruleset_reload_finish) in one turn: the swap is never half seen.
 *
 * The thread holds the database's write lock while it recomputes, and the rules it
 * recomputes with are not yet serving; so nothing else writes meanwhile: rs->reloading
 * makes the API hold each write (its connection waits, http/router.c) until the reload has
 * been swapped in or refused (`ended`), then handle it with the rules then serving; and
 * the reminder pass and the outbox's sender skip their turn.
 *
 * The thread reads rs (the serving years, to keep the unchanged ones) and changes nothing
 * in it; the loop changes nothing in rs until the thread has been joined.
 */
#include "daemon/reload.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/audit_trail.h"
#include "store/store.h"
#include "util/log.h"

struct reloader {
    struct event_base *base;
    struct ruleset *rs;
    char *database;
    int wake[2];         /* the thread writes a byte to wake[1] when it is done */
    struct event *woken; /* on the loop: wake[0] readable */
    pthread_t thread;    /* valid while rs->reloading, if threaded */
    bool threaded;
    struct ruleset_pending pending;
    reload_done done;
    void *done_arg;
    bool again;          /* a SIGHUP came while one ran */
    struct store *audit; /* the loop's connection: each reload's end is audited on it */
    char actor[128];     /* who asked for the reload running */
    void (*ended)(void *arg);
    void *ended_arg;
};

static void *prepare_thread(void *arg)
{
    struct reloader *r = arg;
    char err[512];
    struct store *st = store_open(r->database, err, sizeof err);
    if (st) {
        ruleset_reload_prepare(r->rs, st, &r->pending);
        store_close(st);
    } else {
        memset(&r->pending, 0, sizeof r->pending);
        r->pending.rc = -1;
        char line[600];
        snprintf(line, sizeof line, "cơ sở dữ liệu: %s", err);
        rules_report_add(&r->pending.report, line);
    }
    char byte = 'x';
    while (write(r->wake[1], &byte, 1) < 0 && errno == EINTR) {
    }
    return NULL;
}

/* Joins the thread and swaps its set in (or logs why not); tells the requester. */
static void finish(struct reloader *r)
{
    if (r->threaded) pthread_join(r->thread, NULL);
    struct rules_report report;
    long recomputed = 0;
    int rc = ruleset_reload_finish(r->rs, &r->pending, &report, &recomputed);
    r->rs->reloading = false;
    audit_trail_reload(r->audit, r->rs, r->actor, rc, report.problem_count, recomputed);
    reload_done done = r->done;
    void *arg = r->done_arg;
    r->done = NULL, r->done_arg = NULL;
    if (done) done(arg, rc, &report, recomputed);
    rules_report_free(&report);
    if (r->ended) r->ended(r->ended_arg);
}

static void on_woken(evutil_socket_t fd, short events, void *arg)
{
    (void)events;
    struct reloader *r = arg;
    char byte;
    if (read(fd, &byte, 1) != 1 || !r->rs->reloading) return;
    finish(r);
    if (r->again) {
        r->again = false;
        log_info("rules: reloading again for the SIGHUP that came during the last reload");
        reloader_start(r, RELOAD_BY_SIGNAL, NULL, NULL);
    }
}

struct reloader *reloader_new(struct event_base *base, struct ruleset *rs, const char *database,
                              struct store *audit, void (*ended)(void *arg), void *ended_arg)
{
    struct reloader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    *r = (struct reloader){.base = base,
                           .rs = rs,
                           .database = strdup(database),
                           .wake = {-1, -1},
                           .audit = audit,
                           .ended = ended,
                           .ended_arg = ended_arg};
    if (r->database && pipe2(r->wake, O_CLOEXEC) == 0)
        r->woken = event_new(base, r->wake[0], EV_READ | EV_PERSIST, on_woken, r);
    if (!r->woken || event_add(r->woken, NULL) != 0) {
        reloader_free(r);
        return NULL;
    }
    return r;
}

int reloader_start(struct reloader *r, const char *actor, reload_done done, void *arg)
{
    if (r->rs->reloading) {
        if (done) return -1;
        r->again = true;
        return 0;
    }
    r->done = done, r->done_arg = arg;
    snprintf(r->actor, sizeof r->actor, "%s", actor);
    r->rs->reloading = true;
    r->threaded = true;
    log_info("rules: reloading from %s (the loop keeps serving; writes wait for the swap)",
             r->rs->root);
    int rc = pthread_create(&r->thread, NULL, prepare_thread, r);
    if (rc == 0) return 0;
    /* No thread: the reload runs here, on the loop, as it did before; it ends as one in a
     * thread does, through the pipe. */
    log_warn("rules: no thread for the reload (%s); reloading on the loop", strerror(rc));
    r->threaded = false;
    prepare_thread(r);
    return 0;
}

void reloader_free(struct reloader *r)
{
    if (!r) return;
    if (r->rs->reloading) {
        char byte;
        if (r->threaded) pthread_join(r->thread, NULL);
        r->threaded = false;
        while (read(r->wake[0], &byte, 1) < 0 && errno == EINTR) {
        }
        finish(r);
    }
    if (r->woken) event_free(r->woken);
    for (int i = 0; i < 2; i++)
        if (r->wake[i] >= 0) close(r->wake[i]);
    free(r->database);
    free(r);
}
