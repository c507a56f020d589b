/*
 * registration_summary.c — registered against achieved (reports compare the targets each
 * unit and person registered with the titles the period's stored evaluations give them):
 * per unit expected to report, whether and when it registered, its own titles registered,
 * achieved, met and missed (with the evaluation's reasons), the same for its people, and
 * the totals per title. Lookups go through subject indexes, so a province of 50,000 people
 * takes one pass over each list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/evaluation.h"
#include "domain/registration.h"
#include "domain/status.h"
#include "store/evaluations.h"
#include "store/registrations.h"
#include "store/units.h"
#include "util/json_text.h"

int registration_index(struct store *st, int year, cJSON **regs, struct subject_index *ix)
{
    *regs = registrations_of_year(st, year);
    if (!*regs) return -1;
    cJSON *r;
    cJSON_ArrayForEach(r, *regs)
    {
        cJSON *targets = cJSON_GetObjectItemCaseSensitive(r, "targets"), *p;
        subject_index_add(ix, "unit", r->string,
                          cJSON_GetObjectItemCaseSensitive(targets, "titles"));
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(targets, "people"))
        {
            subject_index_add(ix, "person", p->string, p);
        }
    }
    subject_index_sort(ix);
    return 0;
}

static bool listed(const cJSON *codes, const char *code)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, codes)
    {
        if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0) return true;
    }
    return false;
}

/* What a subject achieved: the codes of its row's titles and nominations. */
static cJSON *achieved_of(const cJSON *row)
{
    cJSON *out = cJSON_CreateArray();
    static const char *const lists[] = {"titles", "nominations"};
    for (int l = 0; l < 2; l++) {
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(row, lists[l]))
        {
            if (cJSON_IsString(t)) cJSON_AddItemToArray(out, cJSON_CreateString(t->valuestring));
        }
    }
    return out;
}

/* Why a registered title was not achieved: the stored evaluation's reasons for it (read
 * for the few subjects that missed one, not for everyone). */
static cJSON *reasons_for(struct store *st, const char *period, const char *subject,
                          const char *code, bool evaluated, const char *title)
{
    char hash[80];
    char *text = evaluated ? evaluations_get(st, period, subject, code, hash, sizeof hash) : NULL;
    cJSON *evaluation = text ? cJSON_Parse(text) : NULL;
    free(text);
    if (!evaluation) {
        cJSON *none = cJSON_CreateArray();
        cJSON_AddItemToArray(none, cJSON_CreateString("Chưa có kết quả đánh giá trong kỳ "
                                                      "(chưa báo cáo số liệu)"));
        return none;
    }
    cJSON *reasons = NULL;
    static const char *const lists[] = {"titles", "nominations"};
    for (int l = 0; l < 2 && !reasons; l++) {
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(evaluation, lists[l]))
        {
            if (!reasons && strcmp(json_text(t, "code"), title) == 0)
                reasons = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(t, "reasons"), 1);
        }
    }
    cJSON_Delete(evaluation);
    return reasons ? reasons : cJSON_CreateArray();
}

struct summary_inputs {
    struct store *st;
    const char *period;
    const cJSON *unit_rows, *person_rows;
    cJSON *regs, *units;
    struct subject_index achieved, registered;
    char due[CLOCK_DATE_LEN], effective[CLOCK_DATE_LEN];
};

/* {registered_titles, achieved_titles, met, missed} of one subject onto `into`; row is
 * its achievements (NULL when it has no evaluation). */
static void compare(const struct summary_inputs *in, cJSON *into, const char *subject,
                    const char *code, const cJSON *registered, const cJSON *row)
{
    cJSON *achieved = row ? achieved_of(row) : cJSON_CreateArray();
    cJSON *met = cJSON_CreateArray(), *missed = cJSON_CreateArray();
    const cJSON *t;
    cJSON_ArrayForEach(t, registered)
    {
        if (listed(achieved, t->valuestring)) {
            cJSON_AddItemToArray(met, cJSON_CreateString(t->valuestring));
            continue;
        }
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "title", t->valuestring);
        cJSON_AddStringToObject(m, "code", t->valuestring);
        cJSON_AddItemToObject(
            m, "reasons",
            reasons_for(in->st, in->period, subject, code, row != NULL, t->valuestring));
        cJSON_AddItemToArray(missed, m);
    }
    cJSON_AddItemToObject(into, "registered_titles",
                          registered ? cJSON_Duplicate(registered, 1) : cJSON_CreateArray());
    cJSON_AddItemToObject(into, "achieved_titles", achieved);
    cJSON_AddItemToObject(into, "met", met);
    cJSON_AddItemToObject(into, "missed", missed);
}

static cJSON *person_out(const struct summary_inputs *in, const char *code, const char *name,
                         const cJSON *registered, const cJSON *row)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "code", code);
    cJSON_AddStringToObject(p, "name", name);
    compare(in, p, "person", code, registered, row);
    return p;
}

/* Files each person who registered or achieved a title under the unit that evaluates them
 * in the period (one who registered and has no evaluation: under the unit they registered
 * with). `units` indexes the output's units by code. */
static void add_people(struct summary_inputs *in, const struct subject_index *units)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, in->person_rows)
    {
        cJSON *unit = subject_index_find(units, "unit", json_text(e, "unit_code"));
        const cJSON *registered =
            subject_index_find(&in->registered, "person", json_text(e, "code"));
        bool any = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "titles")) > 0 ||
                   cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(e, "nominations")) > 0 ||
                   cJSON_GetArraySize(registered) > 0;
        if (unit && any)
            cJSON_AddItemToArray(
                cJSON_GetObjectItemCaseSensitive(unit, "people"),
                person_out(in, json_text(e, "code"), json_text(e, "name"), registered, e));
    }
    const cJSON *r, *p;
    cJSON_ArrayForEach(r, in->regs)
    {
        cJSON *unit = subject_index_find(units, "unit", r->string);
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(
                                  cJSON_GetObjectItemCaseSensitive(r, "targets"), "people"))
        {
            if (unit && !subject_index_find(&in->achieved, "person", p->string))
                cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(unit, "people"),
                                     person_out(in, p->string, "", p, NULL));
        }
    }
}

/* One unit expected to report: its registration, its own titles compared. */
static cJSON *unit_out(struct summary_inputs *in, const cJSON *u)
{
    const char *code = json_text(u, "code");
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "code", code);
    cJSON_AddStringToObject(out, "name", json_text(u, "name"));
    const cJSON *reg = cJSON_GetObjectItemCaseSensitive(in->regs, code);
    const char *at = json_text(reg, "registered_at");
    cJSON_AddBoolToObject(out, "registered", reg != NULL);
    if (reg)
        cJSON_AddStringToObject(out, "registered_at", at);
    else
        cJSON_AddNullToObject(out, "registered_at");
    cJSON_AddBoolToObject(out, "late",
                          in->effective[0] && status_is_late(reg ? at : NULL, in->effective));
    compare(in, out, "unit", code, subject_index_find(&in->registered, "unit", code),
            subject_index_find(&in->achieved, "unit", code));
    cJSON_AddArrayToObject(out, "people");
    return out;
}

/* Adds 1 to counts["TITLE/subject"][field]. */
static void count(cJSON *counts, const char *title, const char *subject, const char *field)
{
    char key[96];
    snprintf(key, sizeof key, "%s/%s", title, subject);
    cJSON *c = cJSON_GetObjectItemCaseSensitive(counts, key);
    if (!c) {
        c = cJSON_AddObjectToObject(counts, key);
        cJSON_AddStringToObject(c, "title", title);
        cJSON_AddStringToObject(c, "code", title);
        cJSON_AddStringToObject(c, "subject", subject);
        cJSON_AddNumberToObject(c, "registered", 0);
        cJSON_AddNumberToObject(c, "achieved", 0);
        cJSON_AddNumberToObject(c, "registered_and_achieved", 0);
    }
    cJSON *n = cJSON_GetObjectItemCaseSensitive(c, field);
    if (n) cJSON_SetNumberValue(n, n->valuedouble + 1);
}

static void count_subject(cJSON *counts, const cJSON *s, const char *subject)
{
    static const char *const fields[][2] = {{"registered_titles", "registered"},
                                            {"achieved_titles", "achieved"},
                                            {"met", "registered_and_achieved"}};
    for (int f = 0; f < 3; f++) {
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(s, fields[f][0]))
        {
            count(counts, t->valuestring, subject, fields[f][1]);
        }
    }
}

/* The totals: units registered, late, missing; per title and subject, in the catalog's
 * order, how many registered it, achieved it, and both. */
static cJSON *totals_of(const cJSON *units, struct rules_generation *gen)
{
    int registered = 0, late = 0, missing = 0;
    cJSON *counts = cJSON_CreateObject();
    const cJSON *u, *p;
    cJSON_ArrayForEach(u, units)
    {
        bool done = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "registered"));
        registered += done;
        missing += !done;
        late += done && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "late"));
        count_subject(counts, u, "unit");
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(u, "people"))
        {
            count_subject(counts, p, "person");
        }
    }
    cJSON *totals = cJSON_CreateObject();
    cJSON_AddNumberToObject(totals, "units_registered", registered);
    cJSON_AddNumberToObject(totals, "units_late", late);
    cJSON_AddNumberToObject(totals, "units_missing", missing);
    cJSON *by_title = cJSON_AddArrayToObject(totals, "by_title");
    static const char *const lists[] = {"titles", "nominations"};
    static const char *const subjects[] = {"unit", "person"};
    for (int l = 0; l < 2; l++) {
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(rules_catalog(gen), lists[l]))
        {
            for (int s = 0; s < 2; s++) {
                char key[96];
                snprintf(key, sizeof key, "%s/%s", json_text(t, "code"), subjects[s]);
                cJSON *c = cJSON_DetachItemFromObjectCaseSensitive(counts, key);
                if (!c) continue;
                cJSON_AddStringToObject(c, "name", json_text(t, "name"));
                cJSON_AddItemToArray(by_title, c);
            }
        }
    }
    cJSON_Delete(counts);
    return totals;
}

static void free_inputs(struct summary_inputs *in)
{
    cJSON_Delete(in->regs);
    cJSON_Delete(in->units);
    subject_index_free(&in->achieved);
    subject_index_free(&in->registered);
}

/* Indexes the achievement rows by (subject, code). */
static int index_rows(struct subject_index *ix, const char *subject, const cJSON *rows)
{
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        if (subject_index_add(ix, subject, json_text(row, "code"), (cJSON *)row) != 0) return -1;
    }
    return 0;
}

cJSON *registration_summary(struct store *st, const struct ruleset *rs, const char *period,
                            const cJSON *unit_rows, const cJSON *person_rows)
{
    struct rules_generation *gen = ruleset_for_period(rs, period);
    const cJSON *p = gen ? rules_period(gen, period) : NULL;
    if (!p) return NULL;
    struct summary_inputs in = {
        .st = st, .period = period, .unit_rows = unit_rows, .person_rows = person_rows};
    if (!registration_deadline(gen, in.due, in.effective)) in.due[0] = in.effective[0] = '\0';
    in.units = units_reporting(st, period, json_text(p, "report_due"));
    if (!in.units || index_rows(&in.achieved, "unit", unit_rows) != 0 ||
        index_rows(&in.achieved, "person", person_rows) != 0 ||
        registration_index(st, rules_year(gen), &in.regs, &in.registered) != 0) {
        free_inputs(&in);
        return NULL;
    }
    subject_index_sort(&in.achieved);
    cJSON *out = cJSON_CreateObject(), *units = cJSON_CreateArray();
    struct subject_index by_code = {0};
    const cJSON *u;
    cJSON_ArrayForEach(u, in.units)
    {
        cJSON *o = unit_out(&in, u);
        cJSON_AddItemToArray(units, o);
        subject_index_add(&by_code, "unit", json_text(o, "code"), o);
    }
    subject_index_sort(&by_code);
    add_people(&in, &by_code);
    subject_index_free(&by_code);
    cJSON_AddStringToObject(out, "period", period);
    cJSON_AddNumberToObject(out, "year", rules_year(gen));
    cJSON_AddStringToObject(out, "registration_due", in.due);
    cJSON_AddStringToObject(out, "effective_due", in.effective);
    cJSON_AddItemToObject(out, "units", units);
    cJSON_AddItemToObject(out, "totals", totals_of(units, gen));
    free_inputs(&in);
    return out;
}
