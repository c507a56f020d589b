/* reminders.h — the reminder pass: what the ruleset's reminders ask for at a moment, and
 * queueing it in the outbox. */
#ifndef THIDUA_DOMAIN_REMINDERS_H
#define THIDUA_DOMAIN_REMINDERS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/ruleset.h"
#include "store/store.h"

/* Room for a moment "YYYY-MM-DDTHH:MM" and its NUL. */
#define REMINDER_MOMENT_LEN 17

struct reminder_pass {
    cJSON *messages; /* [{unit, to, channel, deadline, step, send_at, recipient, subject, text,
                        queued}] */
    size_t queued;   /* new in the outbox */
    size_t known;    /* already there (the same key): not queued again */
};

/* True for "YYYY-MM-DDTHH:MM", a real day and time. */
bool reminders_valid_moment(const char *moment);
/* Now, local time, as a moment. */
void reminders_now(char out[REMINDER_MOMENT_LEN]);

/* Runs the pass of every campaign year in service as if the clock said `now` (each year's
 * reminders speak only of its own periods); channels names those set up (the log is always
 * on). With queue, the messages go into the outbox in one transaction per year, each at most
 * once per (recipient, deadline, step, channel). 0, or -1 with err. */
int reminders_run(struct store *st, const struct ruleset *rs, const char *now,
                  const cJSON *channels, bool queue, struct reminder_pass *out, char *err,
                  size_t errlen);
void reminder_pass_free(struct reminder_pass *pass);

#endif
