/*
 * http.c — an HTTP/1.1 server on libevent bufferevents.
 *
 * Why not evhttp: every limit here must be named in the config and answered in the
 * project's JSON error shape (413, 431, 408, 503), connections must be capped, and SIGTERM
 * must drain in-flight requests; evhttp in Debian's libevent 2.1 does none of the three,
 * and answers its own errors in HTML. The parser is small because the protocol we accept is
 * small: a request line, headers, and a body sized by Content-Length (chunked request
 * bodies get 411). Keep-alive and pipelining follow from the read loop.
 *
 * Per connection, one timer enforces two deadlines: idle_timeout while waiting for a
 * request to start, read_timeout for a whole request to arrive once it has (so a client
 * sending one byte a second does not hold a connection for ever). write_timeout is the
 * bufferevent's write timeout. The connection cap disables the listener while full, so
 * excess clients wait in the kernel's backlog instead of being dropped.
 *
 * This file must never know about routes, JSON payloads or the database.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "util/log.h"
#include "util/metrics.h"

/* LINGER: after an error reply, the write side is shut and what the client still sends is
 * read and dropped for a moment, so it sees our 413 rather than a connection reset. */
enum conn_state { CONN_IDLE, CONN_HEAD, CONN_BODY, CONN_CLOSING, CONN_LINGER };

#define LINGER_SECONDS 2.0
/* A client that pipelines requests without reading the answers would make us queue them
 * without end: past this much unsent output, reading stops until the client catches up. */
#define OUTPUT_HIGH_WATER    (1u << 20)
#define ACCEPT_RETRY_SECONDS 0.1
#define LINGER_MAX_BYTES     (16u << 20)

struct connection {
    struct http_server *srv;
    struct bufferevent *bev;
    struct event *timer;
    enum conn_state state;
    char remote[64];
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
    struct connection *prev, *next;
};

struct http_server {
    struct event_base *base;
    struct evconnlistener *listener;
    struct config_limits limits;
    http_handler handler;
    void *ctx;
    int port;
    int connections;
    bool listener_paused;
    bool draining;
    struct event *grace_timer;
    struct event *accept_retry; /* re-enables the listener after EMFILE and the like */
    void (*drained)(void *);
    void *drained_arg;
    struct connection *all;
};

/* ---- small helpers ---------------------------------------------------------------------- */

const char *http_status_text(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

static void json_escape_into(char *out, size_t outlen, const char *text)
{
    size_t used = 0;
    for (const char *c = text; *c && used + 7 < outlen; c++) {
        if (*c == '"' || *c == '\\') {
            out[used++] = '\\';
            out[used++] = *c;
        } else if ((unsigned char)*c < 0x20) {
            used += (size_t)snprintf(out + used, outlen - used, "\\u%04x", *c);
        } else {
            out[used++] = *c;
        }
    }
    out[used] = '\0';
}

void http_response_error(struct http_response *resp, int status, const char *code,
                         const char *message)
{
    char escaped[1024];
    json_escape_into(escaped, sizeof escaped, message);
    free(resp->body);
    size_t cap = strlen(escaped) + strlen(code) + 64;
    resp->body = malloc(cap);
    resp->body_len =
        resp->body
            ? (size_t)snprintf(resp->body, cap, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
                               code, escaped)
            : 0;
    resp->status = status;
    resp->content_type = "application/json; charset=utf-8";
}

const char *http_request_header(const struct http_request *req, const char *name)
{
    for (int i = 0; i < req->header_count; i++)
        if (strcasecmp(req->headers[i].name, name) == 0) return req->headers[i].value;
    return NULL;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int http_query_param(const struct http_request *req, const char *name, char *out, size_t outlen)
{
    size_t name_len = strlen(name);
    const char *q = req->query;
    while (q && *q) {
        const char *end = strchr(q, '&');
        size_t len = end ? (size_t)(end - q) : strlen(q);
        if (len > name_len && strncmp(q, name, name_len) == 0 && q[name_len] == '=') {
            size_t used = 0;
            for (size_t i = name_len + 1; i < len; i++) {
                char c = q[i];
                if (c == '+') {
                    c = ' ';
                } else if (c == '%' && i + 2 < len + 1 && hex_value(q[i + 1]) >= 0 &&
                           hex_value(q[i + 2]) >= 0) {
                    c = (char)(hex_value(q[i + 1]) * 16 + hex_value(q[i + 2]));
                    i += 2;
                }
                if (used + 1 >= outlen) return -1;
                out[used++] = c;
            }
            out[used] = '\0';
            return 1;
        }
        q = end ? end + 1 : NULL;
    }
    return 0;
}

/* ---- connection life cycle -------------------------------------------------------------- */

static void conn_read(struct bufferevent *bev, void *arg);
static void conn_write(struct bufferevent *bev, void *arg);
static void conn_event(struct bufferevent *bev, short events, void *arg);
static void conn_timeout(evutil_socket_t fd, short events, void *arg);

static void arm_timer(struct connection *c, double seconds)
{
    struct timeval tv = {(time_t)seconds, (suseconds_t)((seconds - (time_t)seconds) * 1e6)};
    event_add(c->timer, &tv);
}

static void reset_request(struct connection *c)
{
    free(c->head);
    free(c->body);
    c->head = c->body = NULL;
    c->body_len = 0;
    c->head_only = false;
    memset(&c->req, 0, sizeof c->req);
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

static void conn_free(struct connection *c)
{
    struct http_server *srv = c->srv;
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->all = c->next;
    if (c->next) c->next->prev = c->prev;
    bufferevent_free(c->bev);
    event_free(c->timer);
    reset_request(c);
    free(c);
    srv->connections--;
    if (srv->listener_paused && !srv->draining && srv->connections < srv->limits.connections) {
        evconnlistener_enable(srv->listener);
        srv->listener_paused = false;
    }
    maybe_finish_drain(srv);
}

/* Queues a response; `close` forces Connection: close. */
static void send_response(struct connection *c, struct http_response *resp, bool close)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    if (close || c->srv->draining) c->keep_alive = false;
    static char date[64];
    static time_t date_at;
    time_t now = time(NULL);
    if (now != date_at) {
        struct tm gmt;
        gmtime_r(&now, &gmt);
        strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &gmt);
        date_at = now;
    }
    evbuffer_add_printf(out,
                        "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                        "Date: %s\r\nConnection: %s\r\n%s\r\n",
                        resp->status, http_status_text(resp->status),
                        resp->content_type ? resp->content_type : "application/json; charset=utf-8",
                        resp->body_len, date, c->keep_alive ? "keep-alive" : "close",
                        resp->extra_headers);
    if (resp->body_len && !c->head_only) evbuffer_add(out, resp->body, resp->body_len);
    free(resp->body);
    resp->body = NULL;
}

/* Answers an error the protocol layer found and closes once it is written. */
static void fail_connection(struct connection *c, int status, const char *code, const char *message)
{
    struct http_response resp = {0};
    http_response_error(&resp, status, code, message);
    metrics_observe("(protocol)", status, 0);
    send_response(c, &resp, true);
    c->state = CONN_CLOSING;
    c->linger = true;
    bufferevent_disable(c->bev, EV_READ);
    event_del(c->timer);
    reset_request(c);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        s[--len] = '\0';
    return s;
}

/* Parses c->head in place. Returns 0, or an HTTP status for a malformed request. */
static int parse_head(struct connection *c, long long *content_length)
{
    char *line_end = strstr(c->head, "\r\n");
    if (!line_end) return 400;
    *line_end = '\0';
    char *method = c->head;
    char *target = strchr(method, ' ');
    if (!target) return 400;
    *target++ = '\0';
    char *version = strchr(target, ' ');
    if (!version) return 400;
    *version++ = '\0';
    if (strcmp(version, "HTTP/1.1") != 0 && strcmp(version, "HTTP/1.0") != 0)
        return strncmp(version, "HTTP/", 5) == 0 ? 505 : 400;
    if (target[0] != '/' || method[0] == '\0') return 400;
    c->req.method = method;
    char *q = strchr(target, '?');
    if (q) *q++ = '\0';
    c->req.path = target;
    c->req.query = q ? q : "";
    c->req.remote = c->remote;
    bool http10 = strcmp(version, "HTTP/1.0") == 0;
    c->keep_alive = !http10;

    *content_length = 0;
    bool chunked = false, have_length = false, have_encoding = false;
    char *line = line_end + 2;
    while (*line) {
        char *end = strstr(line, "\r\n");
        if (!end) return 400;
        *end = '\0';
        char *colon = strchr(line, ':');
        if (!colon || colon == line) return 400;
        *colon = '\0';
        if (c->req.header_count == HTTP_MAX_HEADERS) return 431;
        char *name = line, *value = trim(colon + 1);
        for (char *n = name; *n; n++)
            if (*n == ' ' || *n == '\t') return 400;
        c->req.headers[c->req.header_count++] = (struct http_header){name, value};
        if (strcasecmp(name, "Content-Length") == 0) {
            char *tail;
            errno = 0;
            long long n = strtoll(value, &tail, 10);
            if (errno || *tail || n < 0 || value[0] == '\0') return 400;
            /* Two lengths that differ are how requests get smuggled: refuse (RFC 9112 6.3). */
            if (have_length && n != *content_length) return 400;
            have_length = true;
            *content_length = n;
        } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
            /* Only a single "identity" means no encoding; anything else, a repeated header
             * included, is a body we do not accept. */
            chunked = chunked || have_encoding || strcasecmp(value, "identity") != 0;
            have_encoding = true;
        } else if (strcasecmp(name, "Connection") == 0) {
            if (strcasecmp(value, "close") == 0) c->keep_alive = false;
            if (strcasecmp(value, "keep-alive") == 0) c->keep_alive = true;
        }
        line = end + 2;
    }
    if (chunked) return have_length ? 400 : 411;
    return 0;
}

static void dispatch(struct connection *c)
{
    c->req.body = c->body ? c->body : "";
    c->req.body_len = c->body_len;
    /* HEAD is answered as the GET it asks about, less the body (RFC 9110 9.3.2). */
    c->head_only = strcmp(c->req.method, "HEAD") == 0;
    if (c->head_only) c->req.method = "GET";
    struct http_response resp = {.status = 200};
    c->srv->handler(&c->req, &resp, c->srv->ctx);
    send_response(c, &resp, false);
    reset_request(c);
    if (c->keep_alive) {
        c->state = CONN_IDLE;
        arm_timer(c, c->srv->limits.idle_timeout);
    } else {
        c->state = CONN_CLOSING;
        bufferevent_disable(c->bev, EV_READ);
        event_del(c->timer);
    }
}

/* Advances the state machine as far as the buffered input allows. */
static void process_input(struct connection *c)
{
    struct http_server *srv = c->srv;
    struct evbuffer *in = bufferevent_get_input(c->bev);
    for (;;) {
        if (c->state == CONN_CLOSING) return;
        if (c->state == CONN_IDLE &&
            evbuffer_get_length(bufferevent_get_output(c->bev)) > OUTPUT_HIGH_WATER) {
            c->paused = true;
            bufferevent_disable(c->bev, EV_READ);
            event_del(c->timer); /* the write timeout watches a client that stops reading */
            return;
        }
        size_t available = evbuffer_get_length(in);
        if (c->state == CONN_IDLE) {
            if (available == 0) return;
            c->state = CONN_HEAD;
            arm_timer(c, srv->limits.read_timeout);
        }
        if (c->state == CONN_HEAD) {
            struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
            if (end.pos < 0) {
                if (available > srv->limits.header_bytes)
                    fail_connection(c, 431, "headers_too_large",
                                    "the request line and headers exceed the configured limit");
                return;
            }
            size_t head_len = (size_t)end.pos + 4;
            if (head_len > srv->limits.header_bytes) {
                fail_connection(c, 431, "headers_too_large",
                                "the request line and headers exceed the configured limit");
                return;
            }
            c->head = malloc(head_len + 1);
            if (!c->head) {
                fail_connection(c, 503, "overloaded", "out of memory");
                return;
            }
            evbuffer_remove(in, c->head, head_len);
            c->head[head_len - 2] = '\0'; /* keep the last header's CRLF, drop the blank line */
            long long length = 0;
            int status = parse_head(c, &length);
            if (status) {
                fail_connection(c, status,
                                status == 431   ? "headers_too_large"
                                : status == 411 ? "length_required"
                                : status == 505 ? "http_version"
                                                : "malformed_request",
                                status == 411   ? "send the body with a Content-Length header"
                                : status == 431 ? "too many headers"
                                                : "the request is not valid HTTP/1.1");
                return;
            }
            if ((unsigned long long)length > srv->limits.body_bytes) {
                char msg[128];
                snprintf(msg, sizeof msg, "the body is %lld bytes; the limit is %zu", length,
                         srv->limits.body_bytes);
                fail_connection(c, 413, "body_too_large", msg);
                return;
            }
            c->body_len = (size_t)length;
            c->body = malloc(c->body_len + 1);
            if (!c->body) {
                fail_connection(c, 503, "overloaded", "out of memory");
                return;
            }
            c->body[c->body_len] = '\0';
            const char *expect = http_request_header(&c->req, "Expect");
            if (expect && strcasecmp(expect, "100-continue") == 0 && c->body_len > 0 &&
                evbuffer_get_length(in) == 0)
                evbuffer_add_printf(bufferevent_get_output(c->bev),
                                    "HTTP/1.1 100 Continue\r\n\r\n");
            c->state = CONN_BODY;
        }
        if (c->state == CONN_BODY) {
            if (evbuffer_get_length(in) < c->body_len) return;
            if (c->body_len) evbuffer_remove(in, c->body, c->body_len);
            dispatch(c);
        }
    }
}

static void conn_read(struct bufferevent *bev, void *arg)
{
    struct connection *c = arg;
    if (c->state == CONN_LINGER) {
        struct evbuffer *in = bufferevent_get_input(bev);
        c->lingered += evbuffer_get_length(in);
        evbuffer_drain(in, evbuffer_get_length(in));
        if (c->lingered > LINGER_MAX_BYTES) conn_free(c);
        return;
    }
    process_input(c);
}

static void conn_write(struct bufferevent *bev, void *arg)
{
    struct connection *c = arg;
    if (evbuffer_get_length(bufferevent_get_output(bev)) > 0) return;
    if (c->paused && c->state != CONN_CLOSING) {
        /* The client caught up: go on with the requests it already sent. */
        c->paused = false;
        if (!c->eof) bufferevent_enable(bev, EV_READ);
        if (c->state == CONN_IDLE) arm_timer(c, c->srv->limits.idle_timeout);
        process_input(c);
        if (evbuffer_get_length(bufferevent_get_output(bev)) > 0 || c->paused) return;
    }
    if (c->state != CONN_CLOSING) {
        if (c->eof) conn_free(c); /* everything it sent is answered */
        return;
    }
    if (!c->linger) {
        conn_free(c);
        return;
    }
    c->state = CONN_LINGER;
    shutdown(bufferevent_getfd(bev), SHUT_WR);
    evbuffer_drain(bufferevent_get_input(bev), evbuffer_get_length(bufferevent_get_input(bev)));
    bufferevent_enable(bev, EV_READ);
    arm_timer(c, LINGER_SECONDS);
}

static void conn_event(struct bufferevent *bev, short events, void *arg)
{
    struct connection *c = arg;
    if ((events & BEV_EVENT_EOF) && !(events & (BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) &&
        c->state != CONN_LINGER) {
        /* A half-close: the client may still be reading what we owe it. Requests it sent
         * whole are answered (paused ones once it reads); a partial one never will be. */
        c->eof = true;
        c->keep_alive = false;
        bufferevent_disable(bev, EV_READ);
        bool owed = evbuffer_get_length(bufferevent_get_output(bev)) > 0 ||
                    (c->paused && evbuffer_get_length(bufferevent_get_input(bev)) > 0);
        if (!owed) conn_free(c);
        return;
    }
    if (events & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) conn_free(c);
}

static void conn_timeout(evutil_socket_t fd, short events, void *arg)
{
    (void)fd;
    (void)events;
    struct connection *c = arg;
    if (c->state == CONN_IDLE || c->state == CONN_LINGER) {
        conn_free(c);
    } else if (c->state == CONN_HEAD || c->state == CONN_BODY) {
        fail_connection(c, 408, "request_timeout",
                        "the request did not arrive within the configured read timeout");
    }
}

static void on_accept(struct evconnlistener *listener, evutil_socket_t fd, struct sockaddr *addr,
                      int socklen, void *arg)
{
    (void)listener;
    (void)socklen;
    struct http_server *srv = arg;
    struct connection *c = calloc(1, sizeof *c);
    if (!c) {
        evutil_closesocket(fd);
        return;
    }
    c->srv = srv;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)addr)->sin_addr, c->remote, sizeof c->remote);
    else if (addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)addr)->sin6_addr, c->remote, sizeof c->remote);
    c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
    c->timer = evtimer_new(srv->base, conn_timeout, c);
    if (!c->bev || !c->timer) {
        if (c->bev)
            bufferevent_free(c->bev);
        else
            evutil_closesocket(fd);
        if (c->timer) event_free(c->timer);
        free(c);
        return;
    }
    c->next = srv->all;
    if (srv->all) srv->all->prev = c;
    srv->all = c;
    srv->connections++;
    struct timeval write_tv = {
        (time_t)srv->limits.write_timeout,
        (suseconds_t)((srv->limits.write_timeout - (time_t)srv->limits.write_timeout) * 1e6)};
    bufferevent_set_timeouts(c->bev, NULL, &write_tv);
    bufferevent_setcb(c->bev, conn_read, conn_write, conn_event, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    c->state = CONN_IDLE;
    arm_timer(c, srv->limits.idle_timeout);
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
    struct timeval tv = {0, (suseconds_t)(ACCEPT_RETRY_SECONDS * 1e6)};
    if (srv->accept_retry) event_add(srv->accept_retry, &tv);
}

struct http_server *http_server_start(struct event_base *base, const char *host, int port,
                                      const struct config_limits *limits, http_handler handler,
                                      void *ctx, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sslen;
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        sslen = sizeof *in4;
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        sslen = sizeof *in6;
    } else {
        snprintf(err, errlen, "listen: \"%s\" is not an IP address", host);
        return NULL;
    }
    struct http_server *srv = calloc(1, sizeof *srv);
    if (!srv) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    srv->base = base;
    srv->limits = *limits;
    srv->handler = handler;
    srv->ctx = ctx;
    srv->listener =
        evconnlistener_new_bind(base, on_accept, srv, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                                511, (struct sockaddr *)&ss, (int)sslen);
    if (!srv->listener) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, strerror(errno));
        free(srv);
        return NULL;
    }
    evconnlistener_set_error_cb(srv->listener, on_listener_error);
    srv->accept_retry = evtimer_new(base, retry_accept, srv);
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    getsockname(evconnlistener_get_fd(srv->listener), (struct sockaddr *)&bound, &blen);
    srv->port = ntohs(bound.ss_family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
                                                 : ((struct sockaddr_in6 *)&bound)->sin6_port);
    return srv;
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
        bool no_input = evbuffer_get_length(bufferevent_get_input(c->bev)) == 0;
        if (c->state == CONN_IDLE && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 &&
            no_input) {
            conn_free(c);
        } else if (c->state == CONN_IDLE && !c->paused && no_input) {
            /* Its last answer is still being written: close once it is. */
            c->state = CONN_CLOSING;
            bufferevent_disable(c->bev, EV_READ);
            event_del(c->timer);
        } else {
            c->keep_alive = false;
        }
        c = next;
    }
    if (srv->connections > 0) {
        srv->grace_timer = evtimer_new(srv->base, grace_expired, srv);
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
