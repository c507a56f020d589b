/*
 * report.c — the consolidated report of a period, as one JSON model (domain/report.h): every
 * unit expected to report with its reporting status (from domain/status, so the report and
 * GET …/status never disagree on who is late) and its stored evaluation, every evaluated
 * person in the annex, then the totals, last year's figures, the units' notes and the
 * registrations (report_totals.c, report_notes.c). Everything is read from what is stored:
 * nothing is evaluated here, so a closed period reads as it was closed.
 * One pass over the stored evaluations; units meet their evaluations in one merge of two
 * code-sorted lists, so the report of a province stays close to linear in its size.
 */
#include "domain/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/evaluation.h"
#include "store/evaluation_failures.h"
#include "domain/periods.h"
#include "domain/report_internal.h"
#include "domain/status.h"
#include "store/evaluations.h"
#include "store/units.h"
#include "util/clock.h"
#include "util/json_text.h"

/* {id: points} of an evaluation's criteria. */
static cJSON *criteria_points(const cJSON *evaluation)
{
    cJSON *points = cJSON_CreateObject();
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(evaluation, "criteria"))
    {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(c, "points");
        cJSON_AddNumberToObject(points, json_text(c, "id"), cJSON_IsNumber(p) ? p->valuedouble : 0);
    }
    return points;
}

static double number_of(const cJSON *obj, const char *key)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(n) ? n->valuedouble : 0;
}

/* Working days late by date, remembered: most units of a province report on a few dates
 * (and every missing one counts to today), so each date's count is worked out once. */
#define LATE_DAYS_MEMO 64
struct late_days {
    char date[LATE_DAYS_MEMO][CLOCK_DATE_LEN];
    int count[LATE_DAYS_MEMO];
    size_t used;
};

static int days_late(struct late_days *m, const cJSON *campaign, const char *due, const char *date)
{
    for (size_t i = 0; i < m->used; i++)
        if (strcmp(m->date[i], date) == 0) return m->count[i];
    int count = report_working_days_after(campaign, due, date);
    size_t slot = m->used < LATE_DAYS_MEMO ? m->used++ : 0;
    snprintf(m->date[slot], sizeof m->date[slot], "%s", date);
    m->count[slot] = count;
    return count;
}

/* One unit's row: its status line (consumed into the row) and its evaluation (or NULL). */
static cJSON *unit_row(cJSON *status_line, const cJSON *evaluation, struct late_days *days,
                       const cJSON *campaign, const char *effective_due, const char *today)
{
    cJSON *row = cJSON_CreateObject();
    cJSON_AddStringToObject(row, "code", json_text(status_line, "code"));
    cJSON_AddStringToObject(row, "name", json_text(status_line, "name"));
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(status_line, "submitted_at");
    bool submitted = cJSON_IsString(at);
    cJSON_AddBoolToObject(row, "submitted", submitted);
    cJSON_AddItemToObject(row, "submitted_at",
                          submitted ? cJSON_CreateString(at->valuestring) : cJSON_CreateNull());
    cJSON_AddBoolToObject(row, "late",
                          cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(status_line, "late")));
    char date[CLOCK_DATE_LEN];
    snprintf(date, sizeof date, "%.10s", submitted ? at->valuestring : today);
    cJSON_AddNumberToObject(row, "working_days_late",
                            days_late(days, campaign, effective_due, date));
    cJSON_AddNumberToObject(row, "score", evaluation ? number_of(evaluation, "score") : 0);
    cJSON_AddItemToObject(row, "criteria",
                          evaluation ? criteria_points(evaluation) : cJSON_CreateObject());
    cJSON_AddItemToObject(row, "titles",
                          evaluation ? evaluation_eligible_codes(evaluation, "titles")
                                     : cJSON_CreateArray());
    cJSON_AddItemToObject(row, "nominations",
                          evaluation ? evaluation_eligible_codes(evaluation, "nominations")
                                     : cJSON_CreateArray());
    cJSON_AddBoolToObject(
        row, "evaluation_failed",
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(status_line, "evaluation_failed")));
    cJSON_AddNullToObject(row, "previous_score");
    return row;
}

static int by_code(const void *a, const void *b)
{
    return strcmp(json_text(*(const cJSON *const *)a, "code"),
                  json_text(*(const cJSON *const *)b, "code"));
}

/* The stored unit evaluations, sorted by code (an array of pointers into evaluations). */
static const cJSON **units_by_code(const cJSON *evaluations, size_t *count)
{
    size_t n = 0, cap = (size_t)cJSON_GetArraySize(evaluations) + 1;
    const cJSON **sorted = calloc(cap, sizeof *sorted);
    const cJSON *e;
    cJSON_ArrayForEach(e, evaluations)
    {
        if (sorted) sorted[n++] = e;
    }
    if (sorted) qsort(sorted, n, sizeof *sorted, by_code);
    *count = n;
    return sorted;
}

static int by_score_then_code(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    double sx = number_of(x, "score"), sy = number_of(y, "score");
    if (sx != sy) return sx < sy ? 1 : -1;
    return strcmp(json_text(x, "code"), json_text(y, "code"));
}

/* Ranks the rows by score (equal scores share a rank), leaving them in code order. */
static void rank_rows(cJSON *rows)
{
    size_t n = (size_t)cJSON_GetArraySize(rows), i = 0;
    cJSON **sorted = calloc(n + 1, sizeof *sorted);
    if (!sorted) return;
    cJSON *r;
    cJSON_ArrayForEach(r, rows) sorted[i++] = r;
    qsort(sorted, n, sizeof *sorted, by_score_then_code);
    int rank = 0;
    for (i = 0; i < n; i++) {
        if (i == 0 || number_of(sorted[i], "score") != number_of(sorted[i - 1], "score"))
            rank = (int)i + 1;
        cJSON_AddNumberToObject(sorted[i], "rank", rank);
    }
    free(sorted);
}

/* Every unit expected to report, in code order, each joined with its evaluation. */
static cJSON *unit_rows(cJSON *status, const cJSON *evaluations, const cJSON *campaign,
                        const char *effective_due)
{
    size_t n;
    const cJSON **sorted = units_by_code(evaluations, &n);
    char today[CLOCK_DATE_LEN];
    clock_today(today);
    struct late_days days = {.used = 0};
    cJSON *rows = cJSON_CreateArray(), *line;
    size_t i = 0;
    cJSON_ArrayForEach(line, cJSON_GetObjectItemCaseSensitive(status, "units"))
    {
        const char *code = json_text(line, "code");
        while (sorted && i < n && strcmp(json_text(sorted[i], "code"), code) < 0)
            i++;
        const cJSON *e =
            sorted && i < n && strcmp(json_text(sorted[i], "code"), code) == 0 ? sorted[i] : NULL;
        cJSON_AddItemToArray(rows, unit_row(line, e, &days, campaign, effective_due, today));
    }
    free(sorted);
    rank_rows(rows);
    return rows;
}

/* The annex's rows: each person's outline (rules/outline.c) with their code; the people of
 * units whose evaluation failed are left out. */
struct annex {
    cJSON *rows;
    const cJSON *failed;
};

/* A person's row is their outline ({name, unit_code, score, criteria, titles, nominations},
 * rules/outline.c) with their code put first: parsed once, not copied. */
static int person_row(void *ctx, const char *code, const char *outline)
{
    struct annex *a = ctx;
    cJSON *o = outline ? cJSON_Parse(outline) : NULL;
    if (!cJSON_IsObject(o)) { /* every stored evaluation has one (migration 10) */
        cJSON_Delete(o);
        return -1;
    }
    if (cJSON_GetObjectItemCaseSensitive(a->failed, json_text(o, "unit_code"))) {
        cJSON_Delete(o);
        return 0;
    }
    cJSON *item = cJSON_AddStringToObject(o, "code", code);
    cJSON_DetachItemViaPointer(o, item);
    cJSON_InsertItemInArray(o, 0, item);
    if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "score")))
        cJSON_ReplaceItemInObjectCaseSensitive(o, "score", cJSON_CreateNumber(0));
    cJSON_AddItemToArray(a->rows, o);
    return 0;
}

cJSON *report_person_rows(struct store *st, const char *period)
{
    cJSON *failed = evaluation_failures_of_period(st, period);
    if (!failed) return NULL;
    struct annex a = {cJSON_CreateArray(), failed};
    if (evaluations_each_outline(st, period, "person", person_row, &a) != 0) {
        cJSON_Delete(a.rows);
        a.rows = NULL;
    }
    cJSON_Delete(failed);
    return a.rows;
}

/* [{id, title, points}] of the catalog's criteria for one subject. */
static cJSON *criteria_columns(const cJSON *catalog, const char *subject)
{
    cJSON *columns = cJSON_CreateArray();
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(catalog, "criteria"))
    {
        if (strcmp(json_text(c, "subject"), subject) != 0) continue;
        cJSON *col = cJSON_CreateObject();
        cJSON_AddStringToObject(col, "id", json_text(c, "id"));
        cJSON_AddStringToObject(col, "title", json_text(c, "title"));
        cJSON_AddNumberToObject(col, "points", number_of(c, "points"));
        cJSON_AddItemToArray(columns, col);
    }
    return columns;
}

/* The department issuing the report: the Department Office's parent unit. */
static cJSON *issuer_of(struct store *st, const char *office)
{
    char *parent = office[0] ? units_parent(st, office) : NULL;
    cJSON *unit = parent ? units_get_json(st, parent) : NULL;
    free(parent);
    if (!unit) return cJSON_CreateNull();
    cJSON *issuer = cJSON_CreateObject();
    cJSON_AddStringToObject(issuer, "code", json_text(unit, "code"));
    cJSON_AddStringToObject(issuer, "name", json_text(unit, "name"));
    cJSON_Delete(unit);
    return issuer;
}

/* The report's heading fields: the period, its campaign, its rules. */
static cJSON *report_head(struct store *st, struct rules_generation *gen, const cJSON *p)
{
    const cJSON *campaign = cJSON_GetObjectItemCaseSensitive(rules_catalog(gen), "campaign");
    cJSON *out = cJSON_CreateObject();
    static const char *const period_fields[][2] = {
        {"period", "code"}, {"label", "label"},    {"from", "from"},
        {"to", "to"},       {"due", "report_due"}, {"effective_due", "effective_due"}};
    for (size_t i = 0; i < sizeof period_fields / sizeof period_fields[0]; i++)
        cJSON_AddStringToObject(out, period_fields[i][0], json_text(p, period_fields[i][1]));
    cJSON_AddNumberToObject(out, "year", rules_year(gen));
    cJSON_AddStringToObject(out, "campaign", json_text(campaign, "name"));
    cJSON_AddStringToObject(out, "theme", json_text(campaign, "theme"));
    cJSON_AddStringToObject(out, "rules_hash", rules_hash(gen));
    cJSON_AddBoolToObject(out, "closed", period_is_closed(st, json_text(p, "code")));
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    cJSON_AddStringToObject(out, "generated_at", now);
    cJSON_AddStringToObject(out, "office", json_text(campaign, "office"));
    cJSON_AddItemToObject(out, "issuer", issuer_of(st, json_text(campaign, "office")));
    return out;
}

cJSON *report_of_period(struct store *st, const struct ruleset *rs, const char *period, char *err,
                        size_t errlen)
{
    struct rules_generation *gen = ruleset_for_period(rs, period);
    const cJSON *p = gen ? rules_period(gen, period) : NULL;
    if (!p) {
        snprintf(err, errlen, "không có bộ quy tắc nào khai báo kỳ %s", period);
        return NULL;
    }
    const cJSON *catalog = rules_catalog(gen);
    const cJSON *campaign = cJSON_GetObjectItemCaseSensitive(catalog, "campaign");
    cJSON *status =
        status_of_period(st, period, json_text(p, "report_due"), json_text(p, "effective_due"));
    cJSON *evaluations = status ? evaluation_stored_of_period(st, period, "unit") : NULL;
    cJSON *people = evaluations ? report_person_rows(st, period) : NULL;
    cJSON *out = NULL;
    if (!people) {
        snprintf(err, errlen, "không đọc được kết quả kỳ %s từ cơ sở dữ liệu", period);
        goto done;
    }
    out = report_head(st, gen, p);
    cJSON_AddItemToObject(out, "criteria", criteria_columns(catalog, "unit"));
    cJSON_AddItemToObject(out, "person_criteria", criteria_columns(catalog, "person"));
    cJSON *units = unit_rows(status, evaluations, campaign, json_text(p, "effective_due"));
    cJSON_AddItemToObject(out, "units", units);
    cJSON_AddItemToObject(out, "people", people);
    if (report_add_totals(out, catalog) != 0 || report_add_previous(out, st, rs, period) != 0 ||
        report_add_notes(out, st, period) != 0 ||
        report_add_registrations(out, st, rs, period) != 0) {
        snprintf(err, errlen, "không đọc được dữ liệu kỳ %s từ cơ sở dữ liệu", period);
        cJSON_Delete(out);
        out = NULL;
    }
done:
    cJSON_Delete(status);
    cJSON_Delete(evaluations);
    return out;
}
