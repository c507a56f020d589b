/* outbox.c — `thiduad outbox list [--status S] [--unit CODE] [--json] | retry ID |
 * cancel ID`: the notification queue from the command line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/outbox.h"
#include "store/outbox.h"
#include "util/json_text.h"

#define LIST_LIMIT 1000

static int list(struct store *st, const struct cli *cli)
{
    cJSON *messages = outbox_list(st, cli->status, cli->unit, LIST_LIMIT);
    if (!messages) return EX_IOERR;
    if (cli->json) {
        char *out = cJSON_Print(messages);
        printf("%s\n", out ? out : "[]");
        cJSON_free(out);
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, messages)
    {
        if (cli->json) break;
        printf("%6.0f  %-9s %-7s %-28s %-8s %-16s %s\n",
               cJSON_GetObjectItemCaseSensitive(m, "id")->valuedouble, json_text(m, "status"),
               json_text(m, "channel"), json_text(m, "recipient"), json_text(m, "step"),
               json_text(m, "send_at"), json_text(m, "last_error"));
    }
    cJSON_Delete(messages);
    return 0;
}

static int change(struct store *st, const char *action, const char *id_text)
{
    char *end;
    long long id = strtoll(id_text, &end, 10);
    if (*end || id <= 0) {
        fprintf(stderr, "outbox %s: \"%s\" is not a message id\n", action, id_text);
        return EX_USAGE;
    }
    bool retry = strcmp(action, "retry") == 0;
    enum outbox_change rc = retry ? outbox_retry(st, id, "cli") : outbox_cancel(st, id, "cli");
    static const char *const why[] = {
        [OUTBOX_NOT_FOUND] = "no such message",
        [OUTBOX_NOT_NOW] = "not in a state for that (only failed or cancelled messages are "
                           "sent again; only queued or failed ones cancelled)",
        [OUTBOX_BUSY] = "the database is busy; try again",
    };
    if (rc == OUTBOX_CHANGED) {
        printf("outbox %lld: %s\n", id, retry ? "queued again" : "cancelled");
        return 0;
    }
    fprintf(stderr, "outbox %s %lld: %s\n", action, id, why[rc]);
    return rc == OUTBOX_BUSY ? EX_TEMPFAIL : EX_DATAERR;
}

int cmd_outbox(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc < 2) return cli_usage();
    const char *action = cli->argv[1];
    bool listing = strcmp(action, "list") == 0 && cli->argc == 2;
    bool changing =
        (strcmp(action, "retry") == 0 || strcmp(action, "cancel") == 0) && cli->argc == 3;
    if (!listing && !changing) return cli_usage();
    struct store *st = cli_open_store(cfg, true);
    if (!st) return cli_store_failed();
    int rc = listing ? list(st, cli) : change(st, action, cli->argv[2]);
    store_close(st);
    return rc;
}
