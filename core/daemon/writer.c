/*
 * writer.c — a group of submissions stored off the serving loop.
 *
 * A group commit (http/writes.c) holds the database's write lock while the rule process
 * that checks the group's facts and evaluates its units works, then waits for its fsync:
 * milliseconds per group, tens of them for a province's units. Run on the loop, every GET
 * waited for it: with four clients submitting on the demo department, a GET of a stored
 * evaluation took 17 ms instead of 0.4 ms and the loop answered 570 of them a second
 * instead of 26,000. So a group's transaction runs in a thread, on a SQLite connection of
 * its own (WAL: the loop's connection goes on reading the last committed state), and the
 * loop is told through a pipe when it has committed; only then are the clients answered,
 * on the loop, so nothing is acknowledged before it is durable. One group at a time: the
 * next one is taken when this one is done, as before.
 *
 * The thread only touches what the group hands it and its own connection; the rules it
 * evaluates with are the serving ones, which only the loop changes, and never while a
 * group is in flight (the daemon waits for it before starting a reload). Its rule
 * processes come from the generation's spawner; one it must fork itself is forked by the
 * loop (daemon/forker.c), which is free meanwhile.
 */
#include "daemon/writer.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "util/log.h"

struct writer {
    struct store *st;
    int wake[2];         /* the thread writes a byte to wake[1] when its group is done */
    struct event *woken; /* on the loop: wake[0] readable */
    pthread_t thread;
    bool busy;   /* a group is in flight: its done has not run */
    bool joined; /* ... and its thread has ended (writer_wait) */
    void (*work)(void *job, struct store *st);
    void (*done)(void *job);
    void *job;
};

static void *work_thread(void *arg)
{
    struct writer *w = arg;
    w->work(w->job, w->st);
    char byte = 'x';
    while (write(w->wake[1], &byte, 1) < 0 && errno == EINTR) {
    }
    return NULL;
}

/* Joins the thread whose byte has been read (unless writer_wait has) and runs the group's
 * done. */
static void finish(struct writer *w)
{
    if (!w->joined) pthread_join(w->thread, NULL);
    w->busy = w->joined = false;
    void (*done)(void *) = w->done;
    void *job = w->job;
    w->work = NULL, w->done = NULL, w->job = NULL;
    done(job);
}

static void on_woken(evutil_socket_t fd, short events, void *arg)
{
    (void)events;
    struct writer *w = arg;
    char byte;
    if (read(fd, &byte, 1) != 1 || !w->busy) return;
    finish(w);
}

struct writer *writer_new(struct event_base *base, const char *database)
{
    struct writer *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->wake[0] = w->wake[1] = -1;
    char err[512];
    w->st = store_open(database, err, sizeof err);
    if (!w->st) {
        log_warn("submissions are stored on the serving loop: %s", err);
        free(w);
        return NULL;
    }
    if (pipe2(w->wake, O_CLOEXEC) == 0)
        w->woken = event_new(base, w->wake[0], EV_READ | EV_PERSIST, on_woken, w);
    if (!w->woken || event_add(w->woken, NULL) != 0) {
        log_warn("submissions are stored on the serving loop (no pipe to it)");
        writer_free(w);
        return NULL;
    }
    return w;
}

bool writer_run(void *writer, void (*work)(void *job, struct store *st), void (*done)(void *job),
                void *job)
{
    struct writer *w = writer;
    if (w->busy) return false;
    w->work = work, w->done = done, w->job = job;
    int rc = pthread_create(&w->thread, NULL, work_thread, w);
    if (rc != 0) {
        log_warn("no thread for a group of submissions (%s): stored on the loop", strerror(rc));
        w->work = NULL, w->done = NULL, w->job = NULL;
        return false;
    }
    w->busy = true;
    return true;
}

void writer_wait(struct writer *w)
{
    if (!w || !w->busy || w->joined) return;
    pthread_join(w->thread, NULL);
    w->joined = true;
}

void writer_free(struct writer *w)
{
    if (!w) return;
    if (w->busy) { /* its byte is in the pipe, or about to be: the group ends here */
        char byte;
        while (read(w->wake[0], &byte, 1) < 0 && errno == EINTR) {
        }
        finish(w);
    }
    if (w->woken) event_free(w->woken);
    for (int i = 0; i < 2; i++)
        if (w->wake[i] >= 0) close(w->wake[i]);
    store_close(w->st);
    free(w);
}
