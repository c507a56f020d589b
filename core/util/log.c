/*
 * log.c — the daemon's log: one line per event on stderr, in logfmt, so systemd's journal,
 * Loki (`| logfmt`) or a terminal reads it as is:
 *
 *     time=2026-12-01T10:30:00+07:00 level=info msg="serving http://127.0.0.1:8080/"
 *     time=... level=info method=GET path=/api/v1/units status=200 bytes=812 ms=0.4 token=it-admin
 *
 * The time is local, in the configured zone (main sets TZ before anything logs). Under
 * systemd (stderr is the journal's stream: JOURNAL_STREAM names its device and inode) each
 * line starts with its priority as sd-daemon(3) reads it, "<6>" for info, and carries no
 * time: the journal stamps it. Lines are written with a single write(2) so concurrent
 * writers do not interleave; the access log's lines are written a batch at a time
 * (log_fields_batched), each batch whole.
 */
#include "util/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_BYTES 4096

static enum log_level current_level = LOG_INFO;
static bool to_journal;

static const char *const level_names[] = {"debug", "info", "warn", "error"};
/* sd-daemon(3) priorities: LOG_DEBUG 7, LOG_INFO 6, LOG_WARNING 4, LOG_ERR 3. */
static const char *const journal_prefix[] = {"<7>", "<6>", "<4>", "<3>"};

void log_set_level(enum log_level level)
{
    current_level = level;
}

bool log_enabled(enum log_level level)
{
    return level >= current_level;
}

int log_level_from_name(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcasecmp(name, level_names[i]) == 0) return i;
    return -1;
}

void log_detect_journal(void)
{
    const char *stream = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat sb;
    to_journal = stream && sscanf(stream, "%llu:%llu", &dev, &ino) == 2 &&
                 fstat(STDERR_FILENO, &sb) == 0 && (unsigned long long)sb.st_dev == dev &&
                 (unsigned long long)sb.st_ino == ino;
}

size_t log_value(char *out, size_t len, const char *value)
{
    if (len == 0) return 0;
    bool bare = value[0] != '\0';
    for (const char *p = value; bare && *p; p++)
        bare = (unsigned char)*p > ' ' && *p != '"' && *p != '=' && *p != '\\';
    if (bare) {
        size_t n = strnlen(value, len - 1);
        memcpy(out, value, n);
        out[n] = '\0';
        return n;
    }
    size_t used = 0;
    out[used++] = '"';
    for (const char *p = value; *p && used + 4 < len; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            out[used++] = '\\';
            out[used++] = (char)c;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            out[used++] = '\\';
            out[used++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < ' ') {
            out[used++] = '?';
        } else {
            out[used++] = (char)c;
        }
    }
    out[used++] = '"';
    out[used] = '\0';
    return used;
}

/* Lines of the access log waiting to be written (log_fields_batched): written together by
 * log_flush, before any other line, and whenever the next would not fit. */
#define PENDING_BYTES (64 * 1024)
static char pending[PENDING_BYTES];
static size_t pending_len;
/* The batch and the time prefix are the loop's and the threads' beside it (a reload, a
 * group of submissions): a line from any of them holds this while it is made and written. */
static pthread_mutex_t lines_lock = PTHREAD_MUTEX_INITIALIZER;

static void write_all(const char *bytes, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, bytes, n);
        if (w <= 0) return; /* the log is best effort: a full disk does not stop serving */
        bytes += w;
        n -= (size_t)w;
    }
}

static void flush_locked(void)
{
    if (pending_len) write_all(pending, pending_len);
    pending_len = 0;
}

void log_flush(void)
{
    pthread_mutex_lock(&lines_lock);
    flush_locked();
    pthread_mutex_unlock(&lines_lock);
}

/* "time=2026-12-01T10:30:00+07:00 " for this second, made once a second. */
static size_t time_prefix(char *out, size_t len)
{
    static time_t made_for = -1;
    static char made[48];
    static size_t made_len;
    time_t now = time(NULL);
    if (now != made_for) {
        struct tm local;
        localtime_r(&now, &local);
        made_len = strftime(made, sizeof made, "time=%Y-%m-%dT%H:%M:%S%z ", &local);
        /* strftime's %z gives +0700; ISO 8601 readers prefer +07:00. */
        if (made_len >= 6 && made_len + 1 < sizeof made) {
            memmove(made + made_len - 2, made + made_len - 3, 3);
            made[made_len - 3] = ':';
            made_len++;
        }
        made_for = now;
    }
    size_t n = made_len < len ? made_len : 0;
    memcpy(out, made, n);
    return n;
}

/* "[<6>|time=... ]level=L " then the body's len bytes and a newline into line (the body cut
 * to fit); its length. */
static size_t format_line(enum log_level level, const char *body, size_t len,
                          char line[LINE_MAX_BYTES])
{
    size_t used = 0;
    if (to_journal) {
        memcpy(line, journal_prefix[level], 3);
        used = 3;
    } else {
        used = time_prefix(line, LINE_MAX_BYTES);
    }
    static const char tag[] = "level=";
    size_t name = strlen(level_names[level]);
    memcpy(line + used, tag, sizeof tag - 1);
    used += sizeof tag - 1;
    memcpy(line + used, level_names[level], name);
    used += name;
    line[used++] = ' ';
    if (len > LINE_MAX_BYTES - used - 1) len = LINE_MAX_BYTES - used - 1;
    memcpy(line + used, body, len);
    used += len;
    line[used++] = '\n';
    return used;
}

/* Writes the line at once, in one write(2), after the lines waiting. */
static void emit(enum log_level level, const char *body)
{
    char line[LINE_MAX_BYTES];
    pthread_mutex_lock(&lines_lock);
    size_t used = format_line(level, body, strlen(body), line);
    flush_locked();
    if (used) write_all(line, used);
    pthread_mutex_unlock(&lines_lock);
}

void log_text_batched(enum log_level level, const char *fields, size_t len)
{
    if (level < current_level) return;
    pthread_mutex_lock(&lines_lock);
    if (pending_len + LINE_MAX_BYTES > sizeof pending) flush_locked();
    pending_len += format_line(level, fields, len, pending + pending_len);
    pthread_mutex_unlock(&lines_lock);
}

void log_fields_batched(enum log_level level, const char *fmt, ...)
{
    if (level < current_level) return;
    char body[LINE_MAX_BYTES];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    log_text_batched(level, body, strnlen(body, sizeof body));
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (level < current_level) return;
    char message[LINE_MAX_BYTES / 2], body[LINE_MAX_BYTES];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    memcpy(body, "msg=", 4);
    log_value(body + 4, sizeof body - 4, message);
    emit(level, body);
}

void log_fields(enum log_level level, const char *fmt, ...)
{
    if (level < current_level) return;
    char body[LINE_MAX_BYTES];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (n >= 0) emit(level, body);
}
