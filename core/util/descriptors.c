/*
 * util/descriptors.c — raising the soft limit on open file descriptors (RLIMIT_NOFILE).
 *
 * Why: a distribution starts services with a soft limit of 1,024 descriptors and a far
 * higher hard limit; the daemon's default connection cap alone is 1,024, so without raising
 * it accept fails (EMFILE) long before the cap is reached, and every client waits. The soft
 * limit may be raised up to the hard one without privileges.
 */
#include "util/descriptors.h"

#include <sys/resource.h>

long descriptors_raise(long wanted)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return -1;
    if (lim.rlim_cur != RLIM_INFINITY && (long)lim.rlim_cur < wanted) {
        rlim_t target = (rlim_t)wanted;
        if (lim.rlim_max != RLIM_INFINITY && target > lim.rlim_max) target = lim.rlim_max;
        struct rlimit raised = {target, lim.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim.rlim_cur = target;
    }
    return lim.rlim_cur == RLIM_INFINITY ? wanted : (long)lim.rlim_cur;
}
