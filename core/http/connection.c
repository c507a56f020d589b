/*
 * http/connection.c — one client connection of the HTTP/1.1 server, from accept to close:
 * the bufferevent callbacks, the read loop (begin_request, read_head, begin_body,
 * read_body) that makes keep-alive and pipelining work, the per-connection deadlines,
 * sending responses, lingering after an error, and closing.
 *
 * One timer enforces the deadlines, each counted from when the request started (the
 * connection's opening for its first request, its first byte on a kept-alive connection):
 * head_timeout for the request line and headers, read_timeout for the whole request (408
 * past either, so a client sending one byte a second does not hold a connection for long),
 * and idle_timeout while a kept-alive connection waits for its next request. A new
 * connection that sends nothing within head_timeout is closed without a word.
 * write_timeout is the bufferevent's write timeout. A client that stops reading its answers
 * is paused, not buffered for without end.
 *
 * A connection tells the listener whenever it becomes reusable (waiting for a request,
 * nothing buffered either way) and when it stops (update_reusable): at a connection cap the
 * listener closes the oldest reusable one to make room.
 *
 * This file must never touch the listening socket, the connection count or cap, or the
 * drain's timer and callback (http/listener.c owns those); nor parse request text itself
 * (http/request.c does), nor know about routes, JSON payloads or the database.
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include "http/parse.h"
#include "http/server_internal.h"
#include "util/metrics.h"
#include "util/text.h"

#define LINGER_SECONDS 2.0
/* A client that pipelines requests without reading the answers would make us queue them
 * without end: past this much unsent output, reading stops until the client catches up. */
#define OUTPUT_HIGH_WATER (1u << 20)
#define LINGER_MAX_BYTES  (16u << 20)

/* A request head ends with a blank line; the last header's CRLF is kept for the parser. */
#define HEAD_END       "\r\n\r\n"
#define HEAD_END_LEN   (sizeof HEAD_END - 1)
#define BLANK_LINE_LEN 2

/* Room for the 413 message, which names both sizes. */
#define BODY_LIMIT_MESSAGE_MAX 128
/* Room for a 400's message: what is refused and why. */
#define HEAD_PROBLEM_MESSAGE_MAX 160

#define HEADERS_TOO_LARGE_MESSAGE "dòng yêu cầu và các tiêu đề vượt quá giới hạn đã cấu hình"

/* ---- connection life cycle -------------------------------------------------------------- */

/* A request a handler answers later (http_response_later). */
struct http_later {
    struct connection *connection; /* NULL once it has closed */
};

static void conn_read(struct bufferevent *bev, void *arg);
static void conn_write(struct bufferevent *bev, void *arg);
static void conn_event(struct bufferevent *bev, short events, void *arg);
static void conn_timeout(evutil_socket_t fd, short events, void *arg);

static void arm_timer(struct connection *c, double seconds)
{
    struct timeval tv = timeval_of(seconds > 0 ? seconds : 0);
    event_add(c->timer, &tv);
}

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Arms the timer for what is left of `limit` seconds since the request started. */
static void arm_request_deadline(struct connection *c, double limit)
{
    arm_timer(c, limit - (monotonic_seconds() - c->request_started));
}

/* Joins or leaves the listener's reuse queue as the connection's state now has it. */
static void update_reusable(struct connection *c)
{
    bool reusable = c->state == CONN_IDLE && !c->paused && !c->eof &&
                    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 &&
                    evbuffer_get_length(bufferevent_get_input(c->bev)) == 0;
    server_conn_reusable(c, reusable);
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

void conn_free(struct connection *c)
{
    struct http_server *srv = c->srv;
    server_conn_closing(c);
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->all = c->next;
    if (c->next) c->next->prev = c->prev;
    if (c->later) c->later->connection = NULL; /* its answer will go nowhere */
    bufferevent_free(c->bev);
    event_free(c->timer);
    reset_request(c);
    free(c);
    server_conn_closed(srv);
}

/* Queues a response; `close` forces Connection: close. */
static void free_body(const void *data, size_t len, void *arg)
{
    (void)len, (void)arg;
    free((void *)data);
}

static void send_response(struct connection *c, struct http_response *resp, bool close)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    if (close || c->srv->draining) c->keep_alive = false;
    /* The body is handed to the buffer, not copied: libevent frees it once sent. */
    char head[HTTP_HEAD_MAX];
    evbuffer_add(out, head,
                 http_response_head(resp, server_date(c->srv), c->keep_alive, head, sizeof head));
    /* A HEAD's answer and a 304 carry the GET's headers (Content-Length included), not its
     * body (RFC 9110 9.3.2, 15.4.5). */
    if (resp->body_len && !c->head_only && resp->status != 304 &&
        evbuffer_add_reference(out, resp->body, resp->body_len, free_body, NULL) == 0)
        resp->body = NULL; /* the buffer's now */
    double ms = c->dispatched > 0 ? (monotonic_seconds() - c->dispatched) * 1000 : 0;
    access_log(&c->req, c->head_only, resp, resp->actor[0] ? resp->actor : c->actor, ms);
    c->dispatched = 0;
    c->actor[0] = '\0';
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
    update_reusable(c);
}

struct http_later *http_response_later(struct http_response *resp)
{
    struct connection *c = resp->connection;
    struct http_later *later = c ? calloc(1, sizeof *later) : NULL;
    if (!later) return NULL;
    later->connection = c;
    c->later = later;
    resp->later = true;
    return later;
}

/* The request is answered: the next one may come. */
static void request_done(struct connection *c)
{
    reset_request(c);
    c->request_started = 0; /* the next request's deadlines count from its first byte */
    if (c->keep_alive) {
        c->state = CONN_IDLE;
        arm_timer(c, c->srv->limits.idle_timeout);
    } else {
        c->state = CONN_CLOSING;
        bufferevent_disable(c->bev, EV_READ);
        event_del(c->timer);
    }
}

static void dispatch(struct connection *c)
{
    c->req.body = c->body ? c->body : "";
    c->req.body_len = c->body_len;
    /* HEAD is answered as the GET it asks about, less the body (RFC 9110 9.3.2). */
    c->head_only = strcmp(c->req.method, "HEAD") == 0;
    if (c->head_only) c->req.method = "GET";
    struct http_response resp = {.status = 200, .connection = c};
    c->dispatched = monotonic_seconds();
    c->srv->handler(&c->req, &resp, c->srv->ctx);
    text_join(c->actor, sizeof c->actor, (const char *const[]){resp.actor}, 1);
    if (resp.later) {
        free(resp.body);
        c->state = CONN_WAITING;
        bufferevent_disable(c->bev, EV_READ);
        event_del(c->timer);
        return;
    }
    send_response(c, &resp, false);
    request_done(c);
}

static void process_input(struct connection *c);

bool http_later_gone(const struct http_later *later)
{
    return later->connection == NULL;
}

void http_later_answer(struct http_later *later, struct http_response *resp)
{
    struct connection *c = later->connection;
    free(later);
    if (!c) {
        free(resp->body);
        resp->body = NULL;
        return;
    }
    c->later = NULL;
    send_response(c, resp, false);
    request_done(c);
    if (c->state == CONN_IDLE && !c->eof) {
        bufferevent_enable(c->bev, EV_READ);
        process_input(c); /* a request it sent meanwhile */
    } else {
        update_reusable(c);
    }
}

/* ---- the read loop: each step returns true when the next one may run -------------------- */

/* CONN_IDLE: starts a request once bytes arrive, unless too much output is waiting. */
static bool begin_request(struct connection *c)
{
    if (evbuffer_get_length(bufferevent_get_output(c->bev)) > OUTPUT_HIGH_WATER) {
        c->paused = true;
        bufferevent_disable(c->bev, EV_READ);
        event_del(c->timer); /* the write timeout watches a client that stops reading */
        return false;
    }
    if (evbuffer_get_length(bufferevent_get_input(c->bev)) == 0) return false;
    const struct config_limits *limits = &c->srv->limits;
    if (c->request_started == 0) c->request_started = monotonic_seconds();
    c->state = CONN_HEAD;
    arm_request_deadline(c, limits->head_timeout < limits->read_timeout ? limits->head_timeout
                                                                        : limits->read_timeout);
    return true;
}

/* Once the head is parsed: checks the body's size and makes room for it. */
static bool begin_body(struct connection *c, long long length)
{
    const struct config_limits *limits = &c->srv->limits;
    char msg[BODY_LIMIT_MESSAGE_MAX];
    int status = 413;
    const char *code = "body_too_large", *message = msg;
    if ((unsigned long long)length > limits->body_bytes) {
        snprintf(msg, sizeof msg, "thân yêu cầu dài %lld byte; giới hạn là %zu", length,
                 limits->body_bytes);
        goto fail;
    }
    c->body_len = (size_t)length;
    c->body = malloc(c->body_len + 1);
    if (!c->body) {
        status = 503;
        code = "overloaded";
        message = "hết bộ nhớ";
        goto fail;
    }
    c->body[c->body_len] = '\0';
    const char *expect = http_request_header(&c->req, "Expect");
    if (expect && strcasecmp(expect, "100-continue") == 0 && c->body_len > 0 &&
        evbuffer_get_length(bufferevent_get_input(c->bev)) == 0)
        evbuffer_add_printf(bufferevent_get_output(c->bev), "HTTP/1.1 100 Continue\r\n\r\n");
    c->state = CONN_BODY;
    arm_request_deadline(c, limits->read_timeout);
    return true;
fail:
    fail_connection(c, status, code, message);
    return false;
}

/* CONN_HEAD: waits for the blank line, then parses the head within the header limit. */
static bool read_head(struct connection *c)
{
    size_t limit = c->srv->limits.header_bytes;
    struct evbuffer *in = bufferevent_get_input(c->bev);
    int status = 431;
    const char *code = "headers_too_large", *message = HEADERS_TOO_LARGE_MESSAGE;
    char problem[HEAD_PROBLEM_MESSAGE_MAX];
    struct evbuffer_ptr end = evbuffer_search(in, HEAD_END, HEAD_END_LEN, NULL);
    if (end.pos < 0) {
        if (evbuffer_get_length(in) > limit) goto fail;
        return false;
    }
    size_t head_len = (size_t)end.pos + HEAD_END_LEN;
    if (head_len > limit) goto fail;
    c->head = malloc(head_len + 1);
    if (!c->head) {
        status = 503;
        code = "overloaded";
        message = "hết bộ nhớ";
        goto fail;
    }
    evbuffer_remove(in, c->head, head_len);
    c->head[head_len - BLANK_LINE_LEN] = '\0';
    struct http_head head;
    status = http_parse_head(c->head, head_len - BLANK_LINE_LEN, &c->req, &head);
    if (status) {
        code = http_head_error_code(status);
        message = http_head_error_message(status);
        if (status == 400 && head.problem) {
            snprintf(problem, sizeof problem, "%s: %s", message, head.problem);
            message = problem;
        }
        goto fail;
    }
    c->req.remote = c->remote;
    c->keep_alive = head.keep_alive;
    return begin_body(c, head.content_length);
fail:
    fail_connection(c, status, code, message);
    return false;
}

/* CONN_BODY: once the whole body is in, hands the request to the handler. */
static bool read_body(struct connection *c)
{
    struct evbuffer *in = bufferevent_get_input(c->bev);
    if (evbuffer_get_length(in) < c->body_len) return false;
    if (c->body_len) evbuffer_remove(in, c->body, c->body_len);
    dispatch(c);
    return true;
}

/* Advances the state machine as far as the buffered input allows, then tells the reuse
 * queue where the connection stands. */
static void process_input(struct connection *c)
{
    while (c->state != CONN_CLOSING && c->state != CONN_WAITING) {
        if (c->state == CONN_IDLE && !begin_request(c)) break;
        if (c->state == CONN_HEAD && !read_head(c)) break;
        if (c->state == CONN_BODY && !read_body(c)) break;
    }
    update_reusable(c);
}

/* ---- bufferevent and timer callbacks ---------------------------------------------------- */

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
        if (c->eof)
            conn_free(c); /* everything it sent is answered */
        else
            update_reusable(c); /* its last answer is out: it waits, owing nothing */
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
        if (owed)
            update_reusable(c);
        else
            conn_free(c);
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
    } else if (c->state == CONN_HEAD) {
        fail_connection(c, 408, "request_timeout",
                        "dòng yêu cầu và các tiêu đề không đến kịp trong thời hạn "
                        "head_timeout đã cấu hình");
    } else if (c->state == CONN_BODY) {
        fail_connection(c, 408, "request_timeout",
                        "yêu cầu không đến kịp trong thời hạn read_timeout đã cấu hình");
    }
}

/* ---- what the listener asks of a connection --------------------------------------------- */

struct event *conn_timer_new(struct connection *c)
{
    return evtimer_new(c->srv->base, conn_timeout, c);
}

void conn_start(struct connection *c)
{
    struct http_server *srv = c->srv;
    c->next = srv->all;
    if (srv->all) srv->all->prev = c;
    srv->all = c;
    struct timeval write_tv = timeval_of(srv->limits.write_timeout);
    bufferevent_set_timeouts(c->bev, NULL, &write_tv);
    bufferevent_setcb(c->bev, conn_read, conn_write, conn_event, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
    c->state = CONN_IDLE;
    /* A new connection's first request counts from now: one that sends nothing is closed
     * after head_timeout, not left for idle_timeout. */
    c->request_started = monotonic_seconds();
    arm_timer(c, srv->limits.head_timeout);
    update_reusable(c);
}

bool conn_reuse(struct connection *c)
{
    int pending = 0;
    if (ioctl(bufferevent_getfd(c->bev), FIONREAD, &pending) == 0 && pending > 0) return false;
    conn_free(c);
    return true;
}

void conn_drain(struct connection *c)
{
    bool no_input = evbuffer_get_length(bufferevent_get_input(c->bev)) == 0;
    if (c->state == CONN_IDLE && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0 &&
        no_input) {
        conn_free(c);
    } else if (c->state == CONN_IDLE && !c->paused && no_input) {
        /* Its last answer is still being written: close once it is. */
        c->state = CONN_CLOSING;
        bufferevent_disable(c->bev, EV_READ);
        event_del(c->timer);
        update_reusable(c);
    } else {
        c->keep_alive = false;
    }
}
