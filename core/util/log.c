/*
 * log.c — the daemon's log: one line per event on stderr, so systemd's journal or a
 * terminal sees it as is. Each line is "YYYY-MM-DDTHH:MM:SS+07:00 LEVEL message" in the
 * process's local time zone (the daemon sets TZ from its config at start-up).
 * Lines are written with a single write(2) so concurrent writers do not interleave.
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static enum log_level current_level = LOG_INFO;

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

void log_set_level(enum log_level level)
{
    current_level = level;
}

int log_level_from_name(const char *name)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++)
        if (strcasecmp(name, names[i]) == 0) return i;
    return -1;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    if (level < current_level) return;
    char line[2048];
    time_t now = time(NULL);
    struct tm local;
    localtime_r(&now, &local);
    size_t used = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S%z ", &local);
    /* strftime's %z gives +0700; ISO 8601 readers prefer +07:00. */
    if (used >= 6) {
        memmove(line + used - 2, line + used - 3, 3);
        line[used - 3] = ':';
        used++;
    }
    used += (size_t)snprintf(line + used, sizeof line - used, "%-5s ", level_names[level]);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + used, sizeof line - used - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    used += (size_t)n < sizeof line - used - 1 ? (size_t)n : sizeof line - used - 2;
    line[used++] = '\n';
    ssize_t ignored = write(STDERR_FILENO, line, used);
    (void)ignored;
}
