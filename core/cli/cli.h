/*
 * cli.h — the `thiduad` commands: each in its own file, each a function of the parsed
 * command line and the loaded configuration, returning the process's exit code. What the
 * commands share (opening the store, loading the rules, the usage text) is in common.c.
 */
#ifndef THIDUA_CLI_CLI_H
#define THIDUA_CLI_CLI_H

#include <stdbool.h>

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
    bool json;
    bool dry_run;
    bool send;
    bool replace; /* import facts --replace */
    bool diff;    /* check --diff */
    int argc;     /* the command and its positional words */
    char **argv;
};

/* Prints the usage to stderr; returns the exit code of a usage error (2). */
int cli_usage(void);
/* The usage text, for `thiduad help`. */
extern const char cli_usage_text[];

/* Reads -c FILE (or etc/thiduad.conf when present, or the defaults), sets the time zone
 * and the log level. 0, or -1 after printing why. */
int cli_load_config(const struct cli *cli, struct config *cfg);
/* Opens the configured database; with must_be_current, refuses an old schema. */
struct store *cli_open_store(const struct config *cfg, bool must_be_current);
/* Loads every year's rules (under --rules, or the config's rules folder) as serve does,
 * printing problems (and a summary unless quiet). 0, or -1 (rs then needs no freeing
 * beyond ruleset_free). */
int cli_load_rules(const struct config *cfg, const struct cli *cli, bool quiet, struct ruleset *rs);
void cli_print_problems(const struct rules_report *report);
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
/* `thiduad report --period P --kind nominations [--format json|csv] [--out FILE]`
 * (cli/report_nominations.c), called by cmd_report for that kind. */
int cli_report_nominations(const struct config *cfg, const struct cli *cli);

/* An HTML document printed to PDF by headless chromium (cli/report_pdf.c): the PDF's bytes
 * (malloc'd, length in *pdf_len), or NULL with err saying why (or how to install chromium). */
char *cli_print_pdf(const char *html, size_t len, size_t *pdf_len, char *err, size_t errlen);

#endif
