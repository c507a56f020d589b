/*
 * dispatch.c — the outbox's sender. Each run takes the queued messages whose time has come,
 * marks them "sending" (one transaction) and hands each to its channel plugin. Outcomes
 * come back through callbacks and are written in batches: sent; or queued again after an
 * exponential backoff with jitter while the failure is retryable and attempts remain; or
 * failed with the last error. These marks are committed without waiting for the disk
 * (store_commit_relaxed): losing one to a power cut only means a message goes again under
 * its key; the messages themselves were queued durably. A process killed mid-send leaves messages
 * "sending", which the next start queues again: they go out again under the same idempotency key,
 * so a channel that deduplicates by it delivers once, and nothing acknowledged is lost.
 */
#include "domain/dispatch.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/outbox.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/metrics.h"

#define ERROR_LEN 512
#define JITTER    0.2 /* a backoff is stretched or shrunk by up to 20 % */

struct outcome {
    long long id;
    char status[12];
    int attempts;
    int segments;
    char next_try[CLOCK_MOMENT_LEN];
    char error[ERROR_LEN];
    char channel[32];
};

struct dispatcher {
    struct store *st;
    struct plugins *pl;
    struct dispatch_policy policy;
    size_t in_flight;
    struct outcome *pending;
    size_t pending_count, pending_cap;
    void (*wake)(void *arg);
    void *wake_arg;
    bool starting; /* inside dispatcher_run: ends there need no wake */
};

struct sending {
    struct dispatcher *d;
    long long id;
    int attempts;
    char channel[32];
};

void dispatch_policy_default(struct dispatch_policy *policy)
{
    *policy = (struct dispatch_policy){.max_attempts = 6,
                                       .first_backoff = 60,
                                       .max_backoff = 6 * 3600,
                                       .batch = 8,
                                       .max_in_flight = 64};
}

static double backoff(const struct dispatch_policy *p, int attempts)
{
    double base = p->first_backoff * pow(2, attempts - 1);
    if (base > p->max_backoff) base = p->max_backoff;
    double jitter = 1 + JITTER * (2 * ((double)random() / RAND_MAX) - 1);
    return base * jitter;
}

static void record(struct dispatcher *d, const struct outcome *o)
{
    if (d->pending_count == d->pending_cap) {
        size_t cap = d->pending_cap ? 2 * d->pending_cap : 64;
        struct outcome *grown = realloc(d->pending, cap * sizeof *grown);
        if (!grown) {
            log_error("outbox: out of memory; message %lld stays 'sending' until restart", o->id);
            return;
        }
        d->pending = grown;
        d->pending_cap = cap;
    }
    d->pending[d->pending_count++] = *o;
}

/* A channel's answer about one message. */
static void on_sent(void *arg, const struct send_result *result)
{
    struct sending *s = arg;
    struct dispatcher *d = s->d;
    struct outcome o = {.id = s->id, .attempts = s->attempts, .segments = result->segments};
    snprintf(o.channel, sizeof o.channel, "%s", s->channel);
    if (result->ok) {
        snprintf(o.status, sizeof o.status, "%s", OUTBOX_SENT);
        metrics_count("thidua_outbox_sent_total", "Notifications sent, by channel.", "channel",
                      s->channel);
    } else {
        bool again = result->retryable && s->attempts < d->policy.max_attempts;
        snprintf(o.status, sizeof o.status, "%s", again ? OUTBOX_QUEUED : OUTBOX_FAILED);
        snprintf(o.error, sizeof o.error, "%s", result->error ? result->error : "failed");
        if (again) clock_moment(backoff(&d->policy, s->attempts), o.next_try);
        metrics_count(again ? "thidua_outbox_retried_total" : "thidua_outbox_failed_total",
                      again ? "Notifications to be tried again, by channel."
                            : "Notifications failed for good, by channel.",
                      "channel", s->channel);
        log_warn("outbox %lld (%s): attempt %d %s: %s", s->id, s->channel, s->attempts,
                 again ? "failed, will retry" : "failed for good", o.error);
    }
    record(d, &o);
    d->in_flight--;
    free(s);
    if (d->wake && !d->starting) d->wake(d->wake_arg);
}

void dispatcher_set_wake(struct dispatcher *d, void (*wake)(void *arg), void *arg)
{
    d->wake = wake;
    d->wake_arg = arg;
}

void dispatcher_flush(struct dispatcher *d)
{
    if (d->pending_count == 0) return;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    /* Locked by another process: the next flush writes them; the loop does not wait. */
    if (store_begin_nowait(d->st) != 0) return;
    for (size_t i = 0; i < d->pending_count; i++) {
        const struct outcome *o = &d->pending[i];
        bool sent = strcmp(o->status, OUTBOX_SENT) == 0;
        outbox_update(d->st, o->id, o->status, o->attempts, o->error[0] ? o->error : NULL,
                      o->next_try[0] ? o->next_try : NULL, o->segments, sent ? now : NULL);
    }
    if (store_commit_relaxed(d->st) != 0) { /* a lost mark means a resend, same key */
        store_rollback(d->st);
        return;
    }
    d->pending_count = 0;
}

/* Marks a batch "sending" (one transaction) so that a second dispatcher skips them. */
static cJSON *claim_due(struct dispatcher *d, int limit)
{
    char now[CLOCK_MOMENT_LEN];
    clock_moment(0, now);
    /* Every second, also when the database is locked: try again next time, never hold the
     * loop for the busy timeout (reads would wait behind it). */
    if (store_begin_nowait(d->st) != 0) return NULL;
    cJSON *due = outbox_due(d->st, now, limit);
    const cJSON *m;
    cJSON_ArrayForEach(m, due)
    {
        int attempts = cJSON_GetObjectItemCaseSensitive(m, "attempts")->valueint + 1;
        outbox_update(d->st, (long long)cJSON_GetObjectItemCaseSensitive(m, "id")->valuedouble,
                      OUTBOX_SENDING, attempts, NULL, NULL, 0, NULL);
        cJSON_ReplaceItemInObjectCaseSensitive((cJSON *)m, "attempts",
                                               cJSON_CreateNumber(attempts));
    }
    if (store_commit_relaxed(d->st) != 0) { /* a lost claim means a resend, same key */
        store_rollback(d->st);
        cJSON_Delete(due);
        return NULL;
    }
    return due;
}

/* The message as a plugin reads it (plugins/README.md): the outbox row, its address as
 * `to`, its body as `text`, and `recipient` the role (unit, head, office), as in a
 * reminder's dry run. */
static void shape_for_plugin(cJSON *m)
{
    cJSON_AddItemToObject(m, "to", cJSON_DetachItemFromObjectCaseSensitive(m, "recipient"));
    cJSON_AddItemToObject(m, "recipient", cJSON_DetachItemFromObjectCaseSensitive(m, "role"));
    cJSON_AddItemToObject(m, "text",
                          cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(m, "body"), 1));
}

size_t dispatcher_run(struct dispatcher *d)
{
    size_t room =
        d->policy.max_in_flight > d->in_flight ? d->policy.max_in_flight - d->in_flight : 0;
    int limit = (int)(room < (size_t)d->policy.batch ? room : (size_t)d->policy.batch);
    cJSON *due = limit > 0 ? claim_due(d, limit) : NULL;
    size_t started = 0;
    d->starting = true;
    cJSON *m;
    cJSON_ArrayForEach(m, due)
    {
        struct sending *s = calloc(1, sizeof *s);
        if (!s) break;
        s->d = d;
        s->id = (long long)cJSON_GetObjectItemCaseSensitive(m, "id")->valuedouble;
        s->attempts = cJSON_GetObjectItemCaseSensitive(m, "attempts")->valueint;
        snprintf(s->channel, sizeof s->channel, "%s",
                 cJSON_GetObjectItemCaseSensitive(m, "channel")->valuestring);
        shape_for_plugin(m);
        d->in_flight++;
        started++;
        plugins_send(d->pl, m, on_sent, s);
    }
    d->starting = false;
    cJSON_Delete(due);
    dispatcher_flush(d);
    /* A full batch: more may be due; run again soon rather than at the next tick. Batches are
     * small so requests are served between them: 200 at once held GETs up to 6 times their
     * idle p99; 8 every 10 ms keeps them within twice it, at some 650 messages a second. */
    if (started > 0 && started == (size_t)limit && d->wake) d->wake(d->wake_arg);
    return started;
}

struct dispatcher *dispatcher_new(struct store *st, struct plugins *pl,
                                  const struct dispatch_policy *policy)
{
    struct dispatcher *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->st = st;
    d->pl = pl;
    if (policy)
        d->policy = *policy;
    else
        dispatch_policy_default(&d->policy);
    long requeued = outbox_requeue_sending(st);
    if (requeued > 0)
        log_info("outbox: %ld message(s) interrupted by the last stop will be sent again",
                 requeued);
    return d;
}

void dispatcher_free(struct dispatcher *d)
{
    if (!d) return;
    dispatcher_flush(d);
    free(d->pending);
    free(d);
}

size_t dispatcher_in_flight(const struct dispatcher *d)
{
    return d->in_flight;
}

size_t dispatcher_pending(const struct dispatcher *d)
{
    return d->pending_count;
}
