/* rules.c — `thiduad check` (load every year's rules as serve would), `thiduad check --diff`
 * (what they would change in the stored evaluations, before a reload; nothing written) and
 * `thiduad test` (run each year's ruleset tests, one line each, then "N passed, N failed"). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "domain/ruleset_diff.h"
#include "util/json_print.h"

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
    struct ruleset rs;
    int loaded = cli_load_rules(cfg, cli, cli->json, NULL, &rs);
    struct store *st = loaded == 0 ? cli_open_store(cfg, true) : NULL;
    int rc = loaded != 0 ? EX_CONFIG : !st ? cli_store_failed() : EX_IOERR;
    char err[1200];
    cJSON *diff = st ? ruleset_diff(st, &rs, err, sizeof err) : NULL;
    if (st && !diff) fprintf(stderr, "check --diff: %s\n", err);
    store_close(st);
    ruleset_free(&rs);
    if (!diff) return rc;
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
    struct ruleset rs;
    bool loaded = cli_load_rules(cfg, cli, false, NULL, &rs) == 0;
    ruleset_free(&rs);
    size_t problems = 0;
    cJSON *channels = cli_channels(cfg, true, &problems);
    if (channels && problems == 0) {
        char *names = json_print(channels);
        printf("%s: channels %s\n", cfg->plugins, names ? names : "[]");
        cJSON_free(names);
    } else {
        fprintf(stderr, "%s: the channels have %zu problem%s\n", cfg->plugins, problems,
                problems == 1 ? "" : "s");
    }
    cJSON_Delete(channels);
    return loaded && channels && problems == 0 ? 0 : EX_CONFIG;
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

/* One year's tests; returns whether its rules loaded and every test passed. */
static bool test_year(const char *dir, size_t *passed, size_t *failed)
{
    struct rules_limits limits;
    rules_limits_default(&limits);
    struct rules_report report;
    struct rules_generation *gen = rules_load(dir, &limits, NULL, &report);
    print_tests(&report);
    if (!gen && report.test_count == 0) {
        cli_print_problems(&report);
        fprintf(stderr, "%s: the rules do not load, so no test ran\n", dir);
    } else if (!gen && report.failed == 0) {
        cli_print_problems(&report);
    }
    *passed += report.passed;
    *failed += report.failed;
    bool ok = gen && report.failed == 0;
    rules_report_free(&report);
    rules_free(gen);
    return ok;
}

/* Every year's tests (or the one folder --rules names), then the one count line. */
int cmd_test(const struct config *cfg, const struct cli *cli)
{
    const char *root = cli->rules ? cli->rules : cfg->rules;
    char **dirs;
    size_t n = rules_find_rulesets(root, &dirs);
    if (n == 0) {
        fprintf(stderr, "%s: no ruleset here (a folder of .lua files, or one per year)\n", root);
        free(dirs);
        return EX_CONFIG;
    }
    size_t passed = 0, failed = 0;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        if (n > 1) printf("# %s\n", dirs[i]);
        ok &= test_year(dirs[i], &passed, &failed);
        free(dirs[i]);
    }
    free(dirs);
    printf("%zu passed, %zu failed\n", passed, failed);
    return ok ? 0 : 1;
}
