/*
 * test_text.c — unit tests for core/util/text.c and the `thidua.text` Lua module
 * (core/lua/text.c): unaccenting every Vietnamese vowel with every tone (and đ/Đ), ASCII
 * left as it is, invalid UTF-8 refused; NFC of decomposed text; GSM-7 detection; SMS counts
 * at each boundary (160/161 and 306/307 septets, 70/71 and 134/135 UTF-16 units, extension
 * characters counting 2); the module through a plain lua_State, its errors, and a result
 * that does not fit the sandbox's memory cap (no leak: run under ASan).
 */
#include <check.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/sandbox.h"
#include "lua/text.h"
#include "util/text.h"
#include "support.h"

static char root[256]; /* created by main(); unused: these tests write no file */

/* ---- helpers ---------------------------------------------------------------------------- */

/* Each vowel of Vietnamese (precomposed, NFC): without a tone, then huyền, sắc, hỏi, ngã,
 * nặng; lower case, upper case, and the letter it unaccents to. */
static const struct {
    const char *lower, *upper, *base;
} vowels[] = {
    {"aàáảãạ", "AÀÁẢÃẠ", "a"}, {"ăằắẳẵặ", "ĂẰẮẲẴẶ", "a"}, {"âầấẩẫậ", "ÂẦẤẨẪẬ", "a"},
    {"eèéẻẽẹ", "EÈÉẺẼẸ", "e"}, {"êềếểễệ", "ÊỀẾỂỄỆ", "e"}, {"iìíỉĩị", "IÌÍỈĨỊ", "i"},
    {"oòóỏõọ", "OÒÓỎÕỌ", "o"}, {"ôồốổỗộ", "ÔỒỐỔỖỘ", "o"}, {"ơờớởỡợ", "ƠỜỚỞỠỢ", "o"},
    {"uùúủũụ", "UÙÚỦŨỤ", "u"}, {"ưừứửữự", "ƯỪỨỬỮỰ", "u"}, {"yỳýỷỹỵ", "YỲÝỶỸỴ", "y"},
};

/* Byte length of the UTF-8 character at s. */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)*s;
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Asserts text_unaccent(in) is want. */
static void unaccent_is(const char *in, const char *want)
{
    char *got = text_unaccent(in);
    ck_assert_msg(got != NULL, "text_unaccent(\"%s\") gave NULL", in);
    ck_assert_msg(strcmp(got, want) == 0, "text_unaccent(\"%s\") = \"%s\", want \"%s\"", in, got,
                  want);
    free(got);
}

/* Asserts each of the six characters of forms unaccents to base (upper-cased if upper). */
static void forms_unaccent_to(const char *forms, const char *base, int upper)
{
    char want[2] = {upper ? (char)(base[0] - 'a' + 'A') : base[0], '\0'};
    int count = 0;
    for (const char *c = forms; *c; c += char_len(c), count++) {
        char one[5] = "";
        memcpy(one, c, char_len(c));
        unaccent_is(one, want);
    }
    ck_assert_int_eq(count, 6); /* the table holds precomposed characters only */
}

/* n copies of unit (a UTF-8 character) followed by tail: malloc'd. */
static char *repeat(const char *unit, size_t n, const char *tail)
{
    size_t len = strlen(unit), tail_len = strlen(tail);
    char *s = malloc(len * n + tail_len + 1);
    ck_assert_ptr_nonnull(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * len, unit, len);
    memcpy(s + len * n, tail, tail_len + 1);
    return s;
}

/* Asserts how text_sms_count counts n copies of unit followed by tail. */
static void count_is(const char *unit, size_t n, const char *tail, bool gsm7, size_t units,
                     size_t segments)
{
    char *s = repeat(unit, n, tail);
    struct sms_count c = text_sms_count(s);
    ck_assert_msg(c.gsm7 == gsm7 && c.units == units && c.segments == segments,
                  "%zu x \"%s\" + \"%s\": gsm7=%d units=%zu segments=%zu, want %d %zu %zu", n, unit,
                  tail, c.gsm7, c.units, c.segments, gsm7, units, segments);
    free(s);
}

/* ---- unaccent --------------------------------------------------------------------------- */

START_TEST(test_unaccent_every_vowel_and_tone)
{
    for (size_t i = 0; i < sizeof vowels / sizeof vowels[0]; i++) {
        forms_unaccent_to(vowels[i].lower, vowels[i].base, 0);
        forms_unaccent_to(vowels[i].upper, vowels[i].base, 1);
    }
}
END_TEST

START_TEST(test_unaccent_d_with_stroke)
{
    unaccent_is("đ", "d");
    unaccent_is("Đ", "D");
    unaccent_is("Đường đi", "Duong di");
}
END_TEST

START_TEST(test_unaccent_sentence)
{
    unaccent_is("Nguyễn Thị Đào, Phòng Tài nguyên – Môi trường",
                "Nguyen Thi Dao, Phong Tai nguyen – Moi truong");
    unaccent_is("Sở Nội vụ: hạn nộp báo cáo thi đua là 15/06/2025.",
                "So Noi vu: han nop bao cao thi dua la 15/06/2025.");
    /* Decomposed input, marks in either order, unaccents the same. */
    unaccent_is("Vie\xcc\xa3\xcc\x82t", "Viet");
    unaccent_is("Vie\xcc\x82\xcc\xa3t", "Viet");
}
END_TEST

START_TEST(test_unaccent_keeps_ascii_and_the_rest)
{
    const char *ascii = "Hello, world! 0123456789 ~`^{}[]|\\ @#$%&*()_+-=;:'\"<>,./?\n\t";
    unaccent_is(ascii, ascii);
    unaccent_is("", "");
    unaccent_is("– € 日本 ガ", "– € 日本 ガ"); /* the voicing mark of ガ is part of it */
}
END_TEST

START_TEST(test_unaccent_invalid_utf8)
{
    const char *bad[] = {"\xff",         "abc\xc3",          "\xc0\xaf",
                         "\xed\xa0\x80", "\xf4\x90\x80\x80", "Vi\xe1\xbb"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_ptr_null(text_unaccent(bad[i]));
        ck_assert_ptr_null(text_nfc(bad[i]));
    }
}
END_TEST

START_TEST(test_unaccent_n_keeps_nuls)
{
    size_t len = 0;
    char *got = text_unaccent_n("a\0ệ", 5, &len);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, 3);
    ck_assert_mem_eq(got, "a\0e", 4);
    free(got);
}
END_TEST

/* ---- NFC -------------------------------------------------------------------------------- */

START_TEST(test_nfc_composes)
{
    const struct {
        const char *in, *want;
    } cases[] = {
        {"Vie\xcc\xa3\xcc\x82t Nam", "Việt Nam"}, /* e + dot below + circumflex */
        {"Vie\xcc\x82\xcc\xa3t Nam", "Việt Nam"}, /* the other order */
        {"Nguye\xcc\x82\xcc\x83n", "Nguyễn"},
        {"u\xcc\x9b\xcc\x80", "ừ"}, /* u + horn + grave */
        {"Việt Nam", "Việt Nam"},   /* already NFC */
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = text_nfc(cases[i].in);
        ck_assert_ptr_nonnull(got);
        ck_assert_str_eq(got, cases[i].want);
        free(got);
    }
}
END_TEST

/* ---- GSM-7 and SMS counts --------------------------------------------------------------- */

START_TEST(test_gsm7_detection)
{
    ck_assert(text_is_gsm7("Nguyen Thi Dao, Phong Tai nguyen - Moi truong: 15/06/2025 (ok?)"));
    ck_assert(text_is_gsm7(""));
    ck_assert(text_is_gsm7("€"));           /* extension table */
    ck_assert(text_is_gsm7("{[~]}|^\\\f")); /* extension table */
    ck_assert(text_is_gsm7("é à ñ ß Δ Ω £ ¥ §\r\n"));
    ck_assert(!text_is_gsm7("Đ"));
    ck_assert(!text_is_gsm7("ư"));
    ck_assert(!text_is_gsm7("–")); /* the en dash */
    ck_assert(!text_is_gsm7("`"));
    ck_assert(!text_is_gsm7("a\tb"));
    ck_assert(!text_is_gsm7("\xff"));
}
END_TEST

START_TEST(test_gsm7_segments)
{
    count_is("a", 160, "", true, 160, 1);
    count_is("a", 161, "", true, 161, 2);
    count_is("a", 306, "", true, 306, 2);
    count_is("a", 307, "", true, 307, 3);
    /* Extension characters count 2 septets. */
    count_is("€", 80, "", true, 160, 1);
    count_is("€", 80, "a", true, 161, 2);
    count_is("{", 153, "", true, 306, 2);
    count_is("{", 153, "]", true, 308, 3);
    count_is("é", 160, "", true, 160, 1);
}
END_TEST

START_TEST(test_ucs2_segments)
{
    count_is("ư", 70, "", false, 70, 1);
    count_is("ư", 71, "", false, 71, 2);
    count_is("ư", 134, "", false, 134, 2);
    count_is("ư", 135, "", false, 135, 3);
    /* One non-GSM character makes the whole text UCS-2, GSM characters included. */
    count_is("a", 69, "Đ", false, 70, 1);
    count_is("€", 70, "Đ", false, 71, 2);
    /* Beyond the BMP: a surrogate pair, 2 units. */
    count_is("😀", 35, "", false, 70, 1);
    count_is("😀", 35, "a", false, 71, 2);
}
END_TEST

START_TEST(test_empty_text_is_one_segment)
{
    struct sms_count c = text_sms_count("");
    ck_assert(c.gsm7);
    ck_assert_uint_eq(c.units, 0);
    ck_assert_uint_eq(c.segments, 1);
}
END_TEST

START_TEST(test_unaccented_text_fits_gsm7)
{
    const char *text = "Nguyễn Thị Đào: báo cáo thi đua của Phòng Tài nguyên và Môi trường";
    ck_assert(!text_sms_count(text).gsm7);
    char *plain = text_unaccent(text);
    ck_assert_ptr_nonnull(plain);
    struct sms_count c = text_sms_count(plain);
    ck_assert(c.gsm7);
    ck_assert_uint_eq(c.units, strlen(plain));
    free(plain);
}
END_TEST

/* ---- the Lua module --------------------------------------------------------------------- */

static lua_State *L;

static void lua_setup(void)
{
    L = luaL_newstate();
    ck_assert_ptr_nonnull(L);
    luaL_openlibs(L);
    luaL_requiref(L, "thidua.text", luaopen_thidua_text, 0);
    lua_pop(L, 1);
}

static void lua_teardown(void)
{
    lua_close(L);
    L = NULL;
}

/* Runs code (with `text` the module) and returns its one result as a string, or the error
 * message when ok is false. */
static const char *run(const char *code, bool ok)
{
    char chunk[1024];
    snprintf(chunk, sizeof chunk, "local text = require('thidua.text')\n%s", code);
    lua_settop(L, 0);
    ck_assert_int_eq(luaL_loadstring(L, chunk), LUA_OK);
    int rc = lua_pcall(L, 0, 1, 0);
    ck_assert_msg((rc == LUA_OK) == ok, "%s: %s", code, lua_tostring(L, -1));
    return lua_tostring(L, -1);
}

START_TEST(test_lua_functions)
{
    ck_assert_str_eq(run("return text.unaccent('Nguyễn Thị Đào, Phòng Tài nguyên')", true),
                     "Nguyen Thi Dao, Phong Tai nguyen");
    ck_assert_str_eq(run("return text.nfc('Vie\\u{323}\\u{302}t')", true), "Việt");
    ck_assert_str_eq(run("local c = text.sms('Xin chào bạn')\n"
                         "return tostring(c.gsm7) .. ' ' .. c.units .. ' ' .. c.segments",
                         true),
                     "false 12 1");
    ck_assert_str_eq(run("local c = text.sms(string.rep('a', 160) .. '€')\n"
                         "return tostring(c.gsm7) .. ' ' .. c.units .. ' ' .. c.segments",
                         true),
                     "true 162 2");
    ck_assert_str_eq(run("local c = text.sms('')\n"
                         "return tostring(c.gsm7) .. ' ' .. c.units .. ' ' .. c.segments",
                         true),
                     "true 0 1");
    ck_assert_str_eq(run("return tostring(text.unaccent('a\\0ệ') == 'a\\0e')", true), "true");
}
END_TEST

/* Asserts the error message msg is want after its "chunk:line: " position. */
static void error_is(const char *msg, const char *want)
{
    const char *after = strstr(msg, ":2: ");
    ck_assert_msg(after != NULL, "no position in \"%s\"", msg);
    ck_assert_str_eq(after + 4, want);
}

START_TEST(test_lua_errors)
{
    error_is(run("return text.unaccent('\\xff')", false),
             "bad argument #1 to 'unaccent' (invalid UTF-8)");
    error_is(run("return text.nfc('abc\\xc3')", false), "bad argument #1 to 'nfc' (invalid UTF-8)");
    error_is(run("return text.sms('\\xed\\xa0\\x80')", false),
             "bad argument #1 to 'sms' (invalid UTF-8)");
    error_is(run("return text.unaccent({})", false),
             "bad argument #1 to 'unaccent' (string expected, got table)");
    error_is(run("return text.sms()", false),
             "bad argument #1 to 'sms' (string expected, got no value)");
}
END_TEST

/* A result larger than the sandbox's cap is a memory error, and the malloc'd text behind it
 * is freed (ASan's leak check would say otherwise). */
START_TEST(test_lua_result_over_the_memory_cap)
{
    char err[256] = "";
    struct sandbox *sb = sandbox_new(16 << 20, "budget spent", err, sizeof err);
    ck_assert_msg(sb != NULL, "%s", err);
    lua_State *S = sandbox_state(sb);
    const char *code = "local text, s = ...\nreturn text.unaccent(s)";
    ck_assert_int_eq(sandbox_load(sb, code, strlen(code), "=test", err, sizeof err), 0);
    luaopen_thidua_text(S);
    char *big = repeat("ệ", 300000, "");
    lua_pushstring(S, big);
    free(big);
    size_t cap = sandbox_memory_used(sb) + (64 << 10);
    enum sandbox_status st = sandbox_call(sb, 2, 1, 1000000, cap, err, sizeof err);
    ck_assert_int_eq(st, SANDBOX_OUT_OF_MEMORY);
    sandbox_free(sb, 1000000);
}
END_TEST

/* text_join: as snprintf("%s%s...") would write, cut where it would cut. */
START_TEST(test_join_as_snprintf)
{
    const char *const parts[] = {"Phòng ", "", "Tài nguyên", " nước"};
    char out[64], want[64];
    ck_assert(text_join(out, sizeof out, parts, 4));
    ck_assert_str_eq(out, "Phòng Tài nguyên nước");
    for (size_t size = 1; size <= strlen(out) + 2; size++) {
        char cut[64];
        bool fit = text_join(cut, size, parts, 4);
        snprintf(want, size, "%s%s%s%s", parts[0], parts[1], parts[2], parts[3]);
        ck_assert_str_eq(cut, want);
        ck_assert_int_eq(fit, strlen(out) < size);
    }
    ck_assert(!text_join(out, 0, parts, 4)); /* no room even for the NUL: nothing written */
    ck_assert(text_join(out, 1, parts, 0));
    ck_assert_str_eq(out, "");
}
END_TEST

static Suite *text_suite(void)
{
    Suite *s = suite_create("text");

    TCase *unaccent = tcase_create("unaccent");
    tcase_add_test(unaccent, test_unaccent_every_vowel_and_tone);
    tcase_add_test(unaccent, test_unaccent_d_with_stroke);
    tcase_add_test(unaccent, test_unaccent_sentence);
    tcase_add_test(unaccent, test_unaccent_keeps_ascii_and_the_rest);
    tcase_add_test(unaccent, test_unaccent_invalid_utf8);
    tcase_add_test(unaccent, test_unaccent_n_keeps_nuls);
    tcase_add_test(unaccent, test_nfc_composes);
    tcase_add_test(unaccent, test_join_as_snprintf);
    suite_add_tcase(s, unaccent);

    TCase *sms = tcase_create("sms");
    tcase_add_test(sms, test_gsm7_detection);
    tcase_add_test(sms, test_gsm7_segments);
    tcase_add_test(sms, test_ucs2_segments);
    tcase_add_test(sms, test_empty_text_is_one_segment);
    tcase_add_test(sms, test_unaccented_text_fits_gsm7);
    suite_add_tcase(s, sms);

    TCase *lua = tcase_create("lua");
    tcase_add_checked_fixture(lua, lua_setup, lua_teardown);
    tcase_add_test(lua, test_lua_functions);
    tcase_add_test(lua, test_lua_errors);
    tcase_add_test(lua, test_lua_result_over_the_memory_cap);
    suite_add_tcase(s, lua);
    return s;
}

int main(void)
{
    return test_main(text_suite(), "text", root, sizeof root);
}
