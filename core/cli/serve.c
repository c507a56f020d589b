/* serve.c — `thiduad serve`: hands over to the daemon. */
#include "cli/cli.h"
#include "daemon/daemon.h"

int cmd_serve(const struct config *cfg, const struct cli *cli)
{
    return cli->argc == 1 ? daemon_serve(cfg) : cli_usage();
}
