/* import.c — `thiduad import units|people|facts FILE.csv`: every problem on stderr as
 * "FILE: row N, column X: why", then a count; or one line of what changed. */
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
    if (cli_load_rules(cfg, cli, true, &rs) == 0) {
        size_t problems;
        cJSON_Delete(
            cli_channels(cfg, false, &problems)); /* events go out if a webhook is set up */
        rc = import_facts(st, &rs, file, "cli", cli->replace, summary, errors);
    }
    ruleset_free(&rs);
    return rc;
}

int cmd_import(const struct config *cfg, const struct cli *cli)
{
    if (cli->argc != 3) return cli_usage();
    const char *what = cli->argv[1], *file = cli->argv[2];
    if (strcmp(what, "units") && strcmp(what, "people") && strcmp(what, "facts"))
        return cli_usage();
    struct store *st = cli_open_store(cfg, true);
    if (!st) return 1;
    struct import_summary summary;
    struct import_errors errors = {0};
    int rc = run_import(cfg, cli, st, what, file, &summary, &errors);
    if (rc == -1) {
        for (size_t i = 0; i < errors.count; i++)
            fprintf(stderr, "%s: %s\n", file, errors.lines[i]);
        fprintf(stderr, "%s: không nhập dòng nào (%zu lỗi)\n", file, errors.count);
    } else if (rc == 0) {
        printf("%s: %zu rows, %zu changed, %zu unchanged\n", file, summary.rows, summary.changed,
               summary.unchanged);
    }
    import_errors_free(&errors);
    store_close(st);
    return rc ? 1 : 0;
}
