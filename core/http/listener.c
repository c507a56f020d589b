/*
 * http/listener.c — the HTTP/1.1 server as a whole, on libevent: the listening socket,
 * accepting clients into connections, the connection caps, the Date header every answer
 * shares, and shutdown's drain with its grace timer.
 *
 * Why not evhttp: every limit here must be named in the config and answered in the
 * project's JSON error shape (413, 431, 408, 503), connections must be capped, and SIGTERM
 * must drain in-flight requests; evhttp in Debian's libevent 2.1 does none of the three,
 * and answers its own errors in HTML. What happens on a connection once accepted is
 * http/connection.c's; the text of a request head is parsed by http/request.c.
 *
 * The caps, and why they cannot lock the server out (nginx's connection reuse is the model:
 * ngx_reusable_connection, ngx_drain_connections):
 *   - A connection waiting for a request with nothing owed either way (kept alive, or new
 *     and silent) is "reusable": closing it loses nothing. Connections tell the listener
 *     when they become reusable and when they stop; the listener keeps them in a queue,
 *     newest first.
 *   - At limits.connections, a new client is made room for by closing the oldest reusable
 *     connection. Only when none is reusable does the listener stop accepting, so excess
 *     clients wait in the kernel's backlog instead of being dropped; it starts again as
 *     soon as a connection closes or becomes reusable. Sockets that connect and send
 *     nothing therefore cannot hold the server: each new client pushes the oldest out.
 *   - At limits.connections_per_address, a new client from that address is made room for
 *     by closing that address's oldest reusable connection, or else answered 503 and
 *     closed at once: one address sending slowly (a slowloris) holds that many at most.
 *   - Connections that are busy sending a head slowly are bounded in time by
 *     limits.head_timeout (http/connection.c).
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

#include "http/address_counts.h"
#include "http/server_internal.h"
#include "util/log.h"
#include "util/metrics.h"

#define ACCEPT_RETRY_SECONDS 0.1
/* Connections the kernel may hold waiting for accept (nginx's and Redis's figure; the
 * kernel caps it at net.core.somaxconn). */
#define LISTEN_BACKLOG   511
#define HTTP_DATE_FORMAT "%a, %d %b %Y %H:%M:%S GMT"
/* Room for a refusal's status line and headers (its JSON body is counted apart). */
#define REFUSAL_HEAD_MAX 256

/* Reusable connections looked at to find one to close, passing over those whose next
 * request is already arriving (nginx closes up to 32 at a time). */
#define REUSE_CANDIDATES 32

#define CLOSED_METRIC      "thidua_http_connections_closed_total"
#define CLOSED_METRIC_HELP "Connections the server closed or refused to keep room for others"

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

/* Accepts while there is room (under the cap, or a reusable connection to close), unless
 * accept failed for want of descriptors or the server is draining. */
static void listener_update(struct http_server *srv)
{
    bool full = srv->connections >= srv->limits.connections && srv->reusable == 0;
    bool want = srv->listener && !srv->draining && !srv->accept_failed && !full;
    if (want == srv->listening) return;
    if (want)
        evconnlistener_enable(srv->listener);
    else if (srv->listener)
        evconnlistener_disable(srv->listener);
    srv->listening = want;
}

void server_conn_closed(struct http_server *srv)
{
    srv->connections--;
    listener_update(srv);
    maybe_finish_drain(srv);
}

void server_conn_reusable(struct connection *c, bool reusable)
{
    struct http_server *srv = c->srv;
    if (reusable == c->reusable) return;
    if (reusable) {
        c->reuse_newer = NULL;
        c->reuse_older = srv->reuse_newest;
        if (srv->reuse_newest) srv->reuse_newest->reuse_newer = c;
        srv->reuse_newest = c;
        if (!srv->reuse_oldest) srv->reuse_oldest = c;
        srv->reusable++;
    } else {
        if (c->reuse_newer)
            c->reuse_newer->reuse_older = c->reuse_older;
        else
            srv->reuse_newest = c->reuse_older;
        if (c->reuse_older)
            c->reuse_older->reuse_newer = c->reuse_newer;
        else
            srv->reuse_oldest = c->reuse_newer;
        c->reuse_newer = c->reuse_older = NULL;
        srv->reusable--;
    }
    c->reusable = reusable;
    listener_update(srv);
}

void server_conn_closing(struct connection *c)
{
    server_conn_reusable(c, false);
    address_counts_remove(c->srv->addresses, c->remote);
}

/* ---- making room ------------------------------------------------------------------------ */

/* Logs at most once a second per kind (nginx's "worker_connections are not enough"). */
static bool warn_now(time_t *last)
{
    time_t now = time(NULL);
    if (*last == now) return false;
    *last = now;
    return true;
}

/* Closes the oldest reusable connection, from `remote` only when it is not NULL; false when
 * there is none. One whose next request is already arriving is passed over, up to
 * REUSE_CANDIDATES of them. */
static bool close_oldest_reusable(struct http_server *srv, const char *remote)
{
    int candidates = 0;
    for (struct connection *c = srv->reuse_oldest; c && candidates < REUSE_CANDIDATES;) {
        struct connection *newer = c->reuse_newer;
        if (!remote || strcmp(c->remote, remote) == 0) {
            candidates++;
            if (conn_reuse(c)) {
                metrics_count(CLOSED_METRIC, CLOSED_METRIC_HELP, "reason",
                              remote ? "address_reused" : "reused");
                return true;
            }
        }
        c = newer;
    }
    return false;
}

/* Makes room for one more connection from `remote`; NULL when there is, else the error
 * code it is refused with. */
static const char *make_room(struct http_server *srv, const char *remote)
{
    const struct config_limits *lim = &srv->limits;
    if (address_counts_get(srv->addresses, remote) >= lim->connections_per_address &&
        !close_oldest_reusable(srv, remote)) {
        if (warn_now(&srv->refuse_warned_at))
            log_warn("%s holds %d connections (limits.connections_per_address), none idle; "
                     "refusing more from it",
                     remote, lim->connections_per_address);
        return "too_many_connections";
    }
    if (srv->connections < lim->connections) return NULL;
    if (warn_now(&srv->reuse_warned_at))
        log_warn("%d connections (limits.connections) are not enough; closing idle ones",
                 lim->connections);
    return close_oldest_reusable(srv, NULL) ? NULL : "overloaded";
}

/* Answers 503 on a socket not made a connection, and closes it. Best effort: a socket that
 * cannot take the few bytes at once does not get them. */
static void refuse(struct http_server *srv, evutil_socket_t fd, const char *code)
{
    struct http_response resp = {0};
    http_response_error(&resp, 503, code,
                        strcmp(code, "overloaded") == 0
                            ? "máy chủ đã đạt giới hạn số kết nối; xin thử lại"
                            : "quá nhiều kết nối từ địa chỉ này; xin thử lại");
    char head[REFUSAL_HEAD_MAX];
    int len = snprintf(head, sizeof head,
                       "HTTP/1.1 503 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                       "Date: %s\r\nConnection: close\r\nRetry-After: 1\r\n\r\n",
                       http_status_text(503), resp.content_type, resp.body_len, server_date(srv));
    if (len > 0 && (size_t)len < sizeof head && send(fd, head, (size_t)len, MSG_NOSIGNAL) == len)
        send(fd, resp.body, resp.body_len, MSG_NOSIGNAL);
    free(resp.body);
    metrics_observe("(protocol)", 503, 0);
    metrics_count(CLOSED_METRIC, CLOSED_METRIC_HELP, "reason", code);
    shutdown(fd, SHUT_WR);
    evutil_closesocket(fd);
}

/* ---- accepting -------------------------------------------------------------------------- */

/* The peer's address as text; "" for a family other than IPv4 and IPv6. */
static void address_text(const struct sockaddr *addr, char *out, size_t outlen)
{
    out[0] = '\0';
    if (addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)addr)->sin_addr, out, (socklen_t)outlen);
    else if (addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)addr)->sin6_addr, out,
                  (socklen_t)outlen);
}

/* A connection for an accepted socket, counted for its address but not yet linked in;
 * NULL (the socket closed) when out of memory. */
static struct connection *conn_new(struct http_server *srv, evutil_socket_t fd, const char *remote)
{
    struct connection *c = calloc(1, sizeof *c);
    if (!c) goto fail;
    c->srv = srv;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    snprintf(c->remote, sizeof c->remote, "%s", remote);
    c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
    c->timer = conn_timer_new(c);
    if (!c->bev || !c->timer || !address_counts_add(srv->addresses, remote)) goto fail;
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
    char remote[REMOTE_ADDR_MAX];
    address_text(addr, remote, sizeof remote);
    const char *refused = make_room(srv, remote);
    if (refused) {
        refuse(srv, fd, refused);
        return;
    }
    struct connection *c = conn_new(srv, fd, remote);
    if (!c) return;
    srv->connections++;
    conn_start(c);
    listener_update(srv);
}

static void retry_accept(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    struct http_server *srv = arg;
    srv->accept_failed = false;
    listener_update(srv);
}

static void on_listener_error(struct evconnlistener *listener, void *arg)
{
    (void)listener;
    struct http_server *srv = arg;
    /* Out of descriptors or memory, the connection stays in the backlog and the socket
     * stays readable: accepting again at once would spin. Pause, then retry. */
    log_warn("accept failed: %s; pausing new connections for %g s", strerror(errno),
             ACCEPT_RETRY_SECONDS);
    srv->accept_failed = true;
    listener_update(srv);
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
    srv->addresses = address_counts_new((size_t)limits->connections);
    if (!srv->addresses) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    srv->listener =
        evconnlistener_new_bind(base, on_accept, srv, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                                LISTEN_BACKLOG, (struct sockaddr *)&ss, (int)sslen);
    if (!srv->listener) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, strerror(errno));
        goto fail;
    }
    srv->listening = true;
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
    if (srv) address_counts_free(srv->addresses);
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
    address_counts_free(srv->addresses);
    free(srv);
}
