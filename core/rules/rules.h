/*
 * rules.h — rules generations: a ruleset loaded into its own sandboxed Lua state,
 * validated and self-tested before it may serve, then asked to validate facts and evaluate.
 */
#ifndef THIDUA_RULES_RULES_H
#define THIDUA_RULES_RULES_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

struct rules_limits {
    long long load_instructions; /* for all files and self-tests together */
    size_t load_memory;          /* bytes the generation may hold while loading */
    long long eval_instructions; /* per evaluation call, plus per member below */
    long long eval_instructions_per_member;
    size_t eval_memory; /* bytes one evaluation may allocate above the loaded rules */
    /* What an evaluation may write (config limits.reason_chars, limits.evaluation_bytes):
     * past either the evaluation fails, naming the field and the limit. */
    size_t reason_chars;     /* characters in any one string (a criterion's reason) */
    size_t evaluation_bytes; /* one subject's evaluation as JSON text */
    /* Wall-clock deadlines, whatever the rule is doing (a C function included): one call
     * (a unit's evaluation, a validation, a reminder plan), and a whole load with its
     * self-tests. Past it the process running the rule is killed (rules/process.c). */
    long eval_deadline_ms;
    long load_deadline_ms;
};

void rules_limits_default(struct rules_limits *limits);

/* What a load says: problems as "file:line: message", and each self-test's outcome. */
struct rules_report {
    char **problems;
    size_t problem_count;
    struct rules_test_result {
        char *name, *at, *message; /* message NULL when it passed */
        bool passed;
    } * tests;
    size_t test_count, passed, failed;
};
/* Adds a problem line (a copy of text). */
void rules_report_add(struct rules_report *report, const char *text);
/* Moves from's problems and test results to the end of into's; frees from. */
void rules_report_merge(struct rules_report *into, struct rules_report *from);
void rules_report_free(struct rules_report *report);

struct rules_generation;

/* Finds the ruleset folders under `rules_root`: the folder itself if it holds .lua files,
 * else each subfolder named by a year (four digits), oldest first. Returns how many;
 * *dirs (each and the array malloc'd) holds them. */
size_t rules_find_rulesets(const char *rules_root, char ***dirs);

/* Vettings that passed, remembered by their key (rules/vetting.c) — a command's, so that
 * the reports and reminders of a day do not run the same self-tests each time. remembers
 * says whether key passed; remember records that it did. */
struct rules_vetted {
    bool (*remembers)(void *ctx, const char *key);
    void (*remember)(void *ctx, const char *key);
    void *ctx;
};

/* Loads every .lua file of dir in name order, then tests/, checks, runs the self-tests.
 * Returns NULL (report says why) if anything failed. With vetted (may be NULL), a load
 * whose vetting is remembered is built without the self-tests (report has no tests then),
 * and a vetting that passes is remembered. */
struct rules_generation *rules_load(const char *dir, const struct rules_limits *limits,
                                    const struct rules_vetted *vetted, struct rules_report *report);
void rules_free(struct rules_generation *gen);

const char *rules_hash(const struct rules_generation *gen);
const char *rules_dir(const struct rules_generation *gen);
const char *rules_summary(const struct rules_generation *gen);
/* The campaign's year (campaign { year = ... }), or 0. */
int rules_year(const struct rules_generation *gen);
/* The campaign's periods [{code,label,from,to,report_due,kind}] and the catalog
 * {campaign, periods, facts, criteria, titles, nominations}; owned by the generation. */
const cJSON *rules_periods(const struct rules_generation *gen);
const cJSON *rules_period(const struct rules_generation *gen, const char *code);
const cJSON *rules_catalog(const struct rules_generation *gen);

/* Checks facts ({name: value}) of a subject ("unit"/"person") against the declared facts,
 * then, when the types are right and context ({"period": code, "subject": {"code",
 * "hired_on"}}) names a period, against the ruleset's fact_check rules, which see the
 * subject's record and the period (context may be NULL: types only).
 * Returns an array of {field, message} (empty when valid); caller frees. */
cJSON *rules_validate_facts(struct rules_generation *gen, const char *subject, const cJSON *facts,
                            const cJSON *context);

/* rules_validate_facts for n subjects at once, in one process under one deadline per
 * hundred (an import would otherwise start a process per subject). problems[i] is what
 * rules_validate_facts returns for the i-th, NULL where it could not run. 0, or -1 when
 * none could (every problems[i] NULL). */
int rules_validate_facts_many(struct rules_generation *gen, size_t n, const char *const *subjects,
                              const cJSON *const *facts, const cJSON *const *contexts,
                              cJSON **problems);

/* One evaluated subject: its evaluation as JSON text (the public shape: period, subject, code,
 * score, criteria, titles, nominations; stamped with the rules hash), and the fields callers index
 * it by. */
struct rules_result {
    char subject[8]; /* "unit" or "person" */
    char code[64];
    int score;
    char *json;
    char *outline; /* what the consolidated report reads of it (rules/outline.c) */
    bool changed;  /* stored, and different from what was stored (set by the domain) */
};

struct rules_results {
    struct rules_result *items; /* the unit first, then its people in order */
    size_t count;
    char *text; /* every item's json and outline, NUL-separated, in one block */
};

void rules_results_free(struct rules_results *results);

/* Evaluates a unit with its members straight to JSON text: what is stored and served. */
int rules_evaluate_unit_text(struct rules_generation *gen, const char *period, const cJSON *unit,
                             const cJSON *members, struct rules_results *out, char *err,
                             size_t errlen);

/* One unit of rules_evaluate_units_text: its inputs, and what came of it. */
struct rules_unit_call {
    const cJSON *unit, *members;  /* as rules_evaluate_unit_text takes them */
    int rc;                       /* 0 (results hold the evaluation), or -1 (err says why) */
    struct rules_results results; /* the caller frees them */
    char err[1024];
};

/* rules_evaluate_unit_text for many units of one period (a reload's recompute), in as few
 * processes as it can: one for all of them, each unit under its own wall-clock deadline
 * (limits.eval_deadline_ms). A unit whose rules run past it is killed with the process,
 * failed with the deadline and the rule that was running (err), and the units after it are
 * evaluated in a new process; so only the unit whose rule spins fails. */
void rules_evaluate_units_text(struct rules_generation *gen, const char *period,
                               struct rules_unit_call *calls, size_t n);

/* From now on the evaluations of gen run in processes forked ahead of need by a process of
 * their own (lua/sandbox_spawner.h), not forked from this one: what the daemon does for the
 * generations it serves. Stopped by rules_free. Without it (or if it fails) each call
 * forks its process from the caller. */
void rules_prefork(struct rules_generation *gen);

/* Facts checked in the same process as an evaluation (rules_evaluate_units_checking): what
 * rules_validate_facts takes, and its answer (problems: NULL where the rules could not
 * run; the caller frees it). */
struct rules_facts_check {
    const char *subject;
    const cJSON *facts, *context;
    cJSON *problems;
};
/* rules_evaluate_units_text, the process first checking k subjects' facts as
 * rules_validate_facts would (under one deadline for them all): a submission's facts are
 * checked while its unit is evaluated with them, one process for both. */
void rules_evaluate_units_checking(struct rules_generation *gen, const char *period,
                                   struct rules_unit_call *calls, size_t n,
                                   struct rules_facts_check *checks, size_t k);

/* Evaluates a unit ({code,name,kind,facts}) with its members ([{code,full_name,position,
 * is_head,unit_code,facts}]). Returns {"unit": evaluation, "people": [evaluations]}, each
 * stamped with the rules hash; NULL with err ("file:line: message") if a rule failed. */
cJSON *rules_evaluate_unit(struct rules_generation *gen, const char *period, const cJSON *unit,
                           const cJSON *members, char *err, size_t errlen);
/* A lone person (no unit: a head's CN7 cannot pass). */
cJSON *rules_evaluate_person(struct rules_generation *gen, const char *period, const cJSON *person,
                             char *err, size_t errlen);

/* Every deadline of the campaign: [{id, kind ("report", "registration"), period, label,
 * due, effective_due}], effective_due being the next working day when due is a day off. */
cJSON *rules_deadlines(struct rules_generation *gen, char *err, size_t errlen);

/* The reminder pass, in the ruleset's words (engine/remind.lua). `now` is local time,
 * "YYYY-MM-DDTHH:MM". First the periods whose reminders may speak at now, and the
 * Department Office's code: {"periods": [...], "office": code|null}. */
cJSON *rules_reminder_periods(struct rules_generation *gen, const char *now, char *err,
                              size_t errlen);
/* Then the messages for input {now, channels, office, periods: {code: {units: [...]}}}
 * (`units` counts them, for the budget): [{unit, to, channel, deadline, step, send_at,
 * recipient, subject, text}]. NULL with err ("file:line: ...") when a rule fails. */
cJSON *rules_plan_reminders(struct rules_generation *gen, const cJSON *input, size_t units,
                            char *err, size_t errlen);

#endif
