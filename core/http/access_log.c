/*
 * access_log.c — one log line per response the server sends, 2xx to 5xx alike, in logfmt
 * (util/log.c): method, path, status, bytes of body, milliseconds from the handler's call to
 * the answer, and the token's name ("-" before or without authentication). A request the
 * protocol layer refused before it was read whole (400, 408, 413, 431) has "-" for what was
 * not read. With log_level = "debug" the line also carries the query string, the client's
 * address and its User-Agent.
 */
#include <string.h>

#include "http/server_internal.h"
#include "util/log.h"
#include "util/text.h"

#define FIELD_LEN 1024
#define LINE_LEN  (8 * FIELD_LEN)

/* A line being written: bytes past the end are dropped (the fields are bounded anyway). */
struct line {
    char text[LINE_LEN];
    size_t len;
};

static void put(struct line *l, const char *s, size_t n)
{
    if (n > sizeof l->text - l->len) n = sizeof l->text - l->len;
    memcpy(l->text + l->len, s, n);
    l->len += n;
}

static void put_str(struct line *l, const char *s)
{
    put(l, s, strlen(s));
}

static void put_number(struct line *l, long long v)
{
    char digits[TEXT_DECIMAL_LEN] = "";
    put_str(l, text_decimal(digits, v));
}

/* A field's value as logfmt writes it (util/log.h, log_value). */
static void put_value(struct line *l, const char *raw)
{
    char value[FIELD_LEN];
    size_t n = log_value(value, sizeof value, raw);
    put(l, value, n);
}

/* Milliseconds with one decimal, as %.1f writes them (never negative here). */
static void put_tenths(struct line *l, double ms)
{
    long long tenths = (long long)(ms * 10 + 0.5);
    put_number(l, tenths / 10);
    char decimal[2] = {'.', (char)('0' + tenths % 10)};
    put(l, decimal, 2);
}

void access_log(const struct http_request *req, bool head_only, const struct http_response *resp,
                const char *actor, double milliseconds)
{
    enum log_level level = resp->status >= 500 ? LOG_WARN : LOG_INFO;
    if (!log_enabled(level)) return;
    struct line l;
    l.len = 0; /* not `= {0}`: that would clear 8 KiB on every request */
    put_str(&l, "method=");
    put_str(&l, head_only ? "HEAD" : req->method ? req->method : "-");
    put_str(&l, " path=");
    put_value(&l, req->path ? req->path : "-");
    put_str(&l, " status=");
    put_number(&l, resp->status);
    put_str(&l, " bytes=");
    put_number(&l, head_only ? 0 : (long long)resp->body_len);
    put_str(&l, " ms=");
    put_tenths(&l, milliseconds > 0 ? milliseconds : 0);
    put_str(&l, " token=");
    put_value(&l, actor && actor[0] ? actor : "-");
    if (log_enabled(LOG_DEBUG)) {
        const char *agent = http_request_header(req, "User-Agent");
        put_str(&l, " query=");
        put_value(&l, req->query ? req->query : "");
        put_str(&l, " remote=");
        put_value(&l, req->remote ? req->remote : "-");
        put_str(&l, " agent=");
        put_value(&l, agent ? agent : "-");
    }
    /* 5xx at once (someone should look); the rest with the lines around them. */
    if (level == LOG_WARN) {
        l.text[l.len < sizeof l.text ? l.len : sizeof l.text - 1] = '\0';
        log_fields(level, "%s", l.text);
    } else {
        log_text_batched(level, l.text, l.len);
    }
}
