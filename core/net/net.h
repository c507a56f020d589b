/*
 * net.h — outbound HTTP(S) and SMTP(S) on the daemon's event loop, through libcurl's multi
 * interface. It owns the transfers in flight and their sockets; it never blocks the loop,
 * never starts a thread of its own, and knows nothing of what is sent (a plugin, a reminder:
 * the layers above decide). This header shows no libcurl or libevent type.
 *
 * One `struct net` per event loop. A transfer is started with net_start, which copies the
 * whole request; its callback runs exactly once, later, from the loop (or from net_free,
 * with NET_CANCELLED), never from inside net_start.
 */
#ifndef THIDUA_NET_NET_H
#define THIDUA_NET_NET_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct net;

#define NET_DEFAULT_TIMEOUT         30.0          /* seconds, the whole transfer */
#define NET_DEFAULT_CONNECT_TIMEOUT 10.0          /* seconds, the connection alone */
#define NET_DEFAULT_MAX_RESPONSE    (1024 * 1024) /* bytes of response body kept */
#define NET_MAX_CONNECTIONS         64            /* open at once; more requests wait */

struct net_header {
    const char *name, *value; /* neither may hold CR or LF */
};

struct net_request {
    /* HTTP: "GET", "POST", ...; NULL is GET, or POST when there is a body. Not for SMTP. */
    const char *method;
    const char *url;                  /* http://, https://, smtp://, smtps:// */
    const struct net_header *headers; /* HTTP only */
    size_t header_count;
    const char *body; /* the HTTP body, or for SMTP the whole RFC 5322 message (CRLF lines) */
    size_t body_len;
    double timeout;         /* seconds for the whole transfer (0: NET_DEFAULT_TIMEOUT) */
    double connect_timeout; /* seconds to connect (0: NET_DEFAULT_CONNECT_TIMEOUT) */
    size_t max_response;    /* response body bytes kept (0: NET_DEFAULT_MAX_RESPONSE) */
    /* SMTP */
    const char *mail_from; /* envelope sender, "a@b.c" */
    const char *const *rcpt;
    size_t rcpt_count;
    const char *username, *password; /* optional: HTTP basic auth, or SMTP AUTH */
    bool starttls;                   /* smtp:// must upgrade with STARTTLS or fail */
    bool insecure;                   /* tests only: do not verify the peer's certificate */
};

enum net_result {
    NET_OK,             /* the exchange happened: look at status (a 500 is NET_OK) */
    NET_TIMEOUT,        /* the timeout or connect_timeout passed */
    NET_CONNECT_FAILED, /* name not resolved, connection refused */
    NET_ERROR,          /* anything else: TLS, protocol, a refused recipient, memory */
    NET_CANCELLED,      /* net_free came first */
};

struct net_response {
    enum net_result result;
    long status;      /* HTTP status, or the last SMTP reply code; 0 when none came */
    const char *body; /* NUL-terminated, valid only during the callback; HTTP only */
    size_t body_len;
    bool truncated;    /* the body passed max_response: cut there and the transfer stopped */
    const char *error; /* what went wrong when result != NET_OK, else NULL */
};

typedef void (*net_done)(void *arg, const struct net_response *resp);

/* Calls fn(arg) on the loop's next turn, after it has looked at its sockets (a coroutine
 * going on with its next slice, lua/plugin_send.c). -1 when the client is closing; a call
 * still pending at net_free is dropped, not made. */
int net_soon(struct net *net, void (*fn)(void *arg), void *arg);

/* A new client on base. NULL with err when libcurl cannot be set up. */
struct net *net_new(struct event_base *base, char *err, size_t errlen);

/* Cancels every transfer in flight (each callback runs once, with NET_CANCELLED, before
 * this returns) and frees everything. Not to be called from a callback. */
void net_free(struct net *net);

/* Starts a transfer; everything in req is copied, so the caller may free it at once.
 * Returns 0 when started: done(arg, resp) will be called exactly once, from the event loop
 * (or net_free), never from inside net_start; done may start new transfers. Returns -1
 * with err when the request is refused (no URL, a scheme other than the four, an SMTP
 * request without sender or recipients, a header with a line break) or memory runs out;
 * done is then never called. */
int net_start(struct net *net, const struct net_request *req, net_done done, void *arg, char *err,
              size_t errlen);

/* Transfers started and not yet completed. */
size_t net_in_flight(const struct net *net);

/* The name of a result, "ok", "timeout", "connect failed", "error", "cancelled". */
const char *net_result_name(enum net_result result);
/* The libraries in use, "libevent 2.1.12-stable, libcurl 7.88.1" (thiduad --version). */
void net_library_versions(char *out, size_t len);

#endif
