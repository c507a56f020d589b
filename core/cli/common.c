/* common.c — what every command needs: the usage, the configuration, the store, the rules. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/events.h"
#include "lua/plugins.h"
#include "lua/config_file.h"
#include "util/files.h"
#include "util/log.h"

#define DEFAULT_CONFIG "etc/thiduad.conf"
#define ERR_LEN        512

const char cli_usage_text[] =
    "usage: thiduad COMMAND [-c FILE] [options]\n"
    "\n"
    "  serve                          run the daemon in the foreground\n"
    "  db init|migrate                create or upgrade the database schema\n"
    "  db backup FILE                 copy the live database to FILE\n"
    "  import units|people|facts|titles|registrations FILE.csv [--replace]\n"
    "                                 import a spreadsheet (all rows or none); facts correct\n"
    "                                 the latest version (--replace: replace it)\n"
    "  check [--rules DIR]            load every year's rules as serve would; report\n"
    "                                 file:line problems\n"
    "  check --diff [--json]          what the rules on disk would change in the stored\n"
    "                                 evaluations of open periods (scores, titles); writes\n"
    "                                 nothing\n"
    "  test [--rules DIR]             run each year's ruleset tests\n"
    "  period close P [--reason TEXT] | reopen P --reason TEXT\n"
    "                                 a closed period's results are records: never\n"
    "                                 recomputed, writes refused\n"
    "  eval --period P [--unit CODE] [--json]\n"
    "                                 evaluate units and their people from stored facts\n"
    "  remind [--at YYYY-MM-DDTHH:MM] [--dry-run] [--json] [--send]\n"
    "                                 run the reminder pass as if the clock said TIME: show\n"
    "                                 (--dry-run) or queue the messages in the outbox\n"
    "                                 (--send: and send what is due before returning)\n"
    "  outbox list [--status S] [--unit CODE] [--json] | retry ID | cancel ID\n"
    "                                 the notification queue\n"
    "  report --period P [--kind report] [--format json|csv|xlsx|html|pdf] [--out FILE]\n"
    "                                 the consolidated report of a period (pdf through\n"
    "                                 headless chromium)\n"
    "  report --period P --kind nominations [--format json|csv] [--out FILE]\n"
    "                                 the nomination files: per title and deciding\n"
    "                                 authority, who qualifies and why, prizes, totals\n"
    "  token create --name N --scope admin|read|unit:CODE\n"
    "                                 print a new API token (shown once)\n"
    "\n"
    "  -c FILE   configuration file (default " DEFAULT_CONFIG ", if present)\n";

int cli_usage(void)
{
    fputs(cli_usage_text, stderr);
    return 2;
}

int cli_load_config(const struct cli *cli, struct config *cfg)
{
    char err[ERR_LEN];
    const char *path = cli->config_path;
    if (!path && files_is_regular(DEFAULT_CONFIG)) path = DEFAULT_CONFIG;
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
    return 0;
}

struct store *cli_open_store(const struct config *cfg, bool must_be_current)
{
    char err[ERR_LEN];
    struct store *st = store_open(cfg->database, err, sizeof err);
    if (!st) {
        fprintf(stderr, "database: %s\n", err);
        return NULL;
    }
    int version = store_schema_version(st);
    if (must_be_current && version != store_schema_latest()) {
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

int cli_load_rules(const struct config *cfg, const struct cli *cli, bool quiet, struct ruleset *rs)
{
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
    struct rules_report report;
    int rc = ruleset_load(rs, &report);
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
