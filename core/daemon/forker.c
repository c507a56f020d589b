/*
 * forker.c — every rule process of the daemon is forked by the loop thread, at a moment
 * when no thread of the daemon is halfway through an allocation (forker.h).
 *
 * A child gets a copy of the memory of every thread but runs only the one that forked: a
 * lock another thread held at that moment stays taken for ever in the child. glibc makes
 * its own malloc safe across a fork; an allocator under a sanitizer, or SQLite's mutexes,
 * are not. A reload's thread forked its rule processes while the loop served requests,
 * and a child of the ASan build waited for ever on a futex (test_rules_reload, which now
 * shows each process's wait channel when a reload does not answer).
 *
 * So a fork asked on the loop thread happens at once: the loop is running our code, not
 * inside an allocation. One asked from another thread is handed to the loop through a
 * pipe, and the asking thread waits until the loop has forked, between two events. The
 * fork holds the quiet lock (util/fork_quiet.h), so the checkpointer is not inside SQLite
 * meanwhile. The threads that send mail are left out: they spend seconds waiting on the
 * network, which a fork must not wait for, and allocate only between those waits.
 */
#include "daemon/forker.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <unistd.h>

#include "lua/sandbox_process.h"
#include "util/fork_quiet.h"

/* A fork asked from another thread: filled in by the loop. */
struct request {
    void (*child)(void *);
    void *arg;
    pid_t pid;
    int error;
    bool done;
};

static struct {
    bool running;
    pthread_t loop;
    int wake[2];
    struct event *woken;
    pthread_mutex_t lock;
    pthread_cond_t changed;  /* a request was taken or answered, or the forker stopped */
    struct request *pending; /* one at a time */
    bool stopping;
} forker = {
    .wake = {-1, -1}, .lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

static pid_t fork_here(void (*child)(void *), void *arg)
{
    fork_quiet_enter();
    pid_t pid = fork();
    if (pid == 0) child(arg); /* does not return */
    int error = errno;
    fork_quiet_leave();
    errno = error;
    return pid;
}

static pid_t fork_on_loop(void (*child)(void *), void *arg)
{
    if (pthread_equal(pthread_self(), forker.loop)) return fork_here(child, arg);
    struct request r = {.child = child, .arg = arg, .pid = -1};
    pthread_mutex_lock(&forker.lock);
    while (forker.pending && !forker.stopping) /* one request at a time */
        pthread_cond_wait(&forker.changed, &forker.lock);
    if (forker.stopping) {
        r.error = ECANCELED;
    } else {
        forker.pending = &r;
        if (write(forker.wake[1], "f", 1) != 1) {
            forker.pending = NULL;
            r.error = errno ? errno : EIO;
        }
        while (!r.done && !r.error) {
            if (forker.stopping && forker.pending == &r) { /* the loop is gone */
                forker.pending = NULL;
                r.error = ECANCELED;
                break;
            }
            pthread_cond_wait(&forker.changed, &forker.lock);
        }
    }
    pthread_cond_broadcast(&forker.changed);
    pthread_mutex_unlock(&forker.lock);
    errno = r.error;
    return r.done ? r.pid : -1;
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
    (void)what, (void)arg;
    char bytes[16];
    while (read(fd, bytes, sizeof bytes) > 0) {
    }
    pthread_mutex_lock(&forker.lock);
    struct request *r = forker.pending;
    forker.pending = NULL;
    pthread_cond_broadcast(&forker.changed);
    pthread_mutex_unlock(&forker.lock);
    if (!r) return;
    pid_t pid = fork_here(r->child, r->arg);
    int error = errno;
    pthread_mutex_lock(&forker.lock);
    r->pid = pid;
    r->error = pid < 0 ? error : 0;
    r->done = pid >= 0;
    pthread_cond_broadcast(&forker.changed);
    pthread_mutex_unlock(&forker.lock);
}

int forker_start(struct event_base *base)
{
    if (pipe2(forker.wake, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    forker.woken = event_new(base, forker.wake[0], EV_READ | EV_PERSIST, on_wake, NULL);
    if (!forker.woken || event_add(forker.woken, NULL) != 0) {
        if (forker.woken) event_free(forker.woken);
        close(forker.wake[0]);
        close(forker.wake[1]);
        forker.woken = NULL;
        return -1;
    }
    forker.loop = pthread_self();
    forker.running = true;
    sandbox_process_set_forker(fork_on_loop);
    return 0;
}

void forker_stop(void)
{
    if (!forker.running) return;
    pthread_mutex_lock(&forker.lock);
    forker.stopping = true;
    pthread_cond_broadcast(&forker.changed);
    event_free(forker.woken);
    forker.woken = NULL;
    close(forker.wake[0]);
    close(forker.wake[1]);
    pthread_mutex_unlock(&forker.lock);
}
