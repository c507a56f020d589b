/*
 * sandbox_process.h — a wall-clock deadline for anything that runs untrusted Lua: the work
 * runs in a throwaway child process forked from this one, and a child still running at the
 * deadline is killed (SIGKILL), whatever C function it is inside.
 *
 * The instruction budget (sandbox.h) only counts VM instructions: one call into C — a
 * backtracking string.find on a long subject — can run for hours between two counts. A
 * signal cannot interrupt it safely in this process (it may hold the allocator's lock, or
 * be halfway through changing the Lua state), and a thread cannot be stopped at all; a
 * process can always be killed, and what it changed dies with it. As OpenBSD's daemons
 * keep the part that runs untrusted input apart from the part that holds state, the daemon
 * (its store, its sockets, its loaded rules) is never touched by the rule that ran: the
 * child sees a copy-on-write image of the parent, hands back bytes, and exits.
 */
#ifndef THIDUA_LUA_SANDBOX_PROCESS_H
#define THIDUA_LUA_SANDBOX_PROCESS_H

#include <stddef.h>
#include <sys/types.h>

#include "util/buffer.h"

enum sandbox_process_status {
    SANDBOX_PROCESS_OK = 0,
    SANDBOX_PROCESS_FAILED = -1,      /* the work said why (err), or the child died */
    SANDBOX_PROCESS_TIMED_OUT = -2,   /* killed at the deadline; err says so */
    SANDBOX_PROCESS_UNAVAILABLE = -3, /* a spawner could not take the job (sandbox_spawner.h) */
};

/* The work done in the child: writes its answer to out and returns 0, or returns -1 with
 * err. It runs in a copy of this process: whatever it changes in memory is lost. */
typedef int (*sandbox_process_work)(void *arg, struct buffer *out, char *err, size_t errlen);

/* Runs work(arg) in a child and waits at most deadline_ms for its answer. On OK, out holds
 * the bytes the work wrote (out must be empty on entry; the caller frees it). When the
 * child is killed, err names what it was doing (sandbox_process_doing) if it said. */
enum sandbox_process_status sandbox_process_run(long deadline_ms, sandbox_process_work work,
                                                void *arg, struct buffer *out, char *err,
                                                size_t errlen);

/* Runs work(arg) in a child that takes steps (many units' evaluations in one process): the
 * child is killed when one step has run step_deadline_ms, however many came before. The
 * work calls sandbox_process_step() before each step; *step_killed is then the index (from
 * 0) of the step that ran past its deadline, -1 when none did. */
enum sandbox_process_status sandbox_process_run_steps(long step_deadline_ms,
                                                      sandbox_process_work work, void *arg,
                                                      struct buffer *out, long *step_killed,
                                                      char *err, size_t errlen);

/* Collects the children that answered and have exited since (every run does too, as they
 * are not waited for): a process that may go long without a run calls it now and then, so
 * none lingers as a <defunct> entry. */
void sandbox_process_collect_exited(void);

/* Who forks the children: fork() here by default. A process whose other threads may be
 * halfway through an allocation when a child is copied sets a forker that forks at a quiet
 * moment (daemon/forker.c). A forker forks, runs child(arg) in the child (which does not
 * return), and returns the child's pid, or -1 with errno. */
typedef pid_t (*sandbox_forker)(void (*child)(void *), void *arg);
void sandbox_process_set_forker(sandbox_forker forker);
/* Forks through the forker set (sandbox_spawner.c forks its spawner so too). */
pid_t sandbox_process_fork(void (*child)(void *), void *arg);

/* ---- in the child: what the parent can read after a kill ------------------------------- */

/* Starts the next step: its deadline counts from now. A no-op outside a child. */
void sandbox_process_step(void);
/* Says what the child is doing now, prefix then len bytes of what ("quy tắc khai báo tại "
 * and "criteria.lua:12"), in a page the parent shares, so a kill can name it. Cheap (two
 * copies into shared memory: the rules say it before every rule runs); a no-op outside a
 * child. */
void sandbox_process_doing(const char *prefix, const char *what, size_t len);

#endif
