/* report.c — `thiduad report --period P [--kind report|nominations] ...`: the reports of a
 * period, one kind each. The consolidated report (--kind report, the default) is issue 10's
 * report part; the nomination files are cli/report_nominations.c. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int cmd_report(const struct config *cfg, const struct cli *cli)
{
    const char *kind = cli->kind ? cli->kind : "report";
    if (strcmp(kind, "nominations") == 0) return cli_report_nominations(cfg, cli);
    fprintf(stderr, "report: --kind %s is not available in this build (kinds: nominations)\n",
            kind);
    return 2;
}
