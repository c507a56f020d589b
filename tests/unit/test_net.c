/*
 * test_net.c — unit tests for core/net/: the real libcurl on loopback. Each test runs an
 * evhttp server on 127.0.0.1 on the same event_base as the client, and checks: a POST with
 * a JSON body and custom headers arrives and its status and body come back; 200 concurrent
 * requests all complete (more than NET_MAX_CONNECTIONS, so some wait); a callback may start
 * the next transfer; a server that never answers gives NET_TIMEOUT within the timeout; a
 * closed port gives NET_CONNECT_FAILED; a 500 is NET_OK with status 500; a body over the
 * cap is cut; a bad request is refused at once; net_free with transfers in flight calls
 * each callback once with NET_CANCELLED (ASan's leak check runs on this file too).
 *
 * SMTP: Debian's aiosmtpd runs as a child process (/usr/bin/python3 -m aiosmtpd, its
 * Debugging handler printing each message to a file); a message with an RFC 2047 UTF-8
 * subject and a Vietnamese body must arrive whole, with reply 250; the same through
 * STARTTLS with a throwaway certificate made by the openssl command.
 */
#include <arpa/inet.h>
#include <check.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net/net.h"
#include "support.h"

static char root[256]; /* created by main() */
static char dir[512];  /* this test's folder */
static struct event_base *base;
static struct evhttp *server;
static int port;
static struct net *net;
static int expected; /* callbacks still to come before the loop stops */

struct outcome {
    int calls;
    enum net_result result;
    long status;
    char *body;
    size_t body_len;
    bool truncated;
    char error[256];
    double at; /* seconds since the test began */
};

/* What the server saw of the last /echo request. */
static struct {
    char method[16], content_type[64], custom[64], body[256];
} seen;

/* ---- helpers ---------------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double started;

static void on_done(void *arg, const struct net_response *r)
{
    struct outcome *o = arg;
    o->calls++;
    o->result = r->result;
    o->status = r->status;
    o->truncated = r->truncated;
    o->at = now() - started;
    free(o->body);
    o->body = malloc(r->body_len + 1);
    ck_assert_ptr_nonnull(o->body);
    memcpy(o->body, r->body, r->body_len);
    o->body[r->body_len] = '\0';
    o->body_len = r->body_len;
    snprintf(o->error, sizeof o->error, "%s", r->error ? r->error : "");
    if (--expected == 0) event_base_loopbreak(base);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    *(bool *)arg = true;
    event_base_loopbreak(base);
}

/* Runs the loop until `expected` callbacks came, failing after `limit` seconds. */
static void run_until_done(double limit)
{
    bool late = false;
    struct event *deadline = evtimer_new(base, on_deadline, &late);
    struct timeval tv = {(time_t)limit, (suseconds_t)((limit - (time_t)limit) * 1e6)};
    evtimer_add(deadline, &tv);
    if (expected > 0) event_base_dispatch(base);
    event_free(deadline);
    ck_assert_msg(!late, "%d callbacks still missing after %.1f s", expected, limit);
}

/* Runs the loop for `seconds`, whatever happens. */
static void run_for(double seconds)
{
    struct timeval tv = {(time_t)seconds, (suseconds_t)((seconds - (time_t)seconds) * 1e6)};
    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
}

static void start(const struct net_request *req, struct outcome *o)
{
    char err[256] = "";
    ck_assert_msg(net_start(net, req, on_done, o, err, sizeof err) == 0, "net_start: %s", err);
    expected++;
}

static char *url(const char *path)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "http://127.0.0.1:%d%s", port, path);
    return buf;
}

/* ---- the server ------------------------------------------------------------------------- */

static void reply(struct evhttp_request *req, int code, const char *body, size_t len)
{
    struct evbuffer *out = evbuffer_new();
    evbuffer_add(out, body, len);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/plain");
    evhttp_send_reply(req, code, code == 200 ? "OK" : "Whatever", out);
    evbuffer_free(out);
}

static void copy_header(char *dest, size_t len, struct evhttp_request *req, const char *name)
{
    const char *v = evhttp_find_header(evhttp_request_get_input_headers(req), name);
    snprintf(dest, len, "%s", v ? v : "");
}

static void on_request(struct evhttp_request *req, void *arg)
{
    (void)arg;
    const char *uri = evhttp_request_get_uri(req);
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t in_len = evbuffer_get_length(in);
    if (strncmp(uri, "/echo", 5) == 0) {
        snprintf(seen.method, sizeof seen.method, "%s",
                 evhttp_request_get_command(req) == EVHTTP_REQ_POST ? "POST" : "other");
        copy_header(seen.content_type, sizeof seen.content_type, req, "Content-Type");
        copy_header(seen.custom, sizeof seen.custom, req, "X-Thidua-Test");
        size_t n = in_len < sizeof seen.body - 1 ? in_len : sizeof seen.body - 1;
        evbuffer_copyout(in, seen.body, n);
        seen.body[n] = '\0';
        char body[300];
        int len = snprintf(body, sizeof body, "{\"got\":%zu,\"uri\":\"%s\"}", in_len, uri);
        reply(req, 201, body, (size_t)len);
    } else if (strcmp(uri, "/fail") == 0) {
        reply(req, 500, "boom", 4);
    } else if (strcmp(uri, "/big") == 0) {
        size_t len = 2 * NET_DEFAULT_MAX_RESPONSE;
        char *body = malloc(len);
        memset(body, 'x', len);
        reply(req, 200, body, len);
        free(body);
    } else if (strcmp(uri, "/hang") != 0) {
        reply(req, 404, "no", 2);
    } /* /hang: never answered; evhttp frees it with the connection */
}

static void setup(void)
{
    test_make_dir(dir, sizeof dir, root);
    base = event_base_new();
    ck_assert_ptr_nonnull(base);
    server = evhttp_new(base);
    struct evhttp_bound_socket *bound = evhttp_bind_socket_with_handle(server, "127.0.0.1", 0);
    ck_assert_ptr_nonnull(bound);
    struct sockaddr_in sa;
    socklen_t sa_len = sizeof sa;
    getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&sa, &sa_len);
    port = ntohs(sa.sin_port);
    evhttp_set_gencb(server, on_request, NULL);
    char err[256] = "";
    net = net_new(base, err, sizeof err);
    ck_assert_msg(net != NULL, "net_new: %s", err);
    expected = 0;
    memset(&seen, 0, sizeof seen);
    started = now();
}

static void stop_smtpd(void);

static void teardown(void)
{
    stop_smtpd();
    net_free(net);
    net = NULL;
    evhttp_free(server);
    event_base_free(base);
    test_remove_tree(dir);
}

/* ---- HTTP ------------------------------------------------------------------------------- */

START_TEST(post_json_with_headers)
{
    const char *json = "{\"unit\":\"VP\",\"score\":9.5}";
    struct net_header headers[] = {{"Content-Type", "application/json"},
                                   {"X-Thidua-Test", "xin chào"}};
    struct net_request req = {.method = "POST",
                              .url = url("/echo?a=1"),
                              .headers = headers,
                              .header_count = 2,
                              .body = json,
                              .body_len = strlen(json)};
    struct outcome o = {0};
    start(&req, &o);
    ck_assert_int_eq(o.calls, 0); /* never from inside net_start */
    ck_assert_uint_eq(net_in_flight(net), 1);
    run_until_done(5);
    ck_assert_int_eq(o.calls, 1);
    ck_assert_msg(o.result == NET_OK, "%s: %s", net_result_name(o.result), o.error);
    ck_assert_int_eq(o.status, 201);
    ck_assert_str_eq(o.body, "{\"got\":25,\"uri\":\"/echo?a=1\"}");
    ck_assert_str_eq(seen.method, "POST");
    ck_assert_str_eq(seen.content_type, "application/json");
    ck_assert_str_eq(seen.custom, "xin chào");
    ck_assert_str_eq(seen.body, json);
    ck_assert_uint_eq(net_in_flight(net), 0);
    free(o.body);
}
END_TEST

START_TEST(many_concurrent)
{
    enum { N = 200 };
    static struct outcome o[N];
    memset(o, 0, sizeof o);
    for (int i = 0; i < N; i++) {
        char path[32], body[16];
        snprintf(path, sizeof path, "/echo/%d", i);
        snprintf(body, sizeof body, "%d", i);
        struct net_request req = {.url = url(path), .body = body, .body_len = strlen(body)};
        start(&req, &o[i]); /* path and body are copied: they go out of scope now */
    }
    ck_assert_uint_eq(net_in_flight(net), N);
    run_until_done(20);
    for (int i = 0; i < N; i++) {
        char num[16], want[64];
        snprintf(num, sizeof num, "%d", i);
        snprintf(want, sizeof want, "{\"got\":%zu,\"uri\":\"/echo/%d\"}", strlen(num), i);
        ck_assert_int_eq(o[i].calls, 1);
        ck_assert_msg(o[i].result == NET_OK, "%d: %s", i, o[i].error);
        ck_assert_int_eq(o[i].status, 201);
        ck_assert_str_eq(o[i].body, want);
        free(o[i].body);
    }
    ck_assert_uint_eq(net_in_flight(net), 0);
}
END_TEST

static struct outcome chained[2];

static void on_first(void *arg, const struct net_response *r)
{
    on_done(arg, r);
    struct net_request req = {.url = url("/fail")};
    start(&req, &chained[1]); /* from inside a callback */
}

START_TEST(callback_starts_next)
{
    memset(chained, 0, sizeof chained);
    struct net_request req = {.url = url("/echo")};
    char err[256];
    ck_assert_int_eq(net_start(net, &req, on_first, &chained[0], err, sizeof err), 0);
    expected = 1;
    run_until_done(5);
    ck_assert_int_eq(chained[0].status, 201);
    ck_assert_int_eq(chained[1].calls, 0);
    run_until_done(5);
    ck_assert_int_eq(chained[1].calls, 1);
    ck_assert_int_eq(chained[1].status, 500);
    free(chained[0].body);
    free(chained[1].body);
}
END_TEST

START_TEST(server_error_is_ok_with_status)
{
    struct net_request req = {.method = "GET", .url = url("/fail")};
    struct outcome o = {0};
    start(&req, &o);
    run_until_done(5);
    ck_assert_int_eq(o.result, NET_OK);
    ck_assert_int_eq(o.status, 500);
    ck_assert_str_eq(o.body, "boom");
    ck_assert(!o.truncated);
    free(o.body);
}
END_TEST

START_TEST(silent_server_times_out)
{
    struct net_request req = {.url = url("/hang"), .timeout = 0.5};
    struct outcome o = {0};
    start(&req, &o);
    run_until_done(5);
    ck_assert_int_eq(o.calls, 1);
    ck_assert_msg(o.result == NET_TIMEOUT, "%s: %s", net_result_name(o.result), o.error);
    ck_assert_msg(o.at >= 0.45 && o.at < 3.0, "timed out after %.2f s", o.at);
    ck_assert_str_ne(o.error, "");
    free(o.body);
}
END_TEST

START_TEST(closed_port_fails_to_connect)
{
    /* A socket bound and not listening: connecting to its port is refused. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sa_len = sizeof sa;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    getsockname(fd, (struct sockaddr *)&sa, &sa_len);
    char where[64];
    snprintf(where, sizeof where, "http://127.0.0.1:%d/", ntohs(sa.sin_port));
    struct net_request req = {.url = where};
    struct outcome o = {0};
    start(&req, &o);
    ck_assert_int_eq(o.calls, 0);
    run_until_done(5);
    close(fd);
    ck_assert_msg(o.result == NET_CONNECT_FAILED, "%s: %s", net_result_name(o.result), o.error);
    ck_assert_int_eq(o.status, 0);
    free(o.body);
}
END_TEST

START_TEST(big_body_is_cut)
{
    struct net_request req = {.url = url("/big")};
    struct outcome o = {0};
    start(&req, &o);
    run_until_done(10);
    ck_assert_int_eq(o.result, NET_OK);
    ck_assert_int_eq(o.status, 200);
    ck_assert(o.truncated);
    ck_assert_uint_eq(o.body_len, NET_DEFAULT_MAX_RESPONSE);
    ck_assert_int_eq(o.body[0], 'x');
    ck_assert_int_eq(o.body[o.body_len - 1], 'x');
    free(o.body);

    struct net_request small = {.url = url("/fail"), .max_response = 2};
    struct outcome s = {0};
    start(&small, &s);
    run_until_done(5);
    ck_assert_int_eq(s.result, NET_OK);
    ck_assert(s.truncated);
    ck_assert_str_eq(s.body, "bo");
    free(s.body);
}
END_TEST

START_TEST(bad_requests_refused)
{
    char err[256];
    struct outcome o = {0};
    struct net_header evil[] = {{"X-A", "b\r\nX-Injected: 1"}};
    struct net_request bad[] = {
        {.url = NULL},
        {.url = "ftp://127.0.0.1/"},
        {.url = url("/echo"), .headers = evil, .header_count = 1},
        {.url = url("/echo"), .method = "GET /x HTTP/1.0\r\n"},
        {.url = "smtp://127.0.0.1:1", .body = "x", .body_len = 1},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        ck_assert_int_eq(net_start(net, &bad[i], on_done, &o, err, sizeof err), -1);
        ck_assert_str_ne(err, "");
    }
    ck_assert_uint_eq(net_in_flight(net), 0);
    run_for(0.05);
    ck_assert_int_eq(o.calls, 0);
}
END_TEST

START_TEST(free_cancels_in_flight)
{
    enum { N = 6 };
    struct outcome o[N] = {{0}};
    for (int i = 0; i < N - 1; i++) {
        struct net_request req = {.url = url("/hang")};
        start(&req, &o[i]);
    }
    run_for(0.3); /* connected, request sent, waiting for an answer */
    struct net_request late = {.url = url("/echo"), .body = "{}", .body_len = 2};
    start(&late, &o[N - 1]); /* not even connected */
    ck_assert_uint_eq(net_in_flight(net), N);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(o[i].calls, 0);
    net_free(net);
    net = NULL;
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(o[i].calls, 1);
        ck_assert_int_eq(o[i].result, NET_CANCELLED);
        free(o[i].body);
    }
    run_for(0.05); /* nothing of net's is left on the loop */
}
END_TEST

/* ---- SMTP ------------------------------------------------------------------------------- */

static pid_t smtpd = -1;

/* A port free a moment ago (bound to 0, read back, closed). */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t sa_len = sizeof sa;
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    getsockname(fd, (struct sockaddr *)&sa, &sa_len);
    close(fd);
    return ntohs(sa.sin_port);
}

static bool accepts(int p)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
                             .sin_port = htons((uint16_t)p)};
    bool ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

/* Starts aiosmtpd on a free port, its stdout to out; extra: "--tlscert C --tlskey K" or
 * NULL. Returns the port once it accepts connections. */
static int start_smtpd(const char *out, const char *cert, const char *key)
{
    int p = free_port();
    char listen_at[32];
    snprintf(listen_at, sizeof listen_at, "127.0.0.1:%d", p);
    smtpd = fork();
    ck_assert_int_ne(smtpd, -1);
    if (smtpd == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* dies with the test, even a failed one */
        FILE *f = freopen(out, "w", stdout);
        if (!f) _exit(126);
        setenv("PYTHONUNBUFFERED", "1", 1);
        if (cert)
            execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen_at,
                  "--tlscert", cert, "--tlskey", key, (char *)NULL);
        else
            execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen_at,
                  (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 300 && !accepts(p); i++)
        usleep(50 * 1000);
    ck_assert_msg(accepts(p), "aiosmtpd does not listen on %d (python3-aiosmtpd?)", p);
    return p;
}

static void stop_smtpd(void)
{
    if (smtpd <= 0) return;
    kill(smtpd, SIGTERM);
    waitpid(smtpd, NULL, 0);
    smtpd = -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* "Báo cáo thi đua" in UTF-8, base64: the subject as RFC 2047 writes it. */
#define SUBJECT "=?UTF-8?B?QsOhbyBjw6FvIHRoaSDEkXVh?="
#define LINE1   "Kính gửi Phòng Tổ chức cán bộ,"
#define LINE2   "Đơn vị đã nộp báo cáo thi đua năm 2025 đúng hạn."

static const char message[] = "From: thiduad <thiduad@example.org>\r\n"
                              "To: <phong.tccb@example.org>\r\n"
                              "Subject: " SUBJECT "\r\n"
                              "MIME-Version: 1.0\r\n"
                              "Content-Type: text/plain; charset=UTF-8\r\n"
                              "Content-Transfer-Encoding: 8bit\r\n"
                              "\r\n" LINE1 "\r\n"
                              "." LINE2 "\r\n"; /* a leading dot: curl must stuff it */

static void send_mail(int smtp_port, bool starttls, struct outcome *o)
{
    char where[64];
    snprintf(where, sizeof where, "smtp://127.0.0.1:%d", smtp_port);
    const char *rcpt[] = {"<phong.tccb@example.org>", "ban.thidua@example.org"};
    struct net_request req = {.url = where,
                              .body = message,
                              .body_len = strlen(message),
                              .mail_from = "thiduad@example.org",
                              .rcpt = rcpt,
                              .rcpt_count = 2,
                              .starttls = starttls,
                              .insecure = starttls,
                              .timeout = 20};
    start(&req, o);
    run_until_done(25);
}

static void check_delivered(const char *out, const struct outcome *o)
{
    ck_assert_msg(o->result == NET_OK, "%s: %s", net_result_name(o->result), o->error);
    ck_assert_int_eq(o->status, 250);
    stop_smtpd();
    const char *text = slurp(out);
    ck_assert_msg(strstr(text, "MESSAGE FOLLOWS"), "aiosmtpd printed: %s", text);
    ck_assert_msg(strstr(text, "Subject: " SUBJECT), "aiosmtpd printed: %s", text);
    ck_assert_msg(strstr(text, "\n" LINE1 "\n"), "aiosmtpd printed: %s", text);
    ck_assert_msg(strstr(text, "\n." LINE2 "\n"), "aiosmtpd printed: %s", text);
}

START_TEST(smtp_utf8_message)
{
    char out[600];
    snprintf(out, sizeof out, "%s/smtpd.out", dir);
    int p = start_smtpd(out, NULL, NULL);
    struct outcome o = {0};
    send_mail(p, false, &o);
    check_delivered(out, &o);
    free(o.body);
}
END_TEST

START_TEST(smtp_starttls)
{
    char out[600], cert[600], key[600], cmd[2048];
    snprintf(out, sizeof out, "%s/smtpd.out", dir);
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-days 1 -subj /CN=localhost -keyout '%s' -out '%s' 2>/dev/null",
             key, cert);
    ck_assert_msg(system(cmd) == 0, "openssl could not make a certificate");
    int p = start_smtpd(out, cert, key); /* it refuses MAIL before STARTTLS */
    struct outcome o = {0};
    send_mail(p, true, &o);
    check_delivered(out, &o);
    free(o.body);
}
END_TEST

static Suite *net_suite(void)
{
    Suite *s = suite_create("net");
    TCase *tc = tcase_create("loopback");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, post_json_with_headers);
    tcase_add_test(tc, many_concurrent);
    tcase_add_test(tc, callback_starts_next);
    tcase_add_test(tc, server_error_is_ok_with_status);
    tcase_add_test(tc, silent_server_times_out);
    tcase_add_test(tc, closed_port_fails_to_connect);
    tcase_add_test(tc, big_body_is_cut);
    tcase_add_test(tc, bad_requests_refused);
    tcase_add_test(tc, free_cancels_in_flight);
    tcase_add_test(tc, smtp_utf8_message);
    tcase_add_test(tc, smtp_starttls);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    setenv("NO_PROXY", "*", 1); /* loopback only, whatever the environment says */
    signal(SIGPIPE, SIG_IGN);
    return test_main(net_suite(), "net", root, sizeof root);
}
