/*
 * main.c — the `thiduad` command line: parses the command and its options, loads the
 * configuration, and hands over to the module that does the work. No logic of its own.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "batch_eval.h"
#include "config.h"
#include "csv_import.h"
#include "daemon.h"
#include "facts_import.h"
#include "model.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "token.h"

static const char usage_text[] =
    "usage: thiduad COMMAND [-c FILE] [options]\n"
    "\n"
    "  serve                          run the daemon in the foreground\n"
    "  db init|migrate                create or upgrade the database schema\n"
    "  db backup FILE                 copy the live database to FILE\n"
    "  import units|people|facts FILE.csv\n"
    "                                 import a spreadsheet (all rows or none)\n"
    "  check [--rules DIR]            load the rules as serve would; report file:line problems\n"
    "  test [--rules DIR]             run the ruleset's own tests\n"
    "  eval --period P [--unit CODE] [--json]\n"
    "                                 evaluate units and their people from stored facts\n"
    "  token create --name N --scope admin|read|unit:CODE\n"
    "                                 print a new API token (shown once)\n"
    "\n"
    "  -c FILE   configuration file (default etc/thiduad.conf, if present)\n";

static int usage(void)
{
    fputs(usage_text, stderr);
    return 2;
}

struct cli {
    const char *config_path;
    const char *name;
    const char *scope;
    const char *rules;
    const char *period;
    const char *unit;
    bool json;
    int argc; /* positional arguments after the command */
    char **argv;
};

/* GNU getopt permutes: options may stand before or after the positional words. */
static int parse_options(int argc, char **argv, struct cli *cli)
{
    static const struct option long_options[] = {
        {"config", required_argument, NULL, 'c'},
        {"name", required_argument, NULL, 'n'},
        {"scope", required_argument, NULL, 's'},
        {"rules", required_argument, NULL, 'r'},
        {"period", required_argument, NULL, 'p'},
        {"unit", required_argument, NULL, 'u'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {0, 0, 0, 0},
    };
    int opt;
    while ((opt = getopt_long(argc, argv, "c:h", long_options, NULL)) != -1) {
        switch (opt) {
        case 'c': cli->config_path = optarg; break;
        case 'n': cli->name = optarg; break;
        case 's': cli->scope = optarg; break;
        case 'r': cli->rules = optarg; break;
        case 'p': cli->period = optarg; break;
        case 'u': cli->unit = optarg; break;
        case 'j': cli->json = true; break;
        default: return -1;
        }
    }
    cli->argc = argc - optind;
    cli->argv = argv + optind;
    return 0;
}

static int load_config(const struct cli *cli, struct config *cfg)
{
    char err[512];
    const char *path = cli->config_path;
    struct stat sb;
    if (!path && stat("etc/thiduad.conf", &sb) == 0) path = "etc/thiduad.conf";
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

static struct store *open_store(const struct config *cfg, bool must_be_current)
{
    char err[512];
    struct store *st = store_open(cfg->database, err, sizeof err);
    if (!st) {
        fprintf(stderr, "database: %s\n", err);
        return NULL;
    }
    if (must_be_current && store_schema_version(st) != store_schema_latest()) {
        fprintf(stderr,
                "database %s is at schema version %d, this build needs %d: run `thiduad db %s`\n",
                cfg->database, store_schema_version(st), store_schema_latest(),
                store_schema_version(st) == 0 ? "init" : "migrate");
        store_close(st);
        return NULL;
    }
    return st;
}

static int ensure_parent_dir(const char *path)
{
    char *copy = strdup(path);
    char *slash = strrchr(copy, '/');
    if (slash && slash != copy) {
        *slash = '\0';
        for (char *p = copy + 1; *p; p++) {
            if (*p == '/') {
                *p = '\0';
                mkdir(copy, 0750);
                *p = '/';
            }
        }
        mkdir(copy, 0750);
    }
    free(copy);
    return 0;
}

static int cmd_db(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc < 2) return usage();
    const char *action = cli->argv[1];
    char err[512];
    if (strcmp(action, "init") == 0 || strcmp(action, "migrate") == 0) {
        ensure_parent_dir(cfg->database);
        struct store *st = open_store(cfg, false);
        if (!st) return 1;
        int before = store_schema_version(st);
        if (strcmp(action, "init") == 0 && before > 0) {
            fprintf(stderr, "%s already holds a database (schema version %d); use `db migrate`\n",
                    cfg->database, before);
            store_close(st);
            return 1;
        }
        int rc = store_migrate(st, err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "%s: %s\n", cfg->database, err);
        else
            printf("%s: schema version %d -> %d\n", cfg->database, before,
                   store_schema_version(st));
        store_close(st);
        return rc ? 1 : 0;
    }
    if (strcmp(action, "backup") == 0) {
        if (cli->argc != 3) return usage();
        struct store *st = open_store(cfg, false);
        if (!st) return 1;
        int rc = store_backup(st, cli->argv[2], err, sizeof err);
        if (rc != 0)
            fprintf(stderr, "backup: %s\n", err);
        else
            printf("%s backed up to %s\n", cfg->database, cli->argv[2]);
        store_close(st);
        return rc ? 1 : 0;
    }
    return usage();
}

/* The ruleset folder: --rules, or the newest under the config's rules folder. */
static char *ruleset_dir(const struct config *cfg, const struct cli *cli)
{
    char *dir = rules_find_ruleset(cli->rules ? cli->rules : cfg->rules);
    if (!dir)
        fprintf(stderr, "%s: no ruleset here (a folder of .lua files, or one per year)\n",
                cli->rules ? cli->rules : cfg->rules);
    return dir;
}

static void print_problems(const struct rules_report *report)
{
    for (size_t i = 0; i < report->problem_count; i++)
        fprintf(stderr, "%s\n", report->problems[i]);
}

/* Loads the rules as serve does; prints problems. */
static struct rules_generation *load_rules(const struct config *cfg, const struct cli *cli,
                                           bool quiet)
{
    char *dir = ruleset_dir(cfg, cli);
    if (!dir) return NULL;
    struct rules_limits limits;
    rules_limits_default(&limits);
    struct rules_report report;
    struct rules_generation *gen = rules_load(dir, &limits, &report);
    if (!gen) {
        print_problems(&report);
        fprintf(stderr, "%s: the rules do not load (%zu problem%s)\n", dir, report.problem_count,
                report.problem_count == 1 ? "" : "s");
    } else if (!quiet) {
        printf("%s: ok, rules %s\n  %s; %zu self-tests passed\n", dir, rules_hash(gen),
               rules_summary(gen), report.passed);
    }
    rules_report_free(&report);
    free(dir);
    return gen;
}

static int cmd_check(const struct config *cfg, const struct cli *cli)
{
    struct rules_generation *gen = load_rules(cfg, cli, false);
    rules_free(gen);
    return gen ? 0 : 1;
}

static int cmd_test(const struct config *cfg, const struct cli *cli)
{
    char *dir = ruleset_dir(cfg, cli);
    if (!dir) return 1;
    struct rules_limits limits;
    rules_limits_default(&limits);
    struct rules_report report;
    struct rules_generation *gen = rules_load(dir, &limits, &report);
    for (size_t i = 0; i < report.test_count; i++) {
        const struct rules_test_result *t = &report.tests[i];
        if (t->passed)
            printf("ok   %s\n", t->name);
        else
            printf("FAIL %s\n     %s\n", t->name, t->message ? t->message : t->at);
    }
    if (!gen && report.test_count == 0) {
        print_problems(&report);
        fprintf(stderr, "%s: the rules do not load, so no test ran\n", dir);
    } else if (!gen && report.failed == 0) {
        print_problems(&report);
    }
    printf("%zu passed, %zu failed\n", report.passed, report.failed);
    int rc = gen && report.failed == 0 ? 0 : 1;
    rules_report_free(&report);
    rules_free(gen);
    free(dir);
    return rc;
}

static int cmd_eval(const struct config *cfg, const struct cli *cli)
{
    if (!cli->period) return usage();
    struct store *st = open_store(cfg, true);
    if (!st) return 1;
    struct rules_generation *gen = load_rules(cfg, cli, true);
    if (!gen) {
        store_close(st);
        return 1;
    }
    const cJSON *period = rules_period(gen, cli->period);
    cJSON *units = NULL;
    if (!period) {
        fprintf(stderr, "the campaign has no period \"%s\"\n", cli->period);
    } else if (cli->unit) {
        if (model_unit_exists(st, cli->unit)) {
            units = cJSON_CreateArray();
            cJSON_AddItemToArray(units, cJSON_CreateString(cli->unit));
        } else {
            fprintf(stderr, "no unit has the code \"%s\"\n", cli->unit);
        }
    } else {
        units = model_units_to_evaluate(
            st, cli->period, cJSON_GetObjectItemCaseSensitive(period, "from")->valuestring,
            cJSON_GetObjectItemCaseSensitive(period, "to")->valuestring);
    }
    int rc = 1;
    if (units) {
        /* Workers open their own connections: the CLI's own is closed first. */
        store_close(st);
        st = NULL;
        rc = batch_eval(cfg->database, gen, cli->period, units, cli->json, stdout);
    }
    cJSON_Delete(units);
    rules_free(gen);
    store_close(st);
    return rc;
}

static int cmd_import(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc != 3) return usage();
    const char *what = cli->argv[1], *file = cli->argv[2];
    struct store *st = open_store(cfg, true);
    if (!st) return 1;
    struct import_summary summary;
    struct import_errors errors = {0};
    int rc;
    if (strcmp(what, "units") == 0)
        rc = import_units(st, file, "cli", &summary, &errors);
    else if (strcmp(what, "people") == 0)
        rc = import_people(st, file, "cli", &summary, &errors);
    else if (strcmp(what, "facts") == 0) {
        struct rules_generation *gen = load_rules(cfg, cli, true);
        if (!gen) {
            store_close(st);
            return 1;
        }
        rc = import_facts(st, gen, file, "cli", &summary, &errors);
        rules_free(gen);
    } else {
        store_close(st);
        return usage();
    }
    if (rc != 0) {
        for (size_t i = 0; i < errors.count; i++)
            fprintf(stderr, "%s: %s\n", file, errors.lines[i]);
        fprintf(stderr, "%s: không nhập dòng nào (%zu lỗi)\n", file, errors.count);
    } else {
        printf("%s: %zu rows, %zu changed, %zu unchanged\n", file, summary.rows, summary.changed,
               summary.unchanged);
    }
    import_errors_free(&errors);
    store_close(st);
    return rc ? 1 : 0;
}

static int cmd_token(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc != 2 || strcmp(cli->argv[1], "create") != 0 || !cli->name || !cli->scope)
        return usage();
    struct store *st = open_store(cfg, true);
    if (!st) return 1;
    char token[128], err[256];
    int rc = token_create(st, cli->name, cli->scope, token, sizeof token, err, sizeof err);
    if (rc == 0)
        printf("%s\n", token);
    else
        fprintf(stderr, "token: %s\n", err);
    store_close(st);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) return usage();
    struct cli cli = {0};
    if (parse_options(argc, argv, &cli) != 0 || cli.argc == 0) return usage();
    const char *command = cli.argv[0];
    if (strcmp(command, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    struct config cfg;
    if (load_config(&cli, &cfg) != 0) return 1;
    int rc;
    if (strcmp(command, "serve") == 0)
        rc = cli.argc == 1 ? daemon_serve(&cfg) : usage();
    else if (strcmp(command, "db") == 0)
        rc = cmd_db(&cfg, &cli);
    else if (strcmp(command, "import") == 0)
        rc = cmd_import(&cfg, &cli);
    else if (strcmp(command, "token") == 0)
        rc = cmd_token(&cfg, &cli);
    else if (strcmp(command, "check") == 0)
        rc = cmd_check(&cfg, &cli);
    else if (strcmp(command, "test") == 0)
        rc = cmd_test(&cfg, &cli);
    else if (strcmp(command, "eval") == 0)
        rc = cmd_eval(&cfg, &cli);
    else
        rc = usage();
    config_free(&cfg);
    return rc;
}
