/* outbox.h — what people do to the outbox: look, send again, cancel. */
#ifndef THIDUA_DOMAIN_OUTBOX_H
#define THIDUA_DOMAIN_OUTBOX_H

#include <cjson/cJSON.h>

#include "store/store.h"

enum outbox_change { OUTBOX_CHANGED, OUTBOX_NOT_FOUND, OUTBOX_NOT_NOW, OUTBOX_BUSY };

/* A failed or cancelled message queued again now, with its attempts counted afresh. */
enum outbox_change outbox_retry(struct store *st, long long id, const char *actor);
/* A queued or failed message cancelled: it will not be sent. */
enum outbox_change outbox_cancel(struct store *st, long long id, const char *actor);

#endif
