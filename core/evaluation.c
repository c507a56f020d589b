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

static int keep_result(struct store *st, const char *period, const cJSON *evaluation)
{
    const cJSON *subject = cJSON_GetObjectItemCaseSensitive(evaluation, "subject");
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(evaluation, "code");
    const cJSON *score = cJSON_GetObjectItemCaseSensitive(evaluation, "score");
    const cJSON *hash = cJSON_GetObjectItemCaseSensitive(evaluation, "rules_hash");
    if (!cJSON_IsString(subject) || !cJSON_IsString(code) || !cJSON_IsString(hash)) return -1;
    char *text = cJSON_PrintUnformatted(evaluation);
    if (!text) return -1;
    int rc =
        model_evaluation_put(st, period, subject->valuestring, code->valuestring, hash->valuestring,
                             cJSON_IsNumber(score) ? score->valueint : 0, text);
    free(text);
    return rc;
}

cJSON *evaluation_of_unit(struct store *st, struct rules_generation *gen, const char *period,
                          const char *unit_code, bool keep, char *err, size_t errlen)
{
    cJSON *unit = model_unit_input(st, period, unit_code);
    if (!unit) {
        snprintf(err, errlen, "unknown unit \"%s\"", unit_code);
        return NULL;
    }
    const cJSON *p = rules_period(gen, period);
    if (!p) {
        cJSON_Delete(unit);
        snprintf(err, errlen, "unknown period \"%s\"", period);
        return NULL;
    }
    cJSON *members = model_members_input(st, period, unit_code,
                                         cJSON_GetObjectItemCaseSensitive(p, "to")->valuestring);
    cJSON *result = members ? rules_evaluate_unit(gen, period, unit, members, err, errlen) : NULL;
    cJSON_Delete(unit);
    cJSON_Delete(members);
    if (!result || !keep) return result;
    int rc = keep_result(st, period, cJSON_GetObjectItemCaseSensitive(result, "unit"));
    const cJSON *person;
    cJSON_ArrayForEach(person, cJSON_GetObjectItemCaseSensitive(result, "people"))
    {
        if (rc == 0) rc = keep_result(st, period, person);
    }
    if (rc != 0) {
        snprintf(err, errlen, "cannot store the evaluation: %s", sqlite3_errmsg(store_db(st)));
        cJSON_Delete(result);
        return NULL;
    }
    return result;
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
        cJSON *result =
            evaluation_of_unit(st, gen, period, code->valuestring, true, why, sizeof why);
        if (!result) {
            snprintf(err, errlen, "%s, unit %s: %s", period, code->valuestring, why);
            stored = -1;
            break;
        }
        stored += 1 + cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(result, "people"));
        cJSON_Delete(result);
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

cJSON *evaluation_get(struct store *st, struct rules_generation *gen, const char *period,
                      const char *subject, const char *code, char *err, size_t errlen)
{
    char *stored = model_evaluation_get(st, period, subject, code, NULL, 0);
    if (stored) {
        cJSON *parsed = cJSON_Parse(stored);
        free(stored);
        if (parsed) return parsed;
    }
    bool person = strcmp(subject, "person") == 0;
    char *unit_code = person ? model_person_unit(st, code) : strdup(code);
    if (!unit_code) {
        snprintf(err, errlen, "unknown person \"%s\"", code);
        return NULL;
    }
    cJSON *group = evaluation_of_unit(st, gen, period, unit_code, false, err, errlen);
    free(unit_code);
    if (!group) return NULL;
    cJSON *found = NULL;
    if (!person) {
        found = cJSON_DetachItemFromObjectCaseSensitive(group, "unit");
    } else {
        cJSON *people = cJSON_GetObjectItemCaseSensitive(group, "people");
        int i = 0;
        const cJSON *p;
        cJSON_ArrayForEach(p, people)
        {
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, "code");
            if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0) {
                found = cJSON_DetachItemFromArray(people, i);
                break;
            }
            i++;
        }
    }
    cJSON_Delete(group);
    if (!found) snprintf(err, errlen, "no evaluation for %s \"%s\"", subject, code);
    return found;
}
