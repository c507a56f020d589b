/*
 * test_json_arena.c — unit tests for core/util/json_arena.c: a tree built in an arena prints
 * the same bytes as one built with malloc, across many blocks and with an item larger than
 * a block; an item made before the arena opened is freed inside it (back to malloc: ASan
 * would see a leak or a bad free); items freed inside are not reused while it is open; one
 * arena at a time per thread; a thread without an arena is not affected by another's.
 * Under a sanitizer the arena is off (json_arena_open gives NULL) and the same trees must
 * still come out right.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "util/json_arena.h"
#include "util/json_print.h"

static char root[256]; /* created by main(); unused: these tests write no file */

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_EXPECTED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_EXPECTED 0
#endif
#endif
#ifndef ARENA_EXPECTED
#define ARENA_EXPECTED 1
#endif

/* A report-like tree: n rows of a few fields each, one long string (bytes of it). */
static cJSON *tree(int n, size_t long_bytes)
{
    cJSON *rows = cJSON_CreateArray();
    for (int i = 0; i < n; i++) {
        cJSON *row = cJSON_CreateObject();
        char code[32];
        snprintf(code, sizeof code, "CB%06d", i);
        cJSON_AddStringToObject(row, "code", code);
        cJSON_AddStringToObject(row, "name", "Nguyễn Thị Hồng Nhung");
        cJSON_AddNumberToObject(row, "score", i % 101);
        cJSON *titles = cJSON_AddArrayToObject(row, "titles");
        if (i % 7 == 0) cJSON_AddItemToArray(titles, cJSON_CreateString("LDTT"));
        cJSON_AddItemToArray(rows, row);
    }
    char *text = malloc(long_bytes + 1);
    ck_assert_ptr_nonnull(text);
    memset(text, 'x', long_bytes);
    text[long_bytes] = '\0';
    cJSON_AddItemToArray(rows, cJSON_CreateString(text));
    free(text);
    return rows;
}

static char *printed(int n, size_t long_bytes)
{
    cJSON *t = tree(n, long_bytes);
    char *out = json_print(t);
    cJSON_Delete(t);
    return out;
}

START_TEST(test_tree_in_an_arena_prints_the_same)
{
    char *want = printed(60000, 5u << 20); /* malloc: some 20 MB of items, a 5 MB string */
    struct json_arena *arena = json_arena_open();
    ck_assert_int_eq(arena != NULL, ARENA_EXPECTED);
    char *got = printed(60000, 5u << 20);
    json_arena_close(arena);
    ck_assert_ptr_nonnull(want);
    ck_assert_ptr_nonnull(got);
    ck_assert_int_eq(strcmp(want, got), 0);
    free(want);
    free(got); /* json_print's bytes are malloc's, not the arena's */
}
END_TEST

START_TEST(test_item_made_before_is_freed_inside)
{
    cJSON *before = tree(100, 10);
    struct json_arena *arena = json_arena_open();
    cJSON *inside = tree(100, 10);
    cJSON_AddItemToArray(inside, before); /* one tree of both kinds of items */
    cJSON_Delete(inside);
    json_arena_close(arena);
}
END_TEST

START_TEST(test_freed_items_are_not_reused_while_open)
{
    struct json_arena *arena = json_arena_open();
    cJSON *a = cJSON_CreateString("một");
    cJSON_Delete(a);
    cJSON *b = cJSON_CreateString("hai");
    if (ARENA_EXPECTED) ck_assert_ptr_ne(a, b); /* cut further along, not a's place again */
    ck_assert_str_eq(b->valuestring, "hai");
    cJSON_Delete(b);
    json_arena_close(arena);
}
END_TEST

START_TEST(test_one_arena_at_a_time)
{
    struct json_arena *outer = json_arena_open();
    ck_assert_ptr_null(json_arena_open()); /* the outer one keeps serving */
    cJSON *t = tree(10, 10);
    cJSON_Delete(t);
    json_arena_close(outer);
    json_arena_close(NULL);
    struct json_arena *again = json_arena_open();
    ck_assert_int_eq(again != NULL, ARENA_EXPECTED);
    json_arena_close(again);
}
END_TEST

/* Another thread's items, made and freed while this thread has an arena open: malloc's. */
static void *other_thread(void *arg)
{
    (void)arg;
    cJSON *t = tree(1000, 100);
    char *out = json_print(t);
    cJSON_Delete(t);
    return out;
}

START_TEST(test_other_threads_are_not_affected)
{
    struct json_arena *arena = json_arena_open();
    cJSON *mine = tree(1000, 100);
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, other_thread, NULL), 0);
    void *theirs = NULL;
    ck_assert_int_eq(pthread_join(th, &theirs), 0);
    char *out = json_print(mine);
    cJSON_Delete(mine);
    json_arena_close(arena);
    ck_assert_str_eq(out, theirs);
    free(out);
    free(theirs);
}
END_TEST

static Suite *json_arena_suite(void)
{
    Suite *s = suite_create("json_arena");
    TCase *tc = tcase_create("arena");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_tree_in_an_arena_prints_the_same);
    tcase_add_test(tc, test_item_made_before_is_freed_inside);
    tcase_add_test(tc, test_freed_items_are_not_reused_while_open);
    tcase_add_test(tc, test_one_arena_at_a_time);
    tcase_add_test(tc, test_other_threads_are_not_affected);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    json_arena_install();
    return test_main(json_arena_suite(), "json_arena", root, sizeof root);
}
