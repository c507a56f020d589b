/*
 * status.c — the reporting status of a period: every unit expected to report (all but the
 * department, existing on the due date), whether and when it first reported, and whether
 * that was late. A report is on time on its effective due date (the plan's, or the next
 * working day when that is a day off: Bộ luật Dân sự 2015, Điều 148) and late from the
 * next day. A unit whose evaluation a rule made fail is marked so (its report is stored
 * all the same).
 */
#include "domain/status.h"

#include <stdio.h>
#include <string.h>

#include "store/evaluation_failures.h"
#include "store/facts.h"
#include "store/units.h"
#include "util/clock.h"

bool status_is_late(const char *submitted_at, const char *due)
{
    char date[CLOCK_DATE_LEN];
    if (submitted_at)
        snprintf(date, sizeof date, "%.10s", submitted_at);
    else
        clock_today(date);
    return strcmp(date, due) > 0;
}

bool status_report_late(struct store *st, const char *period, const char *unit_code,
                        const char *due)
{
    char first[CLOCK_ISO_LEN] = "";
    bool submitted =
        facts_first_submission(st, period, "unit", unit_code, first, sizeof first, NULL);
    return status_is_late(submitted ? first : NULL, due);
}

/* Marks each unit whose evaluation failed ("evaluation_failed", and "evaluation_error":
 * the rule's "file:line: message"); returns how many, or -1 when the store fails. */
static int mark_failed_evaluations(struct store *st, const char *period, cJSON *units)
{
    cJSON *failures = evaluation_failures_of_period(st, period);
    if (!failures) return -1;
    int failed = 0;
    cJSON *u;
    cJSON_ArrayForEach(u, units)
    {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(
            failures, cJSON_GetObjectItemCaseSensitive(u, "code")->valuestring);
        cJSON_AddBoolToObject(u, "evaluation_failed", f != NULL);
        if (f)
            cJSON_AddStringToObject(u, "evaluation_error",
                                    cJSON_GetObjectItemCaseSensitive(f, "error")->valuestring);
        failed += f != NULL;
    }
    cJSON_Delete(failures);
    return failed;
}

cJSON *status_of_period(struct store *st, const char *period, const char *due,
                        const char *effective_due)
{
    cJSON *units = units_reporting(st, period, due);
    int failed = units ? mark_failed_evaluations(st, period, units) : -1;
    if (failed < 0) {
        cJSON_Delete(units);
        return NULL;
    }
    int submitted = 0, late = 0;
    cJSON *u;
    cJSON_ArrayForEach(u, units)
    {
        const cJSON *at = cJSON_GetObjectItemCaseSensitive(u, "submitted_at");
        bool done = cJSON_IsString(at);
        bool is_late = status_is_late(done ? at->valuestring : NULL, effective_due);
        cJSON_AddBoolToObject(u, "submitted", done);
        cJSON_AddBoolToObject(u, "late", is_late);
        submitted += done;
        late += is_late;
    }
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "period", period);
    cJSON_AddStringToObject(out, "due", due);
    cJSON_AddStringToObject(out, "effective_due", effective_due);
    cJSON_AddNumberToObject(out, "expected", cJSON_GetArraySize(units));
    cJSON_AddNumberToObject(out, "submitted", submitted);
    cJSON_AddNumberToObject(out, "late", late);
    cJSON_AddNumberToObject(out, "evaluation_failed", failed);
    cJSON_AddItemToObject(out, "units", units);
    return out;
}
