/*
 * cli.h — the `thiduad` commands: each in its own file, each a function of the parsed
 * command line and the loaded configuration, returning the process's exit code. What the
 * commands share (opening the store, loading the rules, the usage text) is in common.c.
 */
#ifndef THIDUA_CLI_CLI_H
#define THIDUA_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sysexits.h>

#include "domain/ruleset.h"
#include "store/store.h"
#include "util/config.h"

/* The command line, parsed. */
struct cli {
    const char *config_path;
    const char *name;
    const char *scope;
    const char *rules;
    const char *period;
    const char *unit;
    const char *at;     /* remind --at TIME */
    const char *status; /* outbox list --status S */
    const char *reason; /* period close|reopen --reason TEXT */
    const char *kind;   /* report --kind report|nominations */
    const char *format; /* report --format json|csv|... */
    const char *out;    /* report --out FILE (stdout when NULL) */
    const char *limit;  /* audit --limit N */
    bool json;
    bool dry_run;
    bool send;
    bool replace; /* import facts --replace */
    bool diff;    /* check --diff */
    bool force;   /* db backup --force */
    bool help;    /* --help */
    bool version; /* --version */
    int argc;     /* the command and its positional words */
    char **argv;
};

#define CLI_DEFAULT_CONFIG "etc/thiduad.conf"

/* A command as `--help` shows it: one row per way of calling it (cli/commands.c). */
struct cli_command {
    const char *name;
    int (*run)(const struct config *cfg, const struct cli *cli); /* NULL: main answers */
    const char *synopsis;
    const char *help;
};
/* An option: the parser (main.c) and `--help` read this one table. A string option
 * (`argument` set) fills a `const char *` at `field` of struct cli, a flag a `bool`. */
struct cli_option {
    const char *name;
    char short_name; /* 'c' for -c, or 0 */
    const char *argument;
    size_t field;
    const char *help;
};
extern const struct cli_command cli_commands[]; /* ends with a NULL name */
extern const struct cli_option cli_options[];   /* ends with a NULL name */
const struct cli_command *cli_find_command(const char *name);
/* Every command and option, and the exit statuses. */
void cli_print_help(FILE *to);
/* `thiduad --version`: the version, its commit, the libraries' versions (cli/version.c). */
void cli_print_version(FILE *to);
/* Says how to get the help on stderr; returns EX_USAGE (64). */
int cli_usage(void);

/* Reads -c FILE (or etc/thiduad.conf when present, or the defaults), sets the time zone
 * and the log level. 0, or -1 after printing why (the exit status is then EX_CONFIG). */
int cli_load_config(const struct cli *cli, struct config *cfg);
/* Opens the configured database; with must_be_current, refuses an old schema. */
struct store *cli_open_store(const struct config *cfg, bool must_be_current);
/* The exit status after cli_open_store failed: EX_UNAVAILABLE (cannot open) or EX_CONFIG
 * (another schema version: `db migrate`). */
int cli_store_failed(void);
/* Loads every year's rules (under --rules, or the config's rules folder) as serve does,
 * printing problems (and a summary unless quiet). With st (may be NULL), a vetting that
 * passed today is remembered there and not run again (store/vettings.h). 0, or -1 (rs then
 * needs no freeing beyond ruleset_free). */
int cli_load_rules(const struct config *cfg, const struct cli *cli, bool quiet, struct store *st,
                   struct ruleset *rs);
void cli_print_problems(const struct rules_report *report);
/* Prints `text` then spaces up to `width` characters (UTF-8 characters, not bytes, so that
 * Vietnamese names line up) and one more space. */
void cli_print_cell(const char *text, int width);
/* The channels that can send (plugins loaded without the network; problems printed to
 * stderr when `loud`): [names]. NULL when the plugins cannot be loaded at all. *problems
 * counts what was wrong. */
cJSON *cli_channels(const struct config *cfg, bool loud, size_t *problems);

int cmd_serve(const struct config *cfg, const struct cli *cli);
int cmd_db(const struct config *cfg, const struct cli *cli);
int cmd_import(const struct config *cfg, const struct cli *cli);
int cmd_check(const struct config *cfg, const struct cli *cli);
int cmd_test(const struct config *cfg, const struct cli *cli);
int cmd_eval(const struct config *cfg, const struct cli *cli);
int cmd_token(const struct config *cfg, const struct cli *cli);
int cmd_remind(const struct config *cfg, const struct cli *cli);
int cmd_period(const struct config *cfg, const struct cli *cli);
int cmd_outbox(const struct config *cfg, const struct cli *cli);
int cmd_report(const struct config *cfg, const struct cli *cli);
int cmd_audit(const struct config *cfg, const struct cli *cli);
/* `thiduad report --period P --kind nominations [--format json|csv] [--out FILE]`
 * (cli/report_nominations.c), called by cmd_report for that kind. */
int cli_report_nominations(const struct config *cfg, const struct cli *cli);

/* An HTML document printed to PDF by headless chromium (cli/report_pdf.c): the PDF's bytes
 * (malloc'd, length in *pdf_len), or NULL with err saying why (or how to install chromium). */
char *cli_print_pdf(const char *html, size_t len, size_t *pdf_len, char *err, size_t errlen);

#endif
