/* checkpointer.h — the daemon's WAL checkpoints in a thread of their own, never in a commit
 * on the serving loop (store/checkpointer.c says why). */
#ifndef THIDUA_STORE_CHECKPOINTER_H
#define THIDUA_STORE_CHECKPOINTER_H

#include <stddef.h>

#include "store/store.h"

struct store_checkpointer;

/* Starts checkpointing st's database from a thread with its own connection, and stops st's
 * commits from checkpointing. NULL with err when it cannot (st then checkpoints as
 * before). */
struct store_checkpointer *store_checkpointer_start(struct store *st, char *err, size_t errlen);
/* Stops the thread; st (if not NULL) checkpoints in its commits again. */
void store_checkpointer_stop(struct store_checkpointer *cp, struct store *st);

#endif
