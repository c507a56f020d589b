/*
 * sandbox_process.c — running untrusted work in a child process under a wall-clock
 * deadline (see sandbox_process.h for why a process and not a thread or a signal).
 *
 * The child closes every descriptor but the pipe it answers on (the database, the
 * listening socket, the clients: none is its business), restores default signal handling,
 * runs the work, writes one status byte and the answer, and leaves with _exit (no atexit
 * handler, no stdio flush of the parent's buffers). The parent reads the pipe with poll()
 * until end of file or the deadline; at the deadline it kills the child and reaps it, so no
 * zombie and no half-written answer remain.
 */

#include "lua/sandbox_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ANSWER_OK     'K'
#define ANSWER_FAILED 'E'
#define READ_CHUNK    65536

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void write_all(int fd, const char *bytes, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, bytes, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        bytes += w;
        n -= (size_t)w;
    }
}

/* Only the answer pipe stays open; signals take their default action. */
static void become_worker(int answer_fd)
{
    if (answer_fd > 3) close_range(3, (unsigned)answer_fd - 1, 0);
    close_range((unsigned)answer_fd + 1, ~0u, 0);
    static const int reset[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        signal(reset[i], SIG_DFL);
}

static _Noreturn void run_child(int answer_fd, sandbox_process_work work, void *arg)
{
    become_worker(answer_fd);
    struct buffer out = {0};
    char err[2048] = "";
    int rc = work(arg, &out, err, sizeof err);
    char status = rc == 0 && !out.failed ? ANSWER_OK : ANSWER_FAILED;
    write_all(answer_fd, &status, 1);
    if (status == ANSWER_OK) {
        write_all(answer_fd, out.data ? out.data : "", out.len);
    } else {
        if (!err[0]) snprintf(err, sizeof err, "hết bộ nhớ khi ghi kết quả");
        write_all(answer_fd, err, strlen(err));
    }
    _exit(0);
}

/* Reads the child's answer into out until end of file; -1 at the deadline. */
static int read_answer(int fd, long long deadline, struct buffer *out)
{
    char chunk[READ_CHUNK];
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        buffer_put(out, chunk, (size_t)n);
    }
}

/* Waits for the child; true when it ended by itself with status 0 (its answer is whole). */
static bool reap(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return false;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

enum sandbox_process_status sandbox_process_run(long deadline_ms, sandbox_process_work work,
                                                void *arg, struct buffer *out, char *err,
                                                size_t errlen)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "không tạo được ống dẫn cho tiến trình chạy quy tắc: %s",
                 strerror(errno));
        return SANDBOX_PROCESS_FAILED;
    }
    long long deadline = now_ms() + deadline_ms;
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "không tạo được tiến trình chạy quy tắc: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return SANDBOX_PROCESS_FAILED;
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(fds[1], work, arg);
    }
    close(fds[1]);
    struct buffer answer = {0};
    int rc = read_answer(fds[0], deadline, &answer);
    close(fds[0]);
    if (rc != 0) {
        kill(pid, SIGKILL);
        reap(pid);
        buffer_free(&answer);
        snprintf(err, errlen,
                 "quy tắc chạy quá thời hạn %ld ms và đã bị dừng (một mẫu tìm kiếm quay lui? "
                 "một vòng lặp không dừng?)",
                 deadline_ms);
        return SANDBOX_PROCESS_TIMED_OUT;
    }
    bool whole = reap(pid);
    enum sandbox_process_status status = SANDBOX_PROCESS_FAILED;
    if (!whole || answer.len == 0 || answer.failed) {
        snprintf(err, errlen, "tiến trình chạy quy tắc dừng bất thường, không trả lời");
    } else if (answer.data[0] == ANSWER_OK) {
        buffer_put(out, answer.data + 1, answer.len - 1);
        status = out->failed ? SANDBOX_PROCESS_FAILED : SANDBOX_PROCESS_OK;
        if (status != SANDBOX_PROCESS_OK) snprintf(err, errlen, "hết bộ nhớ khi đọc kết quả");
    } else {
        snprintf(err, errlen, "%.*s", (int)(answer.len - 1), answer.data + 1);
    }
    buffer_free(&answer);
    return status;
}
