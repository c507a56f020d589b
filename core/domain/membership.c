/*
 * membership.c — which unit a person belongs to in a period, and how a move is dated.
 *
 * The rule: a person is evaluated in the unit they belonged to on the period's last day,
 * and only there. Why the last day and not the longest stay: the law gives a person who
 * changed units during the year to the new unit — "trường hợp chuyển công tác, đơn vị mới
 * có trách nhiệm xem xét, bình xét danh hiệu Lao động tiên tiến, trên cơ sở có ý kiến nhận
 * xét của đơn vị cũ" (Nghị định 98/2023/NĐ-CP, Điều 6; before it Nghị định 91/2017/NĐ-CP,
 * Điều 8 — *check* the clause in Nghị định 152/2025/NĐ-CP), and the official's rating is
 * likewise made by the agency that employs them at rating time, on the former one's opinion
 * (Nghị định 90/2020/NĐ-CP, *check*). The unit at the period's end is also the one that
 * holds the person's file and files the report. So the former unit's opinion is a fact
 * the new unit submits; the membership itself is one unit.
 *
 * What that gives the district offices closed on 30/06/2025 (two-tier local government):
 * their staff, moved to the department from 01/07, are the offices' members for 2025-H1
 * (01/01–30/06) and the department's for the year 2025-Y. Moving them changes nothing in
 * H1, whether the office is evaluated again by a reload or a new submission.
 */
#include "domain/membership.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/memberships.h"
#include "store/units.h"

const char *membership_day(const cJSON *period)
{
    const cJSON *to = cJSON_GetObjectItemCaseSensitive(period, "to");
    return cJSON_IsString(to) ? to->valuestring : NULL;
}

char *membership_unit_in_period(struct store *st, struct rules_generation *gen, const char *period,
                                const char *person)
{
    const char *day = membership_day(gen ? rules_period(gen, period) : NULL);
    return day ? memberships_unit_on(st, person, day) : people_unit_of(st, person);
}

cJSON *membership_members_input(struct store *st, const char *period, const cJSON *p,
                                const char *unit_code)
{
    return people_members_input(st, period, unit_code, membership_day(p));
}

bool membership_hired_after(struct store *st, const char *person, const char *period_end,
                            char hired_vn[CLOCK_DATE_LEN])
{
    char *on = people_hired_on(st, person);
    bool after = on && strcmp(on, period_end) > 0;
    if (after) clock_date_vn(on, hired_vn);
    free(on);
    return after;
}

/* The day a move out of `unit` takes effect when the row gives none: today, or the day
 * after the unit closed when that came first. */
static void default_move_day(struct store *st, const char *unit, const char *today,
                             char day[CLOCK_DATE_LEN])
{
    char *after_closing = units_day_after_closing(st, unit);
    bool closed_before = after_closing && strcmp(after_closing, today) < 0;
    snprintf(day, CLOCK_DATE_LEN, "%s", closed_before ? after_closing : today);
    free(after_closing);
}

enum membership_change membership_plan(struct store *st, const struct person_row *row,
                                       const char *today, char day[CLOCK_DATE_LEN], char *why,
                                       size_t whylen)
{
    day[0] = '\0';
    char *since = NULL, *unit = memberships_open_unit(st, row->code, &since);
    enum membership_change change = MEMBERSHIP_NEW;
    if (unit && strcmp(unit, row->unit_code) == 0) change = MEMBERSHIP_SAME;
    if (!unit || change == MEMBERSHIP_SAME) goto done;
    change = MEMBERSHIP_MOVE;
    if (row->moved_on && row->moved_on[0])
        snprintf(day, CLOCK_DATE_LEN, "%s", row->moved_on);
    else
        default_move_day(st, unit, today, day);
    if (since && strcmp(day, since) <= 0) {
        char day_vn[CLOCK_DATE_LEN], since_vn[CLOCK_DATE_LEN];
        clock_date_vn(day, day_vn);
        clock_date_vn(since, since_vn);
        snprintf(why, whylen,
                 "ngày chuyển từ đơn vị \"%s\" sang \"%s\" là %s, phải sau ngày %s (ngày bắt "
                 "đầu ở đơn vị \"%s\"); hãy ghi ngày chuyển đúng vào cột moved_on",
                 unit, row->unit_code, day_vn, since_vn, unit);
        change = MEMBERSHIP_BAD_DATE;
    }
done:
    free(unit);
    free(since);
    return change;
}

int membership_record(struct store *st, const struct person_row *row, enum membership_change change,
                      const char *day)
{
    switch (change) {
    case MEMBERSHIP_SAME: return memberships_update_open(st, row);
    case MEMBERSHIP_BAD_DATE: return -1;
    case MEMBERSHIP_NEW: return memberships_start(st, row);
    case MEMBERSHIP_MOVE: return memberships_move(st, row, day);
    }
    return -1;
}
