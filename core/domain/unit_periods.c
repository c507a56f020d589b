/*
 * unit_periods.c — in which periods a unit exists, and so reports, is evaluated and is
 * ranked.
 *
 * The rule: a unit exists in a period when it exists on the period's last day. A unit that
 * was closed (valid_to) before that day — the district offices abolished on 30/06/2025 when
 * local government became two-tier, merged into the department — writes no report for the
 * period, is not evaluated in it and is not ranked in it; a unit opened after that day
 * neither. Why the last day and not "any day of the period": it is the day that decides a
 * period's members (domain/membership.c: the unit a person belongs to at the period's end
 * evaluates them, Nghị định 98/2023/NĐ-CP, Điều 6; Nghị định 152/2025/NĐ-CP from
 * 01/07/2025). A closed office's staff are the department's members for 2025-Y, so an
 * office report for 2025-Y would be judged on no members at all, and its collective titles
 * (≥ 70 % of members LDTT, Luật Thi đua, khen thưởng 2022, Điều 27, 28) could not be decided.
 * What the office did in January–June is its 2025-H1 report; the year's results of its
 * former staff are the receiving unit's.
 */
#include "domain/unit_periods.h"

#include <stdio.h>
#include <string.h>

#include "store/units.h"
#include "util/clock.h"

static const char *period_text(const cJSON *period, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(period, name);
    return cJSON_IsString(item) ? item->valuestring : "";
}

static bool exists_on(const struct unit_dates *d, const char *day)
{
    bool started = !d->valid_from[0] || strcmp(d->valid_from, day) <= 0;
    bool still = !d->valid_to[0] || strcmp(d->valid_to, day) >= 0;
    return started && still;
}

/* Why a unit that is absent on `last` (the last day of period `code`) is so. */
static void explain_absence(const char *unit, const struct unit_dates *d, const char *code,
                            const char *last, char *why, size_t whylen)
{
    char last_vn[CLOCK_DATE_LEN], date_vn[CLOCK_DATE_LEN];
    clock_date_vn(last, last_vn);
    if (d->valid_to[0] && strcmp(d->valid_to, last) < 0) {
        char merged[64] = "";
        clock_date_vn(d->valid_to, date_vn);
        if (d->merged_into[0])
            snprintf(merged, sizeof merged, " (đã hợp nhất vào %s)", d->merged_into);
        snprintf(why, whylen,
                 "đơn vị %s chỉ hoạt động đến hết ngày %s%s, không còn tồn tại vào ngày cuối "
                 "của kỳ %s (%s): đơn vị chỉ báo cáo, được đánh giá và xếp hạng trong kỳ mà "
                 "đơn vị còn tồn tại vào ngày cuối kỳ",
                 unit, date_vn, merged, code, last_vn);
    } else {
        clock_date_vn(d->valid_from, date_vn);
        snprintf(why, whylen,
                 "đơn vị %s bắt đầu hoạt động từ ngày %s, sau ngày cuối của kỳ %s (%s): đơn "
                 "vị chỉ báo cáo, được đánh giá và xếp hạng trong kỳ mà đơn vị tồn tại vào "
                 "ngày cuối kỳ",
                 unit, date_vn, code, last_vn);
    }
}

enum unit_presence unit_presence_in_period(struct store *st, const char *unit, const cJSON *period,
                                           char *why, size_t whylen)
{
    struct unit_dates d;
    int found = units_dates(st, unit, &d);
    if (found < 0) {
        snprintf(why, whylen, "không đọc được thời gian hoạt động của đơn vị %s", unit);
        return UNIT_STORE_ERROR;
    }
    if (found == 0) {
        snprintf(why, whylen, "không có đơn vị mã %s", unit);
        return UNIT_UNKNOWN;
    }
    const char *last = period_text(period, "to");
    if (!last[0] || exists_on(&d, last)) return UNIT_PRESENT;
    explain_absence(unit, &d, period_text(period, "code"), last, why, whylen);
    return UNIT_ABSENT;
}

bool unit_exists_on(struct store *st, const char *unit, const char *day)
{
    struct unit_dates d;
    return units_dates(st, unit, &d) == 1 && exists_on(&d, day);
}

const char *unit_of_evaluation(const cJSON *evaluation)
{
    const cJSON *subject = cJSON_GetObjectItemCaseSensitive(evaluation, "subject");
    bool unit = cJSON_IsString(subject) && strcmp(subject->valuestring, "unit") == 0;
    return period_text(evaluation, unit ? "code" : "unit_code");
}

void unit_periods_leave_out_absent(struct store *st, cJSON *evaluations, const char *day)
{
    if (!day || !day[0]) return;
    cJSON *present = cJSON_CreateObject(); /* unit code -> true/false, asked once each */
    cJSON *e = evaluations ? evaluations->child : NULL;
    while (e && present) {
        cJSON *next = e->next;
        const char *unit = unit_of_evaluation(e);
        if (!unit[0]) { /* names no unit: nothing to judge it by */
            e = next;
            continue;
        }
        const cJSON *known = cJSON_GetObjectItemCaseSensitive(present, unit);
        if (!known) known = cJSON_AddBoolToObject(present, unit, unit_exists_on(st, unit, day));
        if (!cJSON_IsTrue(known)) cJSON_Delete(cJSON_DetachItemViaPointer(evaluations, e));
        e = next;
    }
    cJSON_Delete(present);
}
