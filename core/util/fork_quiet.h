/* fork_quiet.h — the lock a thread working beside the daemon's loop holds while it may be
 * halfway through an allocation (the WAL checkpointer), and that a fork takes
 * (daemon/forker.c): a child copied at that moment would find the allocator's lock taken
 * for ever. glibc's malloc is made safe by fork itself; the sanitizers' allocators and
 * other libraries' locks are not. */
#ifndef THIDUA_UTIL_FORK_QUIET_H
#define THIDUA_UTIL_FORK_QUIET_H

void fork_quiet_enter(void);
void fork_quiet_leave(void);

#endif
