/*
 * test_config.c — unit tests for core/lua/config_file.c and core/util/config.c: the defaults,
 * reading a Lua configuration that returns a table or assigns globals, resolution of relative paths
 * against the file's folder, and every refusal: syntax errors ("file:line:"), wrong types, a bad
 * listen address, limits out of range, an endless loop (stopped by the instruction budget) and a
 * file that tries to reach the system (no os, io, require...).
 *
 * Config files are written under one mkdtemp() root that main() removes at the end.
 */
#include <check.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lua/config_file.h"
#include "support.h"

static char root[256]; /* created by main() */
static char dir[512];  /* this test's folder */

/* ---- helpers ---------------------------------------------------------------------------- */

static void setup(void)
{
    test_make_dir(dir, sizeof dir, root);
}

static void teardown(void)
{
    test_remove_tree(dir);
}

/* Writes text to dir/name and returns the path (static buffer, one at a time). */
static const char *write_conf(const char *name, const char *text)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Loads text as a config file and expects success. */
static void load_ok(struct config *cfg, const char *text)
{
    const char *path = write_conf("thiduad.conf", text);
    char err[512] = "";
    int rc = config_load(cfg, path, err, sizeof err);
    ck_assert_msg(rc == 0, "config_load failed for:\n%s\nerr: %s", text, err);
}

/* Loads text as a config file, expects failure, and checks err contains each of the
 * NULL-terminated needles; with file_prefix, also that err starts with the file's path, as
 * config.h promises ("file:line: message"). */
static void check_refusal(const char *text, char *err, size_t errlen, bool file_prefix,
                          const char *needle, va_list ap)
{
    const char *path = write_conf("thiduad.conf", text);
    struct config cfg;
    err[0] = '\0';
    int rc = config_load(&cfg, path, err, errlen);
    config_free(&cfg);
    ck_assert_msg(rc == -1, "config_load should fail for:\n%s", text);
    ck_assert_msg(err[0] != '\0', "no message for:\n%s", text);
    if (file_prefix)
        ck_assert_msg(strncmp(err, path, strlen(path)) == 0 && err[strlen(path)] == ':',
                      "err for:\n%s\nshould start with \"%s:\": %s", text, path, err);
    for (const char *n = needle; n; n = va_arg(ap, const char *))
        ck_assert_msg(strstr(err, n) != NULL, "err for:\n%s\nshould contain \"%s\": %s", text, n,
                      err);
}

static void load_fails(const char *text, char *err, size_t errlen, const char *needle, ...)
{
    va_list ap;
    va_start(ap, needle);
    check_refusal(text, err, errlen, true, needle, ap);
    va_end(ap);
}

/* The same without the check of the file prefix. */
static void load_refused(const char *text, char *err, size_t errlen, const char *needle, ...)
{
    va_list ap;
    va_start(ap, needle);
    check_refusal(text, err, errlen, false, needle, ap);
    va_end(ap);
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *out = malloc(n);
    ck_assert_ptr_nonnull(out);
    snprintf(out, n, "%s/%s", a, b);
    return out;
}

/* ---- defaults --------------------------------------------------------------------------- */

START_TEST(test_defaults)
{
    struct config cfg;
    config_defaults(&cfg, "/srv/thidua");
    ck_assert_str_eq(cfg.listen_host, "127.0.0.1");
    ck_assert_int_eq(cfg.listen_port, 8080);
    ck_assert_uint_eq(cfg.limits.body_bytes, 1024 * 1024);
    ck_assert_uint_eq(cfg.limits.header_bytes, 16 * 1024);
    ck_assert_int_eq(cfg.limits.connections, 1024);
    ck_assert_int_eq(cfg.limits.connections_per_address, 64);
    ck_assert_double_eq(cfg.limits.head_timeout, 10);
    ck_assert(cfg.limits.read_timeout > 0);
    ck_assert(cfg.limits.write_timeout > 0);
    ck_assert(cfg.limits.idle_timeout > 0);
    ck_assert(cfg.limits.shutdown_grace >= 0);
    ck_assert_str_eq(cfg.dir, "/srv/thidua");
    ck_assert_str_eq(cfg.database, "/srv/thidua/var/thidua.db");
    ck_assert_str_eq(cfg.rules, "/srv/thidua/rules");
    ck_assert_str_eq(cfg.plugins, "/srv/thidua/plugins");
    ck_assert_str_eq(cfg.timezone, "Asia/Ho_Chi_Minh");
    ck_assert_str_eq(cfg.log_level, "info");
    ck_assert_ptr_null(cfg.path);
    config_free(&cfg);

    config_defaults(&cfg, NULL);
    ck_assert_str_eq(cfg.database, "var/thidua.db");
    config_free(&cfg);
}
END_TEST

START_TEST(test_resolve_path)
{
    char *p = config_resolve_path("/etc/thidua", "../var/x.db");
    ck_assert_str_eq(p, "/etc/var/x.db"); /* folded lexically */
    free(p);
    p = config_resolve_path("/etc/thidua", "/abs/x.db");
    ck_assert_str_eq(p, "/abs/x.db");
    free(p);
    p = config_resolve_path(".", "rules");
    ck_assert_str_eq(p, "rules");
    free(p);
    p = config_resolve_path(NULL, "rules");
    ck_assert_str_eq(p, "rules");
    free(p);
}
END_TEST

START_TEST(test_empty_file_keeps_defaults)
{
    struct config cfg;
    load_ok(&cfg, "-- nothing here\n");
    ck_assert_str_eq(cfg.listen_host, "127.0.0.1");
    ck_assert_int_eq(cfg.listen_port, 8080);
    ck_assert_uint_eq(cfg.limits.body_bytes, 1024 * 1024);
    char *expected = join(dir, "var/thidua.db");
    ck_assert_str_eq(cfg.database, expected);
    free(expected);
    config_free(&cfg);
}
END_TEST

/* ---- reading ---------------------------------------------------------------------------- */

START_TEST(test_table_overrides_and_resolves)
{
    struct config cfg;
    load_ok(&cfg, "-- a config that returns a table\n"
                  "return {\n"
                  "  listen = \"0.0.0.0:9090\",\n"
                  "  database = \"../var/other.db\",\n"
                  "  rules = \"/opt/thidua/rules\",\n"
                  "  timezone = \"UTC\",\n"
                  "  log_level = \"debug\",\n"
                  "  limits = { body_bytes = 2048, read_timeout = 1.5, connections = 7,\n"
                  "             head_timeout = 2.5, connections_per_address = 3 },\n"
                  "  channels = {},\n"
                  "}\n");
    char *expected_path = join(dir, "thiduad.conf");
    ck_assert_str_eq(cfg.path, expected_path);
    free(expected_path);
    ck_assert_str_eq(cfg.dir, dir);
    ck_assert_str_eq(cfg.listen_host, "0.0.0.0");
    ck_assert_int_eq(cfg.listen_port, 9090);
    /* dir/../var/other.db, folded: the var folder beside dir. */
    char *parent = strdup(dir);
    *strrchr(parent, '/') = '\0';
    char *db = join(parent, "var/other.db");
    ck_assert_str_eq(cfg.database, db);
    free(db);
    free(parent);
    ck_assert_str_eq(cfg.rules, "/opt/thidua/rules");
    char *plugins = join(dir, "plugins"); /* untouched: the default, against the file's folder */
    ck_assert_str_eq(cfg.plugins, plugins);
    free(plugins);
    ck_assert_str_eq(cfg.timezone, "UTC");
    ck_assert_str_eq(cfg.log_level, "debug");
    ck_assert_uint_eq(cfg.limits.body_bytes, 2048);
    ck_assert_double_eq(cfg.limits.read_timeout, 1.5);
    ck_assert_int_eq(cfg.limits.connections, 7);
    ck_assert_double_eq(cfg.limits.head_timeout, 2.5);
    ck_assert_int_eq(cfg.limits.connections_per_address, 3);
    ck_assert_uint_eq(cfg.limits.header_bytes, 16 * 1024); /* not given: default */
    ck_assert_double_eq(cfg.limits.write_timeout, 30);
    config_free(&cfg);
}
END_TEST

START_TEST(test_globals)
{
    struct config cfg;
    load_ok(&cfg, "listen = \"10.1.2.3:8443\"\n"
                  "database = \"data/thidua.db\"\n"
                  "log_level = \"warn\"\n"
                  "limits = { header_bytes = 4096, shutdown_grace = 0 }\n");
    ck_assert_str_eq(cfg.listen_host, "10.1.2.3");
    ck_assert_int_eq(cfg.listen_port, 8443);
    char *db = join(dir, "data/thidua.db");
    ck_assert_str_eq(cfg.database, db);
    free(db);
    ck_assert_str_eq(cfg.log_level, "warn");
    ck_assert_uint_eq(cfg.limits.header_bytes, 4096);
    ck_assert_double_eq(cfg.limits.shutdown_grace, 0);
    ck_assert_uint_eq(cfg.limits.body_bytes, 1024 * 1024);
    config_free(&cfg);
}
END_TEST

START_TEST(test_computed_values)
{
    struct config cfg;
    load_ok(&cfg, "local base = 8000\n"
                  "local function mib(n) return n * 1024 * 1024 end\n"
                  "return { listen = \"127.0.0.1:\" .. (base + 81),\n"
                  "         limits = { body_bytes = mib(4) } }\n");
    ck_assert_int_eq(cfg.listen_port, 8081);
    ck_assert_uint_eq(cfg.limits.body_bytes, 4 * 1024 * 1024);
    config_free(&cfg);
}
END_TEST

START_TEST(test_ipv6_listen)
{
    struct config cfg;
    load_ok(&cfg, "return { listen = \"[::1]:8443\" }\n");
    ck_assert_str_eq(cfg.listen_host, "::1");
    ck_assert_int_eq(cfg.listen_port, 8443);
    config_free(&cfg);
}
END_TEST

START_TEST(test_shipped_config)
{
    const char *src = getenv("THIDUA_SOURCE_DIR");
    ck_assert_msg(src != NULL, "THIDUA_SOURCE_DIR is not set (run through ctest)");
    char path[1024], err[512] = "";
    snprintf(path, sizeof path, "%s/etc/thiduad.conf", src);
    struct config cfg;
    ck_assert_msg(config_load(&cfg, path, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(cfg.listen_host, "127.0.0.1");
    ck_assert_int_eq(cfg.listen_port, 8080);
    char expected[1100];
    snprintf(expected, sizeof expected, "%s/var/thidua.db", src);
    ck_assert_str_eq(cfg.database, expected);
    ck_assert_uint_eq(cfg.limits.body_bytes, 1048576);
    ck_assert_double_eq(cfg.limits.head_timeout, 10);
    ck_assert_int_eq(cfg.limits.connections_per_address, 64);
    ck_assert_double_eq(cfg.limits.eval_deadline, 1);
    ck_assert_double_eq(cfg.limits.load_deadline, 60);
    config_free(&cfg);
}
END_TEST

START_TEST(test_rule_deadlines)
{
    /* The wall-clock deadlines of rule code: defaulted, read, range-checked. */
    struct config cfg;
    config_defaults(&cfg, dir);
    ck_assert_double_eq(cfg.limits.eval_deadline, 1);
    ck_assert_double_eq(cfg.limits.load_deadline, 60);
    config_free(&cfg);
    load_ok(&cfg, "return { limits = { eval_deadline = 0.25, load_deadline = 90 } }");
    ck_assert_double_eq(cfg.limits.eval_deadline, 0.25);
    ck_assert_double_eq(cfg.limits.load_deadline, 90);
    config_free(&cfg);
    char err[512];
    load_fails("return { limits = { eval_deadline = 0 } }", err, sizeof err, "limits.eval_deadline",
               "ngoài khoảng", NULL);
    load_fails("return { limits = { load_deadline = 7200 } }", err, sizeof err,
               "limits.load_deadline", "ngoài khoảng", NULL);
}
END_TEST

START_TEST(test_unknown_limit_refused)
{
    /* A misspelt limit is an error, not a default silently kept. */
    char err[512];
    load_fails("return { limits = { eval_deadlines = 2 } }", err, sizeof err,
               "limits.eval_deadlines", "không có giới hạn này", NULL);
}
END_TEST

START_TEST(test_unknown_key_refused_with_line)
{
    /* A misspelt key is an error naming its line and the key meant, not the default kept. */
    char err[512], prefix[1024];
    snprintf(prefix, sizeof prefix, "%s/thiduad.conf:3: databse:", dir);
    load_fails("return {\n"
               "  listen = \"127.0.0.1:8080\",\n"
               "  databse = \"x.db\",\n"
               "}\n",
               err, sizeof err, prefix, "không có tùy chọn cấu hình này", "có phải \"database\"?",
               NULL);
    /* Assigned as a global, and far from every key: no hint. */
    snprintf(prefix, sizeof prefix, "%s/thiduad.conf:2: console_port:", dir);
    load_fails("listen = \"127.0.0.1:8080\"\nconsole_port = 9000\n", err, sizeof err, prefix, NULL);
    ck_assert_ptr_null(strstr(err, "có phải"));
    /* A wrong value names its line too, in a limit as at the top. */
    snprintf(prefix, sizeof prefix, "%s/thiduad.conf:4: limits.body_bytes: 1 nằm ngoài", dir);
    load_fails("return {\n"
               "  listen = \"127.0.0.1:8080\",\n"
               "  limits = {\n"
               "    body_bytes = 1,\n"
               "  },\n"
               "}\n",
               err, sizeof err, prefix, NULL);
    /* A key of a section given at the top level is not known there either. */
    load_fails("return { eval_deadline = 2 }", err, sizeof err, "eval_deadline: không có tùy chọn",
               NULL);
}
END_TEST

START_TEST(test_unknown_time_zone_refused)
{
    char err[512], prefix[1024];
    snprintf(prefix, sizeof prefix, "%s/thiduad.conf:2: timezone:", dir);
    load_fails("return {\n  timezone = \"Asia/Hanoi_City\",\n}\n", err, sizeof err, prefix,
               "Asia/Hanoi_City", "múi giờ", NULL);
    load_fails("return { timezone = \"../../etc/passwd\" }", err, sizeof err, "timezone", NULL);
    load_fails("return { timezone = \"\" }", err, sizeof err, "timezone", NULL);
    struct config cfg;
    load_ok(&cfg, "return { timezone = \"Europe/Paris\" }");
    ck_assert_str_eq(cfg.timezone, "Europe/Paris");
    config_free(&cfg);
}
END_TEST

START_TEST(test_relative_config_path)
{
    /* A config named relative to the working directory: paths stay relative to its folder. */
    char cwd[1024];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    char etc[600];
    snprintf(etc, sizeof etc, "%s/etc", dir);
    ck_assert_int_eq(mkdir(etc, 0700), 0);
    write_conf("etc/thiduad.conf", "return { database = \"../var/x.db\" }\n");
    ck_assert_int_eq(chdir(dir), 0);
    struct config cfg;
    char err[512] = "";
    int rc = config_load(&cfg, "etc/thiduad.conf", err, sizeof err);
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_str_eq(cfg.dir, "etc");
    ck_assert_str_eq(cfg.database, "var/x.db");
    config_free(&cfg);
}
END_TEST

/* ---- refusals --------------------------------------------------------------------------- */

START_TEST(test_missing_file)
{
    char path[1024], err[512] = "";
    snprintf(path, sizeof path, "%s/nope.conf", dir);
    struct config cfg;
    ck_assert_int_eq(config_load(&cfg, path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, path) != NULL, "%s", err);
    config_free(&cfg);
}
END_TEST

START_TEST(test_syntax_error_has_line)
{
    char err[512], prefix[1024];
    snprintf(prefix, sizeof prefix, "%s/thiduad.conf:3:", dir);
    load_fails("return {\n"
               "  listen = \"127.0.0.1:8080\"\n"
               "  database = \"x.db\",\n" /* the missing comma shows on line 3 */
               "}\n",
               err, sizeof err, prefix, NULL);

    snprintf(prefix, sizeof prefix, "%s/thiduad.conf:2:", dir);
    load_fails("local x = 1\n"
               "return { listen = nil .. \"x\" }\n", /* a run-time error, line 2 */
               err, sizeof err, prefix, NULL);
}
END_TEST

START_TEST(test_wrong_types)
{
    char err[512];
    load_fails("listen = 8080\n", err, sizeof err, "listen", "chuỗi", NULL);
    load_fails("return { database = true }\n", err, sizeof err, "database", NULL);
    load_fails("return { rules = {} }\n", err, sizeof err, "rules", NULL);
    load_fails("return { timezone = 7 }\n", err, sizeof err, "timezone", NULL);
    load_fails("return { limits = 5 }\n", err, sizeof err, "limits", NULL);
    load_fails("return { limits = { body_bytes = \"1M\" } }\n", err, sizeof err,
               "limits.body_bytes", "cần một số", NULL);
    load_fails("return { channels = \"email\" }\n", err, sizeof err, "channels", NULL);
    load_fails("return { log_level = \"loud\" }\n", err, sizeof err, "log_level", NULL);
}
END_TEST

START_TEST(test_bad_listen)
{
    static const char *const bad[] = {
        "localhost",       /* no port */
        ":8080",           /* no host */
        "127.0.0.1:",      /* empty port */
        "127.0.0.1:80x",   /* not a number */
        "127.0.0.1:65536", /* too big */
        "127.0.0.1:-1",    /* negative */
    };
    char text[256], err[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "return { listen = \"%s\" }\n", bad[i]);
        load_fails(text, err, sizeof err, "listen", bad[i], NULL);
    }
}
END_TEST

START_TEST(test_limits_out_of_range)
{
    static const struct {
        const char *text, *field;
    } bad[] = {
        {"return { limits = { body_bytes = 10 } }", "limits.body_bytes"},
        {"return { limits = { body_bytes = 2 ^ 31 } }", "limits.body_bytes"},
        {"return { limits = { header_bytes = 100 } }", "limits.header_bytes"},
        {"return { limits = { read_timeout = 0 } }", "limits.read_timeout"},
        {"return { limits = { write_timeout = -1 } }", "limits.write_timeout"},
        {"return { limits = { idle_timeout = 1e9 } }", "limits.idle_timeout"},
        {"return { limits = { connections = 0 } }", "limits.connections"},
        {"return { limits = { head_timeout = 0 } }", "limits.head_timeout"},
        {"return { limits = { connections_per_address = 0 } }", "limits.connections_per_address"},
        {"return { limits = { shutdown_grace = 601 } }", "limits.shutdown_grace"},
        {"return { limits = { body_bytes = 1/0 } }", "limits.body_bytes"},
    };
    char err[512];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        load_fails(bad[i].text, err, sizeof err, bad[i].field, "ngoài khoảng", NULL);
}
END_TEST

START_TEST(test_limits_not_a_number)
{
    /* 0/0 is NaN: every "v < min || v > max" comparison is false, so a range check written
     * that way lets it through (and casting NaN to size_t is undefined behaviour). */
    char err[512];
    load_fails("return { limits = { body_bytes = 0/0 } }", err, sizeof err, "limits.body_bytes",
               NULL);
    load_fails("return { limits = { read_timeout = 0/0 } }", err, sizeof err, "limits.read_timeout",
               NULL);
    load_fails("return { limits = { connections = 0/0 } }", err, sizeof err, "limits.connections",
               NULL);
}
END_TEST

START_TEST(test_endless_loop_is_stopped)
{
    char err[512];
    time_t start = time(NULL);
    load_refused("while true do end\n", err, sizeof err, "quá lâu", NULL);
    load_refused("local function f() return f() end\nreturn f()\n", err, sizeof err, NULL);
    load_refused("local n = 0\n::again::\nn = n + 1\ngoto again\n", err, sizeof err, NULL);
    ck_assert_msg(time(NULL) - start < 20, "the budget took %ld s", (long)(time(NULL) - start));
}
END_TEST

START_TEST(test_endless_loop_names_file)
{
    /* config.h: "On failure returns -1 and writes "file:line: message" to err". */
    char err[512];
    load_fails("local x = 1\nwhile true do x = x + 1 end\n", err, sizeof err, "quá lâu", NULL);
}
END_TEST

START_TEST(test_no_system_access)
{
    char marker[1024], text[1200], err[512];
    snprintf(marker, sizeof marker, "%s/marker", dir);
    snprintf(text, sizeof text, "os.execute(\"touch %s\")\n", marker);
    load_fails(text, err, sizeof err, "os", NULL);
    ck_assert_msg(access(marker, F_OK) != 0, "os.execute ran");

    snprintf(text, sizeof text, "local f = io.open(\"%s\", \"w\")\n", marker);
    load_fails(text, err, sizeof err, "io", NULL);
    ck_assert_msg(access(marker, F_OK) != 0, "io.open ran");

    load_fails("local os = require(\"os\")\n", err, sizeof err, "require", NULL);
    load_fails("print(\"hello\")\n", err, sizeof err, "print", NULL);
    load_fails("dofile(\"/etc/passwd\")\n", err, sizeof err, "dofile", NULL);
    load_fails("load(\"return 1\")()\n", err, sizeof err, "load", NULL);
    load_fails("return { listen = string.rep(\"x\", 3) }\n", err, sizeof err, "string", NULL);
    load_fails("return { listen = _G.os }\n", err, sizeof err, "_G", NULL);
    load_fails("setmetatable({}, {})\n", err, sizeof err, "setmetatable", NULL);
}
END_TEST

START_TEST(test_binary_chunk_refused)
{
    char err[512];
    load_refused("\x1bLua\x54 not really bytecode", err, sizeof err, "binary", NULL);
}
END_TEST

START_TEST(test_binary_chunk_names_file)
{
    char err[512];
    load_fails("\x1bLua\x54 not really bytecode", err, sizeof err, "binary", NULL);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");

    TCase *defaults = tcase_create("defaults");
    tcase_add_checked_fixture(defaults, setup, teardown);
    tcase_add_test(defaults, test_defaults);
    tcase_add_test(defaults, test_resolve_path);
    tcase_add_test(defaults, test_empty_file_keeps_defaults);
    suite_add_tcase(s, defaults);

    TCase *reading = tcase_create("reading");
    tcase_add_checked_fixture(reading, setup, teardown);
    tcase_add_test(reading, test_table_overrides_and_resolves);
    tcase_add_test(reading, test_globals);
    tcase_add_test(reading, test_computed_values);
    tcase_add_test(reading, test_ipv6_listen);
    tcase_add_test(reading, test_shipped_config);
    tcase_add_test(reading, test_relative_config_path);
    tcase_add_test(reading, test_rule_deadlines);
    suite_add_tcase(s, reading);

    TCase *refusals = tcase_create("refusals");
    tcase_add_checked_fixture(refusals, setup, teardown);
    tcase_set_timeout(refusals, 60);
    tcase_add_test(refusals, test_missing_file);
    tcase_add_test(refusals, test_syntax_error_has_line);
    tcase_add_test(refusals, test_wrong_types);
    tcase_add_test(refusals, test_bad_listen);
    tcase_add_test(refusals, test_limits_out_of_range);
    tcase_add_test(refusals, test_limits_not_a_number);
    tcase_add_test(refusals, test_unknown_limit_refused);
    tcase_add_test(refusals, test_unknown_key_refused_with_line);
    tcase_add_test(refusals, test_unknown_time_zone_refused);
    tcase_add_test(refusals, test_endless_loop_is_stopped);
    tcase_add_test(refusals, test_endless_loop_names_file);
    tcase_add_test(refusals, test_no_system_access);
    tcase_add_test(refusals, test_binary_chunk_refused);
    tcase_add_test(refusals, test_binary_chunk_names_file);
    suite_add_tcase(s, refusals);
    return s;
}

int main(void)
{
    return test_main(config_suite(), "config", root, sizeof root);
}
