/* sandbox_process_internal.h — what a rule process started by sandbox_process.c and one
 * started by a spawner (sandbox_spawner.c) share: the progress page, how the child answers,
 * and how the parent reads the answer under the deadline. */
#ifndef THIDUA_LUA_SANDBOX_PROCESS_INTERNAL_H
#define THIDUA_LUA_SANDBOX_PROCESS_INTERNAL_H

#include <stdbool.h>

#include "lua/sandbox_process.h"

#define DOING_MAX 512

/* What the child shares with the parent while it runs (one page, MAP_SHARED). */
struct progress {
    long step; /* steps begun (atomic: the parent reads it while the child writes) */
    char doing[DOING_MAX];
};

/* In the child: keeps only answer_fd open, runs work(arg) and writes its answer (the
 * status byte, the length, the bytes), then _exit. */
_Noreturn void sandbox_process_child(int answer_fd, struct progress *progress,
                                     sandbox_process_work work, void *arg);
/* In the parent: reads the answer into out until it holds every byte its head declares
 * (or end of file: a child that died halfway); -1 at the deadline (with `steps`, counted
 * from the start of the step the child is on). */
int sandbox_process_read_answer(int fd, long deadline_ms, bool steps,
                                const struct progress *progress, struct buffer *out);
/* The answer of a child that ended by itself, checked whole, into out (an empty out takes
 * the answer's own block, with no copy). */
enum sandbox_process_status sandbox_process_read_whole(struct buffer *answer, struct buffer *out,
                                                       char *err, size_t errlen);
/* err for a child killed at the deadline: the deadline and the rule that was running. */
void sandbox_process_say_killed(const struct progress *progress, long deadline_ms, char *err,
                                size_t errlen);

#endif
