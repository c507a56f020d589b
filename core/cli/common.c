/* common.c — what every command needs: the configuration, the store, the rules. */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/events.h"
#include "lua/plugins.h"
#include "lua/config_file.h"
#include "store/vettings.h"
#include "util/files.h"
#include "util/log.h"

#define ERR_LEN 512

/* Why the last cli_open_store failed, as an exit status. */
static int open_store_status = EX_UNAVAILABLE;

int cli_store_failed(void)
{
    return open_store_status;
}

int cli_load_config(const struct cli *cli, struct config *cfg)
{
    char err[ERR_LEN];
    const char *path = cli->config_path;
    if (!path && files_is_regular(CLI_DEFAULT_CONFIG)) path = CLI_DEFAULT_CONFIG;
    if (path) {
        if (config_load(cfg, path, err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            config_free(cfg);
            return -1;
        }
    } else {
        config_defaults(cfg, ".");
    }
    setenv("TZ", cfg->timezone, 1);
    tzset();
    int level = log_level_from_name(cfg->log_level);
    if (level >= 0) log_set_level(level);
    log_detect_journal();
    return 0;
}

struct store *cli_open_store(const struct config *cfg, bool must_be_current)
{
    char err[ERR_LEN];
    struct store *st = store_open(cfg->database, err, sizeof err);
    open_store_status = EX_UNAVAILABLE;
    if (!st) {
        fprintf(stderr, "database: %s\n", err);
        return NULL;
    }
    int version = store_schema_version(st);
    if (must_be_current && version != store_schema_latest()) {
        open_store_status = EX_CONFIG;
        fprintf(stderr,
                "database %s is at schema version %d, this build needs %d: run `thiduad db %s`\n",
                cfg->database, version, store_schema_latest(), version == 0 ? "init" : "migrate");
        store_close(st);
        return NULL;
    }
    return st;
}

void cli_print_problems(const struct rules_report *report)
{
    for (size_t i = 0; i < report->problem_count; i++)
        fprintf(stderr, "%s\n", report->problems[i]);
}

static bool store_remembers(void *st, const char *key)
{
    return vettings_known(st, key);
}

static void store_remember(void *st, const char *key)
{
    vettings_remember(st, key);
}

int cli_load_rules(const struct config *cfg, const struct cli *cli, bool quiet, struct store *st,
                   struct ruleset *rs)
{
    struct rules_vetted vetted = {store_remembers, store_remember, st};
    const char *root = cli->rules ? cli->rules : cfg->rules;
    char err[1024];
    if (ruleset_init(rs, root, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    rs->limits.reason_chars = cfg->limits.reason_chars;
    rs->limits.evaluation_bytes = cfg->limits.evaluation_bytes;
    rs->limits.eval_deadline_ms = (long)(cfg->limits.eval_deadline * 1000);
    rs->limits.load_deadline_ms = (long)(cfg->limits.load_deadline * 1000);
    rs->vetted = st ? &vetted : NULL;
    struct rules_report report;
    int rc = ruleset_load(rs, &report);
    rs->vetted = NULL; /* vetted lives on this stack */
    if (rc != 0) {
        cli_print_problems(&report);
        fprintf(stderr, "%s: the rules do not load (%zu problem%s)\n", root, report.problem_count,
                report.problem_count == 1 ? "" : "s");
    } else if (!quiet) {
        for (size_t i = 0; i < rs->count; i++)
            printf("%s: ok, rules %s\n  %s\n", rs->years[i].dir, rules_hash(rs->years[i].gen),
                   rules_summary(rs->years[i].gen));
        printf("%zu self-tests passed\n", report.passed);
    }
    rules_report_free(&report);
    return rc;
}

cJSON *cli_channels(const struct config *cfg, bool loud, size_t *problems)
{
    struct plugins_report report;
    struct plugins *pl = plugins_load(cfg->plugins, cfg->path, cfg->channels, NULL, &report);
    for (size_t i = 0; loud && i < report.count; i++)
        fprintf(stderr, "%s\n", report.problems[i]);
    *problems = report.count;
    plugins_report_free(&report);
    events_enable(plugins_available(pl, "webhook")); /* what this command writes is told */
    cJSON *names = pl ? plugins_channels(pl) : NULL;
    plugins_free(pl);
    return names;
}

void cli_print_cell(const char *text, int width)
{
    int chars = 0;
    for (const char *p = text; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    printf("%s%*s ", text, chars < width ? width - chars : 0, "");
}
