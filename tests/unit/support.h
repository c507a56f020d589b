/*
 * support.h — helpers shared by the Check unit tests in tests/unit/ (compiled into every
 * test_* executable from support.c). It owns:
 *
 *   test_main          the whole of a test's main(): makes the mkdtemp() root under $TMPDIR
 *                      (or /tmp), runs the suite with CK_NORMAL, removes the root and gives
 *                      the exit status;
 *   test_remove_tree   recursive removal of a folder (or a file), used for that root and for
 *                      each test's own folder in teardown;
 *   test_make_dir      a fresh per-test folder "<root>/t<N>-<pid>" (asserts it was made);
 *   test_open_migrated a store opened on a database path and migrated to the latest schema
 *                      (asserts both steps);
 *   test_fresh_store   both of the above: a fresh per-test folder holding a migrated
 *                      thidua.db, for the tests that work on a store.
 *
 * Each test file keeps its own root buffer, per-test folder and fixtures; only the mechanics
 * above live here.
 */
#ifndef THIDUA_TESTS_UNIT_SUPPORT_H
#define THIDUA_TESTS_UNIT_SUPPORT_H

#include <check.h>
#include <stddef.h>

struct store;

/* Removes path and, if it is a folder, everything below it; errors are ignored. */
void test_remove_tree(const char *path);

/* Makes a fresh folder "<root>/t<N>-<pid>" in dir (dir_len bytes) and asserts mkdir worked. */
void test_make_dir(char *dir, size_t dir_len, const char *root);

/* Opens the database at path and migrates it; asserts both steps. Close with store_close. */
struct store *test_open_migrated(const char *path);

/* test_make_dir, then test_open_migrated on "<dir>/thidua.db"; returns the open store. */
struct store *test_fresh_store(char *dir, size_t dir_len, const char *root);

/*
 * Runs suite with a fresh root: writes "$TMPDIR/thidua-test-<name>-XXXXXX" (or under /tmp)
 * into root (root_len bytes) and creates it with mkdtemp(), runs every test with CK_NORMAL,
 * then removes the root. Returns EXIT_SUCCESS when no test failed, else EXIT_FAILURE (also
 * when the root cannot be made). Takes ownership of suite.
 */
int test_main(Suite *suite, const char *name, char *root, size_t root_len);

#endif
