/* forker.h — the daemon's rule processes forked by its loop thread, at a quiet moment. */
#ifndef THIDUA_DAEMON_FORKER_H
#define THIDUA_DAEMON_FORKER_H

struct event_base;

/* On the loop thread, once the loop exists: from now on every child the rules fork
 * (lua/sandbox_process.h) is forked by this thread. -1 when the loop cannot be woken (no
 * pipe, out of memory): the children are then forked where they are asked for. */
int forker_start(struct event_base *base);
/* Once the loop has ended: a fork asked from another thread meanwhile, or later, fails
 * (ECANCELED), so that thread ends instead of waiting for a loop that is gone. */
void forker_stop(void);

#endif
