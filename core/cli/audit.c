/* audit.c — `thiduad audit [--limit N] [--json]`: the audit log, newest first: when
 * (dd/mm/yyyy HH:MM; ISO in --json), who, what, on which entity, and the detail. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "domain/audit_trail.h"
#include "util/clock.h"
#include "util/json_text.h"
#include "util/json_print.h"

#define MOMENT_LEN 32

static void print_lines(const cJSON *entries)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, entries)
    {
        const cJSON *detail = cJSON_GetObjectItemCaseSensitive(e, "detail");
        char *text = cJSON_IsNull(detail) ? NULL : json_print(detail);
        char at[MOMENT_LEN];
        clock_moment_vn(json_text(e, "at"), at, sizeof at);
        /* Columns: when, who, what, on which entity, its code; then the detail. */
        const char *const cells[] = {at, json_text(e, "actor"), json_text(e, "action"),
                                     json_text(e, "entity"), json_text(e, "code")};
        static const int widths[] = {17, 16, 14, 12, 14};
        for (int i = 0; i < 5; i++)
            cli_print_cell(cells[i], widths[i]);
        printf("%s\n", text ? text : "");
        cJSON_free(text);
    }
}

int cmd_audit(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc != 1) return cli_usage();
    long limit = AUDIT_PAGE_DEFAULT;
    if (cli->limit) {
        char *end;
        limit = strtol(cli->limit, &end, 10);
        if (*end || limit < 1 || limit > AUDIT_PAGE_MAX) {
            fprintf(stderr, "--limit: một số từ 1 đến %d, không phải \"%s\"\n", AUDIT_PAGE_MAX,
                    cli->limit);
            return EX_USAGE;
        }
    }
    struct store *st = cli_open_store(cfg, true);
    if (!st) return cli_store_failed();
    cJSON *page = audit_trail_page(st, NULL, (int)limit);
    store_close(st);
    if (!page) return EX_IOERR;
    if (cli->json) {
        char *text = cJSON_Print(page);
        printf("%s\n", text ? text : "{}");
        cJSON_free(text);
    } else {
        print_lines(cJSON_GetObjectItemCaseSensitive(page, "entries"));
    }
    cJSON_Delete(page);
    return 0;
}
