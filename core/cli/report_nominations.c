/* report_nominations.c — `thiduad report --period P --kind nominations [--format json|csv]
 * [--out FILE]`: the nomination files of a period (domain/nomination_file.h) as JSON or as a
 * spreadsheet, to stdout or a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/nomination_file.h"

/* Writes text to --out (replaced whole) or stdout. 0 or -1 after saying why. */
static int write_out(const struct cli *cli, const char *text)
{
    FILE *f = cli->out ? fopen(cli->out, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "không ghi được %s\n", cli->out);
        return -1;
    }
    bool ok = fputs(text, f) >= 0;
    if (cli->out) ok = fclose(f) == 0 && ok;
    if (!ok) fprintf(stderr, "không ghi được %s\n", cli->out ? cli->out : "stdout");
    return ok ? 0 : -1;
}

int cli_report_nominations(const struct config *cfg, const struct cli *cli)
{
    const char *format = cli->format ? cli->format : "json";
    if (!cli->period || (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)) {
        fprintf(stderr, "report --kind nominations: --period P, and --format json or csv\n");
        return EX_USAGE;
    }
    struct store *st = cli_open_store(cfg, true);
    if (!st) return cli_store_failed();
    struct ruleset rs;
    int rc = EX_CONFIG;
    if (cli_load_rules(cfg, cli, true, st, &rs) == 0) {
        rc = EX_DATAERR;
        if (!ruleset_for_period(&rs, cli->period)) {
            fprintf(stderr, "no campaign has a period \"%s\"\n", cli->period);
        } else {
            store_begin_read(st);
            cJSON *file = nomination_file(st, &rs, cli->period, NULL);
            store_end_read(st);
            char *text = !file                        ? NULL
                         : strcmp(format, "csv") == 0 ? nomination_file_csv(file)
                                                      : cJSON_Print(file);
            rc = EX_IOERR;
            if (!text)
                fprintf(stderr, "không đọc được kết quả đánh giá: %s\n", store_errmsg(st));
            else
                rc = write_out(cli, text) == 0 ? 0 : EX_CANTCREAT;
            if (text && strcmp(format, "json") == 0 && !cli->out) putchar('\n');
            free(text);
            cJSON_Delete(file);
        }
    }
    ruleset_free(&rs);
    store_close(st);
    return rc;
}
