/*
 * net.c — the loop's side of net.h: one curl multi handle driven by libevent. curl says
 * which sockets to watch (on_socket: one persistent event per socket) and when to wake it
 * (on_timer: one timer event); each event hands the socket, or the timeout, back to
 * curl_multi_socket_action, and finished transfers are collected with curl_multi_info_read
 * and their callbacks run from there, outside any curl call. It owns the multi handle, the
 * socket events, the timer and the list of transfers in flight; it never blocks, never
 * starts a thread, and never looks inside a request (transfer.c does).
 */
#include "net/net.h"

#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "net/internal.h"

/* The event watching one of curl's sockets (curl keeps it with curl_multi_assign). */
struct watch {
    struct watch *prev, *next;
    struct event *ev;
};

struct net {
    struct event_base *base;
    CURLM *multi;
    struct event *timer;        /* when curl wants to be called with CURL_SOCKET_TIMEOUT */
    struct watch *watches;      /* the sockets curl asked us to watch */
    struct transfer *transfers; /* started, not yet completed */
    size_t in_flight;
    bool closing;          /* net_free has begun: no new transfers */
    int smtp_pipe[2];      /* SMTP workers write finished transfers to [1]; -1 until needed */
    struct event *smtp_ev; /* reads [0] */
    struct soon *soon;     /* net_soon's calls not yet made */
};

/* A call net_soon will make on the loop's next turn. */
struct soon {
    struct net *net;
    struct event *ev;
    void (*fn)(void *arg);
    void *arg;
    struct soon *prev, *next;
};

static void unlink_soon(struct soon *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        s->net->soon = s->next;
    if (s->next) s->next->prev = s->prev;
    event_free(s->ev);
}

static void on_soon(evutil_socket_t fd, short events, void *arg)
{
    (void)fd, (void)events;
    struct soon *s = arg;
    void (*fn)(void *) = s->fn;
    void *fn_arg = s->arg;
    unlink_soon(s);
    free(s);
    fn(fn_arg);
}

int net_soon(struct net *net, void (*fn)(void *arg), void *arg)
{
    struct soon *s = net->closing ? NULL : calloc(1, sizeof *s);
    if (!s) return -1;
    /* A timer of zero, not event_active: it fires after the next poll of the sockets, so a
     * chain of slices never starves them. */
    static const struct timeval next_turn = {0, 0};
    *s = (struct soon){.net = net, .fn = fn, .arg = arg, .next = net->soon};
    s->ev = evtimer_new(net->base, on_soon, s);
    if (!s->ev || evtimer_add(s->ev, &next_turn) != 0) {
        if (s->ev) event_free(s->ev);
        free(s);
        return -1;
    }
    if (s->next) s->next->prev = s;
    net->soon = s;
    return 0;
}

static bool curl_ready; /* curl_global_init ran (once per process; no threads of ours) */

/* ---- completion ------------------------------------------------------------------------- */

static void link_transfer(struct net *net, struct transfer *t)
{
    t->prev = NULL;
    t->next = net->transfers;
    if (t->next) t->next->prev = t;
    net->transfers = t;
    net->in_flight++;
}

static void unlink_transfer(struct net *net, struct transfer *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        net->transfers = t->next;
    if (t->next) t->next->prev = t->prev;
    net->in_flight--;
}

/* Takes t out of the multi handle and the list, tells its caller, frees it. */
static void complete(struct net *net, struct transfer *t, CURLcode code, bool cancelled)
{
    if (!t->smtp) curl_multi_remove_handle(net->multi, t->easy);
    unlink_transfer(net, t);
    struct net_response resp;
    transfer_response(t, code, &resp);
    if (cancelled)
        resp = (struct net_response){.result = NET_CANCELLED, .body = "", .error = "cancelled"};
    t->done(t->arg, &resp);
    transfer_free(t);
}

/* Completes every transfer curl has finished. */
static void collect(struct net *net)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(net->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURLcode code = msg->data.result;
        char *priv = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
        complete(net, (struct transfer *)(void *)priv, code, false);
    }
}

/* SMTP transfers the workers finished. */
static void on_smtp_done(evutil_socket_t fd, short what, void *arg)
{
    (void)what;
    struct net *net = arg;
    struct transfer *t;
    while (read(fd, &t, sizeof t) == (ssize_t)sizeof t)
        complete(net, t, t->code, false);
}

static int open_smtp_pipe(struct net *net)
{
    if (net->smtp_ev) return 0;
    if (pipe(net->smtp_pipe) != 0) return -1;
    fcntl(net->smtp_pipe[0], F_SETFL, O_NONBLOCK);
    fcntl(net->smtp_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(net->smtp_pipe[1], F_SETFD, FD_CLOEXEC);
    net->smtp_ev = event_new(net->base, net->smtp_pipe[0], EV_READ | EV_PERSIST, on_smtp_done, net);
    if (net->smtp_ev && event_add(net->smtp_ev, NULL) == 0) return 0;
    return -1;
}

/* As the net goes away: SMTP transfers already posted are completed; queued ones are taken
 * back and cancelled; running ones are orphaned (their worker frees them) and cancelled. */
static void abandon_smtp(struct net *net)
{
    struct transfer *orphans = NULL, *t, *next;
    smtp_lock();
    if (net->smtp_ev) {
        while (read(net->smtp_pipe[0], &t, sizeof t) == (ssize_t)sizeof t)
            t->queued = (struct transfer *)1; /* posted: complete it normally below */
    }
    for (t = net->transfers; t; t = next) {
        next = t->next;
        if (!t->smtp || t->queued == (struct transfer *)1) continue;
        if (!smtp_abandon_locked(t)) {
            unlink_transfer(net, t); /* its worker owns it now */
            t->queued = orphans;     /* reused as our list of callbacks to make */
            t->next = NULL;
            orphans = t;
        }
    }
    if (net->smtp_ev) {
        close(net->smtp_pipe[1]);
        net->smtp_pipe[1] = -1;
    }
    smtp_unlock();
    for (t = net->transfers; t; t = next) {
        next = t->next;
        if (t->smtp) complete(net, t, t->code, t->queued != (struct transfer *)1);
    }
    while (orphans) { /* the callback only: the transfer is its worker's */
        t = orphans;
        orphans = t->queued;
        struct net_response resp = {.result = NET_CANCELLED, .body = "", .error = "cancelled"};
        t->done(t->arg, &resp);
    }
}

/* ---- libevent → curl -------------------------------------------------------------------- */

static void on_event(evutil_socket_t fd, short what, void *arg)
{
    struct net *net = arg;
    int flags = 0, running;
    if (what & EV_READ) flags |= CURL_CSELECT_IN;
    if (what & EV_WRITE) flags |= CURL_CSELECT_OUT;
    curl_multi_socket_action(net->multi, fd, flags, &running);
    collect(net);
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct net *net = arg;
    int running;
    curl_multi_socket_action(net->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    collect(net);
}

/* ---- curl → libevent -------------------------------------------------------------------- */

static void free_watch(struct net *net, struct watch *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        net->watches = w->next;
    if (w->next) w->next->prev = w->prev;
    event_free(w->ev); /* also when called from w->ev's own callback: libevent allows it */
    free(w);
}

static struct watch *new_watch(struct net *net, curl_socket_t s)
{
    struct watch *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->ev = event_new(net->base, s, EV_READ | EV_PERSIST, on_event, net);
    if (!w->ev || curl_multi_assign(net->multi, s, w) != CURLM_OK) {
        if (w->ev) event_free(w->ev);
        free(w);
        return NULL;
    }
    w->next = net->watches;
    if (w->next) w->next->prev = w;
    net->watches = w;
    return w;
}

/* CURLMOPT_SOCKETFUNCTION: watch s for what curl wants now, or stop watching it. */
static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)easy;
    struct net *net = userp;
    struct watch *w = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (w) free_watch(net, w);
        return 0;
    }
    if (w)
        event_del(w->ev);
    else if (!(w = new_watch(net, s)))
        return -1; /* curl fails the transfers on this socket */
    short kind = EV_PERSIST;
    if (what & CURL_POLL_IN) kind |= EV_READ;
    if (what & CURL_POLL_OUT) kind |= EV_WRITE;
    if (event_assign(w->ev, net->base, s, kind, on_event, net) != 0 || event_add(w->ev, NULL) != 0)
        return -1;
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: wake curl in timeout_ms (0: on the next loop turn; -1: never). */
static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    struct net *net = userp;
    if (timeout_ms < 0) return evtimer_del(net->timer) == 0 ? 0 : -1;
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    return evtimer_add(net->timer, &tv) == 0 ? 0 : -1;
}

/* ---- the client ------------------------------------------------------------------------- */

static bool set_up_multi(struct net *net)
{
    CURLMcode rc = curl_multi_setopt(net->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    if (rc == CURLM_OK) rc = curl_multi_setopt(net->multi, CURLMOPT_SOCKETDATA, (void *)net);
    if (rc == CURLM_OK) rc = curl_multi_setopt(net->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    if (rc == CURLM_OK) rc = curl_multi_setopt(net->multi, CURLMOPT_TIMERDATA, (void *)net);
    if (rc == CURLM_OK)
        rc = curl_multi_setopt(net->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                               (long)NET_MAX_CONNECTIONS);
    return rc == CURLM_OK;
}

struct net *net_new(struct event_base *base, char *err, size_t errlen)
{
    if (!curl_ready) {
        CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
        if (rc != CURLE_OK) {
            snprintf(err, errlen, "curl_global_init: %s", curl_easy_strerror(rc));
            return NULL;
        }
        curl_ready = true;
    }
    struct net *net = calloc(1, sizeof *net);
    if (!net) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    net->base = base;
    net->smtp_pipe[0] = net->smtp_pipe[1] = -1;
    net->multi = curl_multi_init();
    net->timer = evtimer_new(base, on_timeout, net);
    if (!net->multi || !net->timer || !set_up_multi(net)) {
        snprintf(err, errlen, "cannot set up a curl multi handle on the loop");
        net_free(net);
        return NULL;
    }
    return net;
}

void net_free(struct net *net)
{
    if (!net) return;
    net->closing = true;
    /* unlink_soon makes the next one the head: net->soon is never a freed one (the
     * analyzer does not follow the list). */
    /* NOLINTBEGIN(clang-analyzer-unix.Malloc) */
    while (net->soon) {
        struct soon *s = net->soon;
        unlink_soon(s);
        free(s);
    }
    /* NOLINTEND(clang-analyzer-unix.Malloc) */
    abandon_smtp(net);
    while (net->transfers)
        complete(net, net->transfers, CURLE_OK, true);
    if (net->multi) curl_multi_cleanup(net->multi); /* may still call on_socket, on_timer */
    /* free_watch unlinks the head before freeing it: net->watches is never a freed one. */
    while (net->watches)
        free_watch(net, net->watches); /* NOLINT(clang-analyzer-unix.Malloc) */
    if (net->timer) event_free(net->timer);
    if (net->smtp_ev) {
        event_free(net->smtp_ev);
        close(net->smtp_pipe[0]);
    }
    free(net);
}

int net_start(struct net *net, const struct net_request *req, net_done done, void *arg, char *err,
              size_t errlen)
{
    if (net->closing) {
        snprintf(err, errlen, "the client is closing");
        return -1;
    }
    struct transfer *t = transfer_new(req, err, errlen);
    if (!t) return -1;
    t->done = done;
    t->arg = arg;
    if (t->smtp) {
        if (open_smtp_pipe(net) != 0) {
            snprintf(err, errlen, "cannot set up the SMTP workers' pipe");
            transfer_free(t);
            return -1;
        }
        t->notify_fd = net->smtp_pipe[1];
        link_transfer(net, t);
        if (smtp_submit(t) != 0) {
            unlink_transfer(net, t);
            snprintf(err, errlen, "cannot start an SMTP worker");
            transfer_free(t);
            return -1;
        }
        return 0;
    }
    CURLMcode rc = curl_multi_add_handle(net->multi, t->easy); /* arms the timer, no more */
    if (rc != CURLM_OK) {
        snprintf(err, errlen, "curl_multi_add_handle: %s", curl_multi_strerror(rc));
        transfer_free(t);
        return -1;
    }
    link_transfer(net, t);
    return 0;
}

size_t net_in_flight(const struct net *net)
{
    return net->in_flight;
}

const char *net_result_name(enum net_result result)
{
    switch (result) {
    case NET_OK: return "ok";
    case NET_TIMEOUT: return "timeout";
    case NET_CONNECT_FAILED: return "connect failed";
    case NET_ERROR: return "error";
    case NET_CANCELLED: return "cancelled";
    }
    return "?";
}

void net_library_versions(char *out, size_t len)
{
    snprintf(out, len, "libevent %s, libcurl %s", event_get_version(),
             curl_version_info(CURLVERSION_NOW)->version);
}
