/*
 * test_http_parse.c — unit tests for core/http/request.c's head parser (http_parse_head),
 * strict by RFC 9112 so that no request can be smuggled (issue 9, finding 6): a NUL, a bare
 * CR or LF, a signed or listed Content-Length, two lengths, Transfer-Encoding beside
 * Content-Length, obs-fold, whitespace before the colon, a missing or doubled Host are each
 * refused with 400 (411 for a transfer coding alone); well-formed heads still parse.
 *
 * Each case hands the parser the bytes the server would: the head without its blank line,
 * with its length, NUL-terminated after it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/etag.h"
#include "http/parse.h"
#include "support.h"

static char root[256];

/* Parses `len` bytes of `text` (a copy, NUL after it) and returns the status; the request
 * and head go to *req and *head, their strings into a copy kept until the next call. */
static int parse_n(const char *text, size_t len, struct http_request *req, struct http_head *head)
{
    static char *copy;
    free(copy);
    copy = malloc(len + 1);
    ck_assert_ptr_nonnull(copy);
    memcpy(copy, text, len);
    copy[len] = '\0';
    return http_parse_head(copy, len, req, head);
}

static int parse(const char *text)
{
    struct http_request req;
    struct http_head head;
    return parse_n(text, strlen(text), &req, &head);
}

#define REQUEST_LINE "POST /api/v1/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"

START_TEST(test_well_formed_heads_parse)
{
    struct http_request req;
    struct http_head head;
    const char *text = "GET /api/v1/units?year=2025 HTTP/1.1\r\nHost: a\r\n"
                       "Authorization:  Bearer t \r\nX-Tab:\tv\t\r\nContent-Length: 0\r\n";
    ck_assert_int_eq(parse_n(text, strlen(text), &req, &head), 0);
    ck_assert_str_eq(req.method, "GET");
    ck_assert_str_eq(req.path, "/api/v1/units");
    ck_assert_str_eq(req.query, "year=2025");
    ck_assert_str_eq(http_request_header(&req, "authorization"), "Bearer t");
    ck_assert_str_eq(http_request_header(&req, "x-tab"), "v");
    ck_assert(head.keep_alive);
    ck_assert_int_eq(head.content_length, 0);

    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length: 12\r\n"), 0);
    ck_assert_int_eq(parse("GET /healthz HTTP/1.0\r\n"), 0);   /* 1.0 needs no Host */
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost:\r\n"), 0); /* empty Host is allowed */
    ck_assert_int_eq(parse(REQUEST_LINE "Note: \xc4\x91\xe1\xbb\x8f\r\n"), 0); /* obs-text */
}
END_TEST

/* A NUL at the start of a header line used to end the head there: the Content-Length after
 * it vanished and the body ran as a second request. */
START_TEST(test_nul_anywhere_is_refused)
{
    struct http_request req;
    struct http_head head;
    static const char nul_line[] = REQUEST_LINE "\0Content-Length: 5\r\n";
    ck_assert_int_eq(parse_n(nul_line, sizeof nul_line - 1, &req, &head), 400);
    ck_assert_ptr_nonnull(head.problem);
    static const char nul_value[] = REQUEST_LINE "X: a\0b\r\n";
    ck_assert_int_eq(parse_n(nul_value, sizeof nul_value - 1, &req, &head), 400);
    static const char nul_target[] = "GET /a\0b HTTP/1.1\r\nHost: a\r\n";
    ck_assert_int_eq(parse_n(nul_target, sizeof nul_target - 1, &req, &head), 400);
}
END_TEST

START_TEST(test_bare_cr_and_lf_are_refused)
{
    ck_assert_int_eq(parse(REQUEST_LINE "X: a\rContent-Length: 5\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "X: a\r\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "X: a\nContent-Length: 5\r\n"), 400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\nHost: a\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "X: a\x01\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "X: a\x7f\r\n"), 400);
}
END_TEST

START_TEST(test_content_length_is_digits_alone)
{
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length: +2\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length: -0\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length: 0x10\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length: 2 2\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length: 2, 2\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length:\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length: 99999999999999999999\r\n"), 400);
    /* two lengths, even equal ones */
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length: 2\r\nContent-Length: 2\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length: 2\r\ncontent-length: 7\r\n"), 400);
}
END_TEST

START_TEST(test_transfer_encoding_is_refused)
{
    ck_assert_int_eq(parse(REQUEST_LINE "Transfer-Encoding: chunked\r\n"), 411);
    ck_assert_int_eq(parse(REQUEST_LINE "Transfer-Encoding: identity\r\n"), 411);
    ck_assert_int_eq(parse(REQUEST_LINE "Transfer-Encoding: identity\r\nContent-Length: 3\r\n"),
                     400);
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n"),
                     400);
}
END_TEST

START_TEST(test_ambiguous_field_lines_are_refused)
{
    ck_assert_int_eq(parse(REQUEST_LINE "Content-Length : 5\r\n"), 400); /* space before : */
    ck_assert_int_eq(parse(REQUEST_LINE "X: a\r\n b\r\n"), 400);         /* obs-fold */
    ck_assert_int_eq(parse(REQUEST_LINE " Content-Length: 5\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE ": empty name\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "Bad[name]: x\r\n"), 400);
    ck_assert_int_eq(parse(REQUEST_LINE "no colon\r\n"), 400);
}
END_TEST

START_TEST(test_host_once_in_http11)
{
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\n"), 400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n"), 400);
    ck_assert_int_eq(parse("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n"), 400);
}
END_TEST

START_TEST(test_request_line_is_strict)
{
    ck_assert_int_eq(parse("GET  / HTTP/1.1\r\nHost: a\r\n"), 400);
    ck_assert_int_eq(parse("GET /a b HTTP/1.1\r\nHost: a\r\n"), 400);
    ck_assert_int_eq(parse("GET\t/ HTTP/1.1\r\nHost: a\r\n"), 400);
    ck_assert_int_eq(parse("G(T / HTTP/1.1\r\nHost: a\r\n"), 400);
    ck_assert_int_eq(parse("GET http://a/ HTTP/1.1\r\nHost: a\r\n"), 400);
    ck_assert_int_eq(parse("GET /\x80 HTTP/1.1\r\nHost: a\r\n"), 400);
    ck_assert_int_eq(parse("GET / http/1.1\r\nHost: a\r\n"), 400);
    ck_assert_int_eq(parse("GET / HTTP/2.0\r\nHost: a\r\n"), 505);
}
END_TEST

/* The decoded path, or the refusal's code, of a raw path. */
static const char *decoded(const char *raw)
{
    static char out[256];
    char why[160];
    const char *code = http_path_decode(raw, out, sizeof out, why, sizeof why);
    return code ? code : out;
}

START_TEST(test_paths_are_percent_decoded)
{
    ck_assert_str_eq(decoded("/api/v1/units/VP"), "/api/v1/units/VP");
    ck_assert_str_eq(decoded("/api/v1/units/%56%50"), "/api/v1/units/VP");
    ck_assert_str_eq(decoded("/api/v1/units/V%c3%9d"), "/api/v1/units/V\xc3\x9d");
    ck_assert_str_eq(decoded("/a/b/"), "/a/b/");
    ck_assert_str_eq(decoded("/a/.b/c..d"), "/a/.b/c..d");
    ck_assert_str_eq(decoded("/%2e%2e"), "invalid_path");
    ck_assert_str_eq(decoded("/a/./b"), "invalid_path");
    ck_assert_str_eq(decoded("/a/.."), "invalid_path");
    ck_assert_str_eq(decoded("/a%2Fb"), "invalid_path");
    ck_assert_str_eq(decoded("/a%00b"), "invalid_path");
    ck_assert_str_eq(decoded("/a%7f"), "invalid_path");
    ck_assert_str_eq(decoded("/a%"), "invalid_path");
    ck_assert_str_eq(decoded("/a%4"), "invalid_path");
    ck_assert_str_eq(decoded("/a%g0"), "invalid_path");
    ck_assert_str_eq(decoded("/a%c3"), "invalid_utf8");
    char small[4], why[64];
    ck_assert_str_eq(http_path_decode("/abcd", small, sizeof small, why, sizeof why),
                     "invalid_path");
}
END_TEST

START_TEST(test_etag_is_a_hash_of_the_body)
{
    char a[HTTP_ETAG_LEN], b[HTTP_ETAG_LEN], c[HTTP_ETAG_LEN];
    http_etag_of("{\"x\":1}", 7, a);
    http_etag_of("{\"x\":1}", 7, b);
    http_etag_of("{\"x\":2}", 7, c);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
    ck_assert_uint_eq(strlen(a), 34);
    ck_assert_int_eq(a[0], '"');
    ck_assert_int_eq(a[33], '"');
}
END_TEST

START_TEST(test_if_none_match_turns_200_into_304)
{
    struct http_request req = {.method = "GET", .path = "/", .query = ""};
    struct http_response resp = {.status = 200, .body = strdup("{}"), .body_len = 2};
    char tag[HTTP_ETAG_LEN];
    http_etag_of("{}", 2, tag);
    req.headers[0] = (struct http_header){"If-None-Match", "\"nope\", W/\"x\""};
    req.header_count = 1;
    http_etag_apply(&req, &resp);
    ck_assert_int_eq(resp.status, 200);
    ck_assert_ptr_nonnull(strstr(resp.extra_headers, tag));
    ck_assert_ptr_nonnull(strstr(resp.extra_headers, "Cache-Control: private, no-cache\r\n"));
    char list[80];
    snprintf(list, sizeof list, "\"nope\", W/%s", tag);
    req.headers[0].value = list;
    resp.extra_headers[0] = '\0';
    http_etag_apply(&req, &resp);
    ck_assert_int_eq(resp.status, 304);
    ck_assert_uint_eq(resp.body_len, 2); /* the 200's length, for Content-Length */
    struct http_response error = {.status = 404};
    http_etag_apply(&req, &error);
    ck_assert_int_eq(error.status, 404);
    ck_assert_str_eq(error.extra_headers, "");
    free(resp.body);
}
END_TEST

static Suite *http_parse_suite(void)
{
    Suite *s = suite_create("http_parse");
    TCase *tc = tcase_create("head");
    tcase_add_test(tc, test_well_formed_heads_parse);
    tcase_add_test(tc, test_nul_anywhere_is_refused);
    tcase_add_test(tc, test_bare_cr_and_lf_are_refused);
    tcase_add_test(tc, test_content_length_is_digits_alone);
    tcase_add_test(tc, test_transfer_encoding_is_refused);
    tcase_add_test(tc, test_ambiguous_field_lines_are_refused);
    tcase_add_test(tc, test_host_once_in_http11);
    tcase_add_test(tc, test_request_line_is_strict);
    tcase_add_test(tc, test_paths_are_percent_decoded);
    tcase_add_test(tc, test_etag_is_a_hash_of_the_body);
    tcase_add_test(tc, test_if_none_match_turns_200_into_304);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_main(http_parse_suite(), "http_parse", root, sizeof root);
}
