/*
 * batch.c — many units' evaluations in one throwaway process (rules_evaluate_units_text):
 * a reload recomputes hundreds of units, and a process per unit (about 18 ms each on a
 * loaded machine) made it half again as slow as evaluating them in the daemon.
 *
 * The child takes the units as steps (sandbox_process_step): each has the deadline one
 * call would have, counted from its own start, and before each rule runs the engine says
 * which (host.running, rules/load.c), so a kill names the rule. Each unit's answer is
 * "K" and its results as one field, or "E" and the rule's error. When the child is killed
 * on unit k, what it had done is lost with it: unit k is failed with the deadline's words,
 * and the units not yet answered go to a new child.
 *
 * A batch may first check facts (rules_evaluate_units_checking: a submission's, checked
 * while its unit is evaluated): that is the child's first step, answered "V" and each
 * subject's problems as JSON text ("-" where they could not be written). A child killed
 * on that step leaves the checks unanswered (NULL problems) and the units to a new child.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/json.h"
#include "lua/sandbox.h"
#include "lua/sandbox_process.h"
#include "lua/sandbox_spawner.h"
#include "util/json_print.h"
#include "util/throwaway_heap.h"
#include "rules/internal.h"

#define ANSWER_EVALUATED 'K'
#define ANSWER_FAILED    'E'
#define ANSWER_CHECKED   'V'

/* What a unit's answer takes, generously: 50 people's evaluations are about 170 KB. */
#define UNIT_ANSWER_GUESS (256u << 10)

struct batch_job {
    struct rules_generation *gen;
    const char *period;
    struct rules_unit_call *calls;
    const size_t *pending; /* the indices of calls this child evaluates, in order */
    size_t count;
    struct rules_facts_check *checks; /* checked first (NULL: none) */
    size_t nchecks;
};

/* The first step: every check's problems as one field each. */
static void check_facts(struct batch_job *job, struct buffer *out)
{
    sandbox_process_step();
    buffer_putc(out, ANSWER_CHECKED);
    for (size_t i = 0; i < job->nchecks; i++) {
        struct rules_facts_check *c = &job->checks[i];
        cJSON *problems = rules_validate_facts_here(job->gen, c->subject, c->facts, c->context);
        char *text = problems ? json_print(problems) : NULL;
        rules_put_field(out, text, text ? strlen(text) : 0);
        free(text);
        cJSON_Delete(problems);
    }
}

static int batch_work(void *arg, struct buffer *out, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct batch_job *job = arg;
    sandbox_throwaway(job->gen->sandbox);
    lua_json_remember_strings();
    /* Room for the whole answer at once: address space only until written, and no copy
     * of what came before each time the answer outgrows its block. */
    buffer_reserve(out, job->count * UNIT_ANSWER_GUESS);
    if (!out->failed) throwaway_heap_advise(out->data, out->cap); /* written start to end */
    if (job->nchecks > 0) check_facts(job, out);
    for (size_t i = 0; i < job->count; i++) {
        struct rules_unit_call *call = &job->calls[job->pending[i]];
        char why[sizeof call->err] = "";
        sandbox_process_step();
        buffer_putc(out, ANSWER_EVALUATED);
        size_t field = rules_field_open(out);
        if (rules_evaluate_unit_fields_here(job->gen, job->period, call->unit, call->members, out,
                                            why, sizeof why) == 0) {
            rules_field_close(out, field);
            continue;
        }
        if (!out->failed) { /* the unit's answer is its error instead */
            out->len = field - 1;
            out->data[out->len] = '\0';
        }
        buffer_putc(out, ANSWER_FAILED);
        rules_put_field(out, why, strlen(why));
    }
    return 0;
}

/* ---- the job as bytes, for a child of the generation's spawner (rules_prefork) ------- */

static void put_json(struct buffer *b, const cJSON *item)
{
    char *text = item ? json_print(item) : NULL;
    rules_put_field(b, text, text ? strlen(text) : 0);
    free(text);
}

static void put_count(struct buffer *b, size_t n)
{
    char text[32];
    int len = snprintf(text, sizeof text, "%zu", n);
    rules_put_field(b, text, (size_t)len);
}

/* The period; the units to evaluate (each unit's and its members' inputs); the checks. */
static void encode_job(const struct batch_job *job, struct buffer *b)
{
    rules_put_field(b, job->period, strlen(job->period));
    put_count(b, job->count);
    for (size_t i = 0; i < job->count; i++) {
        put_json(b, job->calls[job->pending[i]].unit);
        put_json(b, job->calls[job->pending[i]].members);
    }
    put_count(b, job->nchecks);
    for (size_t i = 0; i < job->nchecks; i++) {
        rules_put_field(b, job->checks[i].subject, strlen(job->checks[i].subject));
        put_json(b, job->checks[i].facts);
        put_json(b, job->checks[i].context);
    }
}

static cJSON *get_json(const char **at, const char *end, bool *ok)
{
    size_t len = 0;
    const char *field = rules_get_field(at, end, &len, ok);
    return field ? cJSON_ParseWithLength(field, len) : NULL;
}

/* A count field of the job. */
static size_t get_count(const char **at, const char *end, bool *ok)
{
    char *text = rules_get_text(at, end, ok);
    size_t n = text ? strtoul(text, NULL, 10) : 0;
    free(text);
    return n;
}

/* What spawned_work read back, freed. */
static void free_job(struct batch_job *job, char *period, size_t *pending, char **subjects)
{
    for (size_t i = 0; job->calls && i < job->count; i++) {
        cJSON_Delete((cJSON *)job->calls[i].unit);
        cJSON_Delete((cJSON *)job->calls[i].members);
    }
    for (size_t i = 0; job->checks && i < job->nchecks; i++) {
        cJSON_Delete((cJSON *)job->checks[i].facts);
        cJSON_Delete((cJSON *)job->checks[i].context);
        if (subjects) free(subjects[i]);
    }
    free(job->calls);
    free(job->checks);
    free(subjects);
    free(pending);
    free(period);
}

/* In the spawner's child: the job read back, then run as batch_work runs it. */
static int spawned_work(void *ctx, const char *in, size_t len, struct buffer *out, char *err,
                        size_t errlen)
{
    const char *at = in, *end = in + len;
    bool ok = true;
    struct batch_job job = {.gen = ctx};
    char *period = rules_get_text(&at, end, &ok);
    job.period = period ? period : "";
    job.count = get_count(&at, end, &ok);
    job.calls = calloc(job.count ? job.count : 1, sizeof *job.calls);
    size_t *pending = calloc(job.count ? job.count : 1, sizeof *pending);
    for (size_t i = 0; ok && job.calls && pending && i < job.count; i++) {
        job.calls[i].unit = get_json(&at, end, &ok);
        job.calls[i].members = get_json(&at, end, &ok);
        pending[i] = i;
    }
    job.pending = pending;
    job.nchecks = ok ? get_count(&at, end, &ok) : 0;
    job.checks = calloc(job.nchecks ? job.nchecks : 1, sizeof *job.checks);
    char **subjects = calloc(job.nchecks ? job.nchecks : 1, sizeof *subjects);
    for (size_t i = 0; ok && job.checks && subjects && i < job.nchecks; i++) {
        subjects[i] = rules_get_text(&at, end, &ok);
        job.checks[i].subject = subjects[i] ? subjects[i] : "";
        job.checks[i].facts = get_json(&at, end, &ok);
        job.checks[i].context = get_json(&at, end, &ok);
    }
    int rc = -1;
    if (ok && job.calls && pending && job.checks && subjects)
        rc = batch_work(&job, out, err, errlen);
    else
        snprintf(err, errlen, "công việc gửi cho tiến trình chạy quy tắc bị hỏng");
    free_job(&job, period, pending, subjects);
    return rc;
}

void rules_prefork(struct rules_generation *gen)
{
    if (!gen->spawner) gen->spawner = sandbox_spawner_start(spawned_work, gen);
}

/* Runs the job in a child: one the spawner forked ahead of need, or (no spawner, or it
 * has gone) one forked from here. */
static enum sandbox_process_status run_job(struct batch_job *job, struct buffer *answer,
                                           long *killed, char *err, size_t errlen)
{
    long deadline = job->gen->limits.eval_deadline_ms;
    if (job->gen->spawner) {
        struct buffer in = {0};
        encode_job(job, &in);
        enum sandbox_process_status status =
            in.failed ? SANDBOX_PROCESS_UNAVAILABLE
                      : sandbox_spawner_run(job->gen->spawner, deadline, true, in.data, in.len,
                                            answer, killed, err, errlen);
        buffer_free(&in);
        if (status != SANDBOX_PROCESS_UNAVAILABLE) return status;
    }
    return sandbox_process_run_steps(deadline, batch_work, job, answer, killed, err, errlen);
}

/* Reads one unit's answer at *at into call; false when the bytes are malformed. */
static bool read_one(const char **at, const char *end, struct rules_unit_call *call)
{
    bool ok = true;
    char kind = *(*at)++;
    size_t len = 0;
    const char *field = rules_get_field(at, end, &len, &ok);
    if (!ok || !field || (kind != ANSWER_EVALUATED && kind != ANSWER_FAILED)) return false;
    if (kind == ANSWER_FAILED) {
        call->rc = -1;
        snprintf(call->err, sizeof call->err, "%.*s", (int)len, field);
        return true;
    }
    char *text = malloc(len + 1);
    if (!text) return false;
    memcpy(text, field, len);
    text[len] = '\0';
    if (rules_read_results(text, len, &call->results) != 0) {
        rules_results_free(&call->results);
        return false;
    }
    call->rc = 0;
    return true;
}

/* The checks' answers at *at; false when malformed. */
static bool read_checks(const char **at, const char *end, struct rules_facts_check *checks,
                        size_t n)
{
    if (*at >= end || *(*at)++ != ANSWER_CHECKED) return false;
    for (size_t i = 0; i < n; i++) {
        bool ok = true;
        size_t len = 0;
        const char *field = rules_get_field(at, end, &len, &ok);
        if (!ok) return false;
        checks[i].problems = field ? cJSON_ParseWithLength(field, len) : NULL;
        if (checks[i].problems && !cJSON_IsArray(checks[i].problems)) {
            cJSON_Delete(checks[i].problems);
            checks[i].problems = NULL;
        }
    }
    return true;
}

/* The checks (when the job had some), then every pending call gets what the child said;
 * false (the rest left pending) when its answer is cut or malformed. */
static bool read_answers(const struct buffer *answer, const struct batch_job *job)
{
    const char *at = answer->data ? answer->data : "", *end = at + answer->len;
    if (job->nchecks > 0 && !read_checks(&at, end, job->checks, job->nchecks)) return false;
    for (size_t i = 0; i < job->count; i++) {
        if (at >= end || !read_one(&at, end, &job->calls[job->pending[i]])) return false;
    }
    return true;
}

/* Units the child could not answer at all (it died otherwise than at a deadline): one
 * process each, so each gets its own answer. */
static void one_by_one(struct rules_generation *gen, const char *period,
                       struct rules_unit_call *calls, const size_t *pending, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        struct rules_unit_call *call = &calls[pending[i]];
        if (call->rc == 0) rules_results_free(&call->results);
        call->rc = rules_evaluate_unit_text(gen, period, call->unit, call->members, &call->results,
                                            call->err, sizeof call->err);
    }
}

void rules_evaluate_units_checking(struct rules_generation *gen, const char *period,
                                   struct rules_unit_call *calls, size_t n,
                                   struct rules_facts_check *checks, size_t k)
{
    size_t *pending = malloc((n ? n : 1) * sizeof *pending), count = n;
    for (size_t i = 0; i < k; i++)
        checks[i].problems = NULL;
    for (size_t i = 0; i < n; i++) {
        memset(&calls[i].results, 0, sizeof calls[i].results);
        calls[i].rc = -1;
        snprintf(calls[i].err, sizeof calls[i].err, "hết bộ nhớ");
        if (pending) pending[i] = i;
    }
    while (pending && (count > 0 || k > 0)) {
        struct batch_job job = {gen, period, calls, pending, count, checks, k};
        struct buffer answer = {0};
        long killed = -1;
        char err[sizeof calls->err];
        enum sandbox_process_status status = run_job(&job, &answer, &killed, err, sizeof err);
        bool whole = status == SANDBOX_PROCESS_OK && read_answers(&answer, &job);
        buffer_free(&answer);
        if (whole) break;
        long first_unit = k > 0 ? 1 : 0; /* the checks are the first step */
        if (status == SANDBOX_PROCESS_TIMED_OUT && killed == 0 && first_unit) {
            k = 0; /* the checks spun: left unanswered, the units go on without them */
            continue;
        }
        killed -= first_unit; /* a unit spun: the next child checks again */
        if (status != SANDBOX_PROCESS_TIMED_OUT || killed < 0 || (size_t)killed >= count) {
            one_by_one(gen, period, calls, pending, count);
            break;
        }
        /* Unit `killed` spun: it fails; every other unit still pending goes again. */
        struct rules_unit_call *spun = &calls[pending[killed]];
        spun->rc = -1;
        snprintf(spun->err, sizeof spun->err, "%s", err);
        memmove(pending + killed, pending + killed + 1,
                (count - (size_t)killed - 1) * sizeof *pending);
        count--;
    }
    free(pending);
}

void rules_evaluate_units_text(struct rules_generation *gen, const char *period,
                               struct rules_unit_call *calls, size_t n)
{
    rules_evaluate_units_checking(gen, period, calls, n, NULL, 0);
}
