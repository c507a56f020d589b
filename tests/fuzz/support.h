/*
 * support.h — what the libFuzzer targets in tests/fuzz/ share: the repository they
 * read the rules and demo files from, a scratch folder of their own, whole-file writes and
 * copies, and the one way a target reports a broken promise (fuzz_fail: a message, then
 * abort(), which libFuzzer records as a crash with the input that caused it).
 *
 * Each fuzz_<target>.c holds one LLVMFuzzerTestOneInput; its seed corpus is
 * tests/fuzz/corpus/<target>/ (scripts/fuzz, scripts/test).
 */
#ifndef THIDUA_TESTS_FUZZ_SUPPORT_H
#define THIDUA_TESTS_FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry points, declared for -Wmissing-prototypes. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The repository root: $THIDUA_SOURCE_DIR, else the one this binary was configured from. */
const char *fuzz_source_dir(void);

/* A fresh folder for this process (under /dev/shm when there is one, so SQLite's fsyncs
 * cost nothing), removed at exit. Made on the first call. */
const char *fuzz_scratch_dir(void);

/* Writes size bytes to path (replacing it); aborts when it cannot. */
void fuzz_write_file(const char *path, const void *data, size_t size);

/* Copies the file at from over to; aborts when it cannot. */
void fuzz_copy_file(const char *from, const char *to);

/* Prints "fuzz: <what>" and aborts: the input broke a promise of the code under test. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
