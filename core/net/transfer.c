/*
 * transfer.c — the request's side of a transfer: checks a net_request, copies what curl
 * does not copy itself (body, headers, recipients), sets up the easy handle for HTTP or
 * SMTP, feeds an SMTP upload, keeps a response body up to its cap, and says how the
 * transfer ended. It never touches the multi handle, a socket or the event loop (net.c).
 */
#include "net/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define USER_AGENT "thiduad"
#define MAX_METHOD 16

/* curl_easy_setopt, kept only while everything before it worked. */
#define SETOPT(rc, easy, option, value)                                                            \
    do {                                                                                           \
        if ((rc) == CURLE_OK) (rc) = curl_easy_setopt((easy), (option), (value));                  \
    } while (0)

static bool starts_with(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_smtp(const char *url)
{
    return starts_with(url, "smtp://") || starts_with(url, "smtps://");
}

static bool has_line_break(const char *s)
{
    return s && strpbrk(s, "\r\n") != NULL;
}

/* A method is 1 to MAX_METHOD capital letters: curl sends it as it is. */
static bool method_ok(const char *m)
{
    size_t n = strspn(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    return n > 0 && n <= MAX_METHOD && m[n] == '\0';
}

static bool header_ok(const struct net_header *h)
{
    if (!h->name || !h->value || h->name[0] == '\0') return false;
    return strpbrk(h->name, ":\r\n \t") == NULL && !has_line_break(h->value);
}

/* NULL when req can be started, else why not. */
static const char *refusal(const struct net_request *req)
{
    if (!req->url || req->url[0] == '\0') return "no URL";
    if (has_line_break(req->url)) return "a line break in the URL";
    if (!starts_with(req->url, "http://") && !starts_with(req->url, "https://") &&
        !is_smtp(req->url))
        return "the URL is not http://, https://, smtp:// or smtps://";
    if (has_line_break(req->username) || has_line_break(req->password))
        return "a line break in the credentials";
    if (req->body_len > 0 && !req->body) return "body_len without a body";
    if (!is_smtp(req->url)) {
        if (req->method && !method_ok(req->method)) return "the method is not 1-16 capitals";
        for (size_t i = 0; i < req->header_count; i++)
            if (!header_ok(&req->headers[i])) return "a header is empty or has a line break";
        return NULL;
    }
    if (!req->mail_from || has_line_break(req->mail_from)) return "no sender (mail_from)";
    if (req->rcpt_count == 0 || !req->rcpt) return "no recipient (rcpt)";
    for (size_t i = 0; i < req->rcpt_count; i++)
        if (!req->rcpt[i] || req->rcpt[i][0] == '\0' || has_line_break(req->rcpt[i]))
            return "a recipient is empty or has a line break";
    return NULL;
}

/* ---- curl's callbacks ------------------------------------------------------------------- */

static size_t on_write(char *data, size_t size, size_t count, void *userp)
{
    struct transfer *t = userp;
    size_t len = size * count, room = t->max_response - t->response.len;
    if (len > room) {
        buffer_put(&t->response, data, room);
        t->truncated = true;
        return 0; /* stops the transfer: transfer_response calls it NET_OK */
    }
    buffer_put(&t->response, data, len);
    return t->response.failed ? 0 : len;
}

static size_t on_read(char *dest, size_t size, size_t count, void *userp)
{
    struct transfer *t = userp;
    size_t len = size * count, left = t->body_len - t->body_sent;
    if (len > left) len = left;
    memcpy(dest, t->body + t->body_sent, len);
    t->body_sent += len;
    return len;
}

/* ---- setting up the easy handle --------------------------------------------------------- */

static CURLcode set_common(struct transfer *t, const struct net_request *req)
{
    CURLcode rc = CURLE_OK;
    double timeout = req->timeout > 0 ? req->timeout : NET_DEFAULT_TIMEOUT;
    double connect = req->connect_timeout > 0 ? req->connect_timeout : NET_DEFAULT_CONNECT_TIMEOUT;
    SETOPT(rc, t->easy, CURLOPT_PRIVATE, (void *)t);
    SETOPT(rc, t->easy, CURLOPT_ERRORBUFFER, t->error);
    SETOPT(rc, t->easy, CURLOPT_NOSIGNAL, 1L);
    SETOPT(rc, t->easy, CURLOPT_URL, req->url);
    SETOPT(rc, t->easy, CURLOPT_PROTOCOLS_STR, "http,https,smtp,smtps");
    /* Ours, never curl's defaults (stdout, stdin), whatever the protocol. */
    SETOPT(rc, t->easy, CURLOPT_WRITEFUNCTION, on_write);
    SETOPT(rc, t->easy, CURLOPT_WRITEDATA, (void *)t);
    SETOPT(rc, t->easy, CURLOPT_READFUNCTION, on_read);
    SETOPT(rc, t->easy, CURLOPT_READDATA, (void *)t);
    SETOPT(rc, t->easy, CURLOPT_TIMEOUT_MS, (long)(timeout * 1000));
    SETOPT(rc, t->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)(connect * 1000));
    if (req->username) SETOPT(rc, t->easy, CURLOPT_USERNAME, req->username);
    if (req->password) SETOPT(rc, t->easy, CURLOPT_PASSWORD, req->password);
    if (req->insecure) {
        SETOPT(rc, t->easy, CURLOPT_SSL_VERIFYPEER, 0L);
        SETOPT(rc, t->easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return rc;
}

/* "Name: value" appended to list; an empty value is sent as such ("Name;" to curl). */
static struct curl_slist *append_header(struct curl_slist *list, const struct net_header *h)
{
    size_t len = strlen(h->name) + strlen(h->value) + 3;
    char *line = malloc(len);
    if (!line) return NULL;
    if (h->value[0] == '\0')
        snprintf(line, len, "%s;", h->name);
    else
        snprintf(line, len, "%s: %s", h->name, h->value);
    struct curl_slist *grown = curl_slist_append(list, line);
    free(line);
    return grown;
}

/* Our copies of the headers; "Expect:" too (no 100-continue wait) unless the caller set it. */
static bool copy_headers(struct transfer *t, const struct net_request *req)
{
    bool expect = false;
    for (size_t i = 0; i < req->header_count; i++) {
        struct curl_slist *grown = append_header(t->headers, &req->headers[i]);
        if (!grown) return false;
        t->headers = grown;
        expect = expect || strcasecmp(req->headers[i].name, "Expect") == 0;
    }
    if (!expect) {
        struct curl_slist *grown = curl_slist_append(t->headers, "Expect:");
        if (!grown) return false;
        t->headers = grown;
    }
    return true;
}

static CURLcode set_http(struct transfer *t, const struct net_request *req)
{
    CURLcode rc = copy_headers(t, req) ? CURLE_OK : CURLE_OUT_OF_MEMORY;
    const char *method = req->method ? req->method : req->body ? "POST" : "GET";
    SETOPT(rc, t->easy, CURLOPT_USERAGENT, USER_AGENT);
    SETOPT(rc, t->easy, CURLOPT_HTTPHEADER, t->headers);
    if (req->username || req->password) SETOPT(rc, t->easy, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    if (req->body || strcmp(method, "POST") == 0) {
        SETOPT(rc, t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->body_len);
        SETOPT(rc, t->easy, CURLOPT_POSTFIELDS, t->body);
        if (strcmp(method, "POST") != 0) SETOPT(rc, t->easy, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcmp(method, "HEAD") == 0) {
        SETOPT(rc, t->easy, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0) {
        SETOPT(rc, t->easy, CURLOPT_CUSTOMREQUEST, method);
    }
    return rc;
}

/* CURLOPT_XFERINFOFUNCTION: a transfer whose net is gone stops at the next chance. */
static int on_progress(void *userp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    const struct transfer *t = userp;
    return atomic_load(&t->orphaned) ? 1 : 0;
}

static CURLcode set_smtp(struct transfer *t, const struct net_request *req)
{
    CURLcode rc = CURLE_OK;
    t->smtp = true;
    SETOPT(rc, t->easy, CURLOPT_NOPROGRESS, 0L);
    SETOPT(rc, t->easy, CURLOPT_XFERINFOFUNCTION, on_progress);
    SETOPT(rc, t->easy, CURLOPT_XFERINFODATA, (void *)t);
    for (size_t i = 0; i < req->rcpt_count && rc == CURLE_OK; i++) {
        struct curl_slist *grown = curl_slist_append(t->rcpt, req->rcpt[i]);
        if (grown)
            t->rcpt = grown;
        else
            rc = CURLE_OUT_OF_MEMORY;
    }
    SETOPT(rc, t->easy, CURLOPT_MAIL_FROM, req->mail_from);
    SETOPT(rc, t->easy, CURLOPT_MAIL_RCPT, t->rcpt);
    SETOPT(rc, t->easy, CURLOPT_UPLOAD, 1L);
    SETOPT(rc, t->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)t->body_len);
    if (req->starttls) SETOPT(rc, t->easy, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
    return rc;
}

/* ---- the transfer ----------------------------------------------------------------------- */

struct transfer *transfer_new(const struct net_request *req, char *err, size_t errlen)
{
    const char *why = refusal(req);
    if (why) {
        snprintf(err, errlen, "%s", why);
        return NULL;
    }
    struct transfer *t = calloc(1, sizeof *t);
    if (!t || !(t->body = malloc(req->body_len + 1)) || !(t->easy = curl_easy_init())) {
        transfer_free(t);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (req->body_len > 0) memcpy(t->body, req->body, req->body_len);
    t->body[req->body_len] = '\0';
    t->body_len = req->body_len;
    t->max_response = req->max_response > 0 ? req->max_response : NET_DEFAULT_MAX_RESPONSE;
    CURLcode rc = set_common(t, req);
    if (rc == CURLE_OK) rc = is_smtp(req->url) ? set_smtp(t, req) : set_http(t, req);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", curl_easy_strerror(rc));
        transfer_free(t);
        return NULL;
    }
    return t;
}

static enum net_result result_of(const struct transfer *t, CURLcode code)
{
    switch (code) {
    case CURLE_OK: return NET_OK;
    case CURLE_WRITE_ERROR: return t->truncated ? NET_OK : NET_ERROR;
    case CURLE_OPERATION_TIMEDOUT: return NET_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT: return NET_CONNECT_FAILED;
    default: return NET_ERROR;
    }
}

void transfer_response(struct transfer *t, CURLcode code, struct net_response *resp)
{
    long status = 0;
    if (curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK) status = 0;
    *resp = (struct net_response){
        .result = result_of(t, code),
        .status = status,
        .body = t->response.data ? t->response.data : "",
        .body_len = t->response.len,
        .truncated = t->truncated,
    };
    if (t->response.failed) {
        resp->result = NET_ERROR;
        resp->error = "out of memory for the response";
        resp->body = "";
        resp->body_len = 0;
    } else if (resp->result != NET_OK) {
        resp->error = t->error[0] ? t->error : curl_easy_strerror(code);
    }
}

void transfer_free(struct transfer *t)
{
    if (!t) return;
    if (t->easy) curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    curl_slist_free_all(t->rcpt);
    free(t->body);
    buffer_free(&t->response);
    free(t);
}
