/*
 * main.c — the `thiduad` command line: parses the options, loads the configuration, and
 * runs the command from the table below (each in cli/). No logic of its own.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct command {
    const char *name;
    int (*run)(const struct config *cfg, const struct cli *cli);
} commands[] = {
    {"serve", cmd_serve},   {"db", cmd_db},         {"import", cmd_import}, {"token", cmd_token},
    {"check", cmd_check},   {"test", cmd_test},     {"eval", cmd_eval},     {"remind", cmd_remind},
    {"outbox", cmd_outbox}, {"period", cmd_period}, {"report", cmd_report},
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
        {"at", required_argument, NULL, 'a'},
        {"dry-run", no_argument, NULL, 'd'},
        {"send", no_argument, NULL, 'S'},
        {"status", required_argument, NULL, 't'},
        {"replace", no_argument, NULL, 'R'},
        {"reason", required_argument, NULL, 'W'},
        {"diff", no_argument, NULL, 'D'},
        {"kind", required_argument, NULL, 'K'},
        {"format", required_argument, NULL, 'F'},
        {"out", required_argument, NULL, 'O'},
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
        case 'a': cli->at = optarg; break;
        case 'd': cli->dry_run = true; break;
        case 'S': cli->send = true; break;
        case 't': cli->status = optarg; break;
        case 'R': cli->replace = true; break;
        case 'W': cli->reason = optarg; break;
        case 'D': cli->diff = true; break;
        case 'K': cli->kind = optarg; break;
        case 'F': cli->format = optarg; break;
        case 'O': cli->out = optarg; break;
        default: return -1;
        }
    }
    cli->argc = argc - optind;
    cli->argv = argv + optind;
    return 0;
}

int main(int argc, char **argv)
{
    struct cli cli = {0};
    if (argc < 2 || parse_options(argc, argv, &cli) != 0 || cli.argc == 0) return cli_usage();
    const char *name = cli.argv[0];
    if (strcmp(name, "help") == 0) {
        fputs(cli_usage_text, stdout);
        return 0;
    }
    const struct command *command = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0) command = &commands[i];
    struct config cfg;
    if (cli_load_config(&cli, &cfg) != 0) return 1;
    int rc = command ? command->run(&cfg, &cli) : cli_usage();
    config_free(&cfg);
    return rc;
}
