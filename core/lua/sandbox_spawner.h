/*
 * sandbox_spawner.h — rule processes forked ahead of need, from a process that is not the
 * daemon (sandbox_spawner.c says how and why).
 *
 * A job is bytes in, bytes out: the child that runs it was forked from the spawner, not
 * from the caller, so it sees none of the caller's memory made after the spawner started —
 * only what it was handed (the input) and what the spawner had (ctx: the rules generation
 * loaded when it started). Deadline, kill and answer are sandbox_process.h's.
 */
#ifndef THIDUA_LUA_SANDBOX_SPAWNER_H
#define THIDUA_LUA_SANDBOX_SPAWNER_H

#include <stdbool.h>
#include <stddef.h>

#include "lua/sandbox_process.h"

/* A job's work, in the child: reads len bytes of input, writes its answer to out and
 * returns 0, or -1 with err. ctx is what sandbox_spawner_start was given. */
typedef int (*sandbox_spawner_work)(void *ctx, const char *in, size_t len, struct buffer *out,
                                    char *err, size_t errlen);

struct sandbox_spawner;

/* Forks the spawner now: its children run work(ctx, ...). NULL when it cannot start. */
struct sandbox_spawner *sandbox_spawner_start(sandbox_spawner_work work, void *ctx);
/* Stops the spawner and its waiting child (a running job is killed). */
void sandbox_spawner_stop(struct sandbox_spawner *sp);
/* sandbox_process_run (steps false) or sandbox_process_run_steps (steps true) for one job
 * of len bytes of input; SANDBOX_PROCESS_UNAVAILABLE when the spawner cannot take it (it
 * has gone: the caller forks the job itself, and so does every later call). */
enum sandbox_process_status sandbox_spawner_run(struct sandbox_spawner *sp, long deadline_ms,
                                                bool steps, const char *in, size_t len,
                                                struct buffer *out, long *step_killed, char *err,
                                                size_t errlen);

#endif
