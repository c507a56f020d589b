/*
 * test_json.c — unit tests for the JSON writer of core/lua/json.c, on its strings: every
 * byte below 0x80 at every offset of strings of many lengths, escaped as a plain reference
 * escaper does; Vietnamese letters at every offset kept as they are; invalid UTF-8 (a lone
 * continuation byte, a cut sequence, an overlong form, a surrogate) refused wherever it
 * sits. With long strings remembered (lua_json_remember_strings, as rule processes do): the
 * same bytes written again, strings that share a slot each written as themselves, a bad one
 * still refused.
 */
#include <check.h>
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>

#include "lua/json.h"
#include "support.h"

static char root[256]; /* created by main(); unused: these tests write no file */
static lua_State *L;

static void setup(void)
{
    L = luaL_newstate();
    ck_assert_ptr_nonnull(L);
}

static void teardown(void)
{
    lua_close(L);
}

/* The string as JSON, by the reference: one byte at a time. */
static void escape_slowly(const char *s, size_t n, struct buffer *b)
{
    buffer_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c, esc[2] = '\0';
            buffer_puts(b, esc);
        } else if (c == '\n') {
            buffer_puts(b, "\\n");
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            buffer_puts(b, esc);
        } else {
            buffer_putc(b, (char)c);
        }
    }
    buffer_putc(b, '"');
}

/* Writes s (n bytes) through the writer: 0 and the text in out, or -1. */
static int write_lua_string(const char *s, size_t n, struct buffer *out)
{
    char err[256];
    lua_pushlstring(L, s, n);
    int rc = lua_json_write(L, -1, out, err, sizeof err);
    lua_pop(L, 1);
    return rc;
}

START_TEST(test_every_ascii_byte_in_every_lane)
{
    char s[40];
    for (int c = 0; c < 0x80; c++) {
        for (size_t at = 0; at < 24; at++) {
            for (size_t len = at + 1; len <= sizeof s; len += 7) {
                memset(s, 'a' + (int)(at % 26), len);
                s[at] = (char)c;
                struct buffer got = {0}, want = {0};
                ck_assert_int_eq(write_lua_string(s, len, &got), 0);
                escape_slowly(s, len, &want);
                ck_assert_msg(got.len == want.len && memcmp(got.data, want.data, got.len) == 0,
                              "byte 0x%02x at %zu of %zu: %s, not %s", c, at, len, got.data,
                              want.data);
                buffer_free(&got);
                buffer_free(&want);
            }
        }
    }
}
END_TEST

START_TEST(test_vietnamese_at_every_offset_is_kept)
{
    static const char *const letters[] = {"ệ", "Đ", "ữ", "à", "€", "𝔸"};
    for (size_t l = 0; l < sizeof letters / sizeof letters[0]; l++) {
        for (size_t at = 0; at < 20; at++) {
            char s[64];
            memset(s, 'x', at);
            snprintf(s + at, sizeof s - at, "%s thi đua \"khen\" thưởng", letters[l]);
            struct buffer got = {0}, want = {0};
            ck_assert_int_eq(write_lua_string(s, strlen(s), &got), 0);
            escape_slowly(s, strlen(s), &want);
            ck_assert_str_eq(got.data, want.data);
            buffer_free(&got);
            buffer_free(&want);
        }
    }
}
END_TEST

START_TEST(test_invalid_utf8_anywhere_is_refused)
{
    static const struct {
        const char *bytes;
        size_t len;
    } bad[] = {{"\x80", 1}, {"\xe1\xbb", 2}, {"\xc0\xaf", 2}, {"\xed\xa0\x80", 3}, {"\xff", 1}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        for (size_t at = 0; at < 20; at++) {
            char s[64];
            memset(s, 'y', sizeof s);
            memcpy(s + at, bad[k].bytes, bad[k].len);
            struct buffer got = {0};
            ck_assert_msg(write_lua_string(s, at + bad[k].len + 9, &got) != 0,
                          "case %zu at %zu was written: %s", k, at, got.data);
            buffer_free(&got);
        }
    }
}
END_TEST

START_TEST(test_remembered_strings_are_written_as_themselves)
{
    lua_json_remember_strings();
    /* Same length, same first, middle and last bytes: the same slot, other bytes. */
    char one[100], other[100];
    memset(one, 'a', sizeof one);
    memcpy(other, one, sizeof other);
    one[20] = '"', other[20] = 'b';
    const char *vietnamese = "Không đạt tiêu chí CN2: chưa hoàn thành nhiệm vụ được giao đúng hạn";
    for (int round = 0; round < 3; round++) {
        const struct {
            const char *s;
            size_t n;
        } strings[] = {{one, sizeof one}, {other, sizeof other}, {vietnamese, strlen(vietnamese)}};
        for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
            struct buffer got = {0}, want = {0};
            ck_assert_int_eq(write_lua_string(strings[i].s, strings[i].n, &got), 0);
            escape_slowly(strings[i].s, strings[i].n, &want);
            ck_assert_msg(got.len == want.len && memcmp(got.data, want.data, got.len) == 0,
                          "round %d, string %zu: %s", round, i, got.data);
            buffer_free(&got);
            buffer_free(&want);
        }
    }
    char bad[100];
    memcpy(bad, one, sizeof bad);
    bad[50] = (char)0x80;
    struct buffer got = {0};
    ck_assert_int_ne(write_lua_string(bad, sizeof bad, &got), 0);
    buffer_free(&got);
}
END_TEST

static Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *strings = tcase_create("strings");
    tcase_add_checked_fixture(strings, setup, teardown);
    tcase_add_test(strings, test_every_ascii_byte_in_every_lane);
    tcase_add_test(strings, test_vietnamese_at_every_offset_is_kept);
    tcase_add_test(strings, test_invalid_utf8_anywhere_is_refused);
    tcase_add_test(strings, test_remembered_strings_are_written_as_themselves);
    suite_add_tcase(s, strings);
    return s;
}

int main(void)
{
    return test_main(json_suite(), "json", root, sizeof root);
}
