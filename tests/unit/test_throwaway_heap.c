/*
 * test_throwaway_heap.c — unit tests for core/util/throwaway_heap.c and the allocator a
 * throwaway rule process's Lua state switches to (sandbox_throwaway, core/lua/sandbox.c):
 * blocks are aligned, distinct and owned; the last block grows in place, another moves
 * with its contents, a block larger than a chunk gets a chunk of its own; chunks are
 * advised for huge pages (the mapping's "hg" flag in /proc/self/smaps); a state switched
 * over keeps working on blocks it made before, and its memory cap still holds, with the heap
 * within twice the cap. Each test runs in a
 * process of its own (CK_FORK), as each rule process has its heap. Under a sanitizer the
 * heap is off and the state's allocations go to malloc: the Lua tests must pass the same.
 */
#include <check.h>
#include <lauxlib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/sandbox.h"
#include "support.h"
#include "util/throwaway_heap.h"

static char root[256]; /* created by main(); unused: these tests write no file */

#if defined(__SANITIZE_ADDRESS__)
#define HEAP_EXPECTED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAP_EXPECTED 0
#endif
#endif
#ifndef HEAP_EXPECTED
#define HEAP_EXPECTED 1
#endif

/* Whether the mapping holding p is advised for huge pages ("hg" among its VmFlags). */
static bool advised_for_huge_pages(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    ck_assert_ptr_nonnull(f);
    char line[512];
    bool inside = false, advised = false;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
        } else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
            advised = strstr(line, " hg") != NULL;
            break;
        }
    }
    fclose(f);
    return advised;
}

START_TEST(test_blocks_are_aligned_distinct_and_owned)
{
    if (!HEAP_EXPECTED) {
        ck_assert_ptr_null(throwaway_heap_alloc(16));
        return;
    }
    char *a = throwaway_heap_alloc(1), *b = throwaway_heap_alloc(100),
         *c = throwaway_heap_alloc(17);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq((uintptr_t)a % 16, 0);
    ck_assert_uint_eq((uintptr_t)b % 16, 0);
    ck_assert_uint_eq((uintptr_t)c % 16, 0);
    ck_assert(b >= a + 16 && c >= b + 100);
    memset(a, 1, 1), memset(b, 2, 100), memset(c, 3, 17);
    ck_assert_int_eq(a[0], 1);
    ck_assert_int_eq(b[99], 2);
    ck_assert(throwaway_heap_owns(a) && throwaway_heap_owns(c + 16));
    char *m = malloc(64);
    ck_assert(!throwaway_heap_owns(m));
    free(m);
    ck_assert_uint_ge(throwaway_heap_size(), 16 + 112 + 32);
    ck_assert(advised_for_huge_pages(a));
}
END_TEST

START_TEST(test_resizing_keeps_contents)
{
    if (!HEAP_EXPECTED) return;
    char *a = throwaway_heap_alloc(40);
    memcpy(a, "Tập thể lao động xuất sắc", 31);
    char *b = throwaway_heap_alloc(40);
    memcpy(b, "Chiến sĩ thi đua cơ sở", 27);
    /* The last block grows where it is. */
    ck_assert_ptr_eq(throwaway_heap_resize(b, 40, 4000), b);
    ck_assert_int_eq(memcmp(b, "Chiến sĩ thi đua cơ sở", 27), 0);
    /* Another moves, contents and all; shrinking stays. */
    char *moved = throwaway_heap_resize(a, 40, 5000);
    ck_assert_ptr_ne(moved, a);
    ck_assert_int_eq(memcmp(moved, "Tập thể lao động xuất sắc", 31), 0);
    ck_assert_ptr_eq(throwaway_heap_resize(moved, 5000, 10), moved);
    ck_assert_int_eq(memcmp(b, "Chiến sĩ thi đua cơ sở", 27), 0); /* b untouched */
}
END_TEST

START_TEST(test_a_block_larger_than_a_chunk)
{
    if (!HEAP_EXPECTED) return;
    size_t big = (size_t)70 << 20;
    char *p = throwaway_heap_alloc(big);
    ck_assert_ptr_nonnull(p);
    p[0] = 'a', p[big - 1] = 'z';
    ck_assert(throwaway_heap_owns(p) && throwaway_heap_owns(p + big - 1));
    ck_assert(advised_for_huge_pages(p + big / 2));
    char *after = throwaway_heap_alloc(32); /* the next block still comes */
    ck_assert_ptr_nonnull(after);
    ck_assert(after < p || after >= p + big);
}
END_TEST

static struct sandbox *state_with(const char *code, size_t cap)
{
    char err[256];
    struct sandbox *sb = sandbox_new(cap, "budget spent", err, sizeof err);
    ck_assert_msg(sb != NULL, "%s", err);
    sandbox_open_safe_libs(sb);
    ck_assert_msg(sandbox_load(sb, code, strlen(code), "=test", err, sizeof err) == 0, "%s", err);
    ck_assert_msg(sandbox_call(sb, 0, 1, 10000000, cap, err, sizeof err) == SANDBOX_OK, "%s", err);
    lua_setglobal(sandbox_state(sb), "f");
    return sb;
}

/* f(arg) called in the state; its string result or the error in out. */
static enum sandbox_status call_f(struct sandbox *sb, lua_Integer arg, size_t cap, char *out,
                                  size_t outlen)
{
    lua_State *L = sandbox_state(sb);
    lua_getglobal(L, "f");
    lua_pushinteger(L, arg);
    enum sandbox_status st = sandbox_call(sb, 1, 1, 100000000, cap, out, outlen);
    if (st == SANDBOX_OK) {
        snprintf(out, outlen, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    return st;
}

/* Tables made before the switch are read, grown and dropped after it; the answers match. */
START_TEST(test_a_switched_state_keeps_its_older_blocks)
{
    const char *code = "local t = {}\n"
                       "for i = 1, 1000 do t[i] = string.format('người %d', i) end\n"
                       "return function(n)\n"
                       "  for i = 1001, 1000 + n do t[i] = string.format('người %d', i) end\n"
                       "  local s = 0\n"
                       "  for i = 1, #t do s = s + #t[i] end\n"
                       "  t = nil\n"
                       "  return tostring(s)\n"
                       "end\n";
    size_t cap = 64 << 20;
    struct sandbox *sb = state_with(code, cap);
    size_t before = throwaway_heap_size();
    sandbox_throwaway(sb);
    char out[256];
    ck_assert_int_eq(call_f(sb, 20000, cap, out, sizeof out), SANDBOX_OK);
    long expected = 0;
    for (int i = 1; i <= 21000; i++)
        expected += snprintf(NULL, 0, "người %d", i);
    ck_assert_int_eq(atol(out), expected);
    if (HEAP_EXPECTED) ck_assert_uint_gt(throwaway_heap_size(), before);
    sandbox_free(sb, 1000000);
}
END_TEST

/* The cap still refuses a state that holds too much, with the heap within twice the cap;
 * what fits the cap (garbage counts: the collector is stopped) still runs. */
START_TEST(test_the_cap_holds_after_the_switch)
{
    const char *code = "return function(n)\n"
                       "  if n < 0 then\n"
                       "    local keep = {}\n"
                       "    for i = 1, 1e9 do keep[i] = string.rep('x', 1000) .. i end\n"
                       "  end\n"
                       "  local last\n"
                       "  for i = 1, n do last = string.rep('y', 1 << 20) .. i end\n"
                       "  return string.sub(last, -4)\n"
                       "end\n";
    size_t cap = 8 << 20;
    struct sandbox *sb = state_with(code, cap);
    sandbox_throwaway(sb);
    char out[256];
    ck_assert_int_eq(call_f(sb, 2, cap, out, sizeof out), SANDBOX_OK);
    ck_assert_str_eq(out, "yyy2");
    ck_assert_int_eq(call_f(sb, -1, cap, out, sizeof out), SANDBOX_OUT_OF_MEMORY);
    ck_assert_uint_le(throwaway_heap_size(), 2 * cap);
    if (HEAP_EXPECTED) ck_assert_uint_ge(throwaway_heap_size(), cap / 2);
    sandbox_free(sb, 1000000);
}
END_TEST

static Suite *throwaway_heap_suite(void)
{
    Suite *s = suite_create("throwaway_heap");
    TCase *tc = tcase_create("heap");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_blocks_are_aligned_distinct_and_owned);
    tcase_add_test(tc, test_resizing_keeps_contents);
    tcase_add_test(tc, test_a_block_larger_than_a_chunk);
    tcase_add_test(tc, test_a_switched_state_keeps_its_older_blocks);
    tcase_add_test(tc, test_the_cap_holds_after_the_switch);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_main(throwaway_heap_suite(), "throwaway_heap", root, sizeof root);
}
