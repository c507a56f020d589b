/* log.h — one line per event on stderr, in logfmt: local time (or, under systemd, the
 * journal's priority prefix), level, then the message or the fields (util/log.c). */
#ifndef THIDUA_UTIL_LOG_H
#define THIDUA_UTIL_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
/* Whether a line of this level would be written (to skip building a costly one). */
bool log_enabled(enum log_level level);
/* Parses "debug", "info", "warn", "error"; returns -1 for anything else. */
int log_level_from_name(const char *name);
/* Whether stderr is systemd's journal (JOURNAL_STREAM names it): lines then start with
 * "<6>" and carry no time. Called once at start-up. */
void log_detect_journal(void);
/* `value` as a logfmt value: as is, or quoted with \" \\ \n escaped when it holds a space, a
 * quote, '=' or a control character (or is empty). The length written. */
size_t log_value(char *out, size_t len, const char *value);

/* A free-text event: "... level=info msg=\"text\"". */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An event made of logfmt fields already formatted ("method=GET path=/x status=200"): values
 * that may hold spaces or quotes go through log_value first. */
void log_fields(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, kept with the lines before it and written together by log_flush (which the
 * daemon calls a few times a second, and which any other line calls first, so the order
 * stays): the access log, a line per request, at the cost of one write(2) per batch. A
 * crash loses at most the lines of the last fraction of a second; the audit lines are
 * written at once (and kept in the database). */
void log_fields_batched(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* log_fields_batched for fields the caller wrote itself (len bytes, no newline): the access
 * log's line, made on every request, goes through no printf. */
void log_text_batched(enum log_level level, const char *fields, size_t len);
void log_flush(void);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
