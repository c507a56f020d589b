/* rules.c — `thiduad check` (load the rules as serve would), `thiduad check --diff` (what
 * they would change in the stored evaluations, before a reload; nothing written) and
 * `thiduad test` (run the ruleset's own tests, one line each, then "N passed, N failed"). */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "domain/ruleset_diff.h"

/* One line per change, then the summary. */
static void print_diff(const cJSON *diff)
{
    const cJSON *change;
    cJSON_ArrayForEach(change, cJSON_GetObjectItemCaseSensitive(diff, "changes"))
        printf("%s\n", cJSON_GetObjectItemCaseSensitive(change, "text")->valuestring);
    int compared = cJSON_GetObjectItemCaseSensitive(diff, "compared")->valueint;
    int changed = cJSON_GetObjectItemCaseSensitive(diff, "changed")->valueint;
    int fresh = cJSON_GetObjectItemCaseSensitive(diff, "new")->valueint;
    if (changed + fresh == 0)
        printf("Quy tắc mới không làm thay đổi đánh giá nào (đã so %d đánh giá); không ghi gì "
               "vào cơ sở dữ liệu.\n",
               compared);
    else
        printf("Quy tắc mới làm thay đổi %d trong %d đánh giá đã so, %d đối tượng chưa có đánh "
               "giá lưu; không ghi gì vào cơ sở dữ liệu.\n",
               changed, compared, fresh);
}

/* check --diff: the rules on disk against the stored evaluations of the configured
 * database. */
static int check_diff(const struct config *cfg, const struct cli *cli)
{
    struct rules_generation *gen = cli_load_rules(cfg, cli, cli->json);
    if (!gen) return 1;
    struct store *st = cli_open_store(cfg, true);
    char err[1200];
    cJSON *diff = st ? ruleset_diff(st, gen, err, sizeof err) : NULL;
    if (st && !diff) fprintf(stderr, "check --diff: %s\n", err);
    store_close(st);
    rules_free(gen);
    if (!diff) return 1;
    if (cli->json) {
        char *text = cJSON_Print(diff);
        printf("%s\n", text ? text : "{}");
        cJSON_free(text);
    } else {
        print_diff(diff);
    }
    cJSON_Delete(diff);
    return 0;
}

/* Loads the rules, then the channel plugins against the configuration, as serve does. */
int cmd_check(const struct config *cfg, const struct cli *cli)
{
    if (cli->diff) return check_diff(cfg, cli);
    struct rules_generation *gen = cli_load_rules(cfg, cli, false);
    rules_free(gen);
    size_t problems = 0;
    cJSON *channels = cli_channels(cfg, true, &problems);
    if (channels && problems == 0) {
        char *names = cJSON_PrintUnformatted(channels);
        printf("%s: channels %s\n", cfg->plugins, names ? names : "[]");
        cJSON_free(names);
    } else {
        fprintf(stderr, "%s: the channels have %zu problem%s\n", cfg->plugins, problems,
                problems == 1 ? "" : "s");
    }
    cJSON_Delete(channels);
    return gen && channels && problems == 0 ? 0 : 1;
}

static void print_tests(const struct rules_report *report)
{
    for (size_t i = 0; i < report->test_count; i++) {
        const struct rules_test_result *t = &report->tests[i];
        if (t->passed)
            printf("ok   %s\n", t->name);
        else
            printf("FAIL %s\n     %s\n", t->name, t->message ? t->message : t->at);
    }
}

int cmd_test(const struct config *cfg, const struct cli *cli)
{
    char *dir = cli_ruleset_dir(cfg, cli);
    if (!dir) return 1;
    struct rules_limits limits;
    rules_limits_default(&limits);
    struct rules_report report;
    struct rules_generation *gen = rules_load(dir, &limits, &report);
    print_tests(&report);
    if (!gen && report.test_count == 0) {
        cli_print_problems(&report);
        fprintf(stderr, "%s: the rules do not load, so no test ran\n", dir);
    } else if (!gen && report.failed == 0) {
        cli_print_problems(&report);
    }
    printf("%zu passed, %zu failed\n", report.passed, report.failed);
    int rc = gen && report.failed == 0 ? 0 : 1;
    rules_report_free(&report);
    rules_free(gen);
    free(dir);
    return rc;
}
