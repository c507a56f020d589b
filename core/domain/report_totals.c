/*
 * report_totals.c — the consolidated report's figures: units on time, late and missing;
 * titles by kind with their prize money; the nomination lists by who decides; the same
 * period of the year before where it is stored (its evaluations, and its reporting status
 * when a ruleset in service still declares it); and the registrations compared with what
 * was achieved.
 *
 * Prizes are priced by domain/prizes.h (the ruleset's base salary and multiples), the
 * registrations by registration_summary (domain/registration.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/evaluation.h"
#include "domain/nominations.h"
#include "domain/prizes.h"
#include "domain/registration.h"
#include "domain/report_internal.h"
#include "domain/status.h"
#include "util/json_text.h"

static double number_of(const cJSON *obj, const char *key)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(n) ? n->valuedouble : 0;
}

static bool has_code(const cJSON *codes, const char *code)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, codes)
    {
        if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0) return true;
    }
    return false;
}

int report_add_registrations(cJSON *report, struct store *st, const struct ruleset *rs,
                             const char *period)
{
    cJSON *summary =
        registration_summary(st, rs, period, cJSON_GetObjectItemCaseSensitive(report, "units"),
                             cJSON_GetObjectItemCaseSensitive(report, "people"));
    if (!summary) return -1;
    /* A ruleset without a registration deadline has nothing to compare. */
    cJSON_AddBoolToObject(summary, "available", json_text(summary, "registration_due")[0] != '\0');
    cJSON_AddItemToObject(report, "registrations", summary);
    return 0;
}

/* The place of code in the catalog list `of` (its "code" fields), or -1. */
static int index_of(const cJSON *of, const char *code)
{
    int i = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, of)
    {
        if (strcmp(json_text(item, "code"), code) == 0) return i;
        i++;
    }
    return -1;
}

/* How many rows (units and people) hold each of the catalog's titles: counts[i] for the
 * i-th, in one pass over the rows (a province has 51,000). */
static void count_holding(const cJSON *report, const cJSON *titles, int *counts)
{
    static const char *const tables[] = {"units", "people"};
    for (size_t i = 0; i < 2; i++) {
        const cJSON *row, *code;
        cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(report, tables[i]))
        {
            cJSON_ArrayForEach(code, cJSON_GetObjectItemCaseSensitive(row, "titles"))
            {
                int at = cJSON_IsString(code) ? index_of(titles, code->valuestring) : -1;
                if (at >= 0) counts[at]++;
            }
        }
    }
}

/* [{code, name, subject, decided_by, count, prize_multiple, prize_amount}]; adds the money
 * to *total. A title the ruleset prices nothing for has null prize fields. */
static cJSON *title_counts(const cJSON *report, const cJSON *catalog, double *total)
{
    cJSON *out = cJSON_CreateArray();
    double base = prizes_base_amount(catalog);
    const cJSON *titles = cJSON_GetObjectItemCaseSensitive(catalog, "titles"), *t;
    int n = cJSON_GetArraySize(titles), *counts = calloc(n > 0 ? (size_t)n : 1, sizeof *counts);
    if (!counts) return out;
    count_holding(report, titles, counts);
    int index = 0;
    cJSON_ArrayForEach(t, titles)
    {
        const char *code = json_text(t, "code");
        cJSON *row = cJSON_CreateObject();
        static const char *const copied[] = {"code", "name", "subject", "decided_by"};
        for (size_t i = 0; i < 4; i++)
            cJSON_AddStringToObject(row, copied[i], json_text(t, copied[i]));
        int count = counts[index++];
        cJSON_AddNumberToObject(row, "count", count);
        const cJSON *prize = prizes_of(catalog, code, json_text(t, "subject"));
        if (prize && base > 0) {
            double amount = count * prizes_amount(prize, base);
            cJSON_AddNumberToObject(
                row, "prize_multiple",
                cJSON_GetObjectItemCaseSensitive(prize, "multiple")->valuedouble);
            cJSON_AddNumberToObject(row, "prize_amount", amount);
            *total += amount;
        } else {
            cJSON_AddNullToObject(row, "prize_multiple");
            cJSON_AddNullToObject(row, "prize_amount");
        }
        cJSON_AddItemToArray(out, row);
    }
    free(counts);
    return out;
}

/* One nomination list's entries: every unit and person holding the code. */
static cJSON *nomination_entries(const cJSON *report, const cJSON *catalog, const char *code,
                                 double *money)
{
    double base = prizes_base_amount(catalog);
    cJSON *entries = cJSON_CreateArray();
    static const char *const tables[][2] = {{"units", "unit"}, {"people", "person"}};
    for (size_t i = 0; i < 2; i++) {
        const cJSON *row;
        cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(report, tables[i][0]))
        {
            if (!has_code(cJSON_GetObjectItemCaseSensitive(row, "nominations"), code)) continue;
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "subject", tables[i][1]);
            cJSON_AddStringToObject(e, "code", json_text(row, "code"));
            cJSON_AddStringToObject(e, "name", json_text(row, "name"));
            cJSON_AddStringToObject(e, "unit_code", json_text(row, i ? "unit_code" : "code"));
            const cJSON *prize = prizes_of(catalog, code, tables[i][1]);
            if (prize && base > 0) {
                cJSON_AddNumberToObject(e, "prize", prizes_amount(prize, base));
                *money += prizes_amount(prize, base);
            } else {
                cJSON_AddNullToObject(e, "prize");
            }
            cJSON_AddItemToArray(entries, e);
        }
    }
    return entries;
}

/* [{decided_by, lists: [{code, name, count, prize_total, entries}]}], deciders in
 * declaration order; adds the lists' money to *total. */
static cJSON *nominations_by_authority(const cJSON *report, const cJSON *catalog, double *total)
{
    cJSON *groups = cJSON_CreateArray();
    const cJSON *n;
    cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(catalog, "nominations"))
    {
        cJSON *group = nominations_group_of(groups, json_text(n, "decided_by"), "lists");
        cJSON *list = cJSON_CreateObject();
        cJSON_AddStringToObject(list, "code", json_text(n, "code"));
        cJSON_AddStringToObject(list, "name", json_text(n, "name"));
        double money = 0;
        cJSON *entries = nomination_entries(report, catalog, json_text(n, "code"), &money);
        cJSON_AddNumberToObject(list, "count", cJSON_GetArraySize(entries));
        cJSON_AddNumberToObject(list, "prize_total", money);
        *total += money;
        cJSON_AddItemToObject(list, "entries", entries);
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(group, "lists"), list);
    }
    return groups;
}

int report_add_totals(cJSON *report, const cJSON *catalog)
{
    int expected = 0, submitted = 0, on_time = 0, late = 0, failed = 0;
    double score_sum = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(report, "units"))
    {
        bool done = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "submitted"));
        bool is_late = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "late"));
        expected++;
        submitted += done;
        on_time += done && !is_late;
        late += done && is_late;
        failed += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "evaluation_failed"));
        score_sum += done ? number_of(u, "score") : 0;
    }
    cJSON *totals = cJSON_AddObjectToObject(report, "totals");
    cJSON_AddNumberToObject(totals, "expected", expected);
    cJSON_AddNumberToObject(totals, "submitted", submitted);
    cJSON_AddNumberToObject(totals, "on_time", on_time);
    cJSON_AddNumberToObject(totals, "late", late);
    cJSON_AddNumberToObject(totals, "missing", expected - submitted);
    cJSON_AddNumberToObject(totals, "evaluation_failed", failed);
    cJSON_AddNumberToObject(totals, "average_score", submitted ? score_sum / submitted : 0);
    double titles_money = 0, nominations_money = 0;
    cJSON_AddItemToObject(totals, "titles", title_counts(report, catalog, &titles_money));
    cJSON_AddItemToObject(totals, "nominations",
                          nominations_by_authority(report, catalog, &nominations_money));
    cJSON *prize = cJSON_AddObjectToObject(totals, "prize");
    const cJSON *base = prizes_base_salary(catalog);
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive(base, "amount");
    cJSON_AddItemToObject(prize, "base_salary",
                          cJSON_IsNumber(amount) ? cJSON_CreateNumber(amount->valuedouble)
                                                 : cJSON_CreateNull());
    const char *source = json_text(base, "source");
    cJSON_AddItemToObject(prize, "source",
                          source[0] ? cJSON_CreateString(source) : cJSON_CreateNull());
    if (base) {
        cJSON_AddNumberToObject(prize, "titles", titles_money);
        cJSON_AddNumberToObject(prize, "nominations", nominations_money);
        cJSON_AddNumberToObject(prize, "total", titles_money + nominations_money);
    } else {
        cJSON_AddNullToObject(prize, "titles");
        cJSON_AddNullToObject(prize, "nominations");
        cJSON_AddNullToObject(prize, "total");
    }
    return 0;
}

/* The same period one year earlier: "2025-H1" → "2024-H1". */
static void previous_code(const char *period, char *out, size_t len)
{
    snprintf(out, len, "%04d%s", atoi(period) - 1, period + 4);
}

/* submitted/on_time/late/missing of the previous period, when a ruleset still declares it. */
static int previous_status(cJSON *prev, struct store *st, const struct ruleset *rs,
                           const char *code)
{
    static const char *const fields[] = {"submitted", "on_time", "late", "missing"};
    struct rules_generation *gen = ruleset_for_period(rs, code);
    const cJSON *p = gen ? rules_period(gen, code) : NULL;
    cJSON *status =
        p ? status_of_period(st, code, json_text(p, "report_due"), json_text(p, "effective_due"))
          : NULL;
    if (p && !status) return -1;
    if (!status) {
        for (size_t i = 0; i < 4; i++)
            cJSON_AddNullToObject(prev, fields[i]);
        return 0;
    }
    int expected = (int)number_of(status, "expected"), done = (int)number_of(status, "submitted");
    int late = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(status, "units"))
    {
        late += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "submitted")) &&
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "late"));
    }
    int values[] = {done, done - late, late, expected - done};
    for (size_t i = 0; i < 4; i++)
        cJSON_AddNumberToObject(prev, fields[i], values[i]);
    cJSON_Delete(status);
    return 0;
}

/* Sets each unit row's previous_score from last year's unit evaluations. */
static void set_previous_scores(cJSON *report, const cJSON *evaluations)
{
    cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(report, "units"))
    {
        const cJSON *e;
        cJSON_ArrayForEach(e, evaluations)
        {
            if (strcmp(json_text(e, "code"), json_text(row, "code")) != 0) continue;
            cJSON_ReplaceItemInObjectCaseSensitive(row, "previous_score",
                                                   cJSON_CreateNumber(number_of(e, "score")));
            break;
        }
    }
}

/* Adds one evaluation's eligible titles to {code: count}. */
static void count_titles(cJSON *titles, const cJSON *evaluation)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(evaluation, "titles"))
    {
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "eligible"))) continue;
        cJSON *n = cJSON_GetObjectItemCaseSensitive(titles, json_text(t, "code"));
        if (n)
            cJSON_SetNumberValue(n, n->valuedouble + 1);
        else
            cJSON_AddNumberToObject(titles, json_text(t, "code"), 1);
    }
}

int report_add_previous(cJSON *report, struct store *st, const struct ruleset *rs,
                        const char *period)
{
    char code[32];
    previous_code(period, code, sizeof code);
    cJSON *units = evaluation_outcomes_of_period(st, code, "unit");
    if (!units) return -1;
    cJSON *prev = cJSON_AddObjectToObject(report, "previous");
    cJSON_AddStringToObject(prev, "period", code);
    int count = cJSON_GetArraySize(units), rc = 0;
    cJSON_AddBoolToObject(prev, "stored", count > 0);
    if (count > 0) {
        double sum = 0;
        cJSON *titles = cJSON_CreateObject();
        const cJSON *e;
        cJSON_ArrayForEach(e, units)
        {
            sum += number_of(e, "score");
            count_titles(titles, e);
        }
        cJSON_AddNumberToObject(prev, "units_evaluated", count);
        cJSON_AddNumberToObject(prev, "average_score", sum / count);
        cJSON_AddItemToObject(prev, "titles", titles);
        cJSON *people = report_person_rows(st, code);
        const cJSON *p;
        cJSON_ArrayForEach(p, people)
        {
            const cJSON *t;
            cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(p, "titles"))
            {
                cJSON *n = cJSON_GetObjectItemCaseSensitive(titles, t->valuestring);
                if (n)
                    cJSON_SetNumberValue(n, n->valuedouble + 1);
                else
                    cJSON_AddNumberToObject(titles, t->valuestring, 1);
            }
        }
        rc = people ? previous_status(prev, st, rs, code) : -1;
        cJSON_Delete(people);
        set_previous_scores(report, units);
    }
    cJSON_Delete(units);
    return rc;
}
