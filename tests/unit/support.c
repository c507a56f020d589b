/*
 * support.c — helpers shared by the Check unit tests; see support.h for what it owns.
 */
#include "support.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

void test_remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char child[PATH_MAX];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            test_remove_tree(child);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

void test_make_dir(char *dir, size_t dir_len, const char *root)
{
    static int counter;
    snprintf(dir, dir_len, "%s/t%d-%ld", root, counter++, (long)getpid());
    ck_assert_int_eq(mkdir(dir, 0700), 0);
}

struct store *test_open_migrated(const char *path)
{
    char err[512] = "";
    struct store *st = store_open(path, err, sizeof err);
    ck_assert_msg(st != NULL, "store_open(%s): %s", path, err);
    ck_assert_msg(store_migrate(st, err, sizeof err) == 0, "store_migrate: %s", err);
    return st;
}

struct store *test_fresh_store(char *dir, size_t dir_len, const char *root)
{
    test_make_dir(dir, dir_len, root);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/thidua.db", dir);
    return test_open_migrated(path);
}

int test_main(Suite *suite, const char *name, char *root, size_t root_len)
{
    SRunner *sr = srunner_create(suite); /* owns suite from here, also on failure */
    const char *tmp = getenv("TMPDIR");
    snprintf(root, root_len, "%s/thidua-test-%s-XXXXXX", tmp && tmp[0] ? tmp : "/tmp", name);
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        srunner_free(sr);
        return EXIT_FAILURE;
    }
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    test_remove_tree(root);
    return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
