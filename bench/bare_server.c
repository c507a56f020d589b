/*
 * bench/bare_server.c — the baseline of scripts/bench's HTTP figure: a bare libevent (evhttp)
 * server that answers any GET (or POST) with one fixed JSON body and Content-Type
 * application/json, and nothing else (no routing, no auth, no database, no JSON work). The
 * dispatch figure uses it as an SMS gateway that accepts everything.
 *
 *     cc -O2 -o bare_server bench/bare_server.c -levent
 *     bare_server PORT [BODY_FILE]
 *
 * Listens on 127.0.0.1:PORT. The body is BODY_FILE's bytes when given (the bench passes the
 * daemon's own response, so both servers send the same bytes), else a built-in ~1.5 KB JSON
 * evaluation. Prints "serving http://127.0.0.1:PORT" on stderr when ready; SIGTERM/SIGINT stop.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char builtin_body[] =
    "{\"period\":\"2025-H1\",\"subject\":\"unit\",\"code\":\"VP\",\"name\":\"Văn phòng Sở\","
    "\"score\":100,\"rules_hash\":\"3f1c9a0e5b7d2c4a8e6f1b3d5c7a9e0f2b4d6c8a\","
    "\"criteria\":["
    "{\"id\":\"TT1\",\"title\":\"Có kế hoạch/văn bản hưởng ứng, phát động phong trào thi đua\","
    "\"passed\":true,\"applicable\":true,\"points\":15,\"max_points\":15,\"reason\":null},"
    "{\"id\":\"TT2\",\"title\":\"Hoàn thành tốt các nhiệm vụ thuộc chương trình, kế hoạch công "
    "tác được giao\",\"passed\":true,\"applicable\":true,\"points\":25,\"max_points\":25,"
    "\"reason\":null},"
    "{\"id\":\"TT3\",\"title\":\"Hoàn thành đúng tiến độ việc kiện toàn, tinh gọn tổ chức bộ "
    "máy\",\"passed\":true,\"applicable\":true,\"points\":15,\"max_points\":15,\"reason\":null},"
    "{\"id\":\"TT4\",\"title\":\"Không có vi phạm kỷ cương, kỷ luật hành chính, văn hóa công "
    "sở\",\"passed\":true,\"applicable\":true,\"points\":15,\"max_points\":15,\"reason\":null},"
    "{\"id\":\"TT5\",\"title\":\"Phát hiện, bồi dưỡng điển hình tiên tiến\",\"passed\":true,"
    "\"applicable\":true,\"points\":15,\"max_points\":15,\"reason\":null},"
    "{\"id\":\"TT6\",\"title\":\"Nội bộ đoàn kết\",\"passed\":true,\"applicable\":true,"
    "\"points\":15,\"max_points\":15,\"reason\":null}],"
    "\"titles\":["
    "{\"code\":\"TTLDTT\",\"name\":\"Tập thể lao động tiên tiến\",\"decided_by\":\"Giám đốc "
    "Sở\",\"eligible\":true,\"reasons\":[]},"
    "{\"code\":\"TTLDXS\",\"name\":\"Tập thể lao động xuất sắc\",\"decided_by\":\"Giám đốc Sở "
    "đề nghị cấp trên\",\"eligible\":false,\"reasons\":[\"Chưa đủ số cá nhân đạt danh hiệu Chiến "
    "sĩ thi đua cơ sở\"]}],"
    "\"nominations\":["
    "{\"code\":\"GIAY_KHEN\",\"name\":\"Giấy khen của Giám đốc Sở\",\"decided_by\":\"Giám đốc "
    "Sở\",\"eligible\":false,\"reasons\":[\"Chỉ xét khen thưởng khi tổng kết năm (kỳ cả năm), "
    "không xét ở kỳ sáu tháng\"]}]}";

static char *body = (char *)builtin_body;
static size_t body_len = sizeof builtin_body - 1;

static void on_request(struct evhttp_request *req, void *arg)
{
    (void)arg;
    enum evhttp_cmd_type method = evhttp_request_get_command(req);
    if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_POST) {
        evhttp_send_error(req, 405, NULL);
        return;
    }
    struct evbuffer *out = evhttp_request_get_output_buffer(req);
    evbuffer_add_reference(out, body, body_len, NULL, NULL);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                      "application/json; charset=utf-8");
    evhttp_send_reply(req, 200, "OK", NULL);
}

static void on_signal(evutil_socket_t fd, short what, void *base)
{
    (void)fd, (void)what;
    event_base_loopexit(base, NULL);
}

static int read_body(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf || n == 0) return -1;
    body = buf;
    body_len = n;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bare_server PORT [BODY_FILE]\n");
        return 2;
    }
    int port = atoi(argv[1]);
    if (argc == 3 && read_body(argv[2]) != 0) {
        fprintf(stderr, "cannot read %s\n", argv[2]);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    struct event_base *base = event_base_new();
    struct evhttp *http = base ? evhttp_new(base) : NULL;
    if (!http || evhttp_bind_socket(http, "127.0.0.1", (ev_uint16_t)port) != 0) {
        fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", port);
        return 1;
    }
    evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST);
    evhttp_set_gencb(http, on_request, NULL);
    struct event *term = evsignal_new(base, SIGTERM, on_signal, base);
    struct event *intr = evsignal_new(base, SIGINT, on_signal, base);
    event_add(term, NULL);
    event_add(intr, NULL);
    fprintf(stderr, "serving http://127.0.0.1:%d (%zu-byte body)\n", port, body_len);
    event_base_dispatch(base);
    event_free(term);
    event_free(intr);
    evhttp_free(http);
    event_base_free(base);
    return 0;
}
