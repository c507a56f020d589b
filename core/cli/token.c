/* token.c — `thiduad token create --name N --scope S`: prints a new API token once. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/tokens.h"

#define TOKEN_TEXT_LEN 128
#define ERR_LEN        256

int cmd_token(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc != 2 || strcmp(cli->argv[1], "create") != 0 || !cli->name || !cli->scope)
        return cli_usage();
    struct store *st = cli_open_store(cfg, true);
    if (!st) return cli_store_failed();
    char token[TOKEN_TEXT_LEN], err[ERR_LEN];
    int rc = token_create(st, cli->name, cli->scope, token, sizeof token, err, sizeof err);
    if (rc == 0)
        printf("%s\n", token);
    else
        fprintf(stderr, "token: %s\n", err);
    store_close(st);
    return rc ? 1 : 0;
}
