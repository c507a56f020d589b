/*
 * http/listener.c — the HTTP/1.1 server as a whole, on libevent: the listening socket,
 * accepting clients into connections, the connection cap, the Date header every answer
 * shares, and shutdown's drain with its grace timer.
 *
 * Why not evhttp: every limit here must be named in the config and answered in the
 * project's JSON error shape (413, 431, 408, 503), connections must be capped, and SIGTERM
 * must drain in-flight requests; evhttp in Debian's libevent 2.1 does none of the three,
 * and answers its own errors in HTML. What happens on a connection once accepted is
 * http/connection.c's; the text of a request head is parsed by http/request.c.
 *
 * The connection cap disables the listener while full, so excess clients wait in the
 * kernel's backlog instead of being dropped.
 *
 * This file must never read or write a connection's buffers, state or timer after handing
 * it to conn_start (it asks conn_drain and conn_free instead), nor parse request text, nor
 * know about routes, JSON payloads or the database.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http/server_internal.h"
#include "util/log.h"

#define ACCEPT_RETRY_SECONDS 0.1
/* Connections the kernel may hold waiting for accept (nginx's and Redis's figure; the
 * kernel caps it at net.core.somaxconn). */
#define LISTEN_BACKLOG   511
#define HTTP_DATE_FORMAT "%a, %d %b %Y %H:%M:%S GMT"

/* ---- what the connections ask of the server --------------------------------------------- */

/* The Date header's value, formatted again only when the second has changed. */
const char *server_date(struct http_server *srv)
{
    time_t now = time(NULL);
    if (now != srv->date_at) {
        struct tm gmt;
        gmtime_r(&now, &gmt);
        strftime(srv->date, sizeof srv->date, HTTP_DATE_FORMAT, &gmt);
        srv->date_at = now;
    }
    return srv->date;
}

static void maybe_finish_drain(struct http_server *srv)
{
    if (srv->draining && srv->connections == 0 && srv->drained) {
        void (*done)(void *) = srv->drained;
        srv->drained = NULL;
        if (srv->grace_timer) event_del(srv->grace_timer);
        done(srv->drained_arg);
    }
}

void server_conn_closed(struct http_server *srv)
{
    srv->connections--;
    if (srv->listener_paused && !srv->draining && srv->connections < srv->limits.connections) {
        evconnlistener_enable(srv->listener);
        srv->listener_paused = false;
    }
    maybe_finish_drain(srv);
}

/* ---- accepting -------------------------------------------------------------------------- */

/* A connection for an accepted socket, not yet linked in; NULL (the socket closed) when
 * out of memory. */
static struct connection *conn_new(struct http_server *srv, evutil_socket_t fd,
                                   const struct sockaddr *addr)
{
    struct connection *c = calloc(1, sizeof *c);
    if (!c) goto fail;
    c->srv = srv;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)addr)->sin_addr, c->remote,
                  sizeof c->remote);
    else if (addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)addr)->sin6_addr, c->remote,
                  sizeof c->remote);
    c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
    c->timer = conn_timer_new(c);
    if (!c->bev || !c->timer) goto fail;
    return c;
fail:
    if (c && c->bev)
        bufferevent_free(c->bev); /* closes fd */
    else
        evutil_closesocket(fd);
    if (c && c->timer) event_free(c->timer);
    free(c);
    return NULL;
}

static void on_accept(struct evconnlistener *listener, evutil_socket_t fd, struct sockaddr *addr,
                      int socklen, void *arg)
{
    (void)listener;
    (void)socklen;
    struct http_server *srv = arg;
    struct connection *c = conn_new(srv, fd, addr);
    if (!c) return;
    srv->connections++;
    conn_start(c);
    if (srv->connections >= srv->limits.connections) {
        evconnlistener_disable(srv->listener);
        srv->listener_paused = true;
    }
}

static void retry_accept(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    struct http_server *srv = arg;
    if (srv->listener && !srv->draining && srv->connections < srv->limits.connections) {
        evconnlistener_enable(srv->listener);
        srv->listener_paused = false;
    }
}

static void on_listener_error(struct evconnlistener *listener, void *arg)
{
    struct http_server *srv = arg;
    /* Out of descriptors or memory, the connection stays in the backlog and the socket
     * stays readable: accepting again at once would spin. Pause, then retry. */
    log_warn("accept failed: %s; pausing new connections for %g s", strerror(errno),
             ACCEPT_RETRY_SECONDS);
    evconnlistener_disable(listener);
    srv->listener_paused = true;
    struct timeval tv = timeval_of(ACCEPT_RETRY_SECONDS);
    if (srv->accept_retry) event_add(srv->accept_retry, &tv);
}

/* ---- the server ------------------------------------------------------------------------- */

/* Fills ss with host (an IPv4 or IPv6 address, not a name) and port; false if host is not
 * an address. */
static bool listen_address(const char *host, int port, struct sockaddr_storage *ss,
                           socklen_t *sslen)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        *sslen = sizeof *in4;
        return true;
    }
    if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        *sslen = sizeof *in6;
        return true;
    }
    return false;
}

struct http_server *http_server_start(struct event_base *base, const char *host, int port,
                                      const struct config_limits *limits, http_handler handler,
                                      void *ctx, char *err, size_t errlen)
{
    struct http_server *srv = NULL;
    struct sockaddr_storage ss;
    socklen_t sslen;
    if (!listen_address(host, port, &ss, &sslen)) {
        snprintf(err, errlen, "listen: \"%s\" is not an IP address", host);
        goto fail;
    }
    srv = calloc(1, sizeof *srv);
    if (!srv) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    srv->base = base;
    srv->limits = *limits;
    srv->handler = handler;
    srv->ctx = ctx;
    srv->listener =
        evconnlistener_new_bind(base, on_accept, srv, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                                LISTEN_BACKLOG, (struct sockaddr *)&ss, (int)sslen);
    if (!srv->listener) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, strerror(errno));
        goto fail;
    }
    evconnlistener_set_error_cb(srv->listener, on_listener_error);
    srv->accept_retry = evtimer_new(base, retry_accept, srv);
    struct sockaddr_storage bound = {0}; /* port 0 if getsockname fails */
    socklen_t blen = sizeof bound;
    getsockname(evconnlistener_get_fd(srv->listener), (struct sockaddr *)&bound, &blen);
    /* NOLINTNEXTLINE(clang-analyzer-core.CallAndMessage): bound is zeroed above */
    srv->port = ntohs(bound.ss_family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
                                                 : ((struct sockaddr_in6 *)&bound)->sin6_port);
    return srv;
fail:
    free(srv);
    return NULL;
}

int http_server_port(const struct http_server *srv)
{
    return srv->port;
}

int http_server_connections(const struct http_server *srv)
{
    return srv->connections;
}

static void grace_expired(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    struct http_server *srv = arg;
    log_warn("shutdown grace expired with %d connection(s) open; closing them", srv->connections);
    while (srv->all)
        conn_free(srv->all);
}

void http_server_shutdown(struct http_server *srv, void (*done)(void *), void *arg)
{
    if (srv->draining) return;
    srv->draining = true;
    srv->drained = done;
    srv->drained_arg = arg;
    if (srv->listener) {
        evconnlistener_free(srv->listener);
        srv->listener = NULL;
    }
    /* Idle keep-alive connections have nothing in flight: close them now. */
    struct connection *c = srv->all;
    while (c) {
        struct connection *next = c->next;
        conn_drain(c);
        c = next;
    }
    if (srv->connections > 0) {
        srv->grace_timer = evtimer_new(srv->base, grace_expired, srv);
        /* Whole seconds: a fractional grace is cut down, as it always has been. */
        struct timeval tv = {(time_t)srv->limits.shutdown_grace, 0};
        event_add(srv->grace_timer, &tv);
    }
    maybe_finish_drain(srv);
}

void http_server_free(struct http_server *srv)
{
    if (!srv) return;
    while (srv->all) {
        srv->draining = true;
        srv->drained = NULL;
        conn_free(srv->all);
    }
    if (srv->listener) evconnlistener_free(srv->listener);
    if (srv->grace_timer) event_free(srv->grace_timer);
    if (srv->accept_retry) event_free(srv->accept_retry);
    free(srv);
}
