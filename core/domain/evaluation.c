/*
 * evaluation.c — joins the store and the rules: reads a unit's and its people's latest facts,
 * has the active rules generation evaluate them together (a unit's titles depend on its
 * members' and a head's on the unit's, so the unit is the unit of work), and stores each
 * result with the rules hash that made it.
 *
 * Writes happen inside the caller's transaction (a report submission stores its facts and
 * their evaluation atomically) or, for a recompute after a rules reload, in the reload's
 * one transaction.
 */
#include "domain/evaluation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/evaluation_failures.h"
#include "domain/membership.h"
#include "store/evaluation_failures.h"
#include "store/evaluations.h"
#include "store/facts.h"
#include "store/titles.h"
#include "store/units.h"
#include "util/json_text.h"

cJSON *evaluation_find(const struct rules_results *results, const char *subject, const char *code)
{
    for (size_t i = 0; i < results->count; i++)
        if (strcmp(results->items[i].subject, subject) == 0 &&
            strcmp(results->items[i].code, code) == 0)
            return cJSON_Parse(results->items[i].json);
    return NULL;
}

/* A unit's input and its members' for a period, as the rules read them; 0, or
 * EVALUATION_STORE_FAILED with err. */
static int read_inputs(struct store *st, struct rules_generation *gen, const char *period,
                       const cJSON *p, const char *unit_code, cJSON **unit, cJSON **members,
                       char *err, size_t errlen)
{
    *members = NULL;
    *unit = units_input_json(st, period, unit_code);
    if (!*unit) { /* a unit that facts or people name exists: the store failed */
        snprintf(err, errlen, "cannot read unit \"%s\": %s", unit_code, store_errmsg(st));
        return EVALUATION_STORE_FAILED;
    }
    /* Its members in the period: who belonged to it on the period's last day. */
    *members = membership_members_input(st, period, p, unit_code);
    /* And the titles each held in past years, for the conditions spanning years. */
    if (*members && titles_attach_history(st, rules_year(gen), *unit, *members) != 0) {
        cJSON_Delete(*members);
        *members = NULL;
    }
    if (*members) return 0;
    snprintf(err, errlen, "cannot read the members: %s", store_errmsg(st));
    cJSON_Delete(*unit);
    *unit = NULL;
    return EVALUATION_STORE_FAILED;
}

int evaluation_keep(struct store *st, struct rules_generation *gen, const char *period,
                    const char *unit_code, struct rules_results *out, char *err, size_t errlen)
{
    int rc = 0;
    for (size_t i = 0; i < out->count && rc == 0; i++) {
        const struct rules_result *r = &out->items[i];
        int put = evaluations_put(st, period, r->subject, r->code, rules_hash(gen), r->score,
                                  r->json, r->outline);
        out->items[i].changed = put > 0;
        rc = put < 0 ? -1 : 0;
    }
    if (rc == 0 && evaluation_failures_clear(st, period, unit_code) < 0) rc = -1;
    if (rc == 0) return 0;
    snprintf(err, errlen, "cannot store the evaluation: %s", store_errmsg(st));
    rules_results_free(out);
    return EVALUATION_STORE_FAILED;
}

int evaluation_of_unit(struct store *st, struct rules_generation *gen, const char *period,
                       const char *unit_code, bool keep, struct rules_results *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    const cJSON *p = rules_period(gen, period);
    if (!p) {
        snprintf(err, errlen, "unknown period \"%s\"", period);
        return EVALUATION_RULES_FAILED;
    }
    cJSON *unit, *members;
    int rc = read_inputs(st, gen, period, p, unit_code, &unit, &members, err, errlen);
    if (rc != 0) return rc;
    rc = rules_evaluate_unit_text(gen, period, unit, members, out, err, errlen);
    cJSON_Delete(unit);
    cJSON_Delete(members);
    if (rc != 0) return EVALUATION_RULES_FAILED;
    return keep ? evaluation_keep(st, gen, period, unit_code, out, err, errlen) : 0;
}

/* The failed units of a period that the list of units to evaluate does not name (a unit
 * whose facts are its members' only, say): a reload recomputes every failed pair. */
static void add_failed_units(cJSON *units, const cJSON *failed)
{
    const cJSON *f, *u;
    cJSON_ArrayForEach(f, failed)
    {
        bool listed = false;
        cJSON_ArrayForEach(u, units) listed = listed || strcmp(u->valuestring, f->string) == 0;
        if (!listed) cJSON_AddItemToArray(units, cJSON_CreateString(f->string));
    }
}

/* Stores one unit's outcome in a recompute: the number of subjects stored, or -1 with
 * err. A pair already failed on which the new rules fail too stays failed, with their
 * error; a rule failing on any other pair refuses the recompute. */
static long keep_unit(struct store *st, struct rules_generation *gen, const char *period,
                      const char *unit, struct rules_unit_call *call, const cJSON *failed,
                      char *err, size_t errlen)
{
    char why[1024];
    if (call->rc == 0) {
        long n = (long)call->results.count;
        if (evaluation_keep(st, gen, period, unit, &call->results, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s, unit %s: %s", period, unit, why);
            return -1;
        }
        rules_results_free(&call->results);
        return n;
    }
    snprintf(why, sizeof why, "%s", call->err);
    if (cJSON_GetObjectItemCaseSensitive(failed, unit)) {
        if (evaluation_failure_record(st, gen, period, unit, why, "reload") == 0) return 0;
        snprintf(why, sizeof why, "cannot record the failure: %s", store_errmsg(st));
    }
    snprintf(err, errlen, "%s, unit %s: %s", period, unit, why);
    return -1;
}

int evaluation_of_units(struct store *st, struct rules_generation *gen, const char *period,
                        const char *const *codes, size_t n, struct rules_unit_call *calls,
                        char *err, size_t errlen)
{
    return evaluation_of_units_checking(st, gen, period, codes, n, calls, NULL, 0, err, errlen);
}

int evaluation_of_units_checking(struct store *st, struct rules_generation *gen, const char *period,
                                 const char *const *codes, size_t n, struct rules_unit_call *calls,
                                 struct rules_facts_check *checks, size_t k, char *err,
                                 size_t errlen)
{
    memset(calls, 0, n * sizeof *calls);
    const cJSON *p = rules_period(gen, period);
    if (!p) {
        snprintf(err, errlen, "unknown period \"%s\"", period);
        return EVALUATION_RULES_FAILED;
    }
    for (size_t i = 0; i < n; i++) {
        cJSON *unit, *members;
        if (read_inputs(st, gen, period, p, codes[i], &unit, &members, err, errlen) != 0) {
            evaluation_units_free(calls, i);
            return EVALUATION_STORE_FAILED;
        }
        calls[i].unit = unit, calls[i].members = members;
    }
    rules_evaluate_units_checking(gen, period, calls, n, checks, k);
    return 0;
}

void evaluation_units_free(struct rules_unit_call *calls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (calls[i].rc == 0) rules_results_free(&calls[i].results);
        cJSON_Delete((cJSON *)calls[i].unit);
        cJSON_Delete((cJSON *)calls[i].members);
        calls[i].unit = calls[i].members = NULL;
    }
}

/* Evaluates a batch of units (codes[0..n)) in few processes and stores them: the number of
 * subjects stored, or -1 with err. */
static long recompute_batch(struct store *st, struct rules_generation *gen, const char *period,
                            const char *const *codes, size_t n, const cJSON *failed, char *err,
                            size_t errlen)
{
    struct rules_unit_call *calls = calloc(n, sizeof *calls);
    if (!calls) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    long stored = evaluation_of_units(st, gen, period, codes, n, calls, err, errlen) ? -1 : 0;
    for (size_t i = 0; stored >= 0 && i < n; i++) {
        long k = keep_unit(st, gen, period, codes[i], &calls[i], failed, err, errlen);
        stored = k < 0 ? -1 : stored + k;
    }
    evaluation_units_free(calls, n);
    free(calls);
    return stored;
}

long evaluation_recompute_period(struct store *st, struct rules_generation *gen, const char *period,
                                 char *err, size_t errlen)
{
    const cJSON *p = rules_period(gen, period);
    if (!p) return 0; /* facts of a period this ruleset does not know: left as they are */
    /* The units existing on the period's last day (domain/unit_periods.h), and any with
     * facts of the period. */
    const char *to = cJSON_GetObjectItemCaseSensitive(p, "to")->valuestring;
    cJSON *units = units_to_evaluate(st, period, to, to, membership_day(p));
    cJSON *failed = evaluation_failures_of_period(st, period);
    if (!units || !failed) {
        snprintf(err, errlen, "cannot list units: %s", store_errmsg(st));
        cJSON_Delete(units);
        cJSON_Delete(failed);
        return -1;
    }
    add_failed_units(units, failed);
    long stored = 0;
    const char *codes[EVALUATION_BATCH];
    size_t n = 0;
    const cJSON *code;
    cJSON_ArrayForEach(code, units)
    {
        codes[n++] = code->valuestring;
        if (n < EVALUATION_BATCH && code->next) continue;
        long k = recompute_batch(st, gen, period, codes, n, failed, err, errlen);
        stored = k < 0 ? -1 : stored + k;
        n = 0;
        if (stored < 0) break;
    }
    cJSON_Delete(units);
    cJSON_Delete(failed);
    return stored;
}

cJSON *evaluation_fresh(struct store *st, struct rules_generation *gen, const char *period,
                        const char *subject, const char *code, char *err, size_t errlen)
{
    bool person = strcmp(subject, "person") == 0;
    char *unit_code = person ? membership_unit_in_period(st, gen, period, code) : strdup(code);
    if (!unit_code) {
        snprintf(err, errlen, "unknown person \"%s\"", code);
        return NULL;
    }
    struct rules_results results;
    int rc = evaluation_of_unit(st, gen, period, unit_code, false, &results, err, errlen);
    free(unit_code);
    if (rc != 0) return NULL;
    cJSON *found = evaluation_find(&results, subject, code);
    rules_results_free(&results);
    if (!found) snprintf(err, errlen, "no evaluation for %s \"%s\"", subject, code);
    return found;
}

cJSON *evaluation_eligible_codes(const cJSON *evaluation, const char *list)
{
    cJSON *codes = cJSON_CreateArray();
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(evaluation, list))
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "eligible")))
            cJSON_AddItemToArray(codes, cJSON_CreateString(json_text(t, "code")));
    }
    return codes;
}

static cJSON *stored_of_period(struct store *st, const char *period, const char *subject,
                               bool without_criteria)
{
    cJSON *rows = evaluations_of_period(st, period, subject, without_criteria);
    cJSON *failed = rows ? evaluation_failures_of_period(st, period) : NULL;
    if (!failed) {
        cJSON_Delete(rows);
        return NULL;
    }
    cJSON *parsed = cJSON_CreateArray();
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        cJSON *e = cJSON_Parse(cJSON_GetObjectItemCaseSensitive(row, "result")->valuestring);
        if (e) cJSON_AddItemToArray(parsed, e);
    }
    cJSON_Delete(rows);
    evaluation_failures_leave_out(parsed, failed);
    cJSON_Delete(failed);
    return parsed;
}

cJSON *evaluation_stored_of_period(struct store *st, const char *period, const char *subject)
{
    return stored_of_period(st, period, subject, false);
}

cJSON *evaluation_outcomes_of_period(struct store *st, const char *period, const char *subject)
{
    return stored_of_period(st, period, subject, true);
}

/* The person input of a stateless evaluation. */
static cJSON *lone_person_input(const cJSON *facts, bool is_head)
{
    cJSON *input = cJSON_CreateObject();
    cJSON_AddStringToObject(input, "code", "");
    cJSON_AddBoolToObject(input, "is_head", is_head);
    cJSON_AddItemToObject(input, "facts", cJSON_Duplicate(facts, 1));
    return input;
}

/* Members as the rules read them; a member without a code is named M1, M2, ... */
static cJSON *members_input(const cJSON *members)
{
    cJSON *inputs = cJSON_CreateArray();
    int index = 0;
    const cJSON *m;
    cJSON_ArrayForEach(m, members)
    {
        cJSON *member = cJSON_CreateObject();
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(m, "code");
        char fallback[16];
        snprintf(fallback, sizeof fallback, "M%d", ++index);
        cJSON_AddStringToObject(member, "code",
                                cJSON_IsString(code) ? code->valuestring : fallback);
        cJSON_AddBoolToObject(member, "is_head",
                              cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "is_head")));
        cJSON_AddItemToObject(member, "facts",
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(m, "facts"), 1));
        cJSON_AddItemToArray(inputs, member);
    }
    return inputs;
}

cJSON *evaluation_stateless(struct rules_generation *gen, const char *period, bool unit,
                            const cJSON *facts, bool is_head, const cJSON *members, char *err,
                            size_t errlen)
{
    if (!unit) {
        cJSON *input = lone_person_input(facts, is_head);
        cJSON *result = rules_evaluate_person(gen, period, input, err, errlen);
        cJSON_Delete(input);
        return result;
    }
    cJSON *input = cJSON_CreateObject();
    cJSON_AddStringToObject(input, "code", "");
    cJSON_AddItemToObject(input, "facts", cJSON_Duplicate(facts, 1));
    cJSON *inputs = members_input(members);
    cJSON *group = rules_evaluate_unit(gen, period, input, inputs, err, errlen);
    cJSON_Delete(input);
    cJSON_Delete(inputs);
    cJSON *result = group ? cJSON_DetachItemFromObjectCaseSensitive(group, "unit") : NULL;
    if (result)
        cJSON_AddItemToObject(result, "members",
                              cJSON_DetachItemFromObjectCaseSensitive(group, "people"));
    cJSON_Delete(group);
    return result;
}
