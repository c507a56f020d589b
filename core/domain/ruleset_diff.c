/*
 * ruleset_diff.c — `thiduad check --diff`: before a reload, which units and people would
 * change score, titles or nominations, and how. The new ruleset evaluates every stored
 * (period, unit) from its stored facts and members, exactly as the reload's recompute would
 * (domain/evaluation.c), but nothing is stored: each result is compared with the stored
 * evaluation of the same subject. The units compared are those with a stored evaluation;
 * a member without one (say, listed since) shows as new.
 */
#include "domain/ruleset_diff.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/evaluation.h"
#include "domain/periods.h"
#include "store/evaluations.h"
#include "store/facts.h"

#define DIFF_TEXT_MAX 2048

/* Whether a period's evaluations are compared: open periods only (a closed period's
 * results are records a reload does not touch). */
static bool period_included(struct store *st, const char *period)
{
    return !period_is_closed(st, period);
}

/* Whether the entry `code` of `list` ([{code, eligible}]) is eligible. */
static bool is_eligible(const cJSON *list, const char *code)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
        if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0)
            return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "eligible"));
    }
    return false;
}

/* Adds to `gained` the eligible codes of after[key] not eligible before, to `lost` the
 * reverse. */
static void compare_lists(const cJSON *before, const cJSON *after, const char *key, cJSON *gained,
                          cJSON *lost)
{
    const cJSON *b = before ? cJSON_GetObjectItemCaseSensitive(before, key) : NULL;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(after, key);
    const cJSON *e;
    cJSON_ArrayForEach(e, a)
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
        if (!cJSON_IsString(c)) continue;
        bool now = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "eligible"));
        if (now && !is_eligible(b, c->valuestring))
            cJSON_AddItemToArray(gained, cJSON_CreateString(c->valuestring));
    }
    cJSON_ArrayForEach(e, b)
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
        if (cJSON_IsString(c) && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "eligible")) &&
            !is_eligible(a, c->valuestring))
            cJSON_AddItemToArray(lost, cJSON_CreateString(c->valuestring));
    }
}

/* Appends to the line `text` (size DIFF_TEXT_MAX); a line too long is cut. */
static void appendf(char *text, const char *fmt, ...)
{
    size_t used = strlen(text);
    if (used + 1 >= DIFF_TEXT_MAX) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text + used, DIFF_TEXT_MAX - used, fmt, ap);
    va_end(ap);
}

/* " +A -B" for the codes gained and lost. */
static void append_codes(char *text, const cJSON *gained, const cJSON *lost)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, gained) appendf(text, " +%s", c->valuestring);
    cJSON_ArrayForEach(c, lost) appendf(text, " -%s", c->valuestring);
}

/* The one line a clerk reads for a change. */
static void describe_change(cJSON *change)
{
    char text[DIFF_TEXT_MAX] = "";
    const cJSON *before = cJSON_GetObjectItemCaseSensitive(change, "score_before");
    int after = cJSON_GetObjectItemCaseSensitive(change, "score_after")->valueint;
    appendf(text, "%s %s %s: ", cJSON_GetObjectItemCaseSensitive(change, "period")->valuestring,
            cJSON_GetObjectItemCaseSensitive(change, "subject")->valuestring,
            cJSON_GetObjectItemCaseSensitive(change, "code")->valuestring);
    if (cJSON_IsNumber(before))
        appendf(text, "điểm %d → %d", before->valueint, after);
    else
        appendf(text, "chưa có đánh giá lưu, điểm %d", after);
    const cJSON *tg = cJSON_GetObjectItemCaseSensitive(change, "titles_gained");
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(change, "titles_lost");
    const cJSON *ng = cJSON_GetObjectItemCaseSensitive(change, "nominations_gained");
    const cJSON *nl = cJSON_GetObjectItemCaseSensitive(change, "nominations_lost");
    if (cJSON_GetArraySize(tg) + cJSON_GetArraySize(tl) > 0) {
        appendf(text, "; danh hiệu");
        append_codes(text, tg, tl);
    }
    if (cJSON_GetArraySize(ng) + cJSON_GetArraySize(nl) > 0) {
        appendf(text, "; khen thưởng");
        append_codes(text, ng, nl);
    }
    cJSON_AddStringToObject(change, "text", text);
}

/* The change of one subject, or NULL when the new evaluation says the same. */
static cJSON *change_of(const char *period, const struct rules_result *r, const cJSON *stored)
{
    cJSON *after = cJSON_Parse(r->json);
    if (!after) return NULL;
    const cJSON *score_before = stored ? cJSON_GetObjectItemCaseSensitive(stored, "score") : NULL;
    cJSON *change = cJSON_CreateObject();
    cJSON_AddStringToObject(change, "period", period);
    cJSON_AddStringToObject(change, "subject", r->subject);
    cJSON_AddStringToObject(change, "code", r->code);
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(after, "name");
    cJSON_AddStringToObject(change, "name", cJSON_IsString(name) ? name->valuestring : "");
    /* cJSON_IsNumber is false for NULL; the analyzer cannot see into it. */
    if (cJSON_IsNumber(score_before)) /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
        cJSON_AddNumberToObject(change, "score_before", score_before->valuedouble);
    else
        cJSON_AddNullToObject(change, "score_before");
    cJSON_AddNumberToObject(change, "score_after", r->score);
    cJSON *tg = cJSON_AddArrayToObject(change, "titles_gained");
    cJSON *tl = cJSON_AddArrayToObject(change, "titles_lost");
    cJSON *ng = cJSON_AddArrayToObject(change, "nominations_gained");
    cJSON *nl = cJSON_AddArrayToObject(change, "nominations_lost");
    compare_lists(stored, after, "titles", tg, tl);
    compare_lists(stored, after, "nominations", ng, nl);
    cJSON_Delete(after);
    /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): cJSON_IsNumber(NULL) is false */
    bool same_score = cJSON_IsNumber(score_before) && score_before->valueint == r->score;
    if (stored && same_score &&
        cJSON_GetArraySize(tg) + cJSON_GetArraySize(tl) + cJSON_GetArraySize(ng) +
                cJSON_GetArraySize(nl) ==
            0) {
        cJSON_Delete(change);
        return NULL;
    }
    describe_change(change);
    return change;
}

static void count(cJSON *out, const char *key)
{
    cJSON *n = cJSON_GetObjectItemCaseSensitive(out, key);
    if (n) cJSON_SetNumberValue(n, n->valuedouble + 1);
}

/* Compares every subject of one unit's new results with what is stored. */
static void compare_unit(struct store *st, const char *period, const struct rules_results *res,
                         cJSON *out)
{
    cJSON *changes = cJSON_GetObjectItemCaseSensitive(out, "changes");
    for (size_t i = 0; i < res->count; i++) {
        const struct rules_result *r = &res->items[i];
        char hash[128];
        char *text = evaluations_get(st, period, r->subject, r->code, hash, sizeof hash);
        cJSON *stored = text ? cJSON_Parse(text) : NULL;
        free(text);
        count(out, "compared");
        cJSON *change = change_of(period, r, stored);
        if (change) {
            cJSON_AddItemToArray(changes, change);
            count(out, stored ? "changed" : "new");
        }
        cJSON_Delete(stored);
    }
}

static int diff_period(struct store *st, struct rules_generation *next, const char *period,
                       cJSON *out, char *err, size_t errlen)
{
    const cJSON *p = rules_period(next, period);
    if (!p) return 0; /* a period the new rules do not know: the reload leaves it too */
    /* The units with a stored evaluation: what the department sees today. */
    cJSON *units = evaluations_of_period(st, period, "unit", false);
    if (!units) {
        snprintf(err, errlen, "không đọc được danh sách đơn vị: %s", store_errmsg(st));
        return -1;
    }
    cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(out, "periods"),
                         cJSON_CreateString(period));
    int rc = 0;
    const cJSON *row;
    cJSON_ArrayForEach(row, units)
    {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(row, "code");
        char why[1024];
        struct rules_results results;
        if (evaluation_of_unit(st, next, period, code->valuestring, false, &results, why,
                               sizeof why) != 0) {
            snprintf(err, errlen, "%s, đơn vị %s: %s", period, code->valuestring, why);
            rc = -1;
            break;
        }
        compare_unit(st, period, &results, out);
        rules_results_free(&results);
    }
    cJSON_Delete(units);
    return rc;
}

cJSON *ruleset_diff(struct store *st, const struct ruleset *next, char *err, size_t errlen)
{
    cJSON *periods = facts_periods(st);
    if (!periods) {
        snprintf(err, errlen, "không đọc được các kỳ có số liệu: %s", store_errmsg(st));
        return NULL;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddArrayToObject(out, "periods");
    cJSON_AddNumberToObject(out, "compared", 0);
    cJSON_AddNumberToObject(out, "changed", 0);
    cJSON_AddNumberToObject(out, "new", 0);
    cJSON_AddArrayToObject(out, "changes");
    const cJSON *p;
    cJSON_ArrayForEach(p, periods)
    {
        struct rules_generation *gen = ruleset_for_period(next, p->valuestring);
        if (!gen || !period_included(st, p->valuestring)) continue;
        if (diff_period(st, gen, p->valuestring, out, err, errlen) != 0) {
            cJSON_Delete(out);
            out = NULL;
            break;
        }
    }
    cJSON_Delete(periods);
    return out;
}
