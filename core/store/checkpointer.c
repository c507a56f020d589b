/*
 * checkpointer.c — the daemon's WAL checkpoints, off its serving loop.
 *
 * SQLite copies the write-ahead log back into the database (a checkpoint) when a commit
 * finds it long, inside that commit, and a checkpoint ends with an fsync of the database:
 * milliseconds during which the loop answered nothing (the outbox's sender, committing
 * every few messages, met one every second or so and held GETs behind it). So the loop's
 * connection never checkpoints (wal_autocheckpoint = 0): a thread with a connection of its
 * own does, twice a second, in PASSIVE mode (it waits for no reader and no writer; what a
 * reader still needs stays in the log for the next round). Durability is the commits':
 * each one that is acknowledged is already in the log, synced.
 */
#include "store/checkpointer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "store/internal.h"
#include "util/fork_quiet.h"
#include "util/log.h"

#define EVERY_MS 500

struct store_checkpointer {
    sqlite3 *db; /* the thread's own connection */
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping;
};

static void *run(void *arg)
{
    struct store_checkpointer *cp = arg;
    pthread_mutex_lock(&cp->lock);
    while (!cp->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += EVERY_MS * 1000000L;
        until.tv_sec += until.tv_nsec / 1000000000L;
        until.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&cp->wake, &cp->lock, &until);
        if (cp->stopping) break;
        pthread_mutex_unlock(&cp->lock);
        fork_quiet_enter(); /* SQLite may allocate: no fork copies it halfway */
        int rc = sqlite3_wal_checkpoint_v2(cp->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        fork_quiet_leave();
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log_warn("checkpoint: %s (the next round tries again)", sqlite3_errmsg(cp->db));
        pthread_mutex_lock(&cp->lock);
    }
    pthread_mutex_unlock(&cp->lock);
    return NULL;
}

struct store_checkpointer *store_checkpointer_start(struct store *st, char *err, size_t errlen)
{
    struct store_checkpointer *cp = calloc(1, sizeof *cp);
    const char *path = sqlite3_db_filename(store_db(st), "main");
    if (!cp || !path) {
        snprintf(err, errlen, "out of memory");
        free(cp);
        return NULL;
    }
    if (sqlite3_open_v2(path, &cp->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, cp->db ? sqlite3_errmsg(cp->db) : "cannot open");
        sqlite3_close(cp->db);
        free(cp);
        return NULL;
    }
    /* The connection opens the log only once it has read the database. */
    sqlite3_exec(cp->db, "PRAGMA journal_mode", NULL, NULL, NULL);
    pthread_mutex_init(&cp->lock, NULL);
    pthread_cond_init(&cp->wake, NULL);
    if (pthread_create(&cp->thread, NULL, run, cp) != 0) {
        snprintf(err, errlen, "cannot start the checkpoint thread");
        pthread_cond_destroy(&cp->wake);
        pthread_mutex_destroy(&cp->lock);
        sqlite3_close(cp->db);
        free(cp);
        return NULL;
    }
    /* From now on the thread checkpoints; the loop's commits only append to the log. */
    sqlite3_wal_autocheckpoint(store_db(st), 0);
    return cp;
}

void store_checkpointer_stop(struct store_checkpointer *cp, struct store *st)
{
    if (!cp) return;
    pthread_mutex_lock(&cp->lock);
    cp->stopping = true;
    pthread_cond_signal(&cp->wake);
    pthread_mutex_unlock(&cp->lock);
    pthread_join(cp->thread, NULL);
    sqlite3_close(cp->db);
    pthread_cond_destroy(&cp->wake);
    pthread_mutex_destroy(&cp->lock);
    free(cp);
    if (st) sqlite3_wal_autocheckpoint(store_db(st), 1000); /* SQLite's default again */
}
