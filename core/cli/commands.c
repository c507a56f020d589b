/*
 * commands.c — the command line's two tables: every command (with its synopsis and what it
 * does) and every option (with the field of struct cli it fills). The option parser in
 * main.c reads `cli_options`, `--help` prints both tables, so an option cannot exist
 * without its line in the help, nor a help line without its option.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"

#define FIELD(name) offsetof(struct cli, name)

/* One row per way of calling a command; rows of one command are adjacent and share `run`. */
const struct cli_command cli_commands[] = {
    {"serve", cmd_serve, "serve", "run the daemon in the foreground (SIGHUP reloads the rules)"},
    {"check", cmd_check, "check [--rules DIR]",
     "check the configuration, the rules and the channels as serve would; file:line problems"},
    {"check", cmd_check, "check --diff [--json]",
     "what the rules on disk would change in the stored evaluations of open periods"},
    {"test", cmd_test, "test [--rules DIR]", "run each year's ruleset tests"},
    {"db", cmd_db, "db init|migrate", "create the database, or bring it to this build's schema"},
    {"db", cmd_db, "db backup FILE [--force]",
     "copy the live database to FILE (mode 0600; --force overwrites FILE)"},
    {"import", cmd_import, "import units|people|facts|titles|registrations FILE.csv [--replace]",
     "import a spreadsheet (all rows or none); facts --replace replaces the latest version"},
    {"eval", cmd_eval, "eval --period P [--unit CODE] [--json]",
     "evaluate units and their people from the stored facts"},
    {"remind", cmd_remind, "remind [--at YYYY-MM-DDTHH:MM] [--dry-run] [--json] [--send]",
     "the reminder pass as if the clock said TIME: show or queue (--send: and send) them"},
    {"outbox", cmd_outbox, "outbox list [--status S] [--unit CODE] [--json]",
     "the notification queue"},
    {"outbox", cmd_outbox, "outbox retry ID | outbox cancel ID",
     "send a message again, or drop it"},
    {"period", cmd_period, "period close P [--reason TEXT] | period reopen P --reason TEXT",
     "close a period (its results become records) or reopen it"},
    {"report", cmd_report,
     "report --period P [--kind report] [--format json|csv|xlsx|html|pdf] [--out FILE]",
     "the consolidated report of a period (pdf through headless chromium)"},
    {"report", cmd_report, "report --period P --kind nominations [--format json|csv] [--out FILE]",
     "the nomination files: per title and deciding authority, who qualifies and why"},
    {"token", cmd_token, "token create --name N --scope admin|read|unit:CODE",
     "print a new API token (shown once); a name is used by one live token"},
    {"token", cmd_token, "token list [--json]", "the tokens: name, scope, created, last used"},
    {"token", cmd_token, "token revoke NAME", "revoke a token: it is refused (401) at once"},
    {"audit", cmd_audit, "audit [--limit N] [--json]",
     "the audit log, newest first: who did what, when"},
    {"help", NULL, "help | --help", "this text"},
    {"version", NULL, "version | --version", "the version, its commit and the libraries'"},
    {NULL, NULL, NULL, NULL},
};

const struct cli_option cli_options[] = {
    {"config", 'c', "FILE", FIELD(config_path),
     "configuration file (default " CLI_DEFAULT_CONFIG ", if present)"},
    {"rules", 0, "DIR", FIELD(rules), "rules folder instead of the configured one"},
    {"period", 0, "P", FIELD(period), "period code, e.g. 2025-H1"},
    {"unit", 0, "CODE", FIELD(unit), "unit code"},
    {"name", 0, "N", FIELD(name), "token name"},
    {"scope", 0, "S", FIELD(scope), "token scope: admin, read or unit:CODE"},
    {"at", 0, "TIME", FIELD(at), "the reminder pass's clock, YYYY-MM-DDTHH:MM"},
    {"status", 0, "S", FIELD(status), "outbox status to list"},
    {"reason", 0, "TEXT", FIELD(reason), "why a period is closed or reopened"},
    {"kind", 0, "K", FIELD(kind), "report kind: report or nominations"},
    {"format", 0, "F", FIELD(format), "report format: json, csv, xlsx, html or pdf"},
    {"out", 0, "FILE", FIELD(out), "write the report to FILE instead of stdout"},
    {"limit", 0, "N", FIELD(limit), "audit lines to show (default 50, at most 1000)"},
    {"json", 0, NULL, FIELD(json), "print JSON"},
    {"dry-run", 0, NULL, FIELD(dry_run), "show the reminders, queue nothing"},
    {"send", 0, NULL, FIELD(send), "send what is due before returning"},
    {"replace", 0, NULL, FIELD(replace), "import facts: replace the latest version"},
    {"diff", 0, NULL, FIELD(diff), "check: what the rules on disk would change"},
    {"force", 0, NULL, FIELD(force), "db backup: overwrite FILE"},
    {"help", 'h', NULL, FIELD(help), "print this help and exit 0"},
    {"version", 'V', NULL, FIELD(version), "print the version and exit 0"},
    {NULL, 0, NULL, 0, NULL},
};

const struct cli_command *cli_find_command(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (strcmp(c->name, name) == 0) return c;
    return NULL;
}

void cli_print_help(FILE *to)
{
    fputs("usage: thiduad COMMAND [options]\n\ncommands:\n", to);
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(to, "  %s\n      %s\n", c->synopsis, c->help);
    fputs("\noptions:\n", to);
    for (const struct cli_option *o = cli_options; o->name; o++) {
        char shortly[8] = "    ", spelled[64];
        if (o->short_name) snprintf(shortly, sizeof shortly, "-%c, ", o->short_name);
        snprintf(spelled, sizeof spelled, "%s--%s%s%s", shortly, o->name, o->argument ? " " : "",
                 o->argument ? o->argument : "");
        fprintf(to, "  %-24s %s\n", spelled, o->help);
    }
    fputs(
        "\nexit status: 0 done; 1 the answer is no (a test failed, nothing to do); 64 usage;\n"
        "65 bad input (a file's rows, a name already used or unknown); 66 an input file cannot\n"
        "be read; 69 the database (or chromium, a channel) is unavailable; 70 an internal error;\n"
        "73 an output file exists or cannot be created; 74 a read or write failed; 75 the\n"
        "database is busy, try again; 78 the configuration "
        "(thiduad.conf, the rules, the channels, the database's schema) is wrong.\n",
        to);
}

int cli_usage(void)
{
    fputs("usage: thiduad COMMAND [options]; `thiduad --help` lists the commands and options\n",
          stderr);
    return EX_USAGE;
}
