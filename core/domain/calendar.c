/*
 * calendar.c — deadlines as all-day events (util/ical.c writes RFC 5545), each on its
 * effective day: a due date on a weekend or holiday ends at the end of the next working day
 * (Bộ luật Dân sự 2015, Điều 148), and the description says so. Deadlines carry no
 * personal data, so the calendar may be subscribed to without a token.
 */
#include "domain/calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/unit_periods.h"
#include "store/facts.h"
#include "store/units.h"
#include "util/clock.h"
#include "util/ical.h"
#include "util/json_text.h"

#define UID_LEN     128
#define TEXT_LEN    512
#define DTSTAMP_LEN 17

/* The unit still owes this deadline: a report of a period in which it exists
 * (domain/unit_periods.h: a closed office owes nothing after it closed) and that it has not
 * sent. */
static bool open_for(struct store *st, const struct ruleset *rs, const cJSON *d, const char *unit)
{
    if (strcmp(json_text(d, "kind"), "report") != 0) return false;
    const char *period = json_text(d, "period");
    struct rules_generation *gen = ruleset_for_period(rs, period);
    const cJSON *p = gen ? rules_period(gen, period) : NULL;
    if (p && !unit_exists_on(st, unit, json_text(p, "to"))) return false;
    char at[CLOCK_ISO_LEN];
    return !facts_first_submission(st, period, "unit", unit, at, sizeof at, NULL);
}

struct event_text {
    char uid[UID_LEN], summary[TEXT_LEN], description[TEXT_LEN];
};

static void describe(const cJSON *d, const char *unit, const char *unit_name, struct event_text *t)
{
    char due[CLOCK_DATE_LEN], effective[CLOCK_DATE_LEN];
    clock_date_vn(json_text(d, "due"), due);
    clock_date_vn(json_text(d, "effective_due"), effective);
    snprintf(t->uid, sizeof t->uid, "%s%s%s@thidua", json_text(d, "id"), unit ? "-" : "",
             unit ? unit : "");
    snprintf(t->summary, sizeof t->summary, "Hạn %s%s%s", json_text(d, "label"), unit ? " — " : "",
             unit ? unit_name : "");
    if (strcmp(due, effective) == 0)
        snprintf(t->description, sizeof t->description, "Hạn cuối: %s.", due);
    else
        snprintf(t->description, sizeof t->description,
                 "Hạn ghi trong kế hoạch là %s, ngày nghỉ; theo Điều 148 Bộ luật Dân sự 2015, "
                 "hạn kết thúc vào cuối ngày làm việc tiếp theo, %s.",
                 due, effective);
}

static char *write_calendar(const char *name, const cJSON *deadlines, struct store *st,
                            const struct ruleset *rs, const char *unit, const char *unit_name)
{
    size_t n = (size_t)cJSON_GetArraySize(deadlines), count = 0;
    struct ical_event *events = calloc(n ? n : 1, sizeof *events);
    struct event_text *texts = calloc(n ? n : 1, sizeof *texts);
    char *out = NULL, stamp[DTSTAMP_LEN];
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    const cJSON *d;
    cJSON_ArrayForEach(d, deadlines)
    {
        if (!events || !texts) break;
        if (unit && !open_for(st, rs, d, unit)) continue;
        describe(d, unit, unit_name, &texts[count]);
        events[count] = (struct ical_event){texts[count].uid, json_text(d, "effective_due"),
                                            texts[count].summary, texts[count].description, NULL};
        count++;
    }
    if (events && texts) out = ical_calendar(name, events, count, stamp);
    free(events);
    free(texts);
    return out;
}

/* The deadlines of every year, oldest first. */
static cJSON *all_deadlines(const struct ruleset *rs, char *err, size_t errlen)
{
    cJSON *all = cJSON_CreateArray();
    for (size_t i = 0; all && i < rs->count; i++) {
        cJSON *some = rules_deadlines(rs->years[i].gen, err, errlen);
        if (!some) {
            cJSON_Delete(all);
            return NULL;
        }
        cJSON *d;
        while ((d = cJSON_DetachItemFromArray(some, 0)))
            cJSON_AddItemToArray(all, d);
        cJSON_Delete(some);
    }
    return all;
}

char *calendar_ics(struct store *st, const struct ruleset *rs, const char *unit, char *err,
                   size_t errlen)
{
    cJSON *found = unit ? units_get_json(st, unit) : NULL;
    if (unit && !found) {
        snprintf(err, errlen, "không có đơn vị nào mang mã \"%s\"", unit);
        return NULL;
    }
    cJSON *deadlines = all_deadlines(rs, err, errlen);
    const cJSON *campaign =
        cJSON_GetObjectItemCaseSensitive(rules_catalog(ruleset_newest(rs)), "campaign");
    char *out = deadlines ? write_calendar(json_text(campaign, "name"), deadlines, st, rs, unit,
                                           json_text(found, "name"))
                          : NULL;
    if (deadlines && !out) snprintf(err, errlen, "out of memory");
    cJSON_Delete(deadlines);
    cJSON_Delete(found);
    return out;
}
