/*
 * nomination_file.c — the nomination files (hồ sơ đề nghị khen thưởng) the Department
 * Office draws up for the Director and proposes to the Minister (part III of the plan):
 * the stored lists (domain/nominations.c) with, behind each name, the facts and criteria
 * the decision rests on and whether the title was registered; the subjects who registered
 * a title and do not qualify, with the reason; the prize of each title as the ruleset
 * declares it (a multiple of the base salary, with its source) and each list's total.
 * Registration is not made a condition here: the rules decide eligibility, the file shows
 * the registration beside it for the council.
 */
#include "domain/nomination_file.h"

#include <stdlib.h>
#include <string.h>

#include "domain/evaluation.h"
#include "domain/nominations.h"
#include "domain/prizes.h"
#include "domain/registration.h"
#include "domain/subject_index.h"
#include "store/evaluations.h"
#include "store/facts.h"
#include "util/json_text.h"

struct file_inputs {
    struct store *st;
    const char *period;
    struct rules_generation *gen;
    cJSON *evaluations, *facts, *regs;
    struct subject_index evaluated, reported, registered;
    double base;           /* the base salary, 0 when none */
    const char *only_unit; /* a unit token's view: its own unit and members only; or NULL */
};

static void free_inputs(struct file_inputs *in)
{
    cJSON_Delete(in->evaluations);
    cJSON_Delete(in->facts);
    cJSON_Delete(in->regs);
    subject_index_free(&in->evaluated);
    subject_index_free(&in->reported);
    subject_index_free(&in->registered);
}

static int read_inputs(struct store *st, const char *period, struct file_inputs *in)
{
    in->base = prizes_base_amount(rules_catalog(in->gen));
    /* Without criteria: those of the names on the lists are read one by one (a province's
     * evaluations whole would take a gigabyte). */
    in->evaluations = evaluation_outcomes_of_period(st, period, NULL);
    if (in->evaluations) nominations_narrow(st, in->gen, period, in->evaluations, in->only_unit);
    in->facts = in->evaluations ? facts_latest_of_period(st, period) : NULL;
    if (!in->facts || subject_index_of_array(&in->evaluated, in->evaluations) != 0 ||
        subject_index_of_array(&in->reported, in->facts) != 0)
        return -1;
    return registration_index(st, rules_year(in->gen), &in->regs, &in->registered);
}

static bool registered_for(const struct file_inputs *in, const char *subject, const char *code,
                           const char *title)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, subject_index_find(&in->registered, subject, code))
    {
        if (cJSON_IsString(t) && strcmp(t->valuestring, title) == 0) return true;
    }
    return false;
}

/* The facts, criteria, registration and prize behind one entry; returns the prize. */
static double enrich_entry(const struct file_inputs *in, cJSON *entry, const char *title)
{
    const char *subject = json_text(entry, "subject"), *code = json_text(entry, "code");
    const cJSON *reported = subject_index_find(&in->reported, subject, code);
    cJSON *facts = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(reported, "facts"), 1);
    cJSON_AddItemToObject(entry, "facts", facts ? facts : cJSON_CreateObject());
    char *text = evaluations_get_criteria(in->st, in->period, subject, code);
    cJSON *criteria = text ? cJSON_Parse(text) : NULL;
    free(text);
    cJSON_AddItemToObject(entry, "criteria", criteria ? criteria : cJSON_CreateArray());
    cJSON_AddBoolToObject(entry, "registered", registered_for(in, subject, code, title));
    const cJSON *prize = prizes_of(rules_catalog(in->gen), title, subject);
    double amount = prizes_amount(prize, in->base);
    if (prize)
        cJSON_AddNumberToObject(entry, "prize", amount);
    else
        cJSON_AddNullToObject(entry, "prize");
    return amount;
}

/* The evaluation's entry for `title` ({code, eligible, reasons}) among titles and
 * nominations, or NULL. */
static const cJSON *verdict_of(const cJSON *evaluation, const char *title)
{
    static const char *const lists[] = {"titles", "nominations"};
    for (int l = 0; l < 2; l++) {
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(evaluation, lists[l]))
        {
            if (strcmp(json_text(t, "code"), title) == 0) return t;
        }
    }
    return NULL;
}

static void add_not_qualified(cJSON *out, const cJSON *evaluation, const char *subject,
                              const char *code, const char *unit_code, const char *title)
{
    const cJSON *verdict = evaluation ? verdict_of(evaluation, title) : NULL;
    if (verdict && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(verdict, "eligible"))) return;
    cJSON *n = cJSON_CreateObject();
    cJSON_AddStringToObject(n, "subject", subject);
    cJSON_AddStringToObject(n, "code", code);
    cJSON_AddStringToObject(n, "name", json_text(evaluation, "name"));
    cJSON_AddStringToObject(n, "unit_code",
                            evaluation && strcmp(subject, "person") == 0
                                ? json_text(evaluation, "unit_code")
                                : unit_code);
    cJSON *reasons =
        verdict ? cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(verdict, "reasons"), 1) : NULL;
    if (!reasons) {
        reasons = cJSON_CreateArray();
        cJSON_AddItemToArray(reasons,
                             cJSON_CreateString(evaluation ? "Không có trong kết quả đánh giá"
                                                           : "Chưa có kết quả đánh giá trong kỳ "
                                                             "(chưa báo cáo số liệu)"));
    }
    cJSON_AddItemToObject(n, "reasons", reasons);
    cJSON_AddItemToArray(out, n);
}

/* Every subject who registered `title` for the year and does not qualify for it. */
static cJSON *registered_not_qualified(const struct file_inputs *in, const char *title)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *r, *p;
    cJSON_ArrayForEach(r, in->regs)
    {
        if (in->only_unit && strcmp(r->string, in->only_unit) != 0) continue;
        const cJSON *targets = cJSON_GetObjectItemCaseSensitive(r, "targets");
        if (registered_for(in, "unit", r->string, title))
            add_not_qualified(out, subject_index_find(&in->evaluated, "unit", r->string), "unit",
                              r->string, r->string, title);
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(targets, "people"))
        {
            if (registered_for(in, "person", p->string, title))
                add_not_qualified(out, subject_index_find(&in->evaluated, "person", p->string),
                                  "person", p->string, r->string, title);
        }
    }
    return out;
}

/* The declared prizes of a list, each with its amount. */
static cJSON *prizes_of_list(const struct file_inputs *in, const char *title)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(rules_catalog(in->gen), "prizes"))
    {
        if (strcmp(json_text(p, "title"), title) != 0) continue;
        cJSON *prize = cJSON_CreateObject();
        cJSON_AddStringToObject(prize, "subject", json_text(p, "subject"));
        cJSON_AddNumberToObject(prize, "multiple",
                                cJSON_GetObjectItemCaseSensitive(p, "multiple")->valuedouble);
        cJSON_AddNumberToObject(prize, "amount", prizes_amount(p, in->base));
        cJSON_AddStringToObject(prize, "source", json_text(p, "source"));
        cJSON_AddItemToArray(out, prize);
    }
    return out;
}

/* Adds count and total_prize to the group of each list's decider. */
static double add_to_group(cJSON *groups, const char *decided_by, int count, double total)
{
    cJSON *g;
    cJSON_ArrayForEach(g, groups)
    {
        if (strcmp(json_text(g, "decided_by"), decided_by) != 0) continue;
        cJSON *c = cJSON_GetObjectItemCaseSensitive(g, "count");
        cJSON *t = cJSON_GetObjectItemCaseSensitive(g, "total_prize");
        if (!c) c = cJSON_AddNumberToObject(g, "count", 0);
        if (!t) t = cJSON_AddNumberToObject(g, "total_prize", 0);
        if (c) cJSON_SetNumberValue(c, c->valuedouble + count);
        if (t) cJSON_SetNumberValue(t, t->valuedouble + total);
    }
    return total;
}

cJSON *nomination_file(struct store *st, const struct ruleset *rs, const char *period,
                       const char *only_unit)
{
    struct file_inputs in = {
        .st = st, .period = period, .gen = ruleset_for_period(rs, period), .only_unit = only_unit};
    if (!in.gen) return NULL;
    cJSON *file = read_inputs(st, period, &in) == 0
                      ? nominations_of_evaluations(in.gen, period, in.evaluations)
                      : NULL;
    if (!file) {
        cJSON_Delete(file);
        free_inputs(&in);
        return NULL;
    }
    const cJSON *catalog = rules_catalog(in.gen);
    const cJSON *base = prizes_base_salary(catalog);
    cJSON_AddItemToObject(file, "base_salary",
                          base ? cJSON_Duplicate(base, 1) : cJSON_CreateNull());
    cJSON *groups = cJSON_GetObjectItemCaseSensitive(file, "groups"), *list;
    double grand = 0;
    cJSON_ArrayForEach(list, cJSON_GetObjectItemCaseSensitive(file, "lists"))
    {
        const char *title = json_text(list, "title");
        double total = 0;
        cJSON *entry, *entries = cJSON_GetObjectItemCaseSensitive(list, "entries");
        cJSON_ArrayForEach(entry, entries) total += enrich_entry(&in, entry, title);
        cJSON_AddItemToObject(list, "prizes", prizes_of_list(&in, title));
        cJSON_AddNumberToObject(list, "count", cJSON_GetArraySize(entries));
        cJSON_AddNumberToObject(list, "total_prize", total);
        cJSON_AddItemToObject(list, "registered_not_qualified",
                              registered_not_qualified(&in, title));
        grand +=
            add_to_group(groups, json_text(list, "decided_by"), cJSON_GetArraySize(entries), total);
    }
    cJSON_AddNumberToObject(file, "total_prize", grand);
    free_inputs(&in);
    return file;
}
