/*
 * support.c — the helpers the fuzz targets share; see support.h.
 */
#include "support.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch[PATH_MAX];

const char *fuzz_source_dir(void)
{
    const char *dir = getenv("THIDUA_SOURCE_DIR");
    return dir && dir[0] ? dir : THIDUA_SOURCE_DIR;
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char child[PATH_MAX];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        remove_tree(child);
    }
    closedir(d);
    rmdir(path);
}

static void remove_scratch(void)
{
    if (scratch[0]) remove_tree(scratch);
}

const char *fuzz_scratch_dir(void)
{
    if (scratch[0]) return scratch;
    struct stat shm;
    const char *tmp = getenv("TMPDIR");
    const char *base = stat("/dev/shm", &shm) == 0 && S_ISDIR(shm.st_mode) ? "/dev/shm"
                       : tmp && tmp[0]                                     ? tmp
                                                                           : "/tmp";
    snprintf(scratch, sizeof scratch, "%s/thidua-fuzz-XXXXXX", base);
    if (!mkdtemp(scratch)) fuzz_fail("cannot make a scratch folder under %s", base);
    atexit(remove_scratch);
    return scratch;
}

void fuzz_write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f) fuzz_fail("cannot write %s", path);
    if (size && fwrite(data, 1, size, f) != size) fuzz_fail("short write to %s", path);
    if (fclose(f) != 0) fuzz_fail("cannot close %s", path);
}

void fuzz_copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in) fuzz_fail("cannot read %s", from);
    FILE *out = fopen(to, "wb");
    if (!out) fuzz_fail("cannot write %s", to);
    char block[65536];
    size_t n;
    while ((n = fread(block, 1, sizeof block, in)) > 0)
        if (fwrite(block, 1, n, out) != n) fuzz_fail("short write to %s", to);
    fclose(in);
    if (fclose(out) != 0) fuzz_fail("cannot close %s", to);
}

void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}
