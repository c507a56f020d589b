/*
 * http/server_internal.h — what the two halves of the server share and nobody else may use:
 * the listener (http/listener.c: the socket, accepting, the connection cap, shutdown's drain)
 * and the connections (http/connection.c: one client's read loop, timers and answers).
 *
 * Included by those two files only. It names libevent's types but never includes libevent,
 * so the rest of the project cannot come to depend on it through this header.
 */
#ifndef THIDUA_HTTP_SERVER_INTERNAL_H
#define THIDUA_HTTP_SERVER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/time.h>
#include <time.h>

#include "http/server.h"

struct address_counts;

struct bufferevent;
struct event;
struct evconnlistener;

/* LINGER: after an error reply, the write side is shut and what the client still sends is
 * read and dropped for a moment, so it sees our 413 rather than a connection reset. */
/* WAITING: the handler answers later (http_response_later); nothing is read meanwhile. */
enum conn_state { CONN_IDLE, CONN_HEAD, CONN_BODY, CONN_WAITING, CONN_CLOSING, CONN_LINGER };

/* Room for a peer's address as text (INET6_ADDRSTRLEN, rounded up). */
#define REMOTE_ADDR_MAX 64
/* Room for an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", 29 bytes). */
#define HTTP_DATE_MAX 64
#define USEC_PER_SEC  1000000

/* One client. The listener allocates it and fills srv, bev, timer and remote; from then on
 * http/connection.c alone changes it, the listener only walks the list and asks
 * conn_drain or conn_free to act. */
struct connection {
    struct http_server *srv;
    struct bufferevent *bev;
    struct event *timer;
    enum conn_state state;
    char remote[REMOTE_ADDR_MAX];
    char *head; /* the request line and headers, parsed in place */
    char *body;
    size_t body_len;
    struct http_request req;
    bool keep_alive;
    bool linger;     /* close through CONN_LINGER */
    bool paused;     /* reading stopped: too much output waiting */
    bool eof;        /* the client shut its side: answer what came, then close */
    bool head_only;  /* a HEAD request: the GET's headers, no body */
    size_t lingered; /* bytes dropped while lingering */
    /* When the request being read started, on the monotonic clock: the connection's
     * opening for its first request, the first byte for a kept-alive one; 0 between
     * requests. head_timeout and read_timeout count from it. */
    double request_started;
    /* In the server's reuse queue: waiting for a request with nothing owed either way, so
     * closing it loses nothing (a kept-alive connection, or a new one still silent). */
    bool reusable;
    struct http_later *later; /* in CONN_WAITING: the handle the handler answers through */
    char actor[128];          /* who asked (the token's name), for the access log */
    double dispatched;        /* when the request went to the handler (monotonic), or 0 */
    struct connection *prev, *next;
    struct connection *reuse_newer, *reuse_older;
};

/* The server. http/listener.c owns it; connections read base, limits, handler, ctx and
 * draining, and join and leave the list `all` (conn_start, conn_free). */
struct http_server {
    struct event_base *base;
    struct evconnlistener *listener;
    struct config_limits limits;
    http_handler handler;
    void *ctx;
    int port;
    int connections;
    bool listening;     /* the listener is enabled */
    bool accept_failed; /* out of descriptors: waiting for accept_retry */
    bool draining;
    struct event *grace_timer;
    struct event *accept_retry; /* re-enables the listener after EMFILE and the like */
    void (*drained)(void *);
    void *drained_arg;
    struct connection *all;
    /* The reusable connections, newest first; at a cap the oldest is closed to make room
     * (nginx's reusable_connections_queue). */
    struct connection *reuse_newest, *reuse_oldest;
    int reusable;
    struct address_counts *addresses;         /* open connections per client address */
    time_t reuse_warned_at, refuse_warned_at; /* their warnings are logged once a second */
    char date[HTTP_DATE_MAX];                 /* the Date header, formatted once a second */
    time_t date_at;
};

static inline struct timeval timeval_of(double seconds)
{
    struct timeval tv = {(time_t)seconds,
                         (suseconds_t)((seconds - (time_t)seconds) * USEC_PER_SEC)};
    return tv;
}

/* ---- http/connection.c, for the listener ------------------------------------------------ */

/* The timer that will enforce c's deadlines (NULL when out of memory); c->srv must be set. */
struct event *conn_timer_new(struct connection *c);
/* Puts a connection the listener has just made and counted to work: joins the server's
 * list, sets its callbacks and write timeout, and waits for a request. */
void conn_start(struct connection *c);
/* What shutdown does to one connection: closes it at once when it is idle, once its last
 * answer is written when that is all it owes, else after the request in flight. May free c. */
void conn_drain(struct connection *c);
/* What making room does to a reusable connection: closes it (conn_free) and returns true,
 * unless the first bytes of its next request are already waiting in the socket (it is
 * about to be busy, not idle): then false, and c is left alone. */
bool conn_reuse(struct connection *c);
/* Closes the socket, frees c and tells the server (server_conn_closed). */
void conn_free(struct connection *c);

/* ---- http/listener.c, for the connections ----------------------------------------------- */

/* c joins (reusable) or leaves the server's reuse queue; a connection says so whenever it
 * starts or stops waiting for a request with nothing owed either way. */
void server_conn_reusable(struct connection *c, bool reusable);
/* c is about to be freed: it leaves the reuse queue and its address's count. */
void server_conn_closing(struct connection *c);

/* The Date header's value, formatted again only when the second has changed. */
const char *server_date(struct http_server *srv);
/* A connection has left the list and been freed: counts it out, resumes accepting if the
 * cap allowed, and ends the drain if that was the last one. */
void server_conn_closed(struct http_server *srv);

/* The most an answer's status line and headers take: the fixed parts, a content type and
 * extra_headers (http/response_head.c). */
#define HTTP_HEAD_MAX (512 + sizeof((struct http_response *)0)->extra_headers)
/* Writes resp's status line and headers (up to the blank line) to out; returns the bytes. */
size_t http_response_head(const struct http_response *resp, const char *date, bool keep_alive,
                          char *out, size_t len);
/* One access-log line for a response sent (http/access_log.c): method, path, status, bytes,
 * milliseconds since `dispatched` (0: not dispatched), token name; `req` may be half read. */
void access_log(const struct http_request *req, bool head_only, const struct http_response *resp,
                const char *actor, double milliseconds);

#endif
