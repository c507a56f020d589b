/*
 * sandbox_spawner.c — rule processes forked ahead of need (sandbox_spawner.h).
 *
 * The spawner is a process forked once from the daemon when a rules generation goes into
 * service. It keeps one child forked and waiting on the jobs socket (SOCK_SEQPACKET: one
 * message is one job, whoever reads it). A job is a small message carrying two descriptors:
 * a memfd holding the job's input and the write end of the pipe its answer goes to. The
 * waiting child takes it, tells the spawner (which forks the next waiting child at once),
 * tells the daemon its pid with the job's number (so a kill at the deadline reaches it),
 * and from there is a sandbox_process child: the same progress page, the same answer, the
 * same deadline read by the daemon.
 *
 * Why: a fork of the daemon (its 230 mappings; then a copy of each page the daemon writes
 * while the child lives) cost more than the rules themselves on the write path. Each job
 * still runs in a fresh copy of the loaded generation, never in one a rule ran in before.
 *
 * The spawner dies with the daemon and its waiting child with the spawner
 * (PR_SET_PDEATHSIG), and both when the jobs socket closes (sandbox_spawner_stop). A child
 * that has taken a job no longer follows the spawner: it answers the daemon, who holds its
 * deadline, even if the spawner is killed meanwhile (like a child the daemon forks itself,
 * it ends when its work does or when its answer finds no reader). The spawner ignores
 * SIGCHLD, so the kernel reaps the children. When the spawner cannot take a job the caller
 * is told (SANDBOX_PROCESS_UNAVAILABLE) and forks the child itself.
 */
#include "lua/sandbox_spawner.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lua/sandbox_process_internal.h"
#include "util/log.h"

/* How long the daemon waits for a waiting child to take a job: the spawner forks one in
 * about a millisecond; this long means it is gone or stuck. */
#define TAKE_TIMEOUT_MS 5000

struct sandbox_spawner {
    pid_t pid;     /* the spawner */
    int jobs;      /* the daemon's end of the jobs socket */
    uint64_t sent; /* jobs sent: each one's number */
    bool broken;   /* the spawner failed once: every later job is forked by the caller */
    struct progress *progress;
    pthread_mutex_t lock; /* one job at a time */
};

/* What a job's message says; its descriptors ride beside it. */
struct job_head {
    uint64_t number;
    uint64_t len; /* bytes of input in the memfd */
};

/* What the child that took a job tells the daemon. */
struct job_taken {
    uint64_t number;
    pid_t pid;
};

/* ---- in the spawner and its children ------------------------------------------------ */

struct child_job {
    sandbox_spawner_work work;
    void *ctx;
    const char *in;
    size_t len;
};

static int run_job(void *arg, struct buffer *out, char *err, size_t errlen)
{
    struct child_job *job = arg;
    return job->work(job->ctx, job->in, job->len, out, err, errlen);
}

/* Receives one job: its head, its input's memfd and its answer's pipe. False at the end
 * of the jobs socket (the daemon stopped the spawner or is gone). */
static bool receive_job(int jobs, struct job_head *head, int fds[2])
{
    char control[CMSG_SPACE(2 * sizeof(int))];
    struct iovec iov = {head, sizeof *head};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    ssize_t n;
    do
        n = recvmsg(jobs, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    struct cmsghdr *c = n == (ssize_t)sizeof *head ? CMSG_FIRSTHDR(&msg) : NULL;
    if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(2 * sizeof(int))) return false;
    memcpy(fds, CMSG_DATA(c), 2 * sizeof(int));
    return true;
}

/* A child waiting for a job; then the job's rule process. */
static _Noreturn void wait_for_job(int jobs, int took, struct progress *progress,
                                   sandbox_spawner_work work, void *ctx)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* the spawner gone, nothing waits for us */
    struct job_head head;
    int fds[2];
    if (!receive_job(jobs, &head, fds)) {
        (void)!write(took, "x", 1); /* the end: the spawner stops too */
        _exit(0);
    }
    prctl(PR_SET_PDEATHSIG, 0); /* the job is the daemon's now: finished, whatever the spawner */
    (void)!write(took, "j", 1); /* the spawner forks the next waiting child */
    struct job_taken taken = {head.number, getpid()};
    (void)!send(jobs, &taken, sizeof taken, MSG_NOSIGNAL);
    char *in = head.len ? mmap(NULL, head.len, PROT_READ, MAP_PRIVATE, fds[0], 0) : "";
    if (in == MAP_FAILED) _exit(1); /* the daemon reads no answer: the job failed */
    struct child_job job = {work, ctx, in, head.len};
    sandbox_process_child(fds[1], progress, run_job, &job); /* closes the rest */
}

static int by_number(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

/* Closes every descriptor from 3 on but these three. */
static void keep_only(int a, int b, int c)
{
    int keep[3] = {a, b, c};
    qsort(keep, 3, sizeof keep[0], by_number);
    unsigned from = 3;
    for (size_t i = 0; i < 3; i++) {
        if ((unsigned)keep[i] > from) close_range(from, (unsigned)keep[i] - 1, 0);
        from = (unsigned)keep[i] + 1;
    }
    close_range(from, ~0u, 0);
}

static _Noreturn void spawner_main(pid_t daemon, int jobs, struct progress *progress,
                                   sandbox_spawner_work work, void *ctx)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != daemon) _exit(0); /* it died before the line above */
    int took[2];
    if (pipe(took) != 0) _exit(1);
    /* Only the jobs socket and the pipe from the children stay open. */
    keep_only(jobs, took[0], took[1]);
    signal(SIGCHLD, SIG_IGN); /* the kernel reaps the children */
    static const int reset[] = {SIGTERM, SIGINT, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof reset / sizeof reset[0]; i++)
        signal(reset[i], SIG_DFL);
    for (;;) {
        pid_t child = fork();
        if (child == 0) {
            close(took[0]);
            wait_for_job(jobs, took[1], progress, work, ctx);
        }
        if (child < 0) _exit(1);
        char said = 0;
        ssize_t n;
        do
            n = read(took[0], &said, 1);
        while (n < 0 && errno == EINTR);
        if (n != 1 || said != 'j') _exit(0);
    }
}

/* ---- in the daemon ------------------------------------------------------------------ */

/* What the spawner starts from, in its first moments. */
struct spawner_start {
    pid_t daemon;
    int jobs[2]; /* the daemon's end, the spawner's */
    struct progress *progress;
    sandbox_spawner_work work;
    void *ctx;
};

static void start_spawner(void *arg)
{
    struct spawner_start *s = arg;
    close(s->jobs[0]);
    spawner_main(s->daemon, s->jobs[1], s->progress, s->work, s->ctx);
}

struct sandbox_spawner *sandbox_spawner_start(sandbox_spawner_work work, void *ctx)
{
    struct sandbox_spawner *sp = calloc(1, sizeof *sp);
    int pair[2] = {-1, -1};
    if (!sp) return NULL;
    sp->progress =
        mmap(NULL, sizeof *sp->progress, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sp->progress == MAP_FAILED || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair))
        goto fail;
    struct spawner_start start = {.daemon = getpid(),
                                  .jobs = {pair[0], pair[1]},
                                  .progress = sp->progress,
                                  .work = work,
                                  .ctx = ctx};
    sp->pid = sandbox_process_fork(start_spawner, &start);
    if (sp->pid < 0) goto fail;
    close(pair[1]);
    sp->jobs = pair[0];
    pthread_mutex_init(&sp->lock, NULL);
    return sp;
fail:
    if (pair[0] >= 0) close(pair[0]);
    if (pair[1] >= 0) close(pair[1]);
    if (sp->progress != MAP_FAILED && sp->progress) munmap(sp->progress, sizeof *sp->progress);
    free(sp);
    return NULL;
}

void sandbox_spawner_stop(struct sandbox_spawner *sp)
{
    if (!sp) return;
    close(sp->jobs); /* the waiting child reads the end, and so the spawner stops */
    kill(sp->pid, SIGKILL);
    while (waitpid(sp->pid, NULL, 0) < 0 && errno == EINTR) {
    }
    pthread_mutex_destroy(&sp->lock);
    munmap(sp->progress, sizeof *sp->progress);
    free(sp);
}

/* A memfd holding the input. -1 on failure. */
static int input_file(const char *in, size_t len)
{
    int fd = memfd_create("thidua-job", MFD_CLOEXEC);
    for (size_t done = 0; fd >= 0 && done < len;) {
        ssize_t w = write(fd, in + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            close(fd);
            return -1;
        }
        done += (size_t)w;
    }
    return fd;
}

static bool send_job(struct sandbox_spawner *sp, int input, size_t len, int answer)
{
    struct job_head head = {++sp->sent, len};
    char control[CMSG_SPACE(2 * sizeof(int))];
    memset(control, 0, sizeof control);
    struct iovec iov = {&head, sizeof head};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int fds[2] = {input, answer};
    memcpy(CMSG_DATA(c), fds, sizeof fds);
    ssize_t n;
    do
        n = sendmsg(sp->jobs, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)sizeof head;
}

/* The pid of the child that took job number `number`; 0 when none did in time. */
static pid_t taken_by(struct sandbox_spawner *sp, uint64_t number)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (waited >= TAKE_TIMEOUT_MS) return 0;
        struct pollfd p = {.fd = sp->jobs, .events = POLLIN};
        int ready = poll(&p, 1, (int)(TAKE_TIMEOUT_MS - waited));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0 || !(p.revents & POLLIN)) return 0;
        struct job_taken taken;
        ssize_t n = recv(sp->jobs, &taken, sizeof taken, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n != (ssize_t)sizeof taken) return 0;
        if (taken.number == number) return taken.pid;
        /* an earlier job's word, come after its caller gave up on it: skipped */
    }
}

enum sandbox_process_status sandbox_spawner_run(struct sandbox_spawner *sp, long deadline_ms,
                                                bool steps, const char *in, size_t len,
                                                struct buffer *out, long *step_killed, char *err,
                                                size_t errlen)
{
    *step_killed = -1;
    if (!sp || sp->broken) return SANDBOX_PROCESS_UNAVAILABLE;
    pthread_mutex_lock(&sp->lock);
    enum sandbox_process_status status = SANDBOX_PROCESS_UNAVAILABLE;
    int input = input_file(in, len), answer[2] = {-1, -1};
    __atomic_store_n(&sp->progress->step, 0, __ATOMIC_RELEASE);
    sp->progress->doing[0] = '\0';
    pid_t child = 0;
    if (input >= 0 && pipe2(answer, O_CLOEXEC) == 0 && send_job(sp, input, len, answer[1])) {
        close(answer[1]);
        answer[1] = -1;
        child = taken_by(sp, sp->sent);
    }
    if (input >= 0) close(input);
    if (answer[1] >= 0) close(answer[1]);
    if (child <= 0) {
        sp->broken = true; /* from now on the caller forks; the log says why once */
        log_error("rule processes: the spawner did not take a job; forking each one instead");
        if (answer[0] >= 0) close(answer[0]);
        pthread_mutex_unlock(&sp->lock);
        return SANDBOX_PROCESS_UNAVAILABLE;
    }
    struct buffer got = {0};
    if (sandbox_process_read_answer(answer[0], deadline_ms, steps, sp->progress, &got) != 0) {
        kill(child, SIGKILL); /* the spawner's child: the kernel reaps it */
        long begun = __atomic_load_n(&sp->progress->step, __ATOMIC_ACQUIRE);
        *step_killed = begun > 0 ? begun - 1 : 0;
        sandbox_process_say_killed(sp->progress, deadline_ms, err, errlen);
        status = SANDBOX_PROCESS_TIMED_OUT;
    } else {
        status = sandbox_process_read_whole(&got, out, err, errlen);
    }
    close(answer[0]);
    buffer_free(&got);
    pthread_mutex_unlock(&sp->lock);
    return status;
}
