/*
 * ruleset.c — the active rules generation and its replacement.
 *
 * A reload builds the new generation completely (files, checks, self-tests) beside the one
 * serving; only when it is whole does one pointer assignment swap it in. The daemon is a
 * single event loop, so no request ever sees half of a swap. Stored evaluations are then
 * recomputed with the new rules so each carries the hash of the rules now in force.
 */
#include "domain/ruleset.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/evaluation.h"
#include "domain/events.h"
#include "store/evaluation_failures.h"
#include "store/evaluations.h"
#include "util/log.h"
#include "util/metrics.h"

/* A re-evaluation that rewrote more rows than this leaves a write-ahead log worth folding
 * back into the database at once. */
#define CHECKPOINT_AFTER_ROWS 10000

int ruleset_init(struct ruleset *rs, const char *rules_root, char *err, size_t errlen)
{
    memset(rs, 0, sizeof *rs);
    rules_limits_default(&rs->limits);
    rs->dir = rules_find_ruleset(rules_root);
    if (!rs->dir) {
        snprintf(err, errlen, "%s: no ruleset here (a folder of .lua files, or one per year)",
                 rules_root);
        return -1;
    }
    return 0;
}

/* rules.reloaded, in a transaction of its own (the swap itself writes nothing). */
static void tell_reload(struct store *st, struct rules_generation *gen, size_t tests)
{
    if (!st || !events_enabled() || store_begin(st) != 0) return;
    cJSON *event = cJSON_CreateObject();
    cJSON_AddStringToObject(event, "rules_hash", rules_hash(gen));
    cJSON_AddStringToObject(event, "summary", rules_summary(gen));
    cJSON_AddNumberToObject(event, "tests_passed", (double)tests);
    if (events_queue(st, "rules.reloaded", "", NULL, event) != 0 || store_commit(st) != 0)
        store_rollback(st);
}

/* At start-up: whether evaluations or failures were made by other rules than these. */
static bool needs_recompute(struct store *st, const char *hash)
{
    return evaluations_stale(st, hash) != 0 || evaluation_failures_count(st, hash) != 0;
}

int ruleset_reload(struct ruleset *rs, struct store *st, struct rules_report *report,
                   long *recomputed)
{
    struct rules_generation *next = rules_load(rs->dir, &rs->limits, report);
    /* The stored evaluations are redone with the new rules before the swap, in one
     * transaction: if a rule fails on real data that the rules in force evaluate, the
     * reload is refused like any other broken ruleset and nothing changes (a pair already
     * marked failed may stay failed: see evaluation_recompute). A restart with unchanged
     * rules has nothing to redo. */
    long n = 0;
    if (next && st && (rs->active || needs_recompute(st, rules_hash(next)))) {
        char err[1024];
        n = evaluation_recompute(st, next, NULL, err, sizeof err);
        if (n > CHECKPOINT_AFTER_ROWS) store_checkpoint(st);
        if (n < 0) {
            char line[1200];
            snprintf(line, sizeof line, "%s (while re-evaluating the stored reports)", err);
            rules_report_add(report, line);
            rules_free(next);
            next = NULL;
        }
    }
    if (!next) {
        for (size_t i = 0; i < report->problem_count; i++)
            log_warn("rules: %s", report->problems[i]);
        log_warn("rules in %s refused; %s", rs->dir,
                 rs->active ? "the previous rules keep serving" : "no rules are loaded");
        return -1;
    }
    struct rules_generation *previous = rs->active;
    rs->active = next;
    rs->generation++;
    rules_free(previous);
    log_info("rules %s loaded from %s: %s; %zu self-tests passed; %ld evaluation(s) redone",
             rules_hash(next), rs->dir, rules_summary(next), report->passed, n);
    metrics_set_gauge("thidua_rules_generation", "Rules generations loaded since start.",
                      (double)rs->generation);
    tell_reload(st, next, report->passed);
    if (recomputed) *recomputed = n;
    return 0;
}

void ruleset_free(struct ruleset *rs)
{
    rules_free(rs->active);
    free(rs->dir);
    memset(rs, 0, sizeof *rs);
}
