/*
 * fuzz_http_request.c — libFuzzer target for the HTTP request parser (core/http/request.c).
 *
 * The input is what a client sends on a connection. As http/connection.c does, the head is
 * everything up to the first blank line (CRLF CRLF), copied, its blank line dropped and
 * NUL-terminated, then handed to http_parse_head; an input with no blank line is a head
 * still arriving and parses nothing. A head the parser takes is then looked into as the
 * routes do (headers, query parameters) and answered with an error body naming its path.
 *
 * Promises checked beyond "no crash, no sanitizer report": a refusal is one of the statuses
 * http/parse.h names, with a code and message; an accepted request has a method, a path
 * starting with "/", a query string, a length that is not negative and at most
 * HTTP_MAX_HEADERS headers, each with a non-empty name; an error body is JSON text
 * whose length is what body_len says; a path the router would match (http_path_decode)
 * decodes to no longer than it was, starts with "/", holds no NUL and no "." or ".."
 * segment; the ETag step (http/etag.c) with the request's If-None-Match answers 200 or 304
 * and leaves the body's length alone.
 */
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "http/etag.h"
#include "http/parse.h"

#define HEAD_END       "\r\n\r\n"
#define HEAD_END_LEN   (sizeof HEAD_END - 1)
#define BLANK_LINE_LEN 2
/* limits.header_bytes by default: a longer head is refused (431) before it is parsed. */
#define HEADER_BYTES 16384

static void check_refusal(int status)
{
    if (status != 400 && status != 411 && status != 431 && status != 505)
        fuzz_fail("http_parse_head refused with %d, which parse.h does not name", status);
    if (!http_head_error_code(status)[0] || !http_head_error_message(status)[0])
        fuzz_fail("status %d has no error code or message", status);
}

static void check_request(const struct http_request *req, const struct http_head *head)
{
    if (!req->method || !req->method[0]) fuzz_fail("accepted without a method");
    if (!req->path || req->path[0] != '/') fuzz_fail("accepted a path not starting with /");
    if (!req->query) fuzz_fail("accepted without a query string (\"\" when none)");
    if (head->content_length < 0) fuzz_fail("negative Content-Length accepted");
    if (req->header_count < 0 || req->header_count > HTTP_MAX_HEADERS)
        fuzz_fail("%d headers", req->header_count);
    for (int i = 0; i < req->header_count; i++)
        if (!req->headers[i].name[0] || !req->headers[i].value)
            fuzz_fail("header %d has an empty name or no value", i);
}

/* What the routes do with an accepted request: look up headers and query parameters. */
static void use_request(const struct http_request *req)
{
    (void)http_request_header(req, "Authorization");
    (void)http_request_header(req, "content-type");
    char small[8], large[256];
    const char *names[] = {"unit", "period", "status", "", "a"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int found = http_query_param(req, names[i], small, sizeof small);
        if (found == 1 && strlen(small) >= sizeof small) fuzz_fail("query value overflows");
        found = http_query_param(req, names[i], large, sizeof large);
        if (found < -1 || found > 1) fuzz_fail("http_query_param answered %d", found);
    }
}

/* What the router does with the path before matching it: decode it. */
static void decode_path(const struct http_request *req)
{
    size_t raw_len = strlen(req->path);
    char *decoded = malloc(raw_len + 1);
    char why[160];
    if (!decoded) return;
    const char *code = http_path_decode(req->path, decoded, raw_len + 1, why, sizeof why);
    if (code) {
        if (strcmp(code, "invalid_path") != 0 && strcmp(code, "invalid_utf8") != 0)
            fuzz_fail("http_path_decode refused with %s", code);
        if (!why[0]) fuzz_fail("a refused path without a reason");
    } else {
        size_t len = strlen(decoded);
        if (len > raw_len) fuzz_fail("the decoded path is longer than the raw one");
        if (decoded[0] != '/') fuzz_fail("the decoded path does not start with /");
        if (strstr(decoded, "/../") || strstr(decoded, "/./") ||
            (len >= 3 && strcmp(decoded + len - 3, "/..") == 0) ||
            (len >= 2 && strcmp(decoded + len - 2, "/.") == 0))
            fuzz_fail("a dot segment passed: %s", decoded);
    }
    free(decoded);
}

/* What the router does with a GET's 200: tag it, and maybe answer 304. */
static void tag_answer(const struct http_request *req)
{
    struct http_request get = *req;
    get.method = "GET";
    struct http_response resp = {.status = 200, .body = strdup("{}"), .body_len = 2};
    http_etag_apply(&get, &resp);
    if ((resp.status != 200 && resp.status != 304) || resp.body_len != 2)
        fuzz_fail("the ETag step answered %d with %zu bytes", resp.status, resp.body_len);
    if (!strstr(resp.extra_headers, "ETag: \"")) fuzz_fail("no ETag on a 200");
    free(resp.body);
}

/* The error body every refusal gets, here with text from the request in it. */
static void answer_error(int status, const char *message)
{
    struct http_response resp = {0};
    http_response_error(&resp, status, http_head_error_code(status), message);
    if (!resp.body) fuzz_fail("no error body");
    if (strlen(resp.body) != resp.body_len) fuzz_fail("error body length is wrong");
    if (resp.body[0] != '{' || resp.body[resp.body_len - 1] != '}')
        fuzz_fail("error body is not an object: %s", resp.body);
    (void)http_status_text(status);
    free(resp.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *end = memmem(data, size, HEAD_END, HEAD_END_LEN);
    if (!end) return 0;
    size_t head_len = (size_t)(end - data) + HEAD_END_LEN;
    if (head_len > HEADER_BYTES) return 0;
    char *text = malloc(head_len + 1);
    if (!text) return 0;
    memcpy(text, data, head_len);
    text[head_len - BLANK_LINE_LEN] = '\0';

    struct http_request req;
    struct http_head head;
    int status = http_parse_head(text, head_len - BLANK_LINE_LEN, &req, &head);
    if (status) {
        check_refusal(status);
        answer_error(status, http_head_error_message(status));
    } else {
        check_request(&req, &head);
        use_request(&req);
        decode_path(&req);
        tag_answer(&req);
        answer_error(404, req.path);
    }
    free(text);
    return 0;
}
