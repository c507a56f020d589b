/*
 * test_spawner.c — unit tests for core/lua/sandbox_spawner.c: a job runs in a process the
 * spawner forked (not a child of the caller), gets its input whole and answers whole (MBs
 * both ways), starts from the spawner's memory every time (what one job changed, the next
 * never sees), is killed at its deadline with the step it was on and what it said it was
 * doing, says why it failed; a job under way outlives its spawner, a spawner that has gone
 * makes the caller fork instead (SANDBOX_PROCESS_UNAVAILABLE), and stopping one leaves no
 * process behind.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lua/sandbox_spawner.h"
#include "support.h"

static char root[256];
static int jobs_done; /* changed by every job, in the job's own process */

/* The jobs: "who" (its pid and its parent's), "count", "echo" (its input back), "big" (a
 * 3 MB answer), "steps" (three steps, then spins), "fail", "kill-spawner". */
static int work(void *ctx, const char *in, size_t len, struct buffer *out, char *err, size_t errlen)
{
    (void)ctx;
    char text[64];
    if (len >= 3 && memcmp(in, "who", 3) == 0) {
        snprintf(text, sizeof text, "%d %d", (int)getpid(), (int)getppid());
        buffer_puts(out, text);
    } else if (len >= 5 && memcmp(in, "count", 5) == 0) {
        snprintf(text, sizeof text, "%d", ++jobs_done);
        buffer_puts(out, text);
    } else if (len >= 4 && memcmp(in, "echo", 4) == 0) {
        buffer_put(out, in, len);
    } else if (len >= 3 && memcmp(in, "big", 3) == 0) {
        static const char line[] =
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        for (int i = 0; i < 3 * 1024 * 16; i++)
            buffer_put(out, line, 64);
    } else if (len >= 5 && memcmp(in, "steps", 5) == 0) {
        for (int i = 0; i < 3; i++)
            sandbox_process_step();
        sandbox_process_doing("quy tắc khai báo tại ", "quay.lua:7", 10);
        for (volatile unsigned long spin = 0;; spin++) {
        }
    } else if (len >= 4 && memcmp(in, "fail", 4) == 0) {
        snprintf(err, errlen, "không chạy được");
        return -1;
    } else if (len >= 12 && memcmp(in, "kill-spawner", 12) == 0) {
        kill(getppid(), SIGKILL);
        buffer_puts(out, "ok");
    }
    return 0;
}

static struct sandbox_spawner *sp;

static void setup(void)
{
    sp = sandbox_spawner_start(work, NULL);
    ck_assert_ptr_nonnull(sp);
}

static void teardown(void)
{
    sandbox_spawner_stop(sp);
    sp = NULL;
}

/* Runs one job with a 5 s deadline; returns its status, its answer in out. */
static enum sandbox_process_status run(const char *in, size_t len, struct buffer *out, long *killed,
                                       char *err, size_t errlen)
{
    long step = -1;
    enum sandbox_process_status status =
        sandbox_spawner_run(sp, 5000, true, in, len, out, &step, err, errlen);
    if (killed) *killed = step;
    return status;
}

START_TEST(test_job_runs_in_the_spawners_child)
{
    struct buffer out = {0};
    char err[256] = "";
    ck_assert_int_eq(run("who", 3, &out, NULL, err, sizeof err), SANDBOX_PROCESS_OK);
    int pid = 0, parent = 0;
    ck_assert_int_eq(sscanf(out.data, "%d %d", &pid, &parent), 2);
    ck_assert_int_ne(pid, getpid());
    ck_assert_int_ne(parent, getpid()); /* forked by the spawner, not by us */
    buffer_free(&out);
}
END_TEST

START_TEST(test_every_job_starts_from_the_spawners_memory)
{
    for (int i = 0; i < 3; i++) {
        struct buffer out = {0};
        char err[256] = "";
        ck_assert_int_eq(run("count", 5, &out, NULL, err, sizeof err), SANDBOX_PROCESS_OK);
        ck_assert_str_eq(out.data, "1");
        buffer_free(&out);
    }
    ck_assert_int_eq(jobs_done, 0); /* nor did any reach this process */
}
END_TEST

START_TEST(test_large_input_and_answer_whole)
{
    size_t len = 2u << 20;
    char *in = malloc(len);
    ck_assert_ptr_nonnull(in);
    memcpy(in, "echo", 4);
    for (size_t i = 4; i < len; i++)
        in[i] = (char)('a' + i % 26);
    struct buffer out = {0};
    char err[256] = "";
    ck_assert_int_eq(run(in, len, &out, NULL, err, sizeof err), SANDBOX_PROCESS_OK);
    ck_assert_uint_eq(out.len, len);
    ck_assert(memcmp(out.data, in, len) == 0);
    buffer_free(&out);
    ck_assert_int_eq(run("big", 3, &out, NULL, err, sizeof err), SANDBOX_PROCESS_OK);
    ck_assert_uint_eq(out.len, 3u << 20);
    buffer_free(&out);
    free(in);
}
END_TEST

START_TEST(test_deadline_kills_and_names_the_step)
{
    struct buffer out = {0};
    char err[512] = "";
    long killed = -1;
    ck_assert_int_eq(
        sandbox_spawner_run(sp, 1000, true, "steps", 5, &out, &killed, err, sizeof err),
        SANDBOX_PROCESS_TIMED_OUT);
    ck_assert_int_eq(killed, 2);
    ck_assert_msg(strstr(err, "quay.lua:7") && strstr(err, "1000 ms"), "%s", err);
    buffer_free(&out);
    /* the next job is taken by the next waiting child */
    ck_assert_int_eq(run("count", 5, &out, NULL, err, sizeof err), SANDBOX_PROCESS_OK);
    ck_assert_str_eq(out.data, "1");
    buffer_free(&out);
}
END_TEST

START_TEST(test_failure_says_why)
{
    struct buffer out = {0};
    char err[256] = "";
    ck_assert_int_eq(run("fail", 4, &out, NULL, err, sizeof err), SANDBOX_PROCESS_FAILED);
    ck_assert_str_eq(err, "không chạy được");
    buffer_free(&out);
}
END_TEST

START_TEST(test_spawner_gone_means_fork_yourself)
{
    struct buffer out = {0};
    char err[256] = "";
    ck_assert_int_eq(run("who", 3, &out, NULL, err, sizeof err), SANDBOX_PROCESS_OK);
    int pid = 0, spawner = 0;
    ck_assert_int_eq(sscanf(out.data, "%d %d", &pid, &spawner), 2);
    buffer_free(&out);
    /* a job under way when its spawner is killed still answers */
    ck_assert_int_eq(run("kill-spawner", 12, &out, NULL, err, sizeof err), SANDBOX_PROCESS_OK);
    ck_assert_str_eq(out.data, "ok");
    buffer_free(&out);
    /* once the spawner has died (its waiting child is killed with it), the caller forks */
    siginfo_t info;
    ck_assert_int_eq(waitid(P_PID, (id_t)spawner, &info, WEXITED | WNOWAIT), 0);
    ck_assert_int_eq(run("count", 5, &out, NULL, err, sizeof err), SANDBOX_PROCESS_UNAVAILABLE);
    ck_assert_int_eq(run("count", 5, &out, NULL, err, sizeof err), SANDBOX_PROCESS_UNAVAILABLE);
    buffer_free(&out);
}
END_TEST

START_TEST(test_stop_leaves_no_process)
{
    struct buffer out = {0};
    char err[256] = "";
    ck_assert_int_eq(run("who", 3, &out, NULL, err, sizeof err), SANDBOX_PROCESS_OK);
    int pid = 0, spawner = 0;
    ck_assert_int_eq(sscanf(out.data, "%d %d", &pid, &spawner), 2);
    buffer_free(&out);
    sandbox_spawner_stop(sp);
    sp = sandbox_spawner_start(work, NULL); /* for the teardown */
    ck_assert_int_eq(kill(spawner, 0), -1);
    ck_assert_int_eq(errno, ESRCH);
}
END_TEST

static Suite *spawner_suite(void)
{
    Suite *s = suite_create("spawner");
    TCase *tc = tcase_create("jobs");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_job_runs_in_the_spawners_child);
    tcase_add_test(tc, test_every_job_starts_from_the_spawners_memory);
    tcase_add_test(tc, test_large_input_and_answer_whole);
    tcase_add_test(tc, test_deadline_kills_and_names_the_step);
    tcase_add_test(tc, test_failure_says_why);
    tcase_add_test(tc, test_spawner_gone_means_fork_yourself);
    tcase_add_test(tc, test_stop_leaves_no_process);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_main(spawner_suite(), "spawner", root, sizeof root);
}
