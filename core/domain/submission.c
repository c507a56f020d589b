/*
 * submission.c — the write path of facts: versions, audit, re-evaluation, one transaction.
 *
 * A unit's titles depend on its members' results and a head's on the unit's, so whatever a
 * submission touches, its whole unit is evaluated again; a batch (the facts import)
 * re-evaluates each (period, unit) once, after all its versions are in. Evaluations are
 * written inside the same transaction as the facts that made them, so a reader never sees
 * facts without their evaluation — or without the mark that their evaluation failed: a
 * rule that fails at run time on the new facts loses nothing, the versions and audit lines
 * commit and the pair is marked failed with the rule's "file:line: message"
 * (domain/evaluation_failures.h) until an evaluation of it succeeds.
 * Before any of it, submission_check_facts checks a subject's facts with what the rules need
 * to judge them (the period, the person's hiring date): HTTP and the import both call it.
 */
#include "domain/submission.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/evaluation.h"
#include "domain/evaluation_failures.h"
#include "domain/events.h"
#include "domain/membership.h"
#include "domain/unit_periods.h"
#include "store/audit.h"
#include "store/facts.h"
#include "store/people.h"
#include "store/periods.h"
#include "util/json_print.h"

#define AUDIT_DETAIL_LEN 200

/* The (period, unit) pairs to re-evaluate, in the order first touched, without repeats. */
struct touched_units {
    cJSON *set; /* "period\tunit" -> [index of each submission stored for it]; an object
                   keeps insertion order */
};

static void touch(struct touched_units *t, const char *period, const char *unit, size_t index)
{
    char key[128];
    snprintf(key, sizeof key, "%s\t%s", period, unit);
    cJSON *subs = cJSON_GetObjectItemCaseSensitive(t->set, key);
    if (!subs) subs = cJSON_AddArrayToObject(t->set, key);
    cJSON_AddItemToArray(subs, cJSON_CreateNumber((double)index));
}

/* The unit whose evaluation a subject's facts change (malloc'd), or NULL: for a person,
 * the unit that evaluates them in that period (domain/membership.h), which a later move
 * does not change. */
static char *unit_of(struct store *st, const struct ruleset *rs, const struct submission *s)
{
    if (strcmp(s->subject, "unit") == 0) return strdup(s->code);
    return membership_unit_in_period(st, ruleset_for_period(rs, s->period), s->period, s->code);
}

/* The facts of the new version: the submission's, or (merging) the latest version's with
 * the submission's over them. *same says whether that equals the latest version. */
static char *version_text(struct store *st, const struct submission *s,
                          const struct submission_options *o, bool *same)
{
    bool merge = o->merge || s->merge;
    cJSON *latest = o->skip_unchanged || merge
                        ? facts_latest(st, s->period, s->subject, s->code, NULL, NULL, 0)
                        : NULL;
    cJSON *facts = cJSON_Duplicate(merge && latest ? latest : s->facts, 1);
    for (const cJSON *f = merge && latest ? s->facts->child : NULL; facts && f; f = f->next) {
        cJSON *value = cJSON_Duplicate(f, 1);
        if (cJSON_GetObjectItemCaseSensitive(facts, f->string))
            cJSON_ReplaceItemInObjectCaseSensitive(facts, f->string, value);
        else
            cJSON_AddItemToObject(facts, f->string, value);
    }
    *same = latest && facts && cJSON_Compare(latest, facts, 1);
    char *text = facts ? json_print(facts) : NULL;
    cJSON_Delete(facts);
    cJSON_Delete(latest);
    return text;
}

/* Appends one version and its audit line; skipped when equal and asked to. */
static int store_version(struct store *st, const struct submission *s,
                         const struct submission_options *o, struct submission_result *r)
{
    bool same = false;
    char *text = version_text(st, s, o, &same);
    if (!text) return -1;
    if (same && o->skip_unchanged) {
        free(text);
        return 0;
    }
    if (s->submitted_at)
        snprintf(r->submitted_at, sizeof r->submitted_at, "%s", s->submitted_at);
    else
        clock_now_iso(r->submitted_at, sizeof r->submitted_at);
    const char *actor = s->actor ? s->actor : o->actor;
    r->version =
        facts_append_at(st, s->period, s->subject, s->code, text, s->note, actor, r->submitted_at);
    free(text);
    if (r->version <= 0) return -1;
    char detail[AUDIT_DETAIL_LEN];
    snprintf(detail, sizeof detail, "{\"period\":\"%s\",\"version\":%d}", s->period, r->version);
    if (audit_append(st, actor, o->action, s->subject, s->code, detail) != 0) return -1;
    r->stored = true;
    if (strcmp(s->subject, "unit") != 0) return 0;
    cJSON *event = cJSON_CreateObject();
    cJSON_AddStringToObject(event, "period", s->period);
    cJSON_AddStringToObject(event, "unit", s->code);
    cJSON_AddNumberToObject(event, "version", r->version);
    cJSON_AddStringToObject(event, "submitted_at", r->submitted_at);
    return events_queue(st, "report.submitted", s->code, NULL, event);
}

/* evaluation.changed for every subject whose stored evaluation the submission changed. */
static int tell_changes(struct store *st, const char *period, const struct rules_results *r)
{
    for (size_t i = 0; i < r->count && events_enabled(); i++) {
        if (!r->items[i].changed) continue;
        cJSON *event = cJSON_CreateObject();
        cJSON_AddStringToObject(event, "period", period);
        cJSON_AddStringToObject(event, "subject", r->items[i].subject);
        cJSON_AddStringToObject(event, "code", r->items[i].code);
        cJSON_AddNumberToObject(event, "score", r->items[i].score);
        const char *unit = strcmp(r->items[i].subject, "unit") == 0 ? r->items[i].code : "";
        if (events_queue(st, "evaluation.changed", unit, NULL, event) != 0) return -1;
    }
    return 0;
}

/* A rule failed on the pair's facts: the pair is marked failed (in this transaction, with
 * the versions) and each submission stored for it gets the rule's error. */
static int mark_evaluation_failed(struct store *st, struct rules_generation *gen,
                                  const char *period, const cJSON *touched_key, const char *why,
                                  struct submission_result *results, char *err, size_t errlen)
{
    const char *unit = strchr(touched_key->string, '\t') + 1;
    if (evaluation_failure_record(st, gen, period, unit, why, "submission") != 0) {
        snprintf(err, errlen, "%s", store_errmsg(st));
        return -1;
    }
    const cJSON *index;
    cJSON_ArrayForEach(index, touched_key)
    {
        struct submission_result *r = &results[(size_t)index->valuedouble];
        free(r->evaluation_error);
        r->evaluation_error = strdup(why);
    }
    return 0;
}

/* Stores one unit's evaluation and hands out the evaluations asked for. A rule having
 * failed on it marks the pair failed and is no error; the store failing is (-1). */
static int keep_touched(struct store *st, struct rules_generation *gen, const char *period,
                        const cJSON *touched_key, struct rules_unit_call *call,
                        const struct submission *subs, size_t n, const struct submission_options *o,
                        struct submission_result *results, char *err, size_t errlen)
{
    const char *unit = strchr(touched_key->string, '\t') + 1;
    char why[1024];
    if (call->rc != 0)
        return mark_evaluation_failed(st, gen, period, touched_key, call->err, results, err,
                                      errlen);
    if (evaluation_keep(st, gen, period, unit, &call->results, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s %s: %s", period, unit, why);
        return -1;
    }
    for (size_t i = 0; o->want_evaluation && i < n; i++) {
        if (strcmp(subs[i].period, period) != 0 || results[i].evaluation) continue;
        results[i].evaluation = evaluation_find(&call->results, subs[i].subject, subs[i].code);
    }
    if (tell_changes(st, period, &call->results) == 0) return 0;
    snprintf(err, errlen, "%s", store_errmsg(st));
    return -1;
}

static cJSON *check_context(struct store *st, const char *period, const char *subject,
                            const char *code);

/* The submissions' facts still to check (options.checks), checked by the first rule
 * process of their year. */
struct pending_checks {
    struct facts_check *checks;
    bool *done;
    size_t n;
};

/* Fills in the checks of year gen not yet done, the rules having answered into rc[0..k)
 * for the submissions index[0..k). */
static void checks_answered(struct pending_checks *pc, const size_t *index,
                            struct rules_facts_check *rc, size_t k)
{
    for (size_t c = 0; c < k; c++) {
        pc->checks[index[c]].problems = rc[c].problems;
        pc->done[index[c]] = true;
        cJSON_Delete((cJSON *)rc[c].context);
    }
}

/* The checks of year gen not yet done, as the rules take them (contexts made here):
 * rc[0..k) for the submissions index[0..k). */
static size_t checks_of_year(struct store *st, const struct ruleset *rs,
                             struct rules_generation *gen, const struct submission *subs,
                             struct pending_checks *pc, size_t *index, struct rules_facts_check *rc)
{
    size_t k = 0;
    for (size_t i = 0; pc && i < pc->n; i++) {
        if (pc->done[i] || ruleset_for_period(rs, subs[i].period) != gen) continue;
        rc[k] = (struct rules_facts_check){
            subs[i].subject, subs[i].facts,
            check_context(st, subs[i].period, subs[i].subject, subs[i].code), NULL};
        index[k++] = i;
    }
    return k;
}

/* Evaluates and stores the touched (period, unit) pairs from `first` on that share its
 * period, up to EVALUATION_BATCH of them in one rule process, which first checks the
 * year's pending submissions' facts; *next is the pair after them. 0, or -1 when the
 * store fails. */
static int evaluate_touched(struct store *st, const struct ruleset *rs, const cJSON *first,
                            const cJSON **next, const struct submission *subs, size_t n,
                            const struct submission_options *o, struct pending_checks *pc,
                            struct submission_result *results, char *err, size_t errlen)
{
    char period[64];
    const char *tab = strchr(first->string, '\t');
    snprintf(period, sizeof period, "%.*s", (int)(tab - first->string), first->string);
    struct rules_generation *gen = ruleset_for_period(rs, period);
    if (!gen) {
        snprintf(err, errlen, "%s: no campaign year declares this period", period);
        return -1;
    }
    const cJSON *keys[EVALUATION_BATCH];
    const char *codes[EVALUATION_BATCH];
    size_t m = 0;
    const cJSON *k = first; /* never NULL: the caller's pair, of the period just read */
    do {
        keys[m] = k;
        codes[m++] = strchr(k->string, '\t') + 1;
        k = k->next;
    } while (k && m < EVALUATION_BATCH &&
             strncmp(k->string, first->string, strlen(period) + 1) == 0);
    *next = k;
    struct rules_unit_call calls[EVALUATION_BATCH];
    char why[1024];
    size_t *index = pc ? calloc(pc->n ? pc->n : 1, sizeof *index) : NULL;
    struct rules_facts_check *asked = pc ? calloc(pc->n ? pc->n : 1, sizeof *asked) : NULL;
    size_t nasked = index && asked ? checks_of_year(st, rs, gen, subs, pc, index, asked) : 0;
    int failed = evaluation_of_units_checking(st, gen, period, codes, m, calls, asked, nasked, why,
                                              sizeof why);
    if (failed) {
        for (size_t c = 0; c < nasked; c++)
            cJSON_Delete((cJSON *)asked[c].context);
    } else {
        checks_answered(pc, index, asked, nasked);
    }
    free(index);
    free(asked);
    if (failed) {
        snprintf(err, errlen, "%s: %s", period, why);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < m && rc == 0; i++)
        rc = keep_touched(st, gen, period, keys[i], &calls[i], subs, n, o, results, err, errlen);
    evaluation_units_free(calls, m);
    return rc;
}

/* A closed period's facts and results are records: no submission may change them. */
static bool writes_closed_period(struct store *st, const struct submission *subs, size_t n,
                                 char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && strcmp(subs[i].period, subs[i - 1].period) == 0) continue;
        if (periods_is_closed(st, subs[i].period) != 0) {
            snprintf(err, errlen, "kỳ %s đã khoá sổ: kết quả của kỳ là hồ sơ, không sửa được",
                     subs[i].period);
            return true;
        }
    }
    return false;
}

/* The status of a write the store refused, by why (store/store.h), or `otherwise`: called
 * right after the failing call, before the rollback. */
static enum submission_status store_refused(struct store *st, enum submission_status otherwise)
{
    switch (store_failure(st)) {
    case STORE_FAILURE_DISK_FULL: return SUBMISSION_DISK_FULL;
    case STORE_FAILURE_READ_ONLY: return SUBMISSION_READ_ONLY;
    case STORE_FAILURE_LOCKED: return SUBMISSION_BUSY;
    default: return otherwise;
    }
}

bool submission_unit_exists(struct store *st, const struct ruleset *rs, const struct submission *s,
                            char *why, size_t whylen)
{
    struct rules_generation *gen = ruleset_for_period(rs, s->period);
    const cJSON *period = gen ? rules_period(gen, s->period) : NULL;
    char *unit = period ? unit_of(st, rs, s) : NULL;
    bool absent = unit && unit_presence_in_period(st, unit, period, why, whylen) == UNIT_ABSENT;
    free(unit);
    return !absent;
}

/* A unit reports only for periods in which it exists (domain/unit_periods.c). */
static bool writes_absent_unit(struct store *st, const struct ruleset *rs,
                               const struct submission *subs, size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        if (!submission_unit_exists(st, rs, &subs[i], err, errlen)) return true;
    }
    return false;
}

/* Checks what no evaluation's process checked (a subject whose unit was not evaluated);
 * true when every submission's facts were checked and have no problem. */
static bool all_checked_clean(struct store *st, const struct ruleset *rs,
                              const struct submission *subs, struct pending_checks *pc)
{
    bool clean = true;
    for (size_t i = 0; i < pc->n; i++) {
        if (!pc->done[i]) {
            struct rules_generation *gen = ruleset_for_period(rs, subs[i].period);
            pc->checks[i].problems =
                gen ? submission_check_facts(st, gen, subs[i].period, subs[i].subject, subs[i].code,
                                             subs[i].facts)
                    : NULL;
            pc->done[i] = true;
        }
        clean = clean && pc->checks[i].problems && cJSON_GetArraySize(pc->checks[i].problems) == 0;
    }
    return clean;
}

/* Everything between BEGIN and COMMIT. */
static enum submission_status apply_in_transaction(struct store *st, const struct ruleset *rs,
                                                   const struct submission *subs, size_t n,
                                                   const struct submission_options *o,
                                                   struct submission_result *results, char *err,
                                                   size_t errlen)
{
    if (writes_closed_period(st, subs, n, err, errlen)) return SUBMISSION_PERIOD_CLOSED;
    if (writes_absent_unit(st, rs, subs, n, err, errlen)) return SUBMISSION_UNIT_ABSENT;
    struct touched_units touched = {cJSON_CreateObject()};
    enum submission_status status = SUBMISSION_OK;
    for (size_t i = 0; i < n && status == SUBMISSION_OK; i++) {
        if (store_version(st, &subs[i], o, &results[i]) != 0) {
            snprintf(err, errlen, "%s", store_errmsg(st));
            status = store_refused(st, SUBMISSION_STORE_FAILED);
            break;
        }
        char *unit = results[i].stored ? unit_of(st, rs, &subs[i]) : NULL;
        if (unit) touch(&touched, subs[i].period, unit, i);
        free(unit);
    }
    bool *done = o->checks ? calloc(n ? n : 1, sizeof *done) : NULL;
    struct pending_checks checks = {o->checks, done, n}, *pc = done ? &checks : NULL;
    if (o->checks && !done) status = SUBMISSION_STORE_FAILED;
    const cJSON *pending = touched.set->child;
    while (pending && status == SUBMISSION_OK) {
        const cJSON *batch = pending;
        if (evaluate_touched(st, rs, batch, &pending, subs, n, o, pc, results, err, errlen) != 0)
            status = store_refused(st, SUBMISSION_STORE_FAILED);
    }
    cJSON_Delete(touched.set);
    if (status == SUBMISSION_OK && pc && !all_checked_clean(st, rs, subs, pc)) {
        snprintf(err, errlen, "số liệu có lỗi; không có gì được lưu");
        status = SUBMISSION_INVALID;
    }
    free(done);
    for (size_t i = 0; status == SUBMISSION_OK && o->want_evaluation && i < n; i++) {
        if (results[i].stored && !results[i].evaluation && !results[i].evaluation_error) {
            snprintf(err, errlen, "%s %s was not evaluated", subs[i].subject, subs[i].code);
            status = SUBMISSION_EVALUATION;
        }
    }
    return status;
}

enum submission_status submissions_apply(struct store *st, const struct ruleset *rs,
                                         const struct submission *subs, size_t n,
                                         const struct submission_options *options,
                                         struct submission_result *results, char *err,
                                         size_t errlen)
{
    memset(results, 0, n * sizeof *results);
    if (store_begin(st) != 0) {
        snprintf(err, errlen, "%s", store_errmsg(st));
        return store_refused(st, SUBMISSION_BUSY);
    }
    enum submission_status status =
        apply_in_transaction(st, rs, subs, n, options, results, err, errlen);
    if (status == SUBMISSION_OK && store_commit(st) != 0) {
        snprintf(err, errlen, "%s", store_errmsg(st));
        status = store_refused(st, SUBMISSION_COMMIT_FAILED);
    }
    if (status != SUBMISSION_OK) {
        store_rollback(st);
        submission_results_free(results, n);
        memset(results, 0, n * sizeof *results);
    }
    return status;
}

/* What the rules need to judge a subject's facts: the period and the subject's record. */
static cJSON *check_context(struct store *st, const char *period, const char *subject,
                            const char *code)
{
    cJSON *context = cJSON_CreateObject();
    cJSON_AddStringToObject(context, "period", period);
    cJSON *record = cJSON_AddObjectToObject(context, "subject");
    cJSON_AddStringToObject(record, "code", code);
    char *hired_on = strcmp(subject, "person") == 0 ? people_hired_on(st, code) : NULL;
    if (hired_on && hired_on[0])
        cJSON_AddStringToObject(record, "hired_on", hired_on);
    else
        cJSON_AddNullToObject(record, "hired_on");
    free(hired_on);
    return context;
}

cJSON *submission_check_facts(struct store *st, struct rules_generation *gen, const char *period,
                              const char *subject, const char *code, const cJSON *facts)
{
    cJSON *context = check_context(st, period, subject, code);
    cJSON *problems = rules_validate_facts(gen, subject, facts, context);
    cJSON_Delete(context);
    return problems;
}

void submission_check_facts_many(struct store *st, struct rules_generation *gen,
                                 struct facts_check *checks, size_t n)
{
    const char **subjects = calloc(n ? n : 1, sizeof *subjects);
    const cJSON **facts = calloc(n ? n : 1, sizeof *facts);
    cJSON **contexts = calloc(n ? n : 1, sizeof *contexts);
    cJSON **problems = calloc(n ? n : 1, sizeof *problems);
    for (size_t i = 0; subjects && facts && contexts && problems && i < n; i++) {
        subjects[i] = checks[i].subject;
        facts[i] = checks[i].facts;
        contexts[i] = check_context(st, checks[i].period, checks[i].subject, checks[i].code);
    }
    if (subjects && facts && contexts && problems)
        rules_validate_facts_many(gen, n, subjects, facts, (const cJSON *const *)contexts,
                                  problems);
    for (size_t i = 0; i < n; i++) {
        checks[i].problems = problems ? problems[i] : NULL;
        if (contexts) cJSON_Delete(contexts[i]);
    }
    free(subjects);
    free(facts);
    free(contexts);
    free(problems);
}

void submission_results_free(struct submission_result *results, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cJSON_Delete(results[i].evaluation);
        results[i].evaluation = NULL;
        free(results[i].evaluation_error);
        results[i].evaluation_error = NULL;
    }
}
