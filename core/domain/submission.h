/*
 * submission.h — storing facts: each subject's facts become a new version with its audit
 * line, every unit concerned is re-evaluated, and it all commits together or not at all.
 * A rule failing at run time on the new facts does not stop the commit: the pair is
 * marked failed (domain/evaluation_failures.h) and the result says so.
 * The one way facts enter the database: PUT .../report, PUT .../facts and the facts import
 * all come here.
 */
#ifndef THIDUA_DOMAIN_SUBMISSION_H
#define THIDUA_DOMAIN_SUBMISSION_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/ruleset.h"
#include "store/store.h"
#include "util/clock.h"

/* One subject's facts for a period, already checked against the ruleset. */
struct submission {
    const char *period;
    const char *subject; /* "unit" or "person" */
    const char *code;
    const cJSON *facts;
    const char *note;         /* "" for none */
    const char *submitted_at; /* NULL: now (a paper report gives the day it arrived) */
    bool merge;               /* a correction (PATCH), whatever the options say */
    const char *actor;        /* who wrote it, when not the options' actor (a group of
                                 submissions from several tokens: http/writes.c) */
};

struct facts_check;

/* What became of one submission. */
struct submission_result {
    bool stored; /* false when skipped as equal to the latest version */
    int version;
    char submitted_at[CLOCK_ISO_LEN];
    cJSON *evaluation; /* the subject's new evaluation, when asked for; caller frees */
    /* Stored, but a rule failed on its unit's evaluation: "file:line: message" (malloc'd;
     * there is no evaluation then). */
    char *evaluation_error;
};

struct submission_options {
    const char *actor;   /* the token's name, or "cli" */
    const char *action;  /* the audit line's action: "submit", "import" */
    bool skip_unchanged; /* a submission equal to the latest version stores nothing */
    bool merge;          /* the new version is the latest with these facts over it (a
                            correction); otherwise these facts replace it */
    bool want_evaluation;
    /* The submissions' facts checked by the rules in the same process as their units'
     * evaluation (n entries, checks[i] for subs[i]; problems set): the group commit,
     * http/writes.c. When one has a problem or could not be checked, nothing is stored
     * (SUBMISSION_INVALID). NULL: the caller checked them before. */
    struct facts_check *checks;
};

enum submission_status {
    SUBMISSION_OK = 0,
    SUBMISSION_BUSY,          /* another process held the database's lock past the busy
                                 timeout: nothing was stored */
    SUBMISSION_EVALUATION,    /* a stored subject was left without its evaluation: nothing
                                 was stored (a rule failing is no such case: see
                                 submission_result.evaluation_error) */
    SUBMISSION_STORE_FAILED,  /* the database refused a write: nothing was stored */
    SUBMISSION_COMMIT_FAILED, /* the commit failed: nothing was stored */
    SUBMISSION_PERIOD_CLOSED, /* a period written to is closed: nothing was stored */
    SUBMISSION_DISK_FULL,     /* the database's disk is full: nothing was stored */
    SUBMISSION_READ_ONLY,     /* the database cannot be written (read-only, moved, deleted):
                                 nothing was stored */
    SUBMISSION_UNIT_ABSENT,   /* a unit written for does not exist in the period (closed
                                 before its last day, or opened after it): nothing was
                                 stored (domain/unit_periods.h) */
    SUBMISSION_INVALID,       /* options.checks found a problem (or could not run): nothing
                                 was stored */
};

/* Checks one subject's facts for a period before they are submitted: their types, then the
 * ruleset's fact_check rules with the subject's record (a person's hiring date) and the
 * period. Returns an array of {field, message} (empty when valid), or NULL when the rules
 * could not run; caller frees. */
cJSON *submission_check_facts(struct store *st, struct rules_generation *gen, const char *period,
                              const char *subject, const char *code, const cJSON *facts);

/* False when the unit a submission is for — the unit itself, or the unit that evaluates
 * the person in that period — does not exist in the period (domain/unit_periods.h), with
 * why in Vietnamese; true otherwise (a person in no unit that day is left to the callers'
 * other checks). */
bool submission_unit_exists(struct store *st, const struct ruleset *rs, const struct submission *s,
                            char *why, size_t whylen);
/* One subject submission_check_facts_many checks: problems is set (NULL when the rules could
 * not run; caller frees). */
struct facts_check {
    const char *period, *subject, *code;
    const cJSON *facts;
    cJSON *problems;
};
/* submission_check_facts for n subjects judged by the same rules, in one go (a province's
 * import checks 50,000 subjects: one process for them all, rules/process.c). */
void submission_check_facts_many(struct store *st, struct rules_generation *gen,
                                 struct facts_check *checks, size_t n);

/* Stores n submissions in one transaction (results has n entries), each (period, unit)
 * evaluated by the rules of its period's year. On failure err says why and the database is
 * as it was. A rule failing on a unit's evaluation is no failure: the submissions commit,
 * and those of that unit carry evaluation_error. */
enum submission_status submissions_apply(struct store *st, const struct ruleset *rs,
                                         const struct submission *subs, size_t n,
                                         const struct submission_options *options,
                                         struct submission_result *results, char *err,
                                         size_t errlen);
void submission_results_free(struct submission_result *results, size_t n);

#endif
