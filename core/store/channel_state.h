/* channel_state.h — what a notification channel keeps between sends, by channel and key. */
#ifndef THIDUA_STORE_CHANNEL_STATE_H
#define THIDUA_STORE_CHANNEL_STATE_H

#include "store/store.h"

/* The value (malloc'd) or NULL. */
char *channel_state_get(struct store *st, const char *channel, const char *key);
/* Sets a value, durably (its own statement: the caller holds no transaction). 0 or -1. */
int channel_state_set(struct store *st, const char *channel, const char *key, const char *value);

#endif
