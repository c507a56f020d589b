/* period.c — `thiduad period close|reopen P [--reason TEXT]`: a closed period's results are
 * records (never recomputed; writes get 409); reopening needs a reason. Both are audited as
 * "cli". */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/periods.h"

int cmd_period(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc != 3) return cli_usage();
    const char *action = cli->argv[1], *period = cli->argv[2];
    bool close = strcmp(action, "close") == 0;
    if (!close && strcmp(action, "reopen") != 0) return cli_usage();
    if (!close && (!cli->reason || !cli->reason[0])) {
        fprintf(stderr, "period reopen: cần --reason \"lý do mở lại kỳ %s\"\n", period);
        return EX_USAGE;
    }
    struct ruleset rs;
    bool loaded = cli_load_rules(cfg, cli, true, NULL, &rs) == 0;
    bool known = loaded && ruleset_for_period(&rs, period);
    if (ruleset_loaded(&rs) && !known)
        fprintf(stderr, "không có phong trào nào có kỳ \"%s\"\n", period);
    ruleset_free(&rs);
    if (!known) return loaded ? EX_DATAERR : EX_CONFIG;
    struct store *st = cli_open_store(cfg, true);
    if (!st) return cli_store_failed();
    enum period_change result = close ? period_close(st, period, "cli", cli->reason)
                                      : period_reopen(st, period, "cli", cli->reason);
    store_close(st);
    switch (result) {
    case PERIOD_CHANGED: printf("%s: %s\n", period, close ? "đã khoá sổ" : "đã mở lại"); return 0;
    case PERIOD_ALREADY:
        fprintf(stderr, "%s: %s\n", period, close ? "kỳ đã khoá sổ từ trước" : "kỳ đang mở");
        return 1;
    case PERIOD_BUSY: break;
    }
    fprintf(stderr, "%s: cơ sở dữ liệu đang bận, chưa thay đổi gì\n", period);
    return EX_TEMPFAIL;
}
