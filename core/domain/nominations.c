/*
 * nominations.c — nomination lists from stored evaluations: for each title and nomination
 * the ruleset declares, who is eligible and why. One pass over the evaluations indexes
 * every eligible entry under its code, so building the lists is linear in the entries.
 */
#include "domain/nominations.h"

#include <string.h>

#include "domain/evaluation.h"
#include "domain/unit_periods.h"
#include "util/json_text.h"

static cJSON *entry_of(const cJSON *evaluation, const cJSON *title)
{
    cJSON *entry = cJSON_CreateObject();
    static const char *const copied[] = {"subject", "code", "name"};
    for (size_t i = 0; i < sizeof copied / sizeof copied[0]; i++)
        cJSON_AddItemToObject(
            entry, copied[i],
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(evaluation, copied[i]), 1));
    const cJSON *unit = cJSON_GetObjectItemCaseSensitive(evaluation, "unit_code");
    if (unit) cJSON_AddItemToObject(entry, "unit_code", cJSON_Duplicate(unit, 1));
    cJSON_AddItemToObject(entry, "reasons",
                          cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(title, "reasons"), 1));
    return entry;
}

/* Every eligible entry of `list_name` ("titles"/"nominations"), filed under its code:
 * {code: [entries in evaluation order]}. */
static void index_eligible(cJSON *index, const cJSON *evaluations, const char *list_name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, evaluations)
    {
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(e, list_name))
        {
            if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "eligible"))) continue;
            const char *code = json_text(t, "code");
            cJSON *entries = cJSON_GetObjectItemCaseSensitive(index, code);
            if (!entries) entries = cJSON_AddArrayToObject(index, code);
            cJSON_AddItemToArray(entries, entry_of(e, t));
        }
    }
}

static void add_lists(cJSON *lists, const cJSON *declared, const char *kind, cJSON *index)
{
    const cJSON *d;
    cJSON_ArrayForEach(d, declared)
    {
        const char *code = json_text(d, "code");
        cJSON *list = cJSON_CreateObject();
        cJSON_AddStringToObject(list, "title", code);
        cJSON_AddStringToObject(list, "code", code); /* a title's shape: {code, name, ...} */
        cJSON_AddItemToObject(list, "name",
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(d, "name"), 1));
        cJSON_AddItemToObject(
            list, "decided_by",
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(d, "decided_by"), 1));
        cJSON_AddStringToObject(list, "kind", kind);
        cJSON *entries = cJSON_DetachItemFromObjectCaseSensitive(index, code);
        cJSON_AddItemToObject(list, "entries", entries ? entries : cJSON_CreateArray());
        cJSON_AddItemToArray(lists, list);
    }
}

cJSON *nominations_group_of(cJSON *groups, const char *decided_by, const char *members)
{
    cJSON *g;
    cJSON_ArrayForEach(g, groups)
    {
        if (strcmp(json_text(g, "decided_by"), decided_by) == 0) return g;
    }
    g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "decided_by", decided_by);
    cJSON_AddArrayToObject(g, members);
    cJSON_AddItemToArray(groups, g);
    return g;
}

/* Groups list codes by who decides, in the order first met. */
static cJSON *group_by_decider(const cJSON *lists)
{
    cJSON *groups = cJSON_CreateArray();
    const cJSON *l;
    cJSON_ArrayForEach(l, lists)
    {
        cJSON *group = nominations_group_of(groups, json_text(l, "decided_by"), "titles");
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(group, "titles"),
                             cJSON_CreateString(json_text(l, "title")));
    }
    return groups;
}

/* Keeps only the evaluations of `unit` and of the people it evaluated. */
static void keep_unit(cJSON *evaluations, const char *unit)
{
    cJSON *e = evaluations->child;
    while (e) {
        cJSON *next = e->next;
        if (strcmp(unit_of_evaluation(e), unit) != 0)
            cJSON_Delete(cJSON_DetachItemViaPointer(evaluations, e));
        e = next;
    }
}

cJSON *nominations_of_period(struct store *st, struct rules_generation *gen, const char *period,
                             const char *only_unit)
{
    cJSON *evaluations = evaluation_outcomes_of_period(st, period, NULL);
    if (!evaluations) return NULL;
    nominations_narrow(st, gen, period, evaluations, only_unit);
    cJSON *out = nominations_of_evaluations(gen, period, evaluations);
    cJSON_Delete(evaluations);
    return out;
}

void nominations_narrow(struct store *st, struct rules_generation *gen, const char *period,
                        cJSON *evaluations, const char *only_unit)
{
    unit_periods_leave_out_absent(st, evaluations, json_text(rules_period(gen, period), "to"));
    if (only_unit) keep_unit(evaluations, only_unit);
}

cJSON *nominations_of_evaluations(struct rules_generation *gen, const char *period,
                                  const cJSON *evaluations)
{
    const cJSON *catalog = rules_catalog(gen);
    cJSON *titles = cJSON_CreateObject(), *nominations = cJSON_CreateObject();
    index_eligible(titles, evaluations, "titles");
    index_eligible(nominations, evaluations, "nominations");
    cJSON *lists = cJSON_CreateArray();
    add_lists(lists, cJSON_GetObjectItemCaseSensitive(catalog, "titles"), "title", titles);
    add_lists(lists, cJSON_GetObjectItemCaseSensitive(catalog, "nominations"), "nomination",
              nominations);
    cJSON_Delete(titles);
    cJSON_Delete(nominations);
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", period);
    cJSON_AddStringToObject(out, "rules_hash", rules_hash(gen));
    cJSON_AddItemToObject(out, "lists", lists);
    cJSON_AddItemToObject(out, "groups", group_by_decider(lists));
    return out;
}
