/*
 * evaluation.c — joins the store and the rules: reads a unit's and its people's latest facts,
 * has the active rules generation evaluate them together (a unit's titles depend on its
 * members' and a head's on the unit's, so the unit is the unit of work), and stores each
 * result with the rules hash that made it.
 *
 * Writes happen inside the caller's transaction (a report submission stores its facts and
 * their evaluation atomically) or, for a recompute after a rules reload, in one transaction
 * per period.
 */
#include "evaluation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

cJSON *evaluation_find(const struct rules_results *results, const char *subject, const char *code)
{
    for (size_t i = 0; i < results->count; i++)
        if (strcmp(results->items[i].subject, subject) == 0 &&
            strcmp(results->items[i].code, code) == 0)
            return cJSON_Parse(results->items[i].json);
    return NULL;
}

int evaluation_of_unit(struct store *st, struct rules_generation *gen, const char *period,
                       const char *unit_code, bool keep, struct rules_results *out, char *err,
                       size_t errlen)
{
    memset(out, 0, sizeof *out);
    const cJSON *p = rules_period(gen, period);
    if (!p) {
        snprintf(err, errlen, "unknown period \"%s\"", period);
        return -1;
    }
    cJSON *unit = model_unit_input(st, period, unit_code);
    if (!unit) {
        snprintf(err, errlen, "unknown unit \"%s\"", unit_code);
        return -1;
    }
    cJSON *members = model_members_input(st, period, unit_code,
                                         cJSON_GetObjectItemCaseSensitive(p, "to")->valuestring);
    int rc = members ? rules_evaluate_unit_text(gen, period, unit, members, out, err, errlen) : -1;
    cJSON_Delete(unit);
    cJSON_Delete(members);
    if (rc != 0 || !keep) return rc;
    for (size_t i = 0; i < out->count && rc == 0; i++) {
        const struct rules_result *r = &out->items[i];
        rc = model_evaluation_put(st, period, r->subject, r->code, rules_hash(gen), r->score,
                                  r->json);
    }
    if (rc != 0) {
        snprintf(err, errlen, "cannot store the evaluation: %s", sqlite3_errmsg(store_db(st)));
        rules_results_free(out);
    }
    return rc;
}

/* Evaluates and stores every unit of one period; the caller holds the transaction. */
static long recompute_period(struct store *st, struct rules_generation *gen, const char *period,
                             char *err, size_t errlen)
{
    const cJSON *p = rules_period(gen, period);
    if (!p) return 0; /* facts of a period this ruleset does not know: left as they are */
    const char *from = cJSON_GetObjectItemCaseSensitive(p, "from")->valuestring;
    const char *to = cJSON_GetObjectItemCaseSensitive(p, "to")->valuestring;
    cJSON *units = model_units_to_evaluate(st, period, from, to);
    if (!units) {
        snprintf(err, errlen, "cannot list units: %s", sqlite3_errmsg(store_db(st)));
        return -1;
    }
    long stored = 0;
    const cJSON *code;
    cJSON_ArrayForEach(code, units)
    {
        char why[1024];
        struct rules_results results;
        if (evaluation_of_unit(st, gen, period, code->valuestring, true, &results, why,
                               sizeof why) != 0) {
            snprintf(err, errlen, "%s, unit %s: %s", period, code->valuestring, why);
            stored = -1;
            break;
        }
        stored += (long)results.count;
        rules_results_free(&results);
    }
    cJSON_Delete(units);
    return stored;
}

long evaluation_recompute(struct store *st, struct rules_generation *gen, const char *period,
                          char *err, size_t errlen)
{
    cJSON *periods = period ? cJSON_CreateStringArray(&period, 1) : model_periods_with_facts(st);
    if (!periods) {
        snprintf(err, errlen, "cannot list periods: %s", sqlite3_errmsg(store_db(st)));
        return -1;
    }
    /* One transaction: either every evaluation carries the new rules, or none does. */
    if (store_begin(st) != 0) {
        snprintf(err, errlen, "the database is busy: %s", sqlite3_errmsg(store_db(st)));
        cJSON_Delete(periods);
        return -1;
    }
    long total = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, periods)
    {
        long n = recompute_period(st, gen, p->valuestring, err, errlen);
        if (n < 0) {
            total = -1;
            break;
        }
        total += n;
    }
    cJSON_Delete(periods);
    if (total >= 0 && store_commit(st) != 0) {
        snprintf(err, errlen, "commit failed: %s", sqlite3_errmsg(store_db(st)));
        total = -1;
    }
    if (total < 0) store_rollback(st);
    return total;
}

cJSON *evaluation_fresh(struct store *st, struct rules_generation *gen, const char *period,
                        const char *subject, const char *code, char *err, size_t errlen)
{
    bool person = strcmp(subject, "person") == 0;
    char *unit_code = person ? model_person_unit(st, code) : strdup(code);
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
