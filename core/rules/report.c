/* report.c — what a load says: its problems ("file:line: message") and its self-tests'
 * outcomes, gathered across the years of one reload. */
#include <stdlib.h>
#include <string.h>

#include "rules/rules.h"

void rules_report_add(struct rules_report *report, const char *text)
{
    char **grown = realloc(report->problems, (report->problem_count + 1) * sizeof *grown);
    if (!grown) return;
    report->problems = grown;
    report->problems[report->problem_count++] = strdup(text);
}

void rules_report_merge(struct rules_report *into, struct rules_report *from)
{
    for (size_t i = 0; i < from->problem_count; i++)
        rules_report_add(into, from->problems[i]);
    struct rules_test_result *tests =
        from->test_count
            ? realloc(into->tests, (into->test_count + from->test_count) * sizeof *tests)
            : NULL;
    if (tests) {
        into->tests = tests;
        memcpy(tests + into->test_count, from->tests, from->test_count * sizeof *tests);
        into->test_count += from->test_count;
        from->test_count = 0; /* the names and messages now belong to `into` */
    }
    into->passed += from->passed;
    into->failed += from->failed;
    rules_report_free(from);
}

void rules_report_free(struct rules_report *report)
{
    for (size_t i = 0; i < report->problem_count; i++)
        free(report->problems[i]);
    free(report->problems);
    for (size_t i = 0; i < report->test_count; i++) {
        free(report->tests[i].name);
        free(report->tests[i].at);
        free(report->tests[i].message);
    }
    free(report->tests);
    memset(report, 0, sizeof *report);
}
