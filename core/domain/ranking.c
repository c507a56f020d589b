/*
 * ranking.c — the ranking of a period's units. The stored evaluations and the units
 * expected to report both come sorted by code, so they are joined in one merge pass:
 * linear in the number of units, then one sort by score.
 */
#include "domain/ranking.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "domain/evaluation.h"
#include "domain/unit_periods.h"
#include "store/units.h"
#include "util/json_text.h"

static double score_of(const cJSON *obj)
{
    return cJSON_GetObjectItemCaseSensitive(obj, "score")->valuedouble;
}

/* A ranking row from a stored evaluation (e) and/or the unit's reporting line (r). */
static cJSON *ranking_row(const cJSON *e, const cJSON *r)
{
    cJSON *row = cJSON_CreateObject();
    cJSON_AddStringToObject(row, "code", json_text(e ? e : r, "code"));
    cJSON_AddStringToObject(row, "name", json_text(e ? e : r, "name"));
    cJSON_AddNumberToObject(row, "score", e ? score_of(e) : 0);
    cJSON_AddBoolToObject(row, "submitted",
                          r && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "submitted_at")));
    cJSON_AddItemToObject(row, "titles",
                          e ? evaluation_eligible_codes(e, "titles") : cJSON_CreateArray());
    return row;
}

static int by_score_then_code(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    double sx = score_of(x), sy = score_of(y);
    if (sx != sy) return sx < sy ? 1 : -1;
    return strcmp(json_text(x, "code"), json_text(y, "code"));
}

/* Merges the two code-sorted lists into rows, one per code. */
static size_t merge_rows(const cJSON *evaluations, const cJSON *reporting, cJSON **rows)
{
    size_t n = 0;
    const cJSON *e = evaluations->child, *r = reporting->child;
    while (e || r) {
        int order = !e ? 1 : !r ? -1 : strcmp(json_text(e, "code"), json_text(r, "code"));
        rows[n++] = ranking_row(order <= 0 ? e : NULL, order >= 0 ? r : NULL);
        if (order <= 0) e = e->next;
        if (order >= 0) r = r->next;
    }
    return n;
}

cJSON *ranking_of_period(struct store *st, const char *rules_hash, const char *period,
                         const char *due, const char *period_end)
{
    cJSON *out = NULL;
    cJSON *evaluations = evaluation_outcomes_of_period(st, period, "unit");
    unit_periods_leave_out_absent(st, evaluations, period_end);
    cJSON *reporting = units_reporting(st, period, due);
    size_t cap = (size_t)cJSON_GetArraySize(evaluations) + (size_t)cJSON_GetArraySize(reporting);
    cJSON **rows = calloc(cap ? cap : 1, sizeof *rows);
    if (!evaluations || !reporting || !rows) goto done;
    size_t n = merge_rows(evaluations, reporting, rows);
    qsort(rows, n, sizeof *rows, by_score_then_code);
    cJSON *list = cJSON_CreateArray();
    int rank = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || score_of(rows[i]) != score_of(rows[i - 1])) rank = (int)i + 1;
        cJSON_AddNumberToObject(rows[i], "rank", rank);
        cJSON_AddItemToArray(list, rows[i]);
    }
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", period);
    cJSON_AddStringToObject(out, "rules_hash", rules_hash);
    cJSON_AddItemToObject(out, "units", list);
done:
    free(rows);
    cJSON_Delete(evaluations);
    cJSON_Delete(reporting);
    return out;
}
