/* writer.h — a group of submissions stored off the serving loop (writer.c says why). */
#ifndef THIDUA_DAEMON_WRITER_H
#define THIDUA_DAEMON_WRITER_H

#include <stdbool.h>

struct event_base;
struct store;
struct writer;

/* Opens the writer's own connection to the database; NULL (logged) when it cannot: the
 * groups are then stored on the loop, as before. */
struct writer *writer_new(struct event_base *base, const char *database);
/* Runs work(job, its connection) on a thread of its own, then done(job) on the loop. False
 * when a group is in flight already or no thread can start: the caller runs it itself. */
bool writer_run(void *writer, void (*work)(void *job, struct store *st), void (*done)(void *job),
                void *job);
/* Waits until the group in flight, if any, has committed or failed and its thread has
 * ended: before a reload is started (it may swap the rules the group evaluates with). Its
 * done still runs on the loop's next turn, not inside this call (a request handler may be
 * the caller: answering other clients here would handle their next requests inside it). */
void writer_wait(struct writer *w);
/* Ends the group in flight, done included (the daemon is stopping), and closes the
 * connection. NULL is fine. */
void writer_free(struct writer *w);

#endif
