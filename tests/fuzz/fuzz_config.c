/*
 * fuzz_config.c — libFuzzer target for the configuration loader (core/lua/config_file.c):
 * the input is a thiduad.conf, written to a scratch file and read by config_load, which
 * runs it as Lua in the sandbox (no libraries, an instruction budget, a memory cap) and
 * checks every field.
 *
 * Promises checked beyond "no crash, no sanitizer report": a refused file says why, and
 * names the file; an accepted one gives a listen address with a port in 0–65535, the
 * paths, and limits that are not zero.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "support.h"
#include "lua/config_file.h"

static char path[PATH_MAX];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(path, sizeof path, "%s/thiduad.conf", fuzz_scratch_dir());
    return 0;
}

static void check_accepted(const struct config *cfg)
{
    if (!cfg->listen_host || cfg->listen_port < 0 || cfg->listen_port > 65535)
        fuzz_fail("accepted a listen address with port %d", cfg->listen_port);
    if (!cfg->database || !cfg->rules || !cfg->plugins || !cfg->timezone || !cfg->log_level)
        fuzz_fail("accepted, with a path or name missing");
    if (!cfg->limits.body_bytes || !cfg->limits.header_bytes || cfg->limits.connections <= 0)
        fuzz_fail("accepted a limit of zero");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_write_file(path, data, size);
    struct config cfg;
    char err[1024] = "";
    int rc = config_load(&cfg, path, err, sizeof err);
    if (rc != 0 && strncmp(err, path, strlen(path)) != 0)
        fuzz_fail("a refusal that does not name the file: \"%s\"", err);
    if (rc == 0) check_accepted(&cfg);
    config_free(&cfg);
    return 0;
}
