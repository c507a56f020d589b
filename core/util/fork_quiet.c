/*
 * fork_quiet.c — the quiet lock (util/fork_quiet.h).
 */
#include "util/fork_quiet.h"

#include <pthread.h>

static pthread_mutex_t quiet = PTHREAD_MUTEX_INITIALIZER;

void fork_quiet_enter(void)
{
    pthread_mutex_lock(&quiet);
}

void fork_quiet_leave(void)
{
    pthread_mutex_unlock(&quiet);
}
