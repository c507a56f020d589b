/* import.c — `thiduad import units|people|facts|titles|registrations FILE.csv`: every problem on
 * stderr as "FILE: dòng N, cột X: why", in row order, then a count; or one line of what changed,
 * counted in rows (facts whose evaluation a rule made fail are stored, each named on stderr as
 * "FILE: dòng N: ..."). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "import/import.h"

static int run_import(const struct config *cfg, const struct cli *cli, struct store *st,
                      const char *what, const char *file, struct import_summary *summary,
                      struct import_errors *errors)
{
    if (strcmp(what, "units") == 0) return import_units(st, file, "cli", summary, errors);
    if (strcmp(what, "people") == 0) return import_people(st, file, "cli", summary, errors);
    struct ruleset rs;
    int rc = -2;
    if (strcmp(what, "titles") == 0 || strcmp(what, "registrations") == 0) {
        if (cli_load_rules(cfg, cli, true, NULL, &rs) == 0)
            rc = strcmp(what, "titles") == 0
                     ? import_titles(st, &rs, file, "cli", summary, errors)
                     : import_registrations(st, &rs, file, "cli", summary, errors);
        ruleset_free(&rs);
        return rc;
    }
    if (cli_load_rules(cfg, cli, true, NULL, &rs) == 0) {
        size_t problems;
        cJSON_Delete(
            cli_channels(cfg, false, &problems)); /* events go out if a webhook is set up */
        rc = import_facts(st, &rs, file, "cli", cli->replace, summary, errors);
    }
    ruleset_free(&rs);
    return rc;
}

/* Rows stored whose unit's evaluation a rule made fail: each on stderr, the import still
 * a success (the rows are in; the rules need fixing, and a reload evaluates them). */
static void print_failed_evaluations(const char *file, const struct import_summary *summary)
{
    for (size_t i = 0; i < summary->evaluation_failed.count; i++)
        fprintf(stderr, "%s: %s\n", file, summary->evaluation_failed.lines[i]);
}

int cmd_import(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc != 3) return cli_usage();
    const char *what = cli->argv[1], *file = cli->argv[2];
    if (strcmp(what, "units") && strcmp(what, "people") && strcmp(what, "facts") &&
        strcmp(what, "titles") && strcmp(what, "registrations"))
        return cli_usage();
    struct store *st = cli_open_store(cfg, true);
    if (!st) return cli_store_failed();
    import_set_limits(cfg->limits.csv_cell_bytes, cfg->limits.csv_row_bytes);
    struct import_summary summary = {0};
    struct import_errors errors = {0};
    int rc = run_import(cfg, cli, st, what, file, &summary, &errors);
    if (rc == -1) {
        for (size_t i = 0; i < errors.count; i++)
            fprintf(stderr, "%s: %s\n", file, errors.lines[i]);
        fprintf(stderr, "%s: không nhập dòng nào (%zu lỗi)\n", file, errors.count);
    } else if (rc == 0) {
        print_failed_evaluations(file, &summary);
        if (summary.units)
            printf("%s: %zu dòng, %zu đơn vị thay đổi, %zu đơn vị không đổi", file, summary.rows,
                   summary.changed, summary.unchanged);
        else
            printf("%s: %zu dòng, %zu thay đổi, %zu không đổi", file, summary.rows, summary.changed,
                   summary.unchanged);
        if (summary.evaluation_failed.count)
            printf(", %zu lần đánh giá thất bại", summary.evaluation_failed.count);
        printf("\n");
    }
    import_errors_free(&summary.evaluation_failed);
    import_errors_free(&errors);
    store_close(st);
    return rc == 0 ? 0 : rc == -1 ? EX_DATAERR : EX_CONFIG;
}
