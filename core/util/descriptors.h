/*
 * util/descriptors.h — the process's limit on open file descriptors (RLIMIT_NOFILE), raised
 * at start-up so that the configured connections fit (Redis's adjustOpenFilesLimit).
 */
#ifndef THIDUA_UTIL_DESCRIPTORS_H
#define THIDUA_UTIL_DESCRIPTORS_H

/* Raises the soft descriptor limit to `wanted` if it is lower, as far as the hard limit
 * allows; never lowers it. Returns the soft limit now in force (-1 when it cannot be read). */
long descriptors_raise(long wanted);

#endif
