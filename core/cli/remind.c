/* remind.c — `thiduad remind [--at TIME] [--dry-run] [--json]`: the reminder pass the
 * daemon's timer runs, as if the clock said TIME, so an administrator sees what a rule
 * change will send, to whom and when, before anything goes out. Without --dry-run the
 * messages are queued in the outbox (a running daemon sends them when their time comes). */
#include <stdio.h>

#include "cli/cli.h"
#include "daemon/notify.h"
#include "domain/reminders.h"

#define ERR_LEN      1024
#define SEND_TIMEOUT 120.0 /* seconds --send waits for the channels */

static void print_lines(const cJSON *messages)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, messages)
    {
        const char *keys[] = {"send_at", "channel", "to", "unit", "step", "text"};
        const char *v[6];
        for (int i = 0; i < 6; i++) {
            const cJSON *item = cJSON_GetObjectItemCaseSensitive(m, keys[i]);
            v[i] = cJSON_IsString(item) ? item->valuestring : "";
        }
        printf("%s  %-6s %-28s %-10s %-8s %s\n", v[0], v[1], v[2], v[3], v[4], v[5]);
    }
}

int cmd_remind(const struct config *cfg, const struct cli *cli)
{
    char now[REMINDER_MOMENT_LEN], err[ERR_LEN];
    if (cli->at && !reminders_valid_moment(cli->at)) {
        fprintf(stderr, "--at: expected a local time YYYY-MM-DDTHH:MM, got \"%s\"\n", cli->at);
        return EX_USAGE;
    }
    if (cli->at)
        snprintf(now, sizeof now, "%s", cli->at);
    else
        reminders_now(now);
    struct store *st = cli_open_store(cfg, true);
    struct ruleset rs = {0};
    bool loaded = st && cli_load_rules(cfg, cli, true, st, &rs) == 0;
    size_t problems = 0;
    cJSON *channels = loaded ? cli_channels(cfg, true, &problems) : NULL;
    int rc = !st ? cli_store_failed() : EX_CONFIG; /* the rules or the channels */
    struct reminder_pass pass;
    if (channels &&
        reminders_run(st, &rs, now, channels, !cli->dry_run, &pass, err, sizeof err) == 0) {
        if (cli->json) {
            char *text = cJSON_Print(pass.messages);
            printf("%s\n", text ? text : "[]");
            cJSON_free(text);
        } else {
            print_lines(pass.messages);
        }
        if (!cli->dry_run)
            fprintf(stderr, "%zu message(s) queued, %zu already in the outbox\n", pass.queued,
                    pass.known);
        reminder_pass_free(&pass);
        rc = 0;
        if (cli->send && !cli->dry_run && notify_send_due(cfg, st, SEND_TIMEOUT) != 0)
            rc = EX_UNAVAILABLE;
    } else if (channels) {
        fprintf(stderr, "remind: %s\n", err);
        rc = EX_SOFTWARE;
    }
    cJSON_Delete(channels);
    ruleset_free(&rs);
    store_close(st);
    return rc;
}
