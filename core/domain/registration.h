/*
 * registration.h — registration of emulation targets (đăng ký thi đua): the titles a unit
 * and its people aim for in a campaign year, registered by the ruleset's registration_due,
 * and how they compare with what the period's evaluations achieved.
 */
#ifndef THIDUA_DOMAIN_REGISTRATION_H
#define THIDUA_DOMAIN_REGISTRATION_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "domain/ruleset.h"
#include "domain/subject_index.h"
#include "store/store.h"
#include "util/clock.h"

/* The campaign's registration deadline (campaign.registration_due) and its effective day
 * (a day off moves it to the next working day: Bộ luật Dân sự 2015, Điều 148). False when
 * the ruleset declares none. */
bool registration_deadline(struct rules_generation *gen, char due[CLOCK_DATE_LEN],
                           char effective_due[CLOCK_DATE_LEN]);

/* The unit a person registers with: the one they belonged to on the registration deadline,
 * or, for someone who joined later, their unit today (malloc'd); NULL when unknown. */
char *registration_unit_of_person(struct store *st, struct rules_generation *gen,
                                  const char *person);

/* Checks a registration body {"titles": [code...], "people": {person: [code...]}, "note"}
 * for `unit` against the year's ruleset: each title declared for its subject (a title, or a
 * nomination list open to it), each person existing and registering with this unit, at
 * least one title in all. Returns {field, message} problems (empty when clean); NULL when
 * the store fails. */
cJSON *registration_check(struct store *st, struct rules_generation *gen, const char *unit,
                          const cJSON *body);

enum registration_status {
    REGISTRATION_OK = 0,
    REGISTRATION_YEAR_CLOSED,  /* the campaign's year-end period is closed: nothing stored */
    REGISTRATION_STORE_FAILED, /* the database refused: nothing stored (failure says why) */
};

struct registration_result {
    int version;  /* the stored version (the latest when unchanged) */
    bool changed; /* false when equal to the latest version: nothing new stored */
    char registered_at[CLOCK_ISO_LEN]; /* the first version's time */
    bool late;                         /* first registered after the effective deadline */
};

/* Stores a checked body as the unit's new registration (it replaces the latest), with its
 * audit line, in one transaction. */
enum registration_status registration_put(struct store *st, struct rules_generation *gen,
                                          const char *unit, const cJSON *body, const char *actor,
                                          struct registration_result *out,
                                          enum store_failure *failure, char *err, size_t errlen);

/* One row of registrations.csv (year,subject,code,title), checked, with the unit the
 * subject registers with. */
struct registration_record {
    int year;
    const char *subject; /* "unit" or "person" */
    const char *code;
    const char *title;
    char unit[64];
    char submitted_at[CLOCK_ISO_LEN]; /* a paper form's day ("" = now); a unit's earliest counts */
};

/* Stores rows in one transaction: each subject the rows name gets exactly their titles
 * (the other subjects of its unit's latest registration stay); a unit whose registration
 * does not change gets no new version. A new version is dated by the earliest
 * submitted_at of its unit's rows, or now. 0 with *units (the units the rows concern)
 * and *changed (those given a new version), or -1 with err. */
int registration_import(struct store *st, const struct ruleset *rs,
                        const struct registration_record *rows, size_t n, const char *actor,
                        size_t *units, size_t *changed, char *err, size_t errlen);

/* Adds the registration of the period's campaign year to a period's status (from
 * status_of_period): "registration": {"due", "effective_due", "expected", "registered",
 * "late", "missing"} and on each unit "registered", "registered_at", "registration_late".
 * 0, or -1 when the store fails. A ruleset without registration_due adds nothing. */
int registration_add_to_status(struct store *st, const struct ruleset *rs, const char *period,
                               cJSON *status);

/* Every subject's registered titles for a year, by (subject, code): a unit's own titles,
 * each person's (an array of codes). *regs owns the items (registrations_of_year's answer;
 * the caller frees it and the index). 0, or -1 when the store fails. */
int registration_index(struct store *st, int year, cJSON **regs, struct subject_index *ix);

/*
 * Registered against achieved, for a period: its campaign year's registrations, and what
 * each subject achieved — unit_rows and person_rows, [{code, name, unit_code (people),
 * titles: [code], nominations: [code]}] of the period's stored evaluations (the
 * consolidated report's rows, domain/report.h: read once for both):
 *
 * {"period", "year", "registration_due", "effective_due",
 *  "units": [{"code", "name", "registered": bool, "registered_at" (or null), "late": bool,
 *             "registered_titles": [code...], "achieved_titles": [code...],
 *             "met": [code...], "missed": [{"title", "reasons": [...]}],
 *             "people": [{"code", "name", "registered_titles", "achieved_titles", "met",
 *                         "missed"}]}],
 *  "totals": {"units_registered", "units_late", "units_missing",
 *             "by_title": [{"title", "name", "subject", "registered", "achieved",
 *                           "registered_and_achieved"}]}}
 *
 * Every unit expected to report is listed (registered or not); people appear under the
 * unit they belong to in the period when they registered a title or achieved one.
 * "missed" is a registered title not achieved, with the stored evaluation's reasons (read
 * for those subjects only). NULL when the period belongs to no ruleset in service or the
 * store fails.
 */
cJSON *registration_summary(struct store *st, const struct ruleset *rs, const char *period,
                            const cJSON *unit_rows, const cJSON *person_rows);

#endif
