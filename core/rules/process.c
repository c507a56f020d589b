/*
 * process.c — every call that runs rule code runs in a throwaway process under a
 * wall-clock deadline (lua/sandbox_process.h): validation, evaluations, reminders,
 * deadlines, and the self-tests of a load.
 *
 * Why a process per call: the instruction budget cannot see time spent inside one C
 * function (a backtracking string.find ran 13 s on 40,000 characters), and only a process
 * can be stopped whatever it is doing. The child is a copy-on-write image of the daemon
 * with the loaded generation in it; it evaluates, writes its answer as bytes and exits. So
 * the generation in the daemon never runs an evaluation: what a rule keeps in a file-level
 * table (`local seen = {}`) or changes anywhere in its state dies with the child, and the
 * next evaluation starts from the generation as it was loaded (issue 9, finding 5).
 *
 * Loading: the whole load (files, checks, self-tests) runs first in a child under the load
 * deadline; only if it passed there is the generation built in this process, the same
 * files and checks without the self-tests (whose outcome the child reported), so the
 * generation evaluations are forked from holds nothing the self-tests left behind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/sandbox.h"
#include "lua/sandbox_process.h"
#include "rules/internal.h"
#include "util/text.h"
#include "util/json_print.h"
#include "util/log.h"

/* ---- bytes across the pipe: fields as "<length>:<bytes>", "-" for none ---------------- */

void rules_put_field(struct buffer *b, const char *text, size_t len)
{
    char digits[TEXT_DECIMAL_LEN];
    if (!text) {
        buffer_putc(b, '-');
        return;
    }
    buffer_puts(b, text_decimal(digits, (long long)len));
    buffer_putc(b, ':');
    buffer_put(b, text, len);
}

#define FIELD_DIGITS 20 /* any size_t */

size_t rules_field_open(struct buffer *b)
{
    size_t at = b->len;
    buffer_put(b, "00000000000000000000:", FIELD_DIGITS + 1);
    return at;
}

void rules_field_close(struct buffer *b, size_t at)
{
    if (b->failed) return;
    size_t len = b->len - at - (FIELD_DIGITS + 1);
    for (char *digit = b->data + at + FIELD_DIGITS - 1; len > 0; digit--, len /= 10)
        *digit = (char)('0' + len % 10);
}

static void put_text(struct buffer *b, const char *text)
{
    rules_put_field(b, text, text ? strlen(text) : 0);
}

const char *rules_get_field(const char **at, const char *end, size_t *len, bool *ok)
{
    if (*at < end && **at == '-') {
        (*at)++;
        return NULL;
    }
    char *colon = NULL;
    unsigned long long n = *at < end ? strtoull(*at, &colon, 10) : 0;
    if (!colon || colon >= end || *colon != ':' || n > (unsigned long long)(end - colon - 1)) {
        *ok = false;
        *at = end;
        return NULL;
    }
    *len = (size_t)n;
    *at = colon + 1 + n;
    return colon + 1;
}

char *rules_get_text(const char **at, const char *end, bool *ok)
{
    size_t len = 0;
    const char *s = rules_get_field(at, end, &len, ok);
    if (!s) return NULL;
    char *out = malloc(len + 1);
    if (!out) return NULL;
    memcpy(out, s, len);
    out[len] = '\0';
    return out;
}

/* ---- calls answered with JSON ------------------------------------------------------ */

struct json_job {
    struct rules_generation *gen;
    cJSON *(*run)(struct json_job *job, char *err, size_t errlen);
    const char *text; /* subject, now */
    const cJSON *a, *b;
    size_t units;
};

static int json_work(void *arg, struct buffer *out, char *err, size_t errlen)
{
    struct json_job *job = arg;
    sandbox_throwaway(job->gen->sandbox);
    cJSON *result = job->run(job, err, errlen);
    if (!result) {
        if (!err[0]) snprintf(err, errlen, "các quy tắc không chạy được");
        return -1;
    }
    char *text = json_print(result);
    if (!text) return -1;
    buffer_puts(out, text);
    return 0;
}

static cJSON *run_json_job(struct json_job *job, char *err, size_t errlen)
{
    struct buffer out = {0};
    char why[RULES_ERR_LEN] = "";
    enum sandbox_process_status status = sandbox_process_run(job->gen->limits.eval_deadline_ms,
                                                             json_work, job, &out, why, sizeof why);
    cJSON *result = NULL;
    if (status == SANDBOX_PROCESS_OK) {
        result = cJSON_ParseWithLength(out.data ? out.data : "", out.len);
        if (!result) snprintf(why, sizeof why, "kết quả của các quy tắc không đọc được");
    }
    if (!result && err) snprintf(err, errlen, "%s", why);
    buffer_free(&out);
    return result;
}

static cJSON *validate_job(struct json_job *job, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    return rules_validate_facts_here(job->gen, job->text, job->a, job->b);
}

cJSON *rules_validate_facts(struct rules_generation *gen, const char *subject, const cJSON *facts,
                            const cJSON *context)
{
    struct json_job job = {gen, validate_job, subject, facts, context, 0};
    return run_json_job(&job, NULL, 0);
}

static cJSON *person_job(struct json_job *job, char *err, size_t errlen)
{
    return rules_evaluate_person_here(job->gen, job->text, job->a, err, errlen);
}

cJSON *rules_evaluate_person(struct rules_generation *gen, const char *period, const cJSON *person,
                             char *err, size_t errlen)
{
    struct json_job job = {gen, person_job, period, person, NULL, 0};
    return run_json_job(&job, err, errlen);
}

static cJSON *deadlines_job(struct json_job *job, char *err, size_t errlen)
{
    return rules_deadlines_here(job->gen, err, errlen);
}

cJSON *rules_deadlines(struct rules_generation *gen, char *err, size_t errlen)
{
    struct json_job job = {gen, deadlines_job, NULL, NULL, NULL, 0};
    return run_json_job(&job, err, errlen);
}

static cJSON *reminder_periods_job(struct json_job *job, char *err, size_t errlen)
{
    return rules_reminder_periods_here(job->gen, job->text, err, errlen);
}

cJSON *rules_reminder_periods(struct rules_generation *gen, const char *now, char *err,
                              size_t errlen)
{
    struct json_job job = {gen, reminder_periods_job, now, NULL, NULL, 0};
    return run_json_job(&job, err, errlen);
}

static cJSON *plan_job(struct json_job *job, char *err, size_t errlen)
{
    return rules_plan_reminders_here(job->gen, job->a, job->units, err, errlen);
}

cJSON *rules_plan_reminders(struct rules_generation *gen, const cJSON *input, size_t units,
                            char *err, size_t errlen)
{
    struct json_job job = {gen, plan_job, NULL, input, NULL, units};
    return run_json_job(&job, err, errlen);
}

/* ---- a unit's evaluation: each result as subject, code, score, JSON text ------------- */

struct unit_job {
    struct rules_generation *gen;
    const char *period;
    const cJSON *unit, *members;
};

static int unit_work(void *arg, struct buffer *out, char *err, size_t errlen)
{
    struct unit_job *job = arg;
    sandbox_throwaway(job->gen->sandbox);
    return rules_evaluate_unit_fields_here(job->gen, job->period, job->unit, job->members, out, err,
                                           errlen);
}

int rules_read_results(char *text, size_t len, struct rules_results *out)
{
    size_t capacity = 8;
    out->items = calloc(capacity, sizeof *out->items);
    out->text = text;
    const char *at = text, *end = text + len;
    bool ok = out->items != NULL;
    while (ok && at < end) {
        if (out->count == capacity) {
            struct rules_result *grown = realloc(out->items, 2 * capacity * sizeof *grown);
            if (!grown) return -1;
            out->items = grown, capacity *= 2;
        }
        struct rules_result *r = &out->items[out->count];
        memset(r, 0, sizeof *r);
        size_t n = 0;
        const char *s = rules_get_field(&at, end, &n, &ok);
        snprintf(r->subject, sizeof r->subject, "%.*s", (int)n, s ? s : "");
        s = rules_get_field(&at, end, &n, &ok);
        snprintf(r->code, sizeof r->code, "%.*s", (int)n, s ? s : "");
        s = rules_get_field(&at, end, &n, &ok);
        char score[32];
        snprintf(score, sizeof score, "%.*s", (int)n, s ? s : "0");
        r->score = atoi(score);
        s = rules_get_field(&at, end, &n, &ok);
        if (!s || !ok || n == 0 || s[n - 1] != '\0') {
            ok = false;
            break;
        }
        r->json = (char *)s;
        s = rules_get_field(&at, end, &n, &ok);
        if (!s || !ok || n == 0 || s[n - 1] != '\0') {
            ok = false;
            break;
        }
        r->outline = (char *)s;
        out->count++;
    }
    return ok && out->count > 0 ? 0 : -1;
}

int rules_evaluate_unit_text(struct rules_generation *gen, const char *period, const cJSON *unit,
                             const cJSON *members, struct rules_results *out, char *err,
                             size_t errlen)
{
    memset(out, 0, sizeof *out);
    struct unit_job job = {gen, period, unit, members};
    struct buffer answer = {0};
    if (sandbox_process_run(gen->limits.eval_deadline_ms, unit_work, &job, &answer, err, errlen) !=
        SANDBOX_PROCESS_OK) {
        buffer_free(&answer);
        return -1;
    }
    size_t len = answer.len;
    if (rules_read_results(buffer_take(&answer), len, out) == 0) return 0;
    rules_results_free(out);
    snprintf(err, errlen, "kết quả đánh giá của các quy tắc không đọc được");
    return -1;
}

/* ---- a load: vetted whole in a child, then built here without the self-tests ---------- */

struct load_job {
    const char *dir;
    const struct rules_limits *limits;
};

static void put_report(struct buffer *b, const struct rules_report *report, bool loaded)
{
    buffer_putc(b, loaded ? 'Y' : 'N');
    for (size_t i = 0; i < report->problem_count; i++) {
        buffer_putc(b, 'P');
        put_text(b, report->problems[i]);
    }
    for (size_t i = 0; i < report->test_count; i++) {
        const struct rules_test_result *t = &report->tests[i];
        buffer_putc(b, t->passed ? 'T' : 'F');
        put_text(b, t->name);
        put_text(b, t->at);
        put_text(b, t->message);
    }
}

static int load_work(void *arg, struct buffer *out, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct load_job *job = arg;
    struct rules_report report;
    struct rules_generation *gen = rules_load_here(job->dir, job->limits, &report, true);
    put_report(out, &report, gen != NULL);
    return 0; /* the child exits: nothing to free */
}

/* Rebuilds the child's report in report (empty on entry); true if the child loaded. */
static bool read_report(const char *at, const char *end, struct rules_report *report)
{
    bool loaded = at < end && *at++ == 'Y', ok = true;
    size_t tests = 0;
    for (const char *p = at; p < end; p++) /* an upper bound of the tests */
        tests += *p == 'T' || *p == 'F';
    report->tests = calloc(tests ? tests : 1, sizeof *report->tests);
    while (ok && at < end && report->tests) {
        char kind = *at++;
        if (kind == 'P') {
            char *line = rules_get_text(&at, end, &ok);
            if (line) rules_report_add(report, line);
            free(line);
            continue;
        }
        struct rules_test_result *t = &report->tests[report->test_count++];
        t->passed = kind == 'T';
        t->name = rules_get_text(&at, end, &ok);
        t->at = rules_get_text(&at, end, &ok);
        t->message = rules_get_text(&at, end, &ok);
        report->passed += t->passed;
        report->failed += !t->passed;
    }
    return loaded && ok;
}

/* The vetting behind key passed (remembered, or just now): the generation built here, if it
 * was built from the files the key named. */
static struct rules_generation *load_vetted(const char *dir, const struct rules_limits *limits,
                                            const char *files_hash, struct rules_report *report)
{
    struct rules_report here;
    struct rules_generation *gen = rules_load_here(dir, limits, &here, false);
    for (size_t i = 0; i < here.problem_count; i++)
        rules_report_add(report, here.problems[i]);
    rules_report_free(&here);
    if (gen && files_hash && strcmp(rules_hash(gen), files_hash) != 0) {
        rules_free(gen); /* the files changed meanwhile: vet them */
        return NULL;
    }
    return gen;
}

struct rules_generation *rules_load(const char *dir, const struct rules_limits *limits,
                                    const struct rules_vetted *vetted, struct rules_report *report)
{
    memset(report, 0, sizeof *report);
    char key[RULES_HASH_LEN], files_hash[RULES_HASH_LEN];
    char key_after[RULES_HASH_LEN], files_after[RULES_HASH_LEN]; /* once the child vetted */
    bool keyed = vetted && rules_vetting_key(dir, limits, key, files_hash) == 0;
    if (keyed && vetted->remembers(vetted->ctx, key)) {
        struct rules_generation *gen = load_vetted(dir, limits, files_hash, report);
        char where[RULES_PATH_MAX];
        log_value(where, sizeof where, dir);
        log_fields(LOG_DEBUG, "event=rules_vetting_remembered dir=%s key=%s used=%s", where, key,
                   gen ? "yes" : "no");
        if (gen) return gen;
        rules_report_free(report);
        memset(report, 0, sizeof *report);
    }
    struct load_job job = {dir, limits};
    struct buffer answer = {0};
    char err[RULES_ERR_LEN];
    enum sandbox_process_status status =
        sandbox_process_run(limits->load_deadline_ms, load_work, &job, &answer, err, sizeof err);
    if (status != SANDBOX_PROCESS_OK) {
        char line[RULES_ERR_LEN + 256];
        snprintf(line, sizeof line, "%s: %s (khi nạp các tệp và chạy các bài kiểm tra)", dir, err);
        rules_report_add(report, line);
        buffer_free(&answer);
        return NULL;
    }
    bool loaded = answer.data && read_report(answer.data, answer.data + answer.len, report);
    buffer_free(&answer);
    if (!loaded) {
        if (report->problem_count == 0) rules_report_add(report, "bộ quy tắc không nạp được");
        return NULL;
    }
    struct rules_generation *gen = load_vetted(dir, limits, NULL, report);
    /* Remembered only if the files did not change while the child vetted them. */
    if (gen && keyed && rules_vetting_key(dir, limits, key_after, files_after) == 0 &&
        strcmp(key_after, key) == 0 && strcmp(rules_hash(gen), files_hash) == 0)
        vetted->remember(vetted->ctx, key);
    return gen;
}

/* ---- many validations in one process (a province's import: one fork, not 50,000) ----- */

struct validate_many_job {
    struct rules_generation *gen;
    size_t n;
    const char *const *subjects;
    const cJSON *const *facts, *const *contexts;
};

static int validate_many_work(void *arg, struct buffer *out, char *err, size_t errlen)
{
    struct validate_many_job *job = arg;
    (void)err, (void)errlen;
    sandbox_throwaway(job->gen->sandbox);
    buffer_putc(out, '[');
    for (size_t i = 0; i < job->n; i++) {
        cJSON *problems =
            rules_validate_facts_here(job->gen, job->subjects[i], job->facts[i], job->contexts[i]);
        char *text = problems ? json_print(problems) : NULL;
        buffer_puts(out, i ? "," : "");
        buffer_puts(out, text ? text : "null");
        free(text);
        cJSON_Delete(problems);
    }
    buffer_putc(out, ']');
    return 0;
}

int rules_validate_facts_many(struct rules_generation *gen, size_t n, const char *const *subjects,
                              const cJSON *const *facts, const cJSON *const *contexts,
                              cJSON **problems)
{
    memset(problems, 0, n * sizeof *problems);
    struct validate_many_job job = {gen, n, subjects, facts, contexts};
    struct buffer out = {0};
    char err[RULES_ERR_LEN];
    /* One deadline per hundred subjects: only a rule that spins comes near it. */
    long deadline = gen->limits.eval_deadline_ms * (long)(1 + n / 100);
    if (sandbox_process_run(deadline, validate_many_work, &job, &out, err, sizeof err) !=
        SANDBOX_PROCESS_OK) {
        buffer_free(&out);
        return -1;
    }
    cJSON *all = cJSON_ParseWithLength(out.data ? out.data : "", out.len);
    buffer_free(&out);
    if (!cJSON_IsArray(all) || (size_t)cJSON_GetArraySize(all) != n) {
        cJSON_Delete(all);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *item = cJSON_DetachItemFromArray(all, 0);
        problems[i] = cJSON_IsArray(item) ? item : NULL;
        if (!problems[i]) cJSON_Delete(item);
    }
    cJSON_Delete(all);
    return 0;
}
