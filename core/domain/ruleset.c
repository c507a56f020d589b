/*
 * ruleset.c — the rules in service, one generation per campaign year, and their replacement.
 *
 * A reload builds every year's generation completely (files, checks, self-tests) beside the
 * ones serving; only when all are whole does one assignment swap the new set in. The daemon
 * is a single event loop, so no request ever sees half of a swap. A year whose files hash
 * the same as the generation serving it keeps that generation: its results are not touched.
 * A year whose rules changed has the stored evaluations of its open periods recomputed with
 * the new rules, so each carries the hash of the rules now in force; closed periods keep
 * theirs (they are records).
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
#include "store/facts.h"
#include "store/periods.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/metrics.h"

/* A re-evaluation that rewrote more rows than this leaves a write-ahead log worth folding
 * back into the database at once. */
#define CHECKPOINT_AFTER_ROWS 10000

static void free_years(struct ruleset_year *years, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        rules_free(years[i].gen);
        free(years[i].dir);
    }
    free(years);
}

int ruleset_init(struct ruleset *rs, const char *rules_root, char *err, size_t errlen)
{
    memset(rs, 0, sizeof *rs);
    rules_limits_default(&rs->limits);
    char **dirs;
    size_t n = rules_find_rulesets(rules_root, &dirs);
    for (size_t i = 0; i < n; i++)
        free(dirs[i]);
    free(dirs);
    if (n == 0) {
        snprintf(err, errlen,
                 "%s: không có bộ quy tắc nào ở đây (cần một thư mục chứa tệp .lua, hoặc mỗi "
                 "năm một thư mục như 2025/)",
                 rules_root);
        return -1;
    }
    rs->root = strdup(rules_root);
    return 0;
}

bool ruleset_loaded(const struct ruleset *rs)
{
    return rs && rs->count > 0;
}

struct rules_generation *ruleset_for_period(const struct ruleset *rs, const char *period)
{
    for (size_t i = 0; rs && period && i < rs->count; i++)
        if (rules_period(rs->years[i].gen, period)) return rs->years[i].gen;
    return NULL;
}

struct rules_generation *ruleset_of_year(const struct ruleset *rs, const char *year)
{
    int wanted = year ? atoi(year) : 0;
    for (size_t i = 0; rs && wanted > 0 && i < rs->count; i++)
        if (rules_year(rs->years[i].gen) == wanted) return rs->years[i].gen;
    return NULL;
}

struct rules_generation *ruleset_newest(const struct ruleset *rs)
{
    return ruleset_loaded(rs) ? rs->years[rs->count - 1].gen : NULL;
}

char *ruleset_describe(const struct ruleset *rs)
{
    size_t len = 1;
    for (size_t i = 0; i < rs->count; i++)
        len += strlen(rs->years[i].dir) + strlen(rules_hash(rs->years[i].gen)) + 8;
    char *out = malloc(len);
    if (!out) return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < rs->count; i++)
        snprintf(out + strlen(out), len - strlen(out), "%s%s (%s)", i ? ", " : "", rs->years[i].dir,
                 rules_hash(rs->years[i].gen));
    return out;
}

/* The generation now serving a folder, if its files hash as `hash`. */
static struct rules_generation *serving_same(const struct ruleset *rs, const char *dir,
                                             const char *hash)
{
    for (size_t i = 0; i < rs->count; i++)
        if (strcmp(rs->years[i].dir, dir) == 0 && strcmp(rules_hash(rs->years[i].gen), hash) == 0)
            return rs->years[i].gen;
    return NULL;
}

/* Two years may not both declare a period, nor share a campaign year: a period must have
 * one set of rules. Adds a problem per clash. */
static void check_apart(struct ruleset_year *years, size_t count, struct rules_report *report)
{
    for (size_t i = 0; i < count; i++) {
        for (size_t j = i + 1; j < count; j++) {
            char line[1024];
            if (rules_year(years[i].gen) == rules_year(years[j].gen)) {
                snprintf(line, sizeof line, "%s, %s: hai bộ quy tắc cùng khai báo năm %d",
                         years[i].dir, years[j].dir, rules_year(years[i].gen));
                rules_report_add(report, line);
            }
            const cJSON *p;
            cJSON_ArrayForEach(p, rules_periods(years[i].gen))
            {
                const cJSON *code = cJSON_GetObjectItemCaseSensitive(p, "code");
                if (!cJSON_IsString(code) || !rules_period(years[j].gen, code->valuestring))
                    continue;
                snprintf(line, sizeof line, "%s, %s: kỳ %s được khai báo ở cả hai năm",
                         years[i].dir, years[j].dir, code->valuestring);
                rules_report_add(report, line);
            }
        }
    }
}

/* Loads every folder found under the root. On success *out holds them (generations that did
 * not change are borrowed from rs: `fresh[i]` says which are new). */
static int load_years(const struct ruleset *rs, struct rules_report *report,
                      struct ruleset_year **out, size_t *count, bool **fresh)
{
    memset(report, 0, sizeof *report); /* each year's report is gathered into it */
    char **dirs;
    size_t n = rules_find_rulesets(rs->root, &dirs);
    struct ruleset_year *years = calloc(n ? n : 1, sizeof *years);
    bool *is_new = calloc(n ? n : 1, sizeof *is_new);
    if (!years || !is_new) { /* nothing below may touch them */
        for (size_t i = 0; i < n; i++)
            free(dirs[i]);
        free(dirs);
        free(years);
        free(is_new);
        rules_report_add(report, "hết bộ nhớ khi nạp bộ quy tắc");
        return -1;
    }
    int rc = n > 0 ? 0 : -1;
    if (n == 0) {
        char line[1024];
        snprintf(line, sizeof line, "%s: không có bộ quy tắc nào ở đây", rs->root);
        rules_report_add(report, line);
    }
    for (size_t i = 0; i < n; i++) {
        years[i].dir = dirs[i];
        struct rules_report one;
        years[i].gen = rules_load(dirs[i], &rs->limits, rs->vetted, &one);
        rules_report_merge(report, &one);
        if (!years[i].gen) {
            rc = -1;
            continue;
        }
        struct rules_generation *same = serving_same(rs, dirs[i], rules_hash(years[i].gen));
        is_new[i] = !same;
        if (same) {
            rules_free(years[i].gen);
            years[i].gen = same;
        }
    }
    free(dirs);
    if (rc == 0) check_apart(years, n, report);
    if (rc == 0 && report->problem_count == 0) {
        *out = years, *count = n, *fresh = is_new;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (!is_new[i]) years[i].gen = NULL; /* borrowed */
    }
    free_years(years, n);
    free(is_new);
    return -1;
}

static bool listed(const cJSON *codes, const char *code)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, codes)
    {
        if (strcmp(c->valuestring, code) == 0) return true;
    }
    return false;
}

/* Whether some evaluation or failure of a period was made by rules other than these. */
static bool made_by_others(struct store *st, const char *period, const char *hash)
{
    if (evaluations_stale(st, period, hash) != 0) return true;
    cJSON *failed = evaluation_failures_of_period(st, period);
    bool others = !failed;
    const cJSON *f;
    cJSON_ArrayForEach(f, failed)
    {
        const cJSON *by = cJSON_GetObjectItemCaseSensitive(f, "rules_hash");
        others |= !cJSON_IsString(by) || strcmp(by->valuestring, hash) != 0;
    }
    cJSON_Delete(failed);
    return others;
}

/* Recomputes one generation's open periods that have stored facts. */
static long recompute_year(struct store *st, struct rules_generation *gen, bool first_load,
                           const cJSON *closed, const cJSON *with_facts, char *err, size_t errlen)
{
    long total = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, rules_periods(gen))
    {
        const char *code = cJSON_GetObjectItemCaseSensitive(p, "code")->valuestring;
        /* At start-up, rules that made every stored result (and failure) have nothing to
         * redo. */
        if (listed(closed, code) || !listed(with_facts, code) ||
            (first_load && !made_by_others(st, code, rules_hash(gen))))
            continue;
        long n = evaluation_recompute_period(st, gen, code, err, errlen);
        if (n < 0) return -1;
        total += n;
    }
    return total;
}

/* Recomputes, in one transaction, the years that changed. */
static long recompute_changed(const struct ruleset *rs, struct store *st,
                              struct ruleset_year *years, const bool *fresh, size_t count,
                              char *err, size_t errlen)
{
    cJSON *closed = periods_closed(st), *with_facts = facts_periods(st);
    if (!closed || !with_facts || store_begin(st) != 0) {
        snprintf(err, errlen, "cơ sở dữ liệu đang bận: %s", store_errmsg(st));
        cJSON_Delete(closed);
        cJSON_Delete(with_facts);
        return -1;
    }
    long total = 0;
    for (size_t i = 0; i < count && total >= 0; i++) {
        if (!fresh[i]) continue;
        long n = recompute_year(st, years[i].gen, rs->count == 0, closed, with_facts, err, errlen);
        total = n < 0 ? -1 : total + n;
    }
    cJSON_Delete(closed);
    cJSON_Delete(with_facts);
    if (total >= 0 && store_commit(st) != 0) {
        snprintf(err, errlen, "commit failed: %s", store_errmsg(st));
        total = -1;
    }
    if (total < 0) store_rollback(st);
    if (total > CHECKPOINT_AFTER_ROWS) store_checkpoint(st);
    return total;
}

long ruleset_recompute_after(const struct ruleset *rs, struct store *st, int year, char *err,
                             size_t errlen)
{
    bool *later = calloc(rs->count ? rs->count : 1, sizeof *later);
    if (!later) {
        snprintf(err, errlen, "hết bộ nhớ");
        return -1;
    }
    for (size_t i = 0; i < rs->count; i++)
        later[i] = rules_year(rs->years[i].gen) > year;
    long n = recompute_changed(rs, st, rs->years, later, rs->count, err, errlen);
    free(later);
    return n;
}

/* rules.reloaded for one year, in a transaction of its own (the swap itself writes
 * nothing); `changed` says whether its rules differ from those it replaced. */
static void tell_reload(struct store *st, struct rules_generation *gen, size_t tests, bool changed)
{
    if (!st || !events_enabled() || store_begin(st) != 0) return;
    cJSON *event = cJSON_CreateObject();
    cJSON_AddNumberToObject(event, "year", rules_year(gen));
    cJSON_AddStringToObject(event, "rules_hash", rules_hash(gen));
    cJSON_AddStringToObject(event, "summary", rules_summary(gen));
    cJSON_AddBoolToObject(event, "changed", changed);
    cJSON_AddNumberToObject(event, "tests_passed", (double)tests);
    if (events_queue(st, "rules.reloaded", "", NULL, event) != 0 || store_commit(st) != 0)
        store_rollback(st);
}

/* Puts the new set in service and frees what is no longer used. */
static void forget_refusal(struct ruleset_refusal *r)
{
    for (size_t i = 0; i < r->count; i++)
        free(r->problems[i]);
    free(r->problems);
    memset(r, 0, sizeof *r);
}

/* Keeps a refused reload's problems for the API (GET /api/v1/rules). */
static void remember_refusal(struct ruleset *rs, const struct rules_report *report)
{
    forget_refusal(&rs->refused);
    clock_now_iso(rs->refused.at, sizeof rs->refused.at);
    rs->refused.problems = calloc(report->problem_count + 1, sizeof *rs->refused.problems);
    for (size_t i = 0; rs->refused.problems && i < report->problem_count; i++) {
        rs->refused.problems[i] = strdup(report->problems[i]);
        if (rs->refused.problems[i]) rs->refused.count++;
    }
}

static void swap_in(struct ruleset *rs, struct ruleset_year *years, size_t count, const bool *fresh)
{
    char now[sizeof years->loaded_at];
    clock_now_iso(now, sizeof now);
    for (size_t j = 0; j < count; j++)
        memcpy(years[j].loaded_at, now, sizeof now);
    for (size_t i = 0; i < rs->count; i++) {
        bool kept = false;
        for (size_t j = 0; j < count; j++) {
            if (fresh[j] || years[j].gen != rs->years[i].gen) continue;
            kept = true;
            memcpy(years[j].loaded_at, rs->years[i].loaded_at, sizeof now);
        }
        if (kept) rs->years[i].gen = NULL;
    }
    forget_refusal(&rs->refused);
    free_years(rs->years, rs->count);
    for (size_t j = 0; rs->prefork && j < count; j++)
        if (fresh[j]) rules_prefork(years[j].gen);
    rs->years = years;
    rs->count = count;
    rs->generation++;
}

int ruleset_load(struct ruleset *rs, struct rules_report *report)
{
    struct ruleset_year *years = NULL;
    size_t count = 0;
    bool *fresh = NULL;
    if (load_years(rs, report, &years, &count, &fresh) != 0) return -1;
    swap_in(rs, years, count, fresh);
    free(fresh);
    return 0;
}

int ruleset_reload_prepare(const struct ruleset *rs, struct store *st, struct ruleset_pending *p)
{
    memset(p, 0, sizeof *p);
    p->rc = load_years(rs, &p->report, &p->years, &p->count, &p->fresh);
    if (p->rc == 0 && st) {
        char err[1024];
        p->recomputed = recompute_changed(rs, st, p->years, p->fresh, p->count, err, sizeof err);
        if (p->recomputed < 0) {
            char line[1200];
            snprintf(line, sizeof line, "%s (khi tính lại các kết quả đã lưu)", err);
            rules_report_add(&p->report, line);
            for (size_t i = 0; i < p->count; i++)
                if (!p->fresh[i]) p->years[i].gen = NULL; /* borrowed */
            free_years(p->years, p->count);
            free(p->fresh);
            p->years = NULL, p->fresh = NULL, p->count = 0;
            p->rc = -1;
        }
    }
    for (size_t i = 0; p->rc == 0 && i < p->count; i++)
        tell_reload(st, p->years[i].gen, p->report.passed, p->fresh[i]);
    return p->rc;
}

int ruleset_reload_finish(struct ruleset *rs, struct ruleset_pending *p,
                          struct rules_report *report, long *recomputed)
{
    *report = p->report;
    if (p->rc != 0) {
        for (size_t i = 0; i < report->problem_count; i++)
            log_warn("rules: %s", report->problems[i]);
        remember_refusal(rs, report);
        log_warn("rules in %s refused; %s", rs->root,
                 rs->count ? "the previous rules keep serving" : "no rules are loaded");
        return -1;
    }
    for (size_t i = 0; i < p->count; i++) {
        if (p->fresh[i])
            log_info("rules %s loaded from %s: %s", rules_hash(p->years[i].gen), p->years[i].dir,
                     rules_summary(p->years[i].gen));
    }
    swap_in(rs, p->years, p->count, p->fresh);
    free(p->fresh);
    log_info("rules: %zu year(s) in service; %zu self-tests passed; %ld evaluation(s) redone",
             rs->count, report->passed, p->recomputed);
    metrics_set_gauge("thidua_rules_generation", "Rules generations loaded since start.",
                      (double)rs->generation);
    if (recomputed) *recomputed = p->recomputed;
    return 0;
}

int ruleset_reload(struct ruleset *rs, struct store *st, struct rules_report *report,
                   long *recomputed)
{
    struct ruleset_pending pending;
    ruleset_reload_prepare(rs, st, &pending);
    return ruleset_reload_finish(rs, &pending, report, recomputed);
}

void ruleset_free(struct ruleset *rs)
{
    free_years(rs->years, rs->count);
    free(rs->root);
    forget_refusal(&rs->refused);
    memset(rs, 0, sizeof *rs);
}
