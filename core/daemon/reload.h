/* reload.h — a rules reload off the serving loop: loaded and recomputed in a thread with a
 * database connection of its own, swapped in on the loop when it is done. */
#ifndef THIDUA_DAEMON_RELOAD_H
#define THIDUA_DAEMON_RELOAD_H

#include "domain/ruleset.h"

struct event_base;
struct reloader;

/* What a reload's requester is told on the loop once it has ended: rc 0 (swapped in) or -1
 * (refused: report says why; the previous rules keep serving). report is freed after. */
typedef void (*reload_done)(void *arg, int rc, struct rules_report *report, long recomputed);

/* Reloads rs's rules from `database` (the file the daemon serves); ended(arg) is called on
 * the loop after each reload has been swapped in or refused (the writes held meanwhile are
 * handled then). NULL when the loop cannot watch it (out of memory, no pipe). */
struct reloader *reloader_new(struct event_base *base, struct ruleset *rs, const char *database,
                              struct store *audit, void (*ended)(void *arg), void *ended_arg);

/* Starts a reload; done(arg, ...) is called on the loop when it has ended. While one runs,
 * a start with a done is refused (-1, done never called), and one without (SIGHUP) is
 * remembered: another reload follows, so an edit made meanwhile is read. 0 otherwise. */
int reloader_start(struct reloader *r, const char *actor, reload_done done, void *arg);

/* Who a reload asked by SIGHUP is audited as. */
#define RELOAD_BY_SIGNAL "SIGHUP"

/* Waits for a reload still running, swaps it in, and frees r. */
void reloader_free(struct reloader *r);

#endif
