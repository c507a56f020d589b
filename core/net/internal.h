/*
 * internal.h — private to net/: one transfer, as net.c (the loop's side: multi handle,
 * sockets, timer, completion) and transfer.c (the request's side: copying it into an easy
 * handle, feeding the upload, keeping the response) share it. Never included outside net/.
 */
#ifndef THIDUA_NET_INTERNAL_H
#define THIDUA_NET_INTERNAL_H

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "net/net.h"
#include "util/buffer.h"

struct transfer {
    struct transfer *prev, *next; /* the net's list of transfers in flight */
    CURL *easy;                   /* its CURLOPT_PRIVATE is this transfer */
    net_done done;
    void *arg;
    struct curl_slist *headers; /* HTTP: our copies of the request's headers */
    struct curl_slist *rcpt;    /* SMTP: our copies of the recipients */
    char *body;                 /* our copy of the request body (never NULL) */
    size_t body_len, body_sent; /* body_sent: SMTP upload position */
    struct buffer response;     /* the response body, at most max_response bytes */
    size_t max_response;
    bool truncated;
    char error[CURL_ERROR_SIZE];
    /* SMTP: run by a worker thread (smtp_worker.c), not the multi handle. */
    bool smtp;
    int notify_fd;           /* where the worker posts the finished transfer */
    CURLcode code;           /* how curl_easy_perform ended */
    atomic_bool orphaned;    /* its net was freed: the worker frees it, tells nobody */
    struct transfer *queued; /* the workers' queue */
};

/* Hands an SMTP transfer to the workers; when it ends, its pointer is written to
 * t->notify_fd. 0, or -1 when no worker can be started. */
int smtp_submit(struct transfer *t);
/* With the lock held, as the net goes away: a queued transfer is taken back (true: the
 * caller frees it); one running is orphaned, left to its worker, which frees it when curl
 * returns (false). */
bool smtp_abandon_locked(struct transfer *t);
/* The lock a worker holds while it posts a transfer: the net closes its pipe under it. */
void smtp_lock(void);
void smtp_unlock(void);

/* A transfer holding copies of everything in req, its easy handle set up and not yet added
 * to a multi handle. NULL with err when the request is refused or memory runs out. */
struct transfer *transfer_new(const struct net_request *req, char *err, size_t errlen);

/* What the transfer's callback is told, given how curl ended it. Points into t. */
void transfer_response(struct transfer *t, CURLcode code, struct net_response *resp);

/* Frees the easy handle (already removed from its multi handle) and every copy. */
void transfer_free(struct transfer *t);

#endif
