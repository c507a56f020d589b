/*
 * smtp_worker.c — SMTP transfers on a few worker threads. libcurl (Debian 12's 7.88) blocks
 * inside an SMTP transfer's last step, waiting for the server's answer to the end of the
 * message (curl/curl#8555), and again on QUIT when a handle is removed (curl/curl#4015):
 * on the event loop, one slow mail server would freeze the whole daemon. So an SMTP
 * transfer runs with curl_easy_perform on a worker, and its end is posted back to the loop
 * through the net's pipe, where its callback runs like any other (net.c). HTTP stays on the
 * loop's multi handle. The workers share nothing with the loop but the queue, under one
 * lock; a transfer whose net is freed is orphaned: its worker aborts it at curl's next
 * progress call and frees it, telling nobody.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "net/internal.h"

#define SMTP_WORKERS 4 /* mail servers talked to at once */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static struct transfer *head, *tail; /* the queue */
static int workers;

void smtp_lock(void)
{
    pthread_mutex_lock(&lock);
}

void smtp_unlock(void)
{
    pthread_mutex_unlock(&lock);
}

static struct transfer *next_job(void)
{
    pthread_mutex_lock(&lock);
    while (!head)
        pthread_cond_wait(&work, &lock);
    struct transfer *t = head;
    head = t->queued;
    if (!head) tail = NULL;
    t->queued = NULL;
    pthread_mutex_unlock(&lock);
    return t;
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        struct transfer *t = next_job();
        CURLcode code = curl_easy_perform(t->easy);
        pthread_mutex_lock(&lock);
        t->code = code;
        bool orphaned = atomic_load(&t->orphaned);
        if (!orphaned && write(t->notify_fd, &t, sizeof t) != (ssize_t)sizeof t)
            orphaned = true; /* cannot happen while the net lives: it reads every pointer */
        pthread_mutex_unlock(&lock);
        if (orphaned) transfer_free(t);
    }
    return NULL;
}

/* Starts the workers once (under the lock). */
static int start_workers(void)
{
    while (workers < SMTP_WORKERS) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, worker, NULL) != 0) return workers > 0 ? 0 : -1;
        pthread_detach(thread);
        workers++;
    }
    return 0;
}

int smtp_submit(struct transfer *t)
{
    pthread_mutex_lock(&lock);
    int rc = start_workers();
    if (rc == 0) {
        t->queued = NULL;
        if (tail)
            tail->queued = t;
        else
            head = t;
        tail = t;
        pthread_cond_signal(&work);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

bool smtp_abandon_locked(struct transfer *t)
{
    bool taken = false;
    for (struct transfer **link = &head, *prev = NULL; *link;
         prev = *link, link = &(*link)->queued) {
        if (*link != t) continue;
        *link = t->queued;
        if (tail == t) tail = prev;
        taken = true;
        break;
    }
    if (!taken) atomic_store(&t->orphaned, true);
    return taken;
}
