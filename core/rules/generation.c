/*
 * generation.c — asking a loaded rules generation: its identity (hash, folder, summary),
 * its campaign's periods and catalog, fact validation, and evaluations.
 *
 * Every call runs in the generation's sandbox under the evaluation budget (plus a share
 * per member) and the evaluation memory cap, fixed at load: a rule that keeps what it
 * allocates cannot raise its own cap. The *_here functions run rule code in this process:
 * process.c calls them inside a throwaway child under the wall-clock deadline, and the
 * public functions of rules.h are process.c's. Results go from Lua to JSON text by lua/json.c, in
 * a stable key order, so equal evaluations are equal bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua/json.h"
#include "rules/internal.h"
#include "util/text.h"
#include "util/validate.h"

void rules_push_engine_function(struct rules_generation *gen, const char *name)
{
    lua_State *L = sandbox_state(gen->sandbox);
    lua_rawgeti(L, LUA_REGISTRYINDEX, gen->engine_ref);
    lua_getfield(L, -1, name);
    lua_remove(L, -2);
}

/* Where the rule that was running was declared ("" if none): engine/evaluate.lua keeps
 * it. */
static void running_rule(struct rules_generation *gen, char *out, size_t outlen)
{
    lua_State *L = sandbox_state(gen->sandbox);
    out[0] = '\0';
    if (!gen->engine_ref) return;
    rules_push_engine_function(gen, "running_rule");
    if (lua_pcall(L, 0, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
        snprintf(out, outlen, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
}

/* The outcome of a call into the generation's sandbox: 0, or -1 with err. */
static int call_outcome(struct rules_generation *gen, enum sandbox_status status,
                        size_t memory_limit, char *err, size_t errlen)
{
    /* A rule's error message is kept (a failed evaluation's mark) and shown: whatever
     * bytes the rule put in it, what leaves here is UTF-8. */
    if (status != SANDBOX_OK) utf8_scrub(err);
    if (status != SANDBOX_OUT_OF_MEMORY) return status == SANDBOX_OK ? 0 : -1;
    size_t cap =
        memory_limit == gen->limits.load_memory ? gen->limits.load_memory : gen->limits.eval_memory;
    /* An allocation failure has no position: name the rule that was running. */
    char rule[512];
    running_rule(gen, rule, sizeof rule);
    snprintf(err, errlen,
             "%s%sa rule needed more memory than it may use (%zu MiB): does it build an "
             "endless table?",
             rule, rule[0] ? ": " : "", cap >> 20);
    return -1;
}

int rules_call(struct rules_generation *gen, int nargs, int nresults, long long instructions,
               size_t memory_limit, char *err, size_t errlen)
{
    return call_outcome(
        gen, sandbox_call(gen->sandbox, nargs, nresults, instructions, memory_limit, err, errlen),
        memory_limit, err, errlen);
}

int rules_call_engine(struct rules_generation *gen, int nargs, int nresults, long long instructions,
                      size_t memory_limit, char *err, size_t errlen)
{
    return call_outcome(
        gen,
        sandbox_call_engine(gen->sandbox, nargs, nresults, instructions, memory_limit, err, errlen),
        memory_limit, err, errlen);
}

const char *rules_hash(const struct rules_generation *gen)
{
    return gen->hash;
}

const char *rules_dir(const struct rules_generation *gen)
{
    return gen->dir;
}

const char *rules_summary(const struct rules_generation *gen)
{
    return gen->summary;
}

int rules_year(const struct rules_generation *gen)
{
    const cJSON *campaign = cJSON_GetObjectItemCaseSensitive(gen->catalog, "campaign");
    const cJSON *year = cJSON_GetObjectItemCaseSensitive(campaign, "year");
    return cJSON_IsNumber(year) ? year->valueint : 0;
}

const cJSON *rules_periods(const struct rules_generation *gen)
{
    return gen->periods;
}

const cJSON *rules_period(const struct rules_generation *gen, const char *code)
{
    const cJSON *p;
    cJSON_ArrayForEach(p, gen->periods)
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, "code");
        if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0) return p;
    }
    return NULL;
}

const cJSON *rules_catalog(const struct rules_generation *gen)
{
    return gen->catalog;
}

/* Fixed at load: a rule that keeps what it allocates cannot raise its own cap. */
static size_t eval_memory_limit(const struct rules_generation *gen)
{
    return gen->eval_base + gen->limits.eval_memory;
}

/* Pops the value on top of the stack as a cJSON tree; NULL with err. */
static cJSON *pop_json(struct rules_generation *gen, char *err, size_t errlen)
{
    lua_State *L = sandbox_state(gen->sandbox);
    cJSON *out = lua_json_to_cjson(L, -1, err, errlen);
    lua_pop(L, 1);
    return out;
}

cJSON *rules_validate_facts_here(struct rules_generation *gen, const char *subject,
                                 const cJSON *facts, const cJSON *context)
{
    char err[RULES_ERR_LEN];
    lua_State *L = sandbox_state(gen->sandbox);
    rules_push_engine_function(gen, "validate_facts");
    lua_pushstring(L, subject);
    lua_json_push(L, facts);
    if (context)
        lua_json_push(L, context);
    else
        lua_pushnil(L);
    if (rules_call_engine(gen, 3, 1, gen->limits.eval_instructions, eval_memory_limit(gen), err,
                          sizeof err) != 0)
        return NULL;
    return pop_json(gen, err, sizeof err);
}

void rules_results_free(struct rules_results *results)
{
    free(results->items);
    free(results->text);
    memset(results, 0, sizeof *results);
}

/* What one subject's evaluation may be, from the generation's limits. */
static struct lua_json_limits evaluation_limits(const struct rules_generation *gen)
{
    return (struct lua_json_limits){gen->limits.reason_chars, "limits.reason_chars",
                                    gen->limits.evaluation_bytes, "limits.evaluation_bytes"};
}

/* text (NULL: "") into out, cut to fit. */
static void copy_text(char *out, size_t size, const char *text)
{
    size_t len = text ? strnlen(text, size - 1) : 0;
    memcpy(out, text ? text : "", len);
    out[len] = '\0';
}

/* The subject, code and score of the evaluation at the top of the stack into r, and the
 * rules hash set on it, so its text carries the hash like any field. */
static void result_head(struct rules_generation *gen, struct rules_result *r)
{
    lua_State *L = sandbox_state(gen->sandbox);
    memset(r, 0, sizeof *r);
    lua_getfield(L, -1, "subject");
    copy_text(r->subject, sizeof r->subject, lua_tostring(L, -1));
    lua_getfield(L, -2, "code");
    copy_text(r->code, sizeof r->code, lua_tostring(L, -1));
    lua_getfield(L, -3, "score");
    r->score = (int)lua_tointeger(L, -1);
    lua_pop(L, 3);
    lua_pushstring(L, gen->hash);
    lua_setfield(L, -2, "rules_hash");
}

/* The evaluation at the top of the stack as JSON text ended by a NUL (the reader points
 * into the block), onto b. */
static int result_json(struct rules_generation *gen, const struct rules_result *r, struct buffer *b,
                       char *err, size_t errlen)
{
    lua_State *L = sandbox_state(gen->sandbox);
    char why[RULES_ERR_LEN];
    struct lua_json_limits limits = evaluation_limits(gen);
    if (lua_json_write_bounded(L, -1, b, &limits, why, sizeof why) != 0) {
        snprintf(err, errlen, "%s %s: %s", r->subject, r->code, why);
        return -1;
    }
    buffer_put(b, "", 1);
    return b->failed ? -1 : 0;
}

/* Its outline (rules/outline.c), ended by a NUL, onto b. */
static int result_outline(struct rules_generation *gen, const struct rules_result *r,
                          struct buffer *b, char *err, size_t errlen)
{
    if (rules_write_outline(sandbox_state(gen->sandbox), -1, b) != 0) {
        snprintf(err, errlen, "%s %s: the outline cannot be written", r->subject, r->code);
        return -1;
    }
    buffer_put(b, "", 1);
    return b->failed ? -1 : 0;
}

/* The evaluation at the top of the stack as fields (subject, code, score, text, outline),
 * onto b. */
static int add_result_fields(struct rules_generation *gen, struct buffer *b, char *err,
                             size_t errlen)
{
    struct rules_result r;
    result_head(gen, &r);
    char digits[TEXT_DECIMAL_LEN];
    const char *score = text_decimal(digits, r.score);
    rules_put_field(b, r.subject, strlen(r.subject));
    rules_put_field(b, r.code, strlen(r.code));
    rules_put_field(b, score, strlen(score));
    size_t field = rules_field_open(b);
    if (result_json(gen, &r, b, err, errlen) != 0) return -1;
    rules_field_close(b, field);
    field = rules_field_open(b);
    if (result_outline(gen, &r, b, err, errlen) != 0) return -1;
    rules_field_close(b, field);
    return 0;
}

/* Writes {"unit": ..., "people": [...]} at the top of the stack onto out as fields, as a
 * rule process answers (popped); on failure out is as it was. */
static int collect_result_fields(struct rules_generation *gen, struct buffer *out, char *err,
                                 size_t errlen)
{
    lua_State *L = sandbox_state(gen->sandbox);
    size_t start = out->len;
    lua_getfield(L, -1, "people");
    size_t people = lua_rawlen(L, -1);
    lua_getfield(L, -2, "unit");
    int rc = add_result_fields(gen, out, err, errlen);
    lua_pop(L, 1);
    for (size_t i = 1; rc == 0 && i <= people; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        rc = add_result_fields(gen, out, err, errlen);
        lua_pop(L, 1);
    }
    lua_pop(L, 2);
    /* The writer marks out failed on any failure, a rule's bad text too; what came before
     * this unit is whole (a failed growth keeps the block), so out goes back to it. */
    if (rc != 0 && out->data && out->cap > start) {
        out->len = start;
        out->data[start] = '\0';
        out->failed = false;
    }
    if (rc != 0 && !err[0]) snprintf(err, errlen, "out of memory while writing the evaluation");
    return rc;
}

/* Pushes the evaluation of unit with members, {"unit": ..., "people": [...]}; 0 or -1. */
static int call_evaluate_unit(struct rules_generation *gen, const char *period, const cJSON *unit,
                              const cJSON *members, char *err, size_t errlen)
{
    lua_State *L = sandbox_state(gen->sandbox);
    rules_push_engine_function(gen, "evaluate_unit");
    lua_pushstring(L, period);
    lua_json_push(L, unit);
    lua_json_push(L, members);
    long long budget = gen->limits.eval_instructions +
                       gen->limits.eval_instructions_per_member * cJSON_GetArraySize(members);
    return rules_call_engine(gen, 3, 1, budget, eval_memory_limit(gen), err, errlen);
}

int rules_evaluate_unit_fields_here(struct rules_generation *gen, const char *period,
                                    const cJSON *unit, const cJSON *members, struct buffer *out,
                                    char *err, size_t errlen)
{
    err[0] = '\0';
    if (call_evaluate_unit(gen, period, unit, members, err, errlen) != 0) return -1;
    return collect_result_fields(gen, out, err, errlen);
}

cJSON *rules_evaluate_unit(struct rules_generation *gen, const char *period, const cJSON *unit,
                           const cJSON *members, char *err, size_t errlen)
{
    struct rules_results results;
    if (rules_evaluate_unit_text(gen, period, unit, members, &results, err, errlen) != 0)
        return NULL;
    cJSON *out = cJSON_CreateObject();
    cJSON *people = cJSON_CreateArray();
    for (size_t i = 0; i < results.count; i++) {
        cJSON *e = cJSON_Parse(results.items[i].json);
        if (i == 0)
            cJSON_AddItemToObject(out, "unit", e);
        else
            cJSON_AddItemToArray(people, e);
    }
    cJSON_AddItemToObject(out, "people", people);
    rules_results_free(&results);
    return out;
}

cJSON *rules_evaluate_person_here(struct rules_generation *gen, const char *period,
                                  const cJSON *person, char *err, size_t errlen)
{
    lua_State *L = sandbox_state(gen->sandbox);
    rules_push_engine_function(gen, "evaluate_person");
    lua_pushstring(L, period);
    lua_json_push(L, person);
    if (rules_call_engine(gen, 2, 1, gen->limits.eval_instructions, eval_memory_limit(gen), err,
                          errlen) != 0)
        return NULL;
    if (lua_istable(L, -1)) {
        lua_pushstring(L, gen->hash);
        lua_setfield(L, -2, "rules_hash");
    }
    struct buffer b = {0};
    struct lua_json_limits limits = evaluation_limits(gen);
    int rc = lua_json_write_bounded(L, -1, &b, &limits, err, errlen);
    lua_pop(L, 1);
    cJSON *out = rc == 0 ? cJSON_Parse(b.data) : NULL;
    buffer_free(&b);
    return out;
}

cJSON *rules_reminder_periods_here(struct rules_generation *gen, const char *now, char *err,
                                   size_t errlen)
{
    lua_State *L = sandbox_state(gen->sandbox);
    rules_push_engine_function(gen, "reminder_periods");
    lua_pushstring(L, now);
    if (rules_call(gen, 1, 1, gen->limits.eval_instructions, eval_memory_limit(gen), err, errlen) !=
        0)
        return NULL;
    return pop_json(gen, err, errlen);
}

cJSON *rules_plan_reminders_here(struct rules_generation *gen, const cJSON *input, size_t units,
                                 char *err, size_t errlen)
{
    lua_State *L = sandbox_state(gen->sandbox);
    rules_push_engine_function(gen, "plan_reminders");
    lua_json_push(L, input);
    long long budget =
        gen->limits.eval_instructions + gen->limits.eval_instructions_per_member * (long long)units;
    if (rules_call_engine(gen, 1, 1, budget, eval_memory_limit(gen), err, errlen) != 0) return NULL;
    return pop_json(gen, err, errlen);
}

cJSON *rules_deadlines_here(struct rules_generation *gen, char *err, size_t errlen)
{
    rules_push_engine_function(gen, "deadlines");
    if (rules_call(gen, 0, 1, gen->limits.eval_instructions, eval_memory_limit(gen), err, errlen) !=
        0)
        return NULL;
    return pop_json(gen, err, errlen);
}
