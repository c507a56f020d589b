/*
 * report_internal.h — the parts of the consolidated report (domain/report.c) kept in their
 * own files: totals and prize money, last year's figures and registrations
 * (report_totals.c), the units' notes and the working-day calendar (report_notes.c). Each
 * adds its field to the report being built; 0, or -1 when the store fails.
 */
#ifndef THIDUA_DOMAIN_REPORT_INTERNAL_H
#define THIDUA_DOMAIN_REPORT_INTERNAL_H

#include <cjson/cJSON.h>

#include "domain/ruleset.h"
#include "store/store.h"

/* The annex's rows: [{code, name, unit_code, score, criteria {id: points}, titles,
 * nominations}] of every person with a stored evaluation in the period (those of units whose
 * evaluation failed left out), from the outlines stored with the evaluations.
 * NULL when the store fails. */
cJSON *report_person_rows(struct store *st, const char *period);
/* "totals", from the report's "units" and "people" rows and the catalog's titles. */
int report_add_totals(cJSON *report, const cJSON *catalog);
/* "previous": the same period of the year before, where stored; sets each unit's
 * previous_score. */
int report_add_previous(cJSON *report, struct store *st, const struct ruleset *rs,
                        const char *period);
/* "notes": the units' notes under the review's headings. */
int report_add_notes(cJSON *report, struct store *st, const char *period);
/* "registrations": registered against achieved. */
int report_add_registrations(cJSON *report, struct store *st, const struct ruleset *rs,
                             const char *period);

#endif
