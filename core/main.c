/*
 * main.c — the `thiduad` command line: parses the options by cli/commands.c's table, loads
 * the configuration, and runs the command (each in cli/). No logic of its own. Exit
 * statuses follow sysexits.h (README, "Exit status").
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cli/cli.h"
#include "util/json_arena.h"

#define MAX_OPTIONS    64
#define LONG_ONLY_BASE 256 /* getopt_long's value of an option without a short name: base + i */

/* GNU getopt permutes: options may stand before or after the positional words. */
static int parse_options(int argc, char **argv, struct cli *cli)
{
    struct option long_options[MAX_OPTIONS + 1] = {{0}};
    char short_options[2 * MAX_OPTIONS + 1] = "";
    size_t count = 0, used = 0;
    for (const struct cli_option *o = cli_options; o->name && count < MAX_OPTIONS; o++, count++) {
        int has_arg = o->argument ? required_argument : no_argument;
        int val = o->short_name ? o->short_name : LONG_ONLY_BASE + (int)count;
        long_options[count] = (struct option){o->name, has_arg, NULL, val};
        if (o->short_name) {
            short_options[used++] = o->short_name;
            if (o->argument) short_options[used++] = ':';
        }
    }
    short_options[used] = '\0';
    int opt;
    while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
        const struct cli_option *found = NULL;
        for (size_t i = 0; i < count && !found; i++)
            if (long_options[i].val == opt) found = &cli_options[i];
        if (!found) return -1;
        char *field = (char *)cli + found->field;
        if (found->argument)
            *(const char **)(void *)field = optarg;
        else
            *(bool *)(void *)field = true;
    }
    cli->argc = argc - optind;
    cli->argv = argv + optind;
    return 0;
}

int main(int argc, char **argv)
{
    json_arena_install(); /* before any thread: cJSON's hooks are the process's */
    struct cli cli = {0};
    if (parse_options(argc, argv, &cli) != 0) return cli_usage();
    const char *name = cli.argc > 0 ? cli.argv[0] : NULL;
    if (cli.help || (name && strcmp(name, "help") == 0)) {
        cli_print_help(stdout);
        return 0;
    }
    if (cli.version || (name && strcmp(name, "version") == 0)) {
        cli_print_version(stdout);
        return 0;
    }
    const struct cli_command *command = name ? cli_find_command(name) : NULL;
    if (!command || !command->run) return cli_usage();
    struct config cfg;
    if (cli_load_config(&cli, &cfg) != 0) return EX_CONFIG;
    int rc = command->run(&cfg, &cli);
    config_free(&cfg);
    return rc;
}
