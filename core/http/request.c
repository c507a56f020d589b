/*
 * http/request.c — the text of HTTP, with no I/O: parsing a request head into struct
 * http_request, looking up its headers and query parameters, the status lines' reason
 * phrases, and the JSON error body every refusal is answered with.
 *
 * The protocol accepted is small: a request line, headers, and a body sized by
 * Content-Length (a chunked request body is refused with 411). Everything here works on
 * strings it is handed; the server (http/listener.c, http/connection.c) owns sockets,
 * buffers, limits and time.
 *
 * This file must never include libevent or touch a connection, and must never know about
 * routes, JSON payloads beyond the error body, or the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/parse.h"
#include "util/validate.h"

#define CRLF     "\r\n"
#define CRLF_LEN (sizeof CRLF - 1)

#define HTTP_10             "HTTP/1.0"
#define HTTP_11             "HTTP/1.1"
#define HTTP_VERSION_PREFIX "HTTP/"

/* Bytes of an error message kept once JSON-escaped; a longer one is cut short. */
#define ERROR_MESSAGE_MAX 1024
/* Room in an error body for everything but the code and the escaped message. */
#define ERROR_BODY_OVERHEAD 64
/* Room the longest escape ("\u001f") needs, with the terminating NUL after it. */
#define JSON_ESCAPE_MAX (sizeof "\\u001f")
/* Characters below this are control characters, written as \u escapes in JSON. */
#define JSON_FIRST_PRINTABLE 0x20
/* DEL, the one control character above the printable ones. */
#define ASCII_DEL 0x7f

/* ---- responses -------------------------------------------------------------------------- */

const char *http_status_text(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 302: return "Found";
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
    case 507: return "Insufficient Storage";
    default: return "Unknown";
    }
}

/* The message JSON-escaped into out, cut short on a character boundary; bytes that are not
 * UTF-8 (an echo of bad input) become '?', so an error body is always valid JSON text. */
static void json_escape_into(char *out, size_t outlen, const char *text)
{
    char clean[ERROR_MESSAGE_MAX];
    size_t keep = utf8_prefix_len(text, sizeof clean - 1);
    memcpy(clean, text, keep);
    clean[keep] = '\0';
    utf8_scrub(clean);
    size_t used = 0;
    const char *c = clean;
    for (; *c && used + JSON_ESCAPE_MAX < outlen; c++) {
        if (*c == '"' || *c == '\\') {
            out[used++] = '\\';
            out[used++] = *c;
        } else if ((unsigned char)*c < JSON_FIRST_PRINTABLE) {
            used += (size_t)snprintf(out + used, outlen - used, "\\u%04x", *c);
        } else {
            out[used++] = *c;
        }
    }
    if (((unsigned char)*c & 0xC0) == 0x80) { /* out of room inside a character: drop it */
        while (used > 0 && ((unsigned char)out[used - 1] & 0xC0) == 0x80)
            used--;
        if (used > 0) used--;
    }
    out[used] = '\0';
}

void http_response_error(struct http_response *resp, int status, const char *code,
                         const char *message)
{
    char escaped[ERROR_MESSAGE_MAX];
    json_escape_into(escaped, sizeof escaped, message);
    free(resp->body);
    size_t cap = strlen(escaped) + strlen(code) + ERROR_BODY_OVERHEAD;
    resp->body = malloc(cap);
    resp->body_len =
        resp->body
            ? (size_t)snprintf(resp->body, cap, "{\"error\":{\"code\":\"%s\",\"message\":\"%s\"}}",
                               code, escaped)
            : 0;
    resp->status = status;
    resp->content_type = HTTP_JSON_TYPE;
}

/* ---- looking into a request ------------------------------------------------------------- */

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

/* Percent-decodes len bytes of a query component ('+' is a space) into out; -1 when out
 * (outlen bytes, room for the NUL included) is too small. Returns the decoded length. */
static long decode_component(const char *in, size_t len, char *out, size_t outlen)
{
    size_t used = 0;
    for (size_t i = 0; i < len; i++) {
        char c = in[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && i + 2 < len + 1 && hex_value(in[i + 1]) >= 0 &&
                   hex_value(in[i + 2]) >= 0) {
            c = (char)(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
            i += 2;
        }
        if (used + 1 >= outlen) return -1;
        out[used++] = c;
    }
    out[used] = '\0';
    return (long)used;
}

int http_query_param(const struct http_request *req, const char *name, char *out, size_t outlen)
{
    size_t name_len = strlen(name);
    const char *q = req->query;
    while (q && *q) {
        const char *end = strchr(q, '&');
        size_t len = end ? (size_t)(end - q) : strlen(q);
        if (len > name_len && strncmp(q, name, name_len) == 0 && q[name_len] == '=')
            return decode_component(q + name_len + 1, len - name_len - 1, out, outlen) < 0 ? -1 : 1;
        q = end ? end + 1 : NULL;
    }
    return 0;
}

/* A component that decodes to well-formed UTF-8 without a NUL (%00 would cut it short). */
static bool component_clean(const char *in, size_t len)
{
    char *decoded = malloc(len + 1);
    long n = decoded ? decode_component(in, len, decoded, len + 1) : -1;
    bool clean = n >= 0 && !memchr(decoded, '\0', (size_t)n) && valid_utf8_n(decoded, (size_t)n);
    free(decoded);
    return clean;
}

bool http_target_clean(const struct http_request *req, char *why, size_t whylen)
{
    if (!valid_utf8(req->path)) {
        snprintf(why, whylen, "đường dẫn không phải UTF-8 hợp lệ");
        return false;
    }
    for (const char *q = req->query; q && *q;) {
        const char *end = strchr(q, '&');
        size_t len = end ? (size_t)(end - q) : strlen(q);
        const char *eq = memchr(q, '=', len);
        size_t name_len = eq ? (size_t)(eq - q) : len;
        if (!component_clean(q, name_len) || (eq && !component_clean(eq + 1, len - name_len - 1))) {
            char name[64];
            bool shown = component_clean(q, name_len) && name_len < sizeof name;
            if (shown) decode_component(q, name_len, name, sizeof name);
            snprintf(why, whylen,
                     "tham số \"%s\" của chuỗi truy vấn không phải UTF-8 hợp lệ hoặc chứa "
                     "ký tự NUL (%%00)",
                     shown ? name : "?");
            return false;
        }
        q = end ? end + 1 : NULL;
    }
    return true;
}

/* True when the segment of `len` bytes at seg is "." or "..". */
static bool dot_segment(const char *seg, size_t len)
{
    return (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.');
}

const char *http_path_decode(const char *raw, char *out, size_t outlen, char *why, size_t whylen)
{
    size_t used = 0, segment = 0;
    for (size_t i = 0;; i++) {
        char c = raw[i];
        if (c == '%') {
            int hi = hex_value(raw[i + 1]), lo = hi >= 0 ? hex_value(raw[i + 2]) : -1;
            if (lo < 0) {
                snprintf(why, whylen, "đường dẫn có dấu %% không theo sau bởi hai chữ số hex");
                return "invalid_path";
            }
            c = (char)(hi * 16 + lo);
            i += 2;
            if (c == '/') {
                snprintf(why, whylen, "đường dẫn chứa dấu / được mã hoá (%%2F) trong một đoạn");
                return "invalid_path";
            }
            if ((unsigned char)c < JSON_FIRST_PRINTABLE || c == ASCII_DEL) {
                snprintf(why, whylen, "đường dẫn chứa ký tự điều khiển hoặc NUL được mã hoá");
                return "invalid_path";
            }
        }
        if (c == '/' || c == '\0') {
            if (dot_segment(out + segment, used - segment)) {
                snprintf(why, whylen, "đường dẫn chứa đoạn \".\" hoặc \"..\"");
                return "invalid_path";
            }
            segment = used + 1;
        }
        if (used + 1 > outlen) {
            snprintf(why, whylen, "đường dẫn quá dài");
            return "invalid_path";
        }
        out[used++] = c;
        if (c == '\0') break;
    }
    if (!valid_utf8(out)) {
        snprintf(why, whylen, "đường dẫn không phải UTF-8 hợp lệ sau khi giải mã %%");
        return "invalid_utf8";
    }
    return NULL;
}

/* ---- parsing a request head ------------------------------------------------------------- */

/*
 * Strictly RFC 9112, because a head two parsers read differently is how a request gets
 * smuggled: the bytes one of them takes for a body, the other runs as a second request.
 * So anything with more than one reading is refused (400, and the connection closed):
 *   - a NUL, a CR not followed by LF, an LF not after CR, or any other control character
 *     but a tab in a field value (RFC 9112 2.2, 5.5): C string functions would stop at
 *     the NUL and forget the rest of the head;
 *   - a request line other than method SP origin-form SP version (RFC 9112 3);
 *   - a field name that is not a token, whitespace before the colon, a folded line
 *     (RFC 9112 5.1, 5.2);
 *   - a Content-Length that is not digits alone ("+2", "-0", " 2", "2, 2"), or two of them
 *     (RFC 9112 6.3, 9110 8.6);
 *   - Transfer-Encoding with Content-Length (RFC 9112 6.1, 6.3); without it, 411: this
 *     server reads bodies by length only;
 *   - an HTTP/1.1 request without exactly one Host, or any request with two (RFC 9112 3.2).
 */

#define CR   '\r'
#define LF   '\n'
#define SP   ' '
#define HTAB '\t'
#define DEL  0x7f
/* Digits of a Content-Length: 18 always fit in a long long, and far exceed any body limit. */
#define CONTENT_LENGTH_MAX_DIGITS 18

/* What the header fields seen so far say about the body's framing and the target host. */
struct framing {
    bool have_length;
    bool have_encoding;
    int hosts;
};

/* A tchar of RFC 9110 5.6.2: what method and field names are made of. */
static bool is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool all_tchars(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!is_tchar((unsigned char)*s)) return false;
    return true;
}

/* Refuses NUL, bare CR, bare LF and control characters (a tab aside) anywhere in the head. */
static const char *check_characters(const char *head, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)head[i];
        if (c == CR && (i + 1 == len || head[i + 1] != LF)) return "ký tự CR không có LF theo sau";
        if (c == LF && (i == 0 || head[i - 1] != CR)) return "ký tự LF không có CR đứng trước";
        if (c == '\0') return "byte NUL";
        if ((c < SP && c != CR && c != LF && c != HTAB) || c == DEL) return "ký tự điều khiển";
    }
    return NULL;
}

static char *trim(char *s)
{
    while (*s == SP || *s == HTAB)
        s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == SP || s[len - 1] == HTAB))
        s[--len] = '\0';
    return s;
}

/* "METHOD /target HTTP/1.x" CRLF: sets the method, path and query, and keep-alive as the
 * version has it by default; *rest is where the header lines start. */
static int parse_request_line(char *head, struct http_request *req, struct http_head *out,
                              char **rest)
{
    char *line_end = strstr(head, CRLF);
    out->problem = "dòng yêu cầu không có dạng METHOD /path HTTP/1.1";
    if (!line_end) return 400;
    *line_end = '\0';
    char *method = head;
    char *target = strchr(method, SP);
    if (!target) return 400;
    *target++ = '\0';
    char *version = strchr(target, SP);
    if (!version) return 400;
    *version++ = '\0';
    if (strcmp(version, HTTP_11) != 0 && strcmp(version, HTTP_10) != 0)
        return strncmp(version, HTTP_VERSION_PREFIX, strlen(HTTP_VERSION_PREFIX)) == 0 ? 505 : 400;
    if (!all_tchars(method) || target[0] != '/') return 400;
    for (const char *t = target; *t; t++)
        if ((unsigned char)*t <= SP || (unsigned char)*t >= DEL) return 400;
    req->method = method;
    char *q = strchr(target, '?');
    if (q) *q++ = '\0';
    req->path = target;
    req->query = q ? q : "";
    out->keep_alive = strcmp(version, HTTP_10) != 0;
    out->http11 = out->keep_alive;
    *rest = line_end + CRLF_LEN;
    out->problem = NULL;
    return 0;
}

/* A Content-Length's value: digits alone; -1 otherwise. */
static long long content_length_of(const char *value)
{
    size_t digits = strspn(value, "0123456789");
    if (digits == 0 || value[digits] != '\0' || digits > CONTENT_LENGTH_MAX_DIGITS) return -1;
    return strtoll(value, NULL, 10);
}

/* What one header field means for the body's framing, the host and the connection. */
static int apply_header(const char *name, const char *value, struct http_head *out,
                        struct framing *f)
{
    if (strcasecmp(name, "Content-Length") == 0) {
        long long n = content_length_of(value);
        out->problem = f->have_length ? "hai tiêu đề Content-Length"
                                      : "Content-Length không phải chỉ gồm chữ số";
        if (n < 0 || f->have_length) return 400;
        f->have_length = true;
        out->content_length = n;
    } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
        f->have_encoding = true;
    } else if (strcasecmp(name, "Host") == 0) {
        f->hosts++;
    } else if (strcasecmp(name, "Connection") == 0) {
        if (strcasecmp(value, "close") == 0) out->keep_alive = false;
        if (strcasecmp(value, "keep-alive") == 0) out->keep_alive = true;
    }
    out->problem = NULL;
    return 0;
}

/* What the whole head says about framing and host, once every field is read. */
static int check_framing(const struct framing *f, struct http_head *out)
{
    if (f->have_encoding && f->have_length) {
        out->problem = "có cả Transfer-Encoding lẫn Content-Length";
        return 400;
    }
    if (f->have_encoding) return 411;
    if (f->hosts > 1 || (out->http11 && f->hosts == 0)) {
        out->problem = "yêu cầu HTTP/1.1 cần đúng một tiêu đề Host";
        return 400;
    }
    return 0;
}

/* "Name: value" CRLF lines up to the end of the head. */
static int parse_header_fields(char *line, struct http_request *req, struct http_head *out)
{
    struct framing f = {0};
    while (*line) {
        char *end = strstr(line, CRLF);
        out->problem = "một dòng tiêu đề không có dạng Name: value";
        if (!end) return 400;
        *end = '\0';
        char *colon = strchr(line, ':');
        if (!colon) return 400;
        *colon = '\0';
        if (!all_tchars(line)) return 400; /* also a folded line, and space before ':' */
        if (req->header_count == HTTP_MAX_HEADERS) return 431;
        char *name = line, *value = trim(colon + 1);
        req->headers[req->header_count++] = (struct http_header){name, value};
        int status = apply_header(name, value, out, &f);
        if (status) return status;
        line = end + CRLF_LEN;
    }
    out->problem = NULL;
    return check_framing(&f, out);
}

int http_parse_head(char *head, size_t len, struct http_request *req, struct http_head *out)
{
    memset(req, 0, sizeof *req);
    memset(out, 0, sizeof *out);
    out->problem = check_characters(head, len);
    if (out->problem) return 400;
    char *fields;
    int status = parse_request_line(head, req, out, &fields);
    if (status) return status;
    return parse_header_fields(fields, req, out);
}

const char *http_head_error_code(int status)
{
    switch (status) {
    case 411: return "length_required";
    case 431: return "headers_too_large";
    case 505: return "http_version";
    default: return "malformed_request";
    }
}

const char *http_head_error_message(int status)
{
    switch (status) {
    case 411: return "hãy gửi thân yêu cầu kèm tiêu đề Content-Length";
    case 431: return "quá nhiều tiêu đề";
    default: return "yêu cầu không phải HTTP/1.1 hợp lệ";
    }
}
