/*
 * api_reports.c — the movement's data over HTTP: units' and people's facts for a period
 * (validated against the ruleset's declared facts, stored as versions, evaluated in the
 * same transaction), evaluations, reporting status, ranking, nomination lists, stateless
 * evaluation, and the rules reload.
 *
 * A request that fails validation changes nothing: every problem is listed in one 422.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api_internal.h"
#include "csv_import.h"
#include "evaluation.h"
#include "log.h"
#include "model.h"
#include "rules.h"
#include "ruleset.h"

#define NOTE_MAX_CHARS 4000

static struct rules_generation *active_rules(struct api_call *call)
{
    struct rules_generation *gen = call->api->rules ? call->api->rules->active : NULL;
    if (!gen) api_error(call, 503, "no_rules", "no ruleset is loaded; see the daemon's log");
    return gen;
}

/* The period in the path, known to the rules; replies 404 otherwise. */
static const cJSON *known_period(struct api_call *call, struct rules_generation *gen,
                                 const char *code)
{
    const cJSON *p = rules_period(gen, code);
    if (!p) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "the campaign has no period \"%.40s\" (periods look like 2025-H1, 2025-Y)", code);
        api_error(call, 404, "period_not_found", msg);
    }
    return p;
}

static const char *period_field(const cJSON *period, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(period, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static void today(char out[11])
{
    time_t now = time(NULL);
    struct tm local;
    localtime_r(&now, &local);
    strftime(out, 11, "%Y-%m-%d", &local);
}

/* Late when first submitted after the due date, or still missing once it has passed. */
static bool is_late(const char *submitted_at, const char *due)
{
    char date[11];
    if (submitted_at) {
        snprintf(date, sizeof date, "%.10s", submitted_at);
        return strcmp(date, due) > 0;
    }
    today(date);
    return strcmp(date, due) > 0;
}

/* A person hired after the period ended was no member during it: nothing to report or
 * evaluate. Writes the hiring date to hired (dd/mm/yyyy) when so. */
static bool hired_after(struct store *st, const char *code, const cJSON *period, char hired[11])
{
    char *on = model_person_hired_on(st, code);
    bool after = on && strcmp(on, period_field(period, "to")) > 0;
    if (after) snprintf(hired, 11, "%.2s/%.2s/%.4s", on + 8, on + 5, on);
    free(on);
    return after;
}

static void add_detail(cJSON *details, const char *field, const char *message)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "field", field);
    cJSON_AddStringToObject(d, "message", message);
    cJSON_AddItemToArray(details, d);
}

/* Checks {"facts": {...}, "note": "..."}; returns the facts or NULL (reply sent). */
static cJSON *checked_submission(struct api_call *call, struct rules_generation *gen,
                                 const char *subject, cJSON *body, const char **note)
{
    cJSON *details = cJSON_CreateArray();
    cJSON *facts = cJSON_GetObjectItemCaseSensitive(body, "facts");
    const cJSON *note_item = cJSON_GetObjectItemCaseSensitive(body, "note");
    *note = "";
    for (const cJSON *f = body->child; f; f = f->next) {
        if (strcmp(f->string, "facts") != 0 && strcmp(f->string, "note") != 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "trường \"%.60s\" không được nhận (chỉ có facts và note)",
                     f->string);
            add_detail(details, f->string, msg);
        }
    }
    if (note_item && !cJSON_IsNull(note_item)) {
        if (!cJSON_IsString(note_item))
            add_detail(details, "note", "note phải là chuỗi ký tự");
        else if (strlen(note_item->valuestring) > NOTE_MAX_CHARS * 4)
            add_detail(details, "note", "note dài quá giới hạn");
        else
            *note = note_item->valuestring;
    }
    if (!cJSON_IsObject(facts)) {
        add_detail(details, "facts",
                   "facts phải là một đối tượng JSON {\"tên chỉ tiêu\": giá trị}");
    } else {
        cJSON *problems = rules_validate_facts(gen, subject, facts);
        if (!problems) {
            cJSON_Delete(details);
            api_error(call, 500, "rule_error", "the rules could not check the facts");
            return NULL;
        }
        cJSON *d;
        while ((d = cJSON_DetachItemFromArray(problems, 0)))
            cJSON_AddItemToArray(details, d);
        cJSON_Delete(problems);
    }
    if (cJSON_GetArraySize(details) > 0) {
        api_invalid(call, "the submission has problems; nothing was stored", details);
        return NULL;
    }
    cJSON_Delete(details);
    return facts;
}

/* Stores one version of facts and re-evaluates the unit concerned, atomically. Returns the
 * submitted subject's new evaluation. */
static cJSON *store_and_evaluate(struct api_call *call, struct rules_generation *gen,
                                 const char *period, const char *subject, const char *code,
                                 const char *unit_code, const cJSON *facts, const char *note,
                                 int *version, char *submitted_at, size_t at_len)
{
    struct store *st = call->api->store;
    char *facts_text = cJSON_PrintUnformatted(facts);
    char err[1024];
    if (!facts_text || store_begin(st) != 0) {
        free(facts_text);
        api_error(call, 503, "busy", "the database is busy; try again");
        return NULL;
    }
    *version = model_facts_append(st, period, subject, code, facts_text, note, call->who.name,
                                  submitted_at, at_len);
    char detail[200];
    snprintf(detail, sizeof detail, "{\"period\":\"%s\",\"version\":%d}", period, *version);
    struct rules_results results = {0};
    int rc = -1;
    if (*version > 0 && model_audit(st, call->who.name, "submit", subject, code, detail) == 0)
        rc = evaluation_of_unit(st, gen, period, unit_code, true, &results, err, sizeof err);
    else
        snprintf(err, sizeof err, "%s", sqlite3_errmsg(store_db(st)));
    free(facts_text);
    cJSON *result = rc == 0 ? evaluation_find(&results, subject, code) : NULL;
    rules_results_free(&results);
    if (rc == 0 && !result) snprintf(err, sizeof err, "%s %s was not evaluated", subject, code);
    if (!result) {
        store_rollback(st);
        log_error("%s %s %s: %s", period, subject, code, err);
        char msg[1200];
        snprintf(msg, sizeof msg, "nothing was stored: %s", err);
        api_error(call, 500, "rule_error", msg);
        return NULL;
    }
    if (store_commit(st) != 0) {
        store_rollback(st);
        cJSON_Delete(result);
        api_error(call, 503, "busy", "the database could not commit; nothing was stored");
        return NULL;
    }
    return result;
}

void api_unit_report_put(struct api_call *call)
{
    struct rules_generation *gen = active_rules(call);
    if (!gen) return;
    const char *period = call->params[0], *code = call->params[1];
    if (!known_period(call, gen, period)) return;
    if (!valid_code(code) || !model_unit_exists(call->api->store, code)) {
        api_error(call, 404, "unit_not_found", "no unit has this code");
        return;
    }
    if (!api_may_write_unit(call, code)) return;
    cJSON *body = api_body_object(call);
    if (!body) return;
    const char *note;
    cJSON *facts = checked_submission(call, gen, "unit", body, &note);
    if (!facts) {
        cJSON_Delete(body);
        return;
    }
    int version = 0;
    char submitted_at[40];
    cJSON *result = store_and_evaluate(call, gen, period, "unit", code, code, facts, note, &version,
                                       submitted_at, sizeof submitted_at);
    cJSON_Delete(body);
    if (!result) return;
    char first[40] = "";
    bool submitted =
        model_first_submission(call->api->store, period, "unit", code, first, sizeof first, NULL);
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", period);
    cJSON_AddStringToObject(out, "unit", code);
    cJSON_AddNumberToObject(out, "version", version);
    cJSON_AddStringToObject(out, "submitted_at", submitted_at);
    cJSON_AddBoolToObject(
        out, "late",
        is_late(submitted ? first : NULL, period_field(rules_period(gen, period), "report_due")));
    cJSON_AddItemToObject(out, "evaluation", result);
    api_reply(call, 200, out);
}

void api_person_facts_put(struct api_call *call)
{
    struct rules_generation *gen = active_rules(call);
    if (!gen) return;
    const char *period = call->params[0], *code = call->params[1];
    const cJSON *p = known_period(call, gen, period);
    if (!p) return;
    char *unit_code = valid_code(code) ? model_person_unit(call->api->store, code) : NULL;
    if (!unit_code) {
        api_error(call, 404, "person_not_found", "no person has this code");
        return;
    }
    if (!api_may_write_unit(call, unit_code)) { /* 403 before any word on the content */
        free(unit_code);
        return;
    }
    char hired[11];
    if (hired_after(call->api->store, code, p, hired)) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s được tuyển dụng ngày %s, sau khi kỳ %s kết thúc", code, hired,
                 period);
        cJSON *details = cJSON_CreateArray();
        add_detail(details, "person", msg);
        api_invalid(call, "the person was not a member during this period; nothing was stored",
                    details);
        free(unit_code);
        return;
    }
    cJSON *body = NULL;
    const char *note;
    cJSON *facts = NULL;
    if ((body = api_body_object(call)))
        facts = checked_submission(call, gen, "person", body, &note);
    if (!facts) {
        cJSON_Delete(body);
        free(unit_code);
        return;
    }
    int version = 0;
    char submitted_at[40];
    cJSON *result = store_and_evaluate(call, gen, period, "person", code, unit_code, facts, note,
                                       &version, submitted_at, sizeof submitted_at);
    cJSON_Delete(body);
    free(unit_code);
    if (!result) return;
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", period);
    cJSON_AddStringToObject(out, "person", code);
    cJSON_AddNumberToObject(out, "version", version);
    cJSON_AddStringToObject(out, "submitted_at", submitted_at);
    cJSON_AddItemToObject(out, "evaluation", result);
    api_reply(call, 200, out);
}

static void evaluation_reply(struct api_call *call, const char *subject)
{
    struct rules_generation *gen = active_rules(call);
    if (!gen) return;
    const char *period = call->params[0], *code = call->params[1];
    const cJSON *p = known_period(call, gen, period);
    if (!p) return;
    struct store *st = call->api->store;
    /* The common case first: a stored evaluation is JSON already, sent as it is. Only a
     * subject without one needs its code checked and a fresh evaluation. */
    char *stored =
        valid_code(code) ? model_evaluation_get(st, period, subject, code, NULL, 0) : NULL;
    if (stored) {
        api_reply_text(call, 200, stored);
        return;
    }
    bool person = strcmp(subject, "person") == 0;
    if (!valid_code(code) ||
        !(person ? model_person_exists(st, code) : model_unit_exists(st, code))) {
        api_error(call, 404, person ? "person_not_found" : "unit_not_found",
                  person ? "no person has this code" : "no unit has this code");
        return;
    }
    char hired[11];
    if (person && hired_after(st, code, p, hired)) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s was hired on %s, after period %s ended", code, hired, period);
        api_error(call, 404, "not_in_period", msg);
        return;
    }
    char err[1024];
    cJSON *evaluation = evaluation_fresh(st, gen, period, subject, code, err, sizeof err);
    if (!evaluation) {
        api_error(call, 500, "rule_error", err);
        return;
    }
    api_reply(call, 200, evaluation);
}

void api_unit_evaluation_get(struct api_call *call)
{
    evaluation_reply(call, "unit");
}

void api_person_evaluation_get(struct api_call *call)
{
    evaluation_reply(call, "person");
}

void api_status_get(struct api_call *call)
{
    struct rules_generation *gen = active_rules(call);
    if (!gen) return;
    const char *period = call->params[0];
    const cJSON *p = known_period(call, gen, period);
    if (!p) return;
    const char *due = period_field(p, "report_due");
    cJSON *units = model_reporting_units(call->api->store, period, due);
    if (!units) {
        api_error(call, 500, "internal", "cannot read the reports");
        return;
    }
    int submitted = 0, late = 0;
    cJSON *u;
    cJSON_ArrayForEach(u, units)
    {
        const cJSON *at = cJSON_GetObjectItemCaseSensitive(u, "submitted_at");
        bool done = cJSON_IsString(at);
        bool is_late_now = is_late(done ? at->valuestring : NULL, due);
        cJSON_AddBoolToObject(u, "submitted", done);
        cJSON_AddBoolToObject(u, "late", is_late_now);
        submitted += done;
        late += is_late_now;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", period);
    cJSON_AddStringToObject(out, "due", due);
    cJSON_AddNumberToObject(out, "expected", cJSON_GetArraySize(units));
    cJSON_AddNumberToObject(out, "submitted", submitted);
    cJSON_AddNumberToObject(out, "late", late);
    cJSON_AddItemToObject(out, "units", units);
    api_reply(call, 200, out);
}

/* Stored evaluations of a period, parsed. */
static cJSON *stored_evaluations(struct api_call *call, const char *period, const char *subject)
{
    cJSON *rows = model_evaluations_of_period(call->api->store, period, subject);
    if (!rows) return NULL;
    cJSON *parsed = cJSON_CreateArray();
    const cJSON *row;
    cJSON_ArrayForEach(row, rows)
    {
        cJSON *e = cJSON_Parse(cJSON_GetObjectItemCaseSensitive(row, "result")->valuestring);
        if (e) cJSON_AddItemToArray(parsed, e);
    }
    cJSON_Delete(rows);
    return parsed;
}

static int by_score_then_code(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
    double sx = cJSON_GetObjectItemCaseSensitive(x, "score")->valuedouble;
    double sy = cJSON_GetObjectItemCaseSensitive(y, "score")->valuedouble;
    if (sx != sy) return sx < sy ? 1 : -1;
    return strcmp(cJSON_GetObjectItemCaseSensitive(x, "code")->valuestring,
                  cJSON_GetObjectItemCaseSensitive(y, "code")->valuestring);
}

static cJSON *eligible_codes(const cJSON *evaluation, const char *list)
{
    cJSON *codes = cJSON_CreateArray();
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(evaluation, list))
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "eligible")))
            cJSON_AddItemToArray(
                codes,
                cJSON_CreateString(cJSON_GetObjectItemCaseSensitive(t, "code")->valuestring));
    }
    return codes;
}

void api_ranking_get(struct api_call *call)
{
    struct rules_generation *gen = active_rules(call);
    if (!gen) return;
    const char *period = call->params[0];
    const cJSON *p = known_period(call, gen, period);
    if (!p) return;
    cJSON *evaluations = stored_evaluations(call, period, "unit");
    cJSON *reporting =
        model_reporting_units(call->api->store, period, period_field(p, "report_due"));
    if (!evaluations || !reporting) {
        cJSON_Delete(evaluations);
        cJSON_Delete(reporting);
        api_error(call, 500, "internal", "cannot read the evaluations");
        return;
    }
    /* Every unit expected to report is ranked; one never evaluated scores 0. */
    size_t n = 0,
           cap = (size_t)cJSON_GetArraySize(evaluations) + (size_t)cJSON_GetArraySize(reporting);
    cJSON **rows = calloc(cap ? cap : 1, sizeof *rows);
    cJSON *e;
    cJSON_ArrayForEach(e, evaluations)
    {
        cJSON *row = cJSON_CreateObject();
        const char *code = cJSON_GetObjectItemCaseSensitive(e, "code")->valuestring;
        cJSON_AddStringToObject(row, "code", code);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
        cJSON_AddStringToObject(row, "name", cJSON_IsString(name) ? name->valuestring : "");
        cJSON_AddNumberToObject(row, "score",
                                cJSON_GetObjectItemCaseSensitive(e, "score")->valuedouble);
        bool submitted = false;
        const cJSON *r;
        cJSON_ArrayForEach(r, reporting)
        {
            if (strcmp(cJSON_GetObjectItemCaseSensitive(r, "code")->valuestring, code) == 0)
                submitted = cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "submitted_at"));
        }
        cJSON_AddBoolToObject(row, "submitted", submitted);
        cJSON_AddItemToObject(row, "titles", eligible_codes(e, "titles"));
        rows[n++] = row;
    }
    const cJSON *r;
    cJSON_ArrayForEach(r, reporting)
    {
        const char *code = cJSON_GetObjectItemCaseSensitive(r, "code")->valuestring;
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen =
                strcmp(cJSON_GetObjectItemCaseSensitive(rows[i], "code")->valuestring, code) == 0;
        if (seen) continue;
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "code", code);
        cJSON_AddStringToObject(row, "name",
                                cJSON_GetObjectItemCaseSensitive(r, "name")->valuestring);
        cJSON_AddNumberToObject(row, "score", 0);
        cJSON_AddBoolToObject(row, "submitted", false);
        cJSON_AddItemToObject(row, "titles", cJSON_CreateArray());
        rows[n++] = row;
    }
    qsort(rows, n, sizeof *rows, by_score_then_code);
    cJSON *list = cJSON_CreateArray();
    int rank = 0;
    double last = -1;
    for (size_t i = 0; i < n; i++) {
        double score = cJSON_GetObjectItemCaseSensitive(rows[i], "score")->valuedouble;
        if (i == 0 || score != last) rank = (int)i + 1;
        last = score;
        cJSON_AddNumberToObject(rows[i], "rank", rank);
        cJSON_AddItemToArray(list, rows[i]);
    }
    free(rows);
    cJSON_Delete(evaluations);
    cJSON_Delete(reporting);
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", period);
    cJSON_AddStringToObject(out, "rules_hash", rules_hash(gen));
    cJSON_AddItemToObject(out, "units", list);
    api_reply(call, 200, out);
}

/* Adds the eligible subjects of one title or nomination code to a list. */
static void collect_entries(cJSON *entries, const cJSON *evaluations, const char *list_name,
                            const char *code)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, evaluations)
    {
        const cJSON *t;
        cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(e, list_name))
        {
            if (strcmp(cJSON_GetObjectItemCaseSensitive(t, "code")->valuestring, code) != 0 ||
                !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(t, "eligible")))
                continue;
            cJSON *entry = cJSON_CreateObject();
            cJSON_AddItemToObject(
                entry, "subject",
                cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(e, "subject"), 1));
            cJSON_AddItemToObject(entry, "code",
                                  cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(e, "code"), 1));
            cJSON_AddItemToObject(entry, "name",
                                  cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(e, "name"), 1));
            const cJSON *unit = cJSON_GetObjectItemCaseSensitive(e, "unit_code");
            if (unit) cJSON_AddItemToObject(entry, "unit_code", cJSON_Duplicate(unit, 1));
            cJSON_AddItemToObject(
                entry, "reasons",
                cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(t, "reasons"), 1));
            cJSON_AddItemToArray(entries, entry);
        }
    }
}

static void add_lists(cJSON *lists, const cJSON *declared, const char *kind,
                      const cJSON *evaluations, const char *list_name)
{
    const cJSON *d;
    cJSON_ArrayForEach(d, declared)
    {
        const char *code = cJSON_GetObjectItemCaseSensitive(d, "code")->valuestring;
        cJSON *list = cJSON_CreateObject();
        cJSON_AddStringToObject(list, "title", code);
        cJSON_AddItemToObject(list, "name",
                              cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(d, "name"), 1));
        cJSON_AddItemToObject(
            list, "decided_by",
            cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(d, "decided_by"), 1));
        cJSON_AddStringToObject(list, "kind", kind);
        cJSON *entries = cJSON_AddArrayToObject(list, "entries");
        collect_entries(entries, evaluations, list_name, code);
        cJSON_AddItemToArray(lists, list);
    }
}

void api_nominations_get(struct api_call *call)
{
    struct rules_generation *gen = active_rules(call);
    if (!gen) return;
    const char *period = call->params[0];
    if (!known_period(call, gen, period)) return;
    cJSON *evaluations = stored_evaluations(call, period, NULL);
    if (!evaluations) {
        api_error(call, 500, "internal", "cannot read the evaluations");
        return;
    }
    const cJSON *catalog = rules_catalog(gen);
    cJSON *lists = cJSON_CreateArray();
    add_lists(lists, cJSON_GetObjectItemCaseSensitive(catalog, "titles"), "title", evaluations,
              "titles");
    add_lists(lists, cJSON_GetObjectItemCaseSensitive(catalog, "nominations"), "nomination",
              evaluations, "nominations");
    cJSON_Delete(evaluations);
    /* Grouped by who decides: the Director's lists first, then those proposed upward. */
    cJSON *groups = cJSON_CreateArray();
    const cJSON *l;
    cJSON_ArrayForEach(l, lists)
    {
        const char *by = cJSON_GetObjectItemCaseSensitive(l, "decided_by")->valuestring;
        cJSON *group = NULL, *g;
        cJSON_ArrayForEach(g, groups)
        {
            if (strcmp(cJSON_GetObjectItemCaseSensitive(g, "decided_by")->valuestring, by) == 0)
                group = g;
        }
        if (!group) {
            group = cJSON_CreateObject();
            cJSON_AddStringToObject(group, "decided_by", by);
            cJSON_AddArrayToObject(group, "titles");
            cJSON_AddItemToArray(groups, group);
        }
        cJSON_AddItemToArray(
            cJSON_GetObjectItemCaseSensitive(group, "titles"),
            cJSON_CreateString(cJSON_GetObjectItemCaseSensitive(l, "title")->valuestring));
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", period);
    cJSON_AddStringToObject(out, "rules_hash", rules_hash(gen));
    cJSON_AddItemToObject(out, "lists", lists);
    cJSON_AddItemToObject(out, "groups", groups);
    api_reply(call, 200, out);
}

/* POST /api/v1/evaluate: {"subject", "period"?, "facts", "is_head"?, "members"?} */
void api_evaluate_post(struct api_call *call)
{
    struct rules_generation *gen = active_rules(call);
    if (!gen) return;
    cJSON *body = api_body_object(call);
    if (!body) return;
    cJSON *details = cJSON_CreateArray();
    const cJSON *subject = cJSON_GetObjectItemCaseSensitive(body, "subject");
    const cJSON *period = cJSON_GetObjectItemCaseSensitive(body, "period");
    const cJSON *facts = cJSON_GetObjectItemCaseSensitive(body, "facts");
    const cJSON *members = cJSON_GetObjectItemCaseSensitive(body, "members");
    bool unit = cJSON_IsString(subject) && strcmp(subject->valuestring, "unit") == 0;
    bool person = cJSON_IsString(subject) && strcmp(subject->valuestring, "person") == 0;
    if (!unit && !person)
        add_detail(details, "subject", "subject phải là \"unit\" hoặc \"person\"");
    char period_code[32];
    if (period && !cJSON_IsNull(period)) {
        if (!cJSON_IsString(period) || !rules_period(gen, period->valuestring))
            add_detail(details, "period", "kỳ báo cáo không có trong phong trào");
        snprintf(period_code, sizeof period_code, "%s",
                 cJSON_IsString(period) ? period->valuestring : "");
    } else {
        /* The year's period by default: titles are decided at year end. */
        const cJSON *p, *chosen = NULL;
        cJSON_ArrayForEach(p, rules_periods(gen))
        {
            if (!chosen || strcmp(period_field(p, "kind"), "Y") == 0) chosen = p;
        }
        snprintf(period_code, sizeof period_code, "%s", chosen ? period_field(chosen, "code") : "");
    }
    if (!cJSON_IsObject(facts)) {
        add_detail(details, "facts", "facts phải là một đối tượng JSON");
    } else if (unit || person) {
        cJSON *problems = rules_validate_facts(gen, unit ? "unit" : "person", facts);
        cJSON *d;
        while (problems && (d = cJSON_DetachItemFromArray(problems, 0)))
            cJSON_AddItemToArray(details, d);
        cJSON_Delete(problems);
    }
    if (members && (!unit || !cJSON_IsArray(members)))
        add_detail(details, "members",
                   "members là danh sách thành viên, chỉ dùng khi subject là unit");
    int index = 0;
    const cJSON *m;
    if (unit && cJSON_IsArray(members)) {
        cJSON_ArrayForEach(m, members)
        {
            char field[64];
            snprintf(field, sizeof field, "members[%d].facts", index);
            const cJSON *mf = cJSON_GetObjectItemCaseSensitive(m, "facts");
            if (!cJSON_IsObject(m) || !cJSON_IsObject(mf)) {
                add_detail(details, field, "mỗi thành viên cần facts là một đối tượng JSON");
            } else {
                cJSON *problems = rules_validate_facts(gen, "person", mf);
                cJSON *d;
                while (problems && (d = cJSON_DetachItemFromArray(problems, 0))) {
                    char prefixed[96];
                    snprintf(prefixed, sizeof prefixed, "members[%d].%s", index,
                             cJSON_GetObjectItemCaseSensitive(d, "field")->valuestring);
                    cJSON_ReplaceItemInObjectCaseSensitive(d, "field",
                                                           cJSON_CreateString(prefixed));
                    cJSON_AddItemToArray(details, d);
                }
                cJSON_Delete(problems);
            }
            index++;
        }
    }
    if (cJSON_GetArraySize(details) > 0) {
        cJSON_Delete(body);
        api_invalid(call, "the request has problems", details);
        return;
    }
    cJSON_Delete(details);
    char err[1024] = "the evaluation could not be read back";
    cJSON *result;
    const cJSON *is_head = cJSON_GetObjectItemCaseSensitive(body, "is_head");
    if (person) {
        cJSON *input = cJSON_CreateObject();
        cJSON_AddStringToObject(input, "code", "");
        cJSON_AddBoolToObject(input, "is_head", cJSON_IsTrue(is_head));
        cJSON_AddItemToObject(input, "facts", cJSON_Duplicate(facts, 1));
        result = rules_evaluate_person(gen, period_code, input, err, sizeof err);
        cJSON_Delete(input);
    } else {
        cJSON *input = cJSON_CreateObject();
        cJSON_AddStringToObject(input, "code", "");
        cJSON_AddItemToObject(input, "facts", cJSON_Duplicate(facts, 1));
        cJSON *inputs = cJSON_CreateArray();
        index = 0;
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
        cJSON *group = rules_evaluate_unit(gen, period_code, input, inputs, err, sizeof err);
        cJSON_Delete(input);
        cJSON_Delete(inputs);
        result = group ? cJSON_DetachItemFromObjectCaseSensitive(group, "unit") : NULL;
        if (result)
            cJSON_AddItemToObject(result, "members",
                                  cJSON_DetachItemFromObjectCaseSensitive(group, "people"));
        cJSON_Delete(group);
    }
    cJSON_Delete(body);
    if (!result) {
        api_error(call, 500, "rule_error", err);
        return;
    }
    api_reply(call, 200, result);
}

void api_rules_get(struct api_call *call)
{
    struct rules_generation *gen = active_rules(call);
    if (!gen) return;
    cJSON *out = cJSON_Duplicate(rules_catalog(gen), 1);
    cJSON_AddStringToObject(out, "rules_hash", rules_hash(gen));
    cJSON_AddStringToObject(out, "dir", rules_dir(gen));
    api_reply(call, 200, out);
}

void api_reload_post(struct api_call *call)
{
    if (!call->api->rules) {
        api_error(call, 503, "no_rules", "the daemon runs without a rules folder");
        return;
    }
    struct rules_report report;
    long recomputed = 0;
    int rc = ruleset_reload(call->api->rules, call->api->store, &report, &recomputed);
    if (rc != 0) {
        cJSON *details = cJSON_CreateArray();
        for (size_t i = 0; i < report.problem_count; i++) {
            cJSON *d = cJSON_CreateObject();
            cJSON_AddStringToObject(d, "message", report.problems[i]);
            cJSON_AddItemToArray(details, d);
        }
        rules_report_free(&report);
        api_invalid(call, "the rules were refused; the previous rules keep serving", details);
        return;
    }
    struct rules_generation *gen = call->api->rules->active;
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "rules_hash", rules_hash(gen));
    cJSON_AddStringToObject(out, "summary", rules_summary(gen));
    cJSON_AddNumberToObject(out, "tests_passed", (double)report.passed);
    cJSON_AddNumberToObject(out, "recomputed", (double)recomputed);
    rules_report_free(&report);
    api_reply(call, 200, out);
}
