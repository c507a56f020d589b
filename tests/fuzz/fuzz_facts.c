/*
 * fuzz_facts.c — libFuzzer target for the facts a unit or person submits: the JSON body
 * read as the daemon reads it (api_body_object: one JSON object, nothing after it), the
 * facts handed into Lua (lua/json.c), and the 2025 ruleset's validation
 * (rules_validate_facts: declared types, then its fact_check rules), then, for facts it
 * accepts, the evaluation the daemon would store (rules_evaluate_unit / _person).
 *
 * The input is a request body shaped like POST /api/v1/evaluate's:
 *   {"subject": "unit"|"person", "period": "2025-H1"|"2025-Y"|..., "hired_on": "YYYY-MM-DD",
 *    "facts": {...}, "members": [{"facts": {...}}, ...]}
 * where everything but "facts" may be left out (subject "unit", period "2025-Y").
 *
 * Promises checked beyond "no crash, no sanitizer report": validation always answers (an
 * array of {field, message} strings; never a rule error, which a clerk would see as a 500),
 * and facts the ruleset accepts always evaluate (a rule that fails on facts it let in is a
 * bug in the rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "http/call.h"
#include "rules/rules.h"

#define MAX_MEMBERS 4

static struct rules_generation *gen;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/rules/2025", fuzz_source_dir());
    struct rules_limits limits;
    rules_limits_default(&limits);
    struct rules_report report = {0};
    gen = rules_load(dir, &limits, NULL, &report);
    if (!gen) {
        for (size_t i = 0; i < report.problem_count; i++)
            fprintf(stderr, "%s\n", report.problems[i]);
        fuzz_fail("the 2025 ruleset did not load from %s", dir);
    }
    rules_report_free(&report);
    return 0;
}

/* The body as the daemon reads it; NULL when it would be refused with 400. */
static cJSON *read_body(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return NULL;
    memcpy(text, data, size);
    text[size] = '\0';
    struct http_request req = {.method = "POST", .path = "/api/v1/evaluate", .query = ""};
    req.body = text;
    req.body_len = size;
    struct http_response resp = {0};
    struct api_call call = {.req = &req, .resp = &resp};
    cJSON *body = api_body_object(&call);
    if (!body && (resp.status != 400 || !resp.body)) fuzz_fail("a refused body got no 400");
    free(resp.body);
    free(text);
    return body;
}

static const char *string_or(const cJSON *body, const char *name, const char *otherwise)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(body, name);
    return cJSON_IsString(item) ? item->valuestring : otherwise;
}

/* Validates facts; true when the ruleset accepts them. */
static bool validate(const char *subject, const cJSON *facts, const cJSON *context)
{
    cJSON *problems = rules_validate_facts(gen, subject, facts, context);
    if (!problems) fuzz_fail("rules_validate_facts failed (a 500 rule_error for the clerk)");
    if (!cJSON_IsArray(problems)) fuzz_fail("rules_validate_facts answered a non-array");
    const cJSON *p;
    cJSON_ArrayForEach(p, problems)
    {
        if (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(p, "field")) ||
            !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(p, "message")))
            fuzz_fail("a problem without a field and a message");
    }
    bool valid = cJSON_GetArraySize(problems) == 0;
    cJSON_Delete(problems);
    return valid;
}

static cJSON *context_for(const char *period, const char *hired_on)
{
    if (!rules_period(gen, period)) return NULL; /* as routes_rules.c: types only */
    cJSON *context = cJSON_CreateObject();
    cJSON_AddStringToObject(context, "period", period);
    cJSON *record = cJSON_AddObjectToObject(context, "subject");
    cJSON_AddStringToObject(record, "code", "CB0001");
    if (hired_on)
        cJSON_AddStringToObject(record, "hired_on", hired_on);
    else
        cJSON_AddNullToObject(record, "hired_on");
    return context;
}

/* A unit's members ([{code, full_name, position, is_head, unit_code, facts}]) from the
 * body's "members", when every member's facts are accepted; NULL when one is not. */
static cJSON *members_from(const cJSON *body, const cJSON *context)
{
    cJSON *members = cJSON_CreateArray();
    const cJSON *m;
    int index = 0;
    cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(body, "members"))
    {
        const cJSON *facts = cJSON_GetObjectItemCaseSensitive(m, "facts");
        if (index == MAX_MEMBERS || !cJSON_IsObject(facts) || !validate("person", facts, context))
            break;
        char code[16];
        snprintf(code, sizeof code, "CB%04d", ++index);
        cJSON *member = cJSON_CreateObject();
        cJSON_AddStringToObject(member, "code", code);
        cJSON_AddStringToObject(member, "full_name", "Nguyễn Văn An");
        cJSON_AddStringToObject(member, "position", "Chuyên viên");
        cJSON_AddBoolToObject(member, "is_head", index == 1);
        cJSON_AddStringToObject(member, "unit_code", "VP");
        cJSON_AddItemToObject(member, "facts", cJSON_Duplicate(facts, true));
        cJSON_AddItemToArray(members, member);
    }
    if (m) {
        cJSON_Delete(members);
        return NULL;
    }
    return members;
}

static void evaluate(const char *subject, const char *period, const cJSON *facts,
                     const cJSON *members)
{
    char err[1024] = "";
    cJSON *subject_json = cJSON_CreateObject();
    cJSON_AddStringToObject(subject_json, "code", strcmp(subject, "unit") == 0 ? "VP" : "CB0001");
    cJSON_AddStringToObject(subject_json, "name", "Văn phòng Sở");
    cJSON_AddStringToObject(subject_json, "full_name", "Nguyễn Văn An");
    cJSON_AddStringToObject(subject_json, "kind", "office");
    cJSON_AddStringToObject(subject_json, "unit_code", "VP");
    cJSON_AddItemToObject(subject_json, "facts", cJSON_Duplicate(facts, true));
    cJSON *result = strcmp(subject, "unit") == 0
                        ? rules_evaluate_unit(gen, period, subject_json, members, err, sizeof err)
                        : rules_evaluate_person(gen, period, subject_json, err, sizeof err);
    if (!result) fuzz_fail("accepted facts did not evaluate: %s", err);
    cJSON_Delete(result);
    cJSON_Delete(subject_json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *body = read_body(data, size);
    if (!body) return 0;
    const cJSON *facts = cJSON_GetObjectItemCaseSensitive(body, "facts");
    const char *subject =
        strcmp(string_or(body, "subject", "unit"), "person") == 0 ? "person" : "unit";
    const char *period = string_or(body, "period", "2025-Y");
    cJSON *context = context_for(period, string_or(body, "hired_on", NULL));
    if (cJSON_IsObject(facts) && validate(subject, facts, context) && context) {
        cJSON *members = strcmp(subject, "unit") == 0 ? members_from(body, context) : NULL;
        if (members || strcmp(subject, "person") == 0) evaluate(subject, period, facts, members);
        cJSON_Delete(members);
    }
    cJSON_Delete(context);
    cJSON_Delete(body);
    return 0;
}
