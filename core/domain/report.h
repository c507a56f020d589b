/*
 * report.h — the consolidated report of a period (báo cáo tổng hợp 6 tháng / năm): what
 * the Department Office sends the Ministry (Kế hoạch thi đua 2025, phần III), gathered from
 * the stored reports and evaluations. It reads only, so a closed period's report is its
 * record. The document formats (CSV, xlsx, HTML) are drawn from this model in core/report/.
 */
#ifndef THIDUA_DOMAIN_REPORT_H
#define THIDUA_DOMAIN_REPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "domain/ruleset.h"
#include "store/store.h"

/* The headings a review's text is gathered under (DOMAIN.md: results, shortcomings and
 * causes, lessons, next tasks, proposals), in the order a report gives them. */
#define REPORT_NOTE_HEADINGS 5

/*
 * {"period", "label", "year", "campaign", "theme", "from", "to", "due", "effective_due",
 *  "rules_hash", "closed" (bool), "generated_at", "issuer" {code, name}|null, "office",
 *  "criteria": [{id, title, points}] (the units' criteria, the columns of "units"),
 *  "person_criteria": [{id, title, points}],
 *  "units": [{code, name, submitted, submitted_at|null, late, working_days_late (so far, when
 * missing), score, rank, criteria {id: points|null}, titles [code], nominations [code],
 *             evaluation_failed, previous_score|null}],
 *  "people": [{code, name, unit_code, score, criteria {id: points}, titles, nominations}],
 *  "totals": {expected, submitted, on_time, late, missing, evaluation_failed,
 *             average_score (of the units that reported),
 *             "titles": [{code, name, subject, decided_by, count, prize_multiple|null,
 *                         prize_amount|null}],
 *             "nominations": [{decided_by, lists: [{code, name, count, prize_total,
 *                              entries: [{subject, code, name, unit_code, prize|null}]}]}],
 *             "prize": {base_salary|null, source|null, titles|null, nominations|null,
 *                       total|null} (null when the ruleset declares no base salary)},
 *  "previous": {period, stored (bool), and when stored: units_evaluated, average_score,
 *               submitted|null, on_time|null, late|null, missing|null, titles {code: count}},
 *  "notes": [{heading, entries: [{unit_code, unit_name, text}]}],
 *  "registrations": what registration_summary gives (registered against achieved), with
 *                   "available": false when the ruleset declares no registration deadline}
 *
 * NULL with err when no ruleset in service declares the period or the store fails.
 */
cJSON *report_of_period(struct store *st, const struct ruleset *rs, const char *period, char *err,
                        size_t errlen);

/* The working days after `due` up to and including `date` (both "YYYY-MM-DD"), by the
 * campaign's calendar ({"weekend": [ISO days], "holidays": [{from, to}]}): 0 when date <= due.
 * A report handed in on Monday 16/06/2025 for a deadline of Sunday 15/06 (moved to Monday by
 * Bộ luật Dân sự 2015, Điều 148) is 0 days late from the effective due date. */
int report_working_days_after(const cJSON *campaign, const char *due, const char *date);

/* Splits a unit's note into the review's headings: lines starting (after a number or a
 * dash) with a heading's words and a colon open that heading; text before any heading is
 * results. Returns [REPORT_NOTE_HEADINGS] strings (malloc'd each, "" when empty) in *out. */
void report_split_note(const char *note, char *out[REPORT_NOTE_HEADINGS]);
/* The heading's title in Vietnamese (0 ≤ i < REPORT_NOTE_HEADINGS). */
const char *report_note_heading(int i);

#endif
