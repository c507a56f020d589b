/*
 * sandbox_process.c — running untrusted work in a child process under a wall-clock
 * deadline (see sandbox_process.h for why a process and not a thread or a signal).
 *
 * The child closes every descriptor but the pipe it answers on (the database, the
 * listening socket, the clients: none is its business), restores default signal handling,
 * runs the work, writes one status byte and the answer, and leaves with _exit (no atexit
 * handler, no stdio flush of the parent's buffers). The answer carries its own length, so
 * the parent knows it is whole from its bytes. The parent reads the pipe with poll() until
 * end of file or the deadline; at the deadline it kills the child and reaps it, so no
 * half-written answer is taken. A child that answered is collected without waiting for its
 * exit (its memory's teardown cost the caller most of a millisecond): at once when it has
 * gone, else by the next call.
 *
 * A page of shared memory (mmap MAP_SHARED, made before the fork) lets the child say where
 * it is as it goes: the step it is on (one unit of a batch) and what it is doing (the rule
 * that runs). The parent reads the step to give each one its own deadline, and after a kill
 * names the rule that was running — the child itself can no longer say anything.
 */

#include "lua/sandbox_process.h"
#include "lua/sandbox_process_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ANSWER_OK      'K'
#define ANSWER_FAILED  'E'
#define READ_CHUNK     65536
#define HEAD_LEN       9 /* the status byte and the answer's length (8 bytes) */
#define RULES_NICENESS 5

/* In the child: its page (NULL in the daemon itself, where the calls do nothing). */
static struct progress *child_progress;

void sandbox_process_step(void)
{
    if (!child_progress) return;
    child_progress->doing[0] = '\0';
    __atomic_add_fetch(&child_progress->step, 1, __ATOMIC_RELEASE);
}

void sandbox_process_doing(const char *prefix, const char *what, size_t len)
{
    if (!child_progress) return;
    char *doing = child_progress->doing;
    size_t p = strlen(prefix);
    if (p > DOING_MAX - 1) p = DOING_MAX - 1;
    if (len > DOING_MAX - 1 - p) len = DOING_MAX - 1 - p;
    memcpy(doing, prefix, p);
    memcpy(doing + p, what, len);
    doing[p + len] = '\0';
}

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

_Noreturn void sandbox_process_child(int answer_fd, struct progress *progress,
                                     sandbox_process_work work, void *arg)
{
    become_worker(answer_fd);
    /* Rules yield the CPU to the daemon's loop: a reload recomputing a province on every
     * core must not hold up the answers to GETs. */
    if (nice(RULES_NICENESS) < 0) { /* an unchanged priority is no reason not to answer */
    }
    child_progress = progress;
    struct buffer out = {0};
    char err[2048] = "";
    int rc = work(arg, &out, err, sizeof err);
    char status = rc == 0 && !out.failed ? ANSWER_OK : ANSWER_FAILED;
    if (status != ANSWER_OK && !err[0]) snprintf(err, sizeof err, "hết bộ nhớ khi ghi kết quả");
    const char *body = status == ANSWER_OK ? (out.data ? out.data : "") : err;
    uint64_t len = status == ANSWER_OK ? out.len : strlen(err);
    /* The status byte, the length, then the answer: the parent knows the answer is whole
     * from the bytes themselves, without waiting for this process to be gone. */
    char head[HEAD_LEN];
    head[0] = status;
    memcpy(head + 1, &len, sizeof len);
    write_all(answer_fd, head, sizeof head);
    write_all(answer_fd, body, (size_t)len);
    _exit(0);
}

/* Reads the child's answer into out until end of file; -1 at the deadline. With `steps`,
 * the deadline is deadline_ms from the start of the step the child is on. */
int sandbox_process_read_answer(int fd, long deadline_ms, bool steps,
                                const struct progress *progress, struct buffer *out)
{
    long long deadline = now_ms() + deadline_ms;
    long step = 0;
    size_t whole = 0; /* the answer's bytes with its head, once the head has come */
    for (;;) {
        /* Its declared bytes all here: the answer is whole, and the child's exit (the
         * teardown of its memory, before its end of the pipe closes) is not waited for. */
        if (whole && out->len >= whole) return 0;
        long now_step = __atomic_load_n(&progress->step, __ATOMIC_ACQUIRE);
        if (steps && now_step != step) {
            step = now_step;
            deadline = now_ms() + deadline_ms;
        }
        long long left = deadline - now_ms();
        if (left <= 0) return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        /* Read straight into the answer, made room for once its head says how long. */
        buffer_reserve(out, whole > out->len ? whole - out->len : READ_CHUNK);
        if (out->failed) return 0; /* read_whole tells it */
        ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        out->len += (size_t)n;
        out->data[out->len] = '\0';
        if (!whole && out->len >= HEAD_LEN) {
            uint64_t declared;
            memcpy(&declared, out->data + 1, sizeof declared);
            whole = declared <= SIZE_MAX - HEAD_LEN - 1 ? HEAD_LEN + (size_t)declared : SIZE_MAX;
        }
    }
}

/* Waits for a killed child. */
static void reap(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

/* Children that answered and were still tearing down their memory when their answer was
 * read: the caller did not wait for them (that took most of a millisecond per call);
 * each call collects those that have gone since. The daemon runs rule processes from two
 * threads (the loop, and a reload's), so the list has a lock. */
#define EXITING_MAX 64
static pid_t exiting[EXITING_MAX];
static size_t exiting_count;
static pthread_mutex_t exiting_lock = PTHREAD_MUTEX_INITIALIZER;

void sandbox_process_collect_exited(void)
{
    pthread_mutex_lock(&exiting_lock);
    size_t kept = 0;
    for (size_t i = 0; i < exiting_count; i++) {
        pid_t r = waitpid(exiting[i], NULL, WNOHANG);
        if (r == 0) exiting[kept++] = exiting[i];
    }
    exiting_count = kept;
    pthread_mutex_unlock(&exiting_lock);
}

/* A child that has answered: collected now if it has gone, else later. */
static void reap_later(pid_t pid)
{
    if (waitpid(pid, NULL, WNOHANG) != 0) return;
    pthread_mutex_lock(&exiting_lock);
    if (exiting_count == EXITING_MAX) { /* too many still going: wait for the oldest */
        reap(exiting[0]);
        memmove(exiting, exiting + 1, (EXITING_MAX - 1) * sizeof *exiting);
        exiting_count--;
    }
    exiting[exiting_count++] = pid;
    pthread_mutex_unlock(&exiting_lock);
}

/* The answer of a child that ended by itself, into out: whole when its length is the one
 * its head declares (a child that died halfway wrote less). */
enum sandbox_process_status sandbox_process_read_whole(struct buffer *answer, struct buffer *out,
                                                       char *err, size_t errlen)
{
    enum sandbox_process_status status = SANDBOX_PROCESS_FAILED;
    uint64_t declared = 0;
    if (answer->len >= HEAD_LEN && !answer->failed)
        memcpy(&declared, answer->data + 1, sizeof declared);
    if (answer->len < HEAD_LEN || answer->failed || declared != answer->len - HEAD_LEN) {
        snprintf(err, errlen, "tiến trình chạy quy tắc dừng bất thường, không trả lời");
    } else if (answer->data[0] == ANSWER_OK && !out->data) {
        /* out takes the answer's block, the head moved out of the way (its NUL with it) */
        memmove(answer->data, answer->data + HEAD_LEN, answer->len - HEAD_LEN + 1);
        answer->len -= HEAD_LEN;
        *out = *answer;
        *answer = (struct buffer){0};
        status = SANDBOX_PROCESS_OK;
    } else if (answer->data[0] == ANSWER_OK) {
        buffer_put(out, answer->data + HEAD_LEN, answer->len - HEAD_LEN);
        status = out->failed ? SANDBOX_PROCESS_FAILED : SANDBOX_PROCESS_OK;
        if (status != SANDBOX_PROCESS_OK) snprintf(err, errlen, "hết bộ nhớ khi đọc kết quả");
    } else {
        snprintf(err, errlen, "%.*s", (int)(answer->len - HEAD_LEN), answer->data + HEAD_LEN);
    }
    return status;
}

/* What a kill at the deadline is told as: the deadline, and the rule that was running. */
void sandbox_process_say_killed(const struct progress *progress, long deadline_ms, char *err,
                                size_t errlen)
{
    char doing[DOING_MAX + 32] = "";
    if (progress->doing[0])
        snprintf(doing, sizeof doing, " khi đang chạy %.*s", DOING_MAX - 1, progress->doing);
    snprintf(err, errlen,
             "quy tắc chạy quá thời hạn %ld ms và đã bị dừng%s (một mẫu tìm kiếm quay lui? "
             "một vòng lặp không dừng?)",
             deadline_ms, doing);
}

static sandbox_forker forker;

void sandbox_process_set_forker(sandbox_forker f)
{
    forker = f;
}

pid_t sandbox_process_fork(void (*child)(void *), void *arg)
{
    if (forker) return forker(child, arg);
    pid_t pid = fork();
    if (pid == 0) child(arg);
    return pid;
}

/* What the child of run() does. */
struct child_start {
    int answer[2];
    struct progress *progress;
    sandbox_process_work work;
    void *arg;
};

static void start_child(void *arg)
{
    struct child_start *c = arg;
    close(c->answer[0]);
    sandbox_process_child(c->answer[1], c->progress, c->work, c->arg);
}

static enum sandbox_process_status run(long deadline_ms, bool steps, sandbox_process_work work,
                                       void *arg, struct buffer *out, long *step_killed, char *err,
                                       size_t errlen)
{
    int fds[2];
    *step_killed = -1;
    sandbox_process_collect_exited();
    struct progress *progress =
        mmap(NULL, sizeof *progress, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (progress == MAP_FAILED || pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "không tạo được ống dẫn cho tiến trình chạy quy tắc: %s",
                 strerror(errno));
        if (progress != MAP_FAILED) munmap(progress, sizeof *progress);
        return SANDBOX_PROCESS_FAILED;
    }
    struct child_start start = {
        .answer = {fds[0], fds[1]}, .progress = progress, .work = work, .arg = arg};
    pid_t pid = sandbox_process_fork(start_child, &start);
    if (pid < 0) {
        snprintf(err, errlen, "không tạo được tiến trình chạy quy tắc: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        munmap(progress, sizeof *progress);
        return SANDBOX_PROCESS_FAILED;
    }
    close(fds[1]);
    struct buffer answer = {0};
    int rc = sandbox_process_read_answer(fds[0], deadline_ms, steps, progress, &answer);
    close(fds[0]);
    enum sandbox_process_status status = SANDBOX_PROCESS_TIMED_OUT;
    if (rc != 0) {
        kill(pid, SIGKILL);
        reap(pid);
        long begun = __atomic_load_n(&progress->step, __ATOMIC_ACQUIRE);
        *step_killed = begun > 0 ? begun - 1 : 0;
        sandbox_process_say_killed(progress, deadline_ms, err, errlen);
    } else {
        reap_later(pid);
        status = sandbox_process_read_whole(&answer, out, err, errlen);
    }
    buffer_free(&answer);
    munmap(progress, sizeof *progress);
    return status;
}

enum sandbox_process_status sandbox_process_run(long deadline_ms, sandbox_process_work work,
                                                void *arg, struct buffer *out, char *err,
                                                size_t errlen)
{
    long step_killed;
    return run(deadline_ms, false, work, arg, out, &step_killed, err, errlen);
}

enum sandbox_process_status sandbox_process_run_steps(long step_deadline_ms,
                                                      sandbox_process_work work, void *arg,
                                                      struct buffer *out, long *step_killed,
                                                      char *err, size_t errlen)
{
    return run(step_deadline_ms, true, work, arg, out, step_killed, err, errlen);
}
