/*
 * test_membership.c — unit tests for people's history: store/memberships.c (stays,
 * [since, until), the day a move takes effect), the members the store hands the rules on a
 * day (store/people.c, store/units.c: evaluation input, units to evaluate, the reminder
 * pass's members without facts), the migration that gives everybody an open stay, and
 * domain/membership.c (which unit evaluates someone in a period; how a move is dated,
 * organisation_put_people writing it with its audit line).
 *
 * Each test works on a fresh migrated database under one mkdtemp() root.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/membership.h"
#include "domain/organisation.h"
#include "store/facts.h"
#include "store/internal.h"
#include "store/memberships.h"
#include "store/people.h"
#include "store/units.h"
#include "support.h"

static char root[256]; /* created by main() */
static char dir[512];  /* this test's folder */
static struct store *st;

static const cJSON *h1_period(void)
{
    static cJSON *p;
    if (!p) p = cJSON_Parse("{\"code\":\"2025-H1\",\"from\":\"2025-01-01\",\"to\":\"2025-06-30\"}");
    return p;
}

static void unit(const char *code, const char *valid_to)
{
    struct unit_row u = {.code = code,
                         .name = code,
                         .kind = "office",
                         .valid_from = "2020-01-01",
                         .valid_to = valid_to};
    bool changed;
    ck_assert_int_eq(units_upsert(st, &u, &changed), 0);
}

/* The district office OLD (closed 30/06/2025), the department NEW and an office OTHER; the
 * person P1 in OLD, its head. */
static void setup(void)
{
    st = test_fresh_store(dir, sizeof dir, root);
    unit("OLD", "2025-06-30");
    unit("NEW", NULL);
    unit("OTHER", NULL);
    struct person_row p = {.code = "P1",
                           .full_name = "Nguyễn Văn Một",
                           .unit_code = "OLD",
                           .position = "Trưởng phòng",
                           .is_head = true,
                           .email = "",
                           .phone = ""};
    size_t changed;
    char err[256];
    ck_assert_msg(organisation_put_people(st, &p, 1, "test", &changed, err, sizeof err) == 0, "%s",
                  err);
}

static void teardown(void)
{
    store_close(st);
    test_remove_tree(dir);
}

/* Writes P1 again in `unit_code` (no longer head), moved on `moved_on` ("" = not given). */
static int move_p1(const char *unit_code, const char *moved_on, char *err, size_t errlen)
{
    struct person_row p = {.code = "P1",
                           .full_name = "Nguyễn Văn Một",
                           .unit_code = unit_code,
                           .position = "Chuyên viên",
                           .is_head = false,
                           .email = "",
                           .phone = "",
                           .moved_on = moved_on};
    size_t changed;
    return organisation_put_people(st, &p, 1, "test", &changed, err, errlen);
}

/* The integer the query's first row starts with. */
static long store_count(struct store *s, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    ck_assert_msg(sqlite3_prepare_v2(store_db(s), sql, -1, &stmt, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(store_db(s)));
    ck_assert(sqlite3_step(stmt) == SQLITE_ROW);
    long n = (long)sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

static void assert_unit_on(const char *day, const char *expected)
{
    char *unit_code = memberships_unit_on(st, "P1", day);
    ck_assert_msg(expected ? unit_code && strcmp(unit_code, expected) == 0 : !unit_code,
                  "on %s: %s, expected %s", day, unit_code ? unit_code : "(none)",
                  expected ? expected : "(none)");
    free(unit_code);
}

/* The codes in a JSON array of objects, joined by ",". */
static void codes_of(const cJSON *list, char *out, size_t len)
{
    out[0] = '\0';
    const cJSON *item;
    cJSON_ArrayForEach(item, list)
    {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(item, "code");
        const char *text = cJSON_IsString(code) ? code->valuestring : item->valuestring;
        snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? "," : "", text);
    }
}

START_TEST(test_new_person_has_one_open_stay)
{
    assert_unit_on("1990-01-01", "OLD");
    assert_unit_on("2030-12-31", "OLD");
    char *since = NULL, *open = memberships_open_unit(st, "P1", &since);
    ck_assert_str_eq(open, "OLD");
    ck_assert_ptr_null(since);
    free(open);
}
END_TEST

START_TEST(test_move_ends_one_stay_where_the_next_begins)
{
    char err[512] = "";
    ck_assert_msg(move_p1("NEW", "2025-07-01", err, sizeof err) == 0, "%s", err);
    assert_unit_on("2025-06-30", "OLD");
    assert_unit_on("2025-07-01", "NEW");
    cJSON *stays = memberships_of_person(st, "P1");
    char *text = cJSON_PrintUnformatted(stays);
    ck_assert_str_eq(text, "[{\"unit_code\":\"OLD\",\"position\":\"Trưởng phòng\",\"is_head\":true,"
                           "\"since\":null,\"until\":\"2025-07-01\"},{\"unit_code\":\"NEW\","
                           "\"position\":\"Chuyên viên\",\"is_head\":false,\"since\":"
                           "\"2025-07-01\",\"until\":null}]");
    free(text);
    cJSON_Delete(stays);
    ck_assert_int_eq(store_count(st, "SELECT count(*) FROM audit WHERE action = 'move' AND "
                                     "detail = '{\"from\":\"OLD\",\"to\":\"NEW\",\"on\":"
                                     "\"2025-07-01\"}'"),
                     1);
}
END_TEST

START_TEST(test_unit_in_period_is_the_unit_on_its_last_day)
{
    char err[512] = "";
    ck_assert_str_eq(membership_day(h1_period()), "2025-06-30");
    ck_assert_msg(move_p1("OTHER", "2025-03-15", err, sizeof err) == 0, "%s", err);
    /* 2½ months in OLD, 3½ in OTHER, and OTHER on 30/06: OTHER's member, OLD's not. */
    cJSON *other = membership_members_input(st, "2025-H1", h1_period(), "OTHER");
    cJSON *old = membership_members_input(st, "2025-H1", h1_period(), "OLD");
    char codes[64];
    codes_of(other, codes, sizeof codes);
    ck_assert_str_eq(codes, "P1");
    ck_assert_int_eq(cJSON_GetArraySize(old), 0);
    cJSON_Delete(other);
    cJSON_Delete(old);
}
END_TEST

START_TEST(test_closed_office_keeps_its_members_and_head)
{
    char err[512] = "";
    ck_assert_msg(move_p1("NEW", "2025-07-01", err, sizeof err) == 0, "%s", err);
    cJSON *members = membership_members_input(st, "2025-H1", h1_period(), "OLD");
    ck_assert_int_eq(cJSON_GetArraySize(members), 1);
    const cJSON *p1 = cJSON_GetArrayItem(members, 0);
    ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p1, "is_head")));
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(p1, "position")->valuestring, "Trưởng phòng");
    cJSON_Delete(members);
    members = people_list_json(st, "NEW", "2025-06-30");
    ck_assert_int_eq(cJSON_GetArraySize(members), 0);
    cJSON_Delete(members);
    /* Today the person is NEW's (the unit's people without a period). */
    members = people_list_json(st, "NEW", NULL);
    ck_assert_int_eq(cJSON_GetArraySize(members), 1);
    cJSON_Delete(members);
}
END_TEST

START_TEST(test_units_to_evaluate_follow_the_members_day)
{
    char err[512] = "";
    ck_assert_msg(move_p1("NEW", "2030-01-01", err, sizeof err) == 0, "%s", err);
    unit("OLD", "2029-12-31"); /* OLD open through 2029; so only people's facts bring units */
    ck_assert_int_gt(
        facts_append_at(st, "2031-H1", "person", "P1", "{}", "", "test", "2031-05-01T08:00:00"), 0);
    char codes[64];
    cJSON *units = units_to_evaluate(st, "2031-H1", "2031-01-01", "2031-06-30", "2031-06-30");
    codes_of(units, codes, sizeof codes);
    ck_assert_str_eq(codes, "NEW,OTHER"); /* OTHER exists; NEW has P1's facts */
    cJSON_Delete(units);
    ck_assert_int_gt(
        facts_append_at(st, "2029-H1", "person", "P1", "{}", "", "test", "2029-05-01T08:00:00"), 0);
    units = units_to_evaluate(st, "2029-H1", "2029-01-01", "2029-06-30", "2029-06-30");
    codes_of(units, codes, sizeof codes);
    ck_assert_str_eq(codes, "NEW,OLD,OTHER");
    cJSON_Delete(units);
}
END_TEST

START_TEST(test_reminders_name_the_members_of_the_period)
{
    char err[512] = "";
    ck_assert_msg(move_p1("NEW", "2025-07-01", err, sizeof err) == 0, "%s", err);
    /* H1 is due 15/06, when OLD still exists: P1, without facts, is OLD's to chase. */
    cJSON *units = units_obligations(st, "2025-H1", "2025-06-15", "2025-06-30");
    const cJSON *u, *old = NULL, *new_unit = NULL;
    cJSON_ArrayForEach(u, units)
    {
        const char *code = cJSON_GetObjectItemCaseSensitive(u, "code")->valuestring;
        if (strcmp(code, "OLD") == 0) old = u;
        if (strcmp(code, "NEW") == 0) new_unit = u;
    }
    ck_assert_ptr_nonnull(old);
    ck_assert_ptr_nonnull(new_unit);
    char codes[64];
    codes_of(cJSON_GetObjectItemCaseSensitive(old, "members"), codes, sizeof codes);
    ck_assert_str_eq(codes, "P1");
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(new_unit, "members")), 0);
    cJSON_Delete(units);
}
END_TEST

/* The members without facts are counted and named per unit, past a department's own members
 * (the department does not report: its members sort between the units') and past the
 * first MEMBERS_NAMED (20). */
START_TEST(test_reminders_count_members_past_a_unit_that_does_not_report)
{
    struct unit_row dep = {.code = "MID", .name = "Sở", .kind = "department"};
    bool changed_unit;
    ck_assert_int_eq(units_upsert(st, &dep, &changed_unit), 0);
    struct person_row people[25];
    char codes[25][8];
    for (int i = 0; i < 25; i++) {
        snprintf(codes[i], sizeof codes[i], i < 2 ? "M%02d" : "Z%02d", i);
        people[i] = (struct person_row){.code = codes[i],
                                        .full_name = codes[i],
                                        .unit_code = i < 2 ? "MID" : "OTHER",
                                        .position = "",
                                        .email = "",
                                        .phone = ""};
    }
    size_t changed;
    char err[512] = "";
    ck_assert_msg(organisation_put_people(st, people, 25, "test", &changed, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_int_gt(
        facts_append_at(st, "2025-H1", "person", "Z02", "{}", "", "test", "2025-05-01T08:00:00"),
        0);
    cJSON *units = units_obligations(st, "2025-H1", "2025-06-15", "2025-06-30");
    const cJSON *u, *other = NULL, *old = NULL;
    cJSON_ArrayForEach(u, units)
    {
        const char *code = cJSON_GetObjectItemCaseSensitive(u, "code")->valuestring;
        ck_assert_str_ne(code, "MID");
        if (strcmp(code, "OTHER") == 0) other = u;
        if (strcmp(code, "OLD") == 0) old = u;
    }
    ck_assert_ptr_nonnull(other);
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(other, "without_facts")->valueint, 22);
    const cJSON *named = cJSON_GetObjectItemCaseSensitive(other, "members");
    ck_assert_int_eq(cJSON_GetArraySize(named), 20);
    ck_assert_str_eq(cJSON_GetObjectItemCaseSensitive(named->child, "code")->valuestring, "Z03");
    ck_assert_int_eq(cJSON_GetObjectItemCaseSensitive(old, "without_facts")->valueint, 1);
    cJSON_Delete(units);
}
END_TEST

START_TEST(test_move_without_date_is_dated_today_or_after_closing)
{
    struct person_row row = {.code = "P1", .unit_code = "NEW", .moved_on = ""};
    char day[CLOCK_DATE_LEN], why[512];
    /* OLD closed on 30/06/2025: a move recorded later takes effect on 01/07/2025. */
    ck_assert_int_eq(membership_plan(st, &row, "2025-09-10", day, why, sizeof why),
                     MEMBERSHIP_MOVE);
    ck_assert_str_eq(day, "2025-07-01");
    /* Recorded before the closing: on the import's date. */
    ck_assert_int_eq(membership_plan(st, &row, "2025-05-20", day, why, sizeof why),
                     MEMBERSHIP_MOVE);
    ck_assert_str_eq(day, "2025-05-20");
    /* A date in the file wins. */
    row.moved_on = "2025-08-01";
    ck_assert_int_eq(membership_plan(st, &row, "2025-09-10", day, why, sizeof why),
                     MEMBERSHIP_MOVE);
    ck_assert_str_eq(day, "2025-08-01");
    /* The same unit is no move, whatever the date; a new person starts a stay. */
    row.unit_code = "OLD";
    ck_assert_int_eq(membership_plan(st, &row, "2025-09-10", day, why, sizeof why),
                     MEMBERSHIP_SAME);
    row.code = "P2";
    ck_assert_int_eq(membership_plan(st, &row, "2025-09-10", day, why, sizeof why), MEMBERSHIP_NEW);
}
END_TEST

START_TEST(test_move_not_after_current_stay_is_refused)
{
    char err[512] = "";
    ck_assert_msg(move_p1("NEW", "2025-07-01", err, sizeof err) == 0, "%s", err);
    long before = store_count(st, "SELECT count(*) FROM memberships");
    ck_assert_int_eq(move_p1("OTHER", "2025-07-01", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "01/07/2025") && strstr(err, "moved_on"), "%s", err);
    ck_assert_int_eq(move_p1("OTHER", "2025-06-01", err, sizeof err), -1);
    ck_assert_int_eq(store_count(st, "SELECT count(*) FROM memberships"), before);
    assert_unit_on("2025-08-01", "NEW");
    char *unit_code = people_unit_of(st, "P1");
    ck_assert_str_eq(unit_code, "NEW"); /* the refused batch wrote nothing */
    free(unit_code);
}
END_TEST

START_TEST(test_migration_gives_everybody_an_open_stay)
{
    /* Back to a schema without memberships (as at version 5), then forward again. */
    char err[256];
    ck_assert_int_eq(store_exec(st,
                                "DROP TABLE memberships; DROP TABLE evaluation_failures; DROP "
                                "TABLE rules_vettings; DROP INDEX evaluations_outline; "
                                "DROP TABLE registrations; DROP INDEX tokens_live_name; "
                                "ALTER TABLE tokens DROP COLUMN last_used_at; "
                                "DROP INDEX fact_versions_first; "
                                "ALTER TABLE evaluations DROP COLUMN outline; "
                                "PRAGMA user_version = 5",
                                err, sizeof err),
                     0);
    ck_assert_msg(store_migrate(st, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(store_schema_version(st), store_schema_latest());
    assert_unit_on("2025-06-30", "OLD");
    ck_assert_int_eq(store_count(st, "SELECT count(*) FROM memberships WHERE person = 'P1' AND "
                                     "is_head = 1 AND position = 'Trưởng phòng' AND since IS "
                                     "NULL AND until IS NULL"),
                     1);
}
END_TEST

static Suite *membership_suite(void)
{
    Suite *s = suite_create("membership");
    TCase *stays = tcase_create("stays");
    tcase_add_checked_fixture(stays, setup, teardown);
    tcase_add_test(stays, test_new_person_has_one_open_stay);
    tcase_add_test(stays, test_move_ends_one_stay_where_the_next_begins);
    tcase_add_test(stays, test_migration_gives_everybody_an_open_stay);
    suite_add_tcase(s, stays);
    TCase *periods = tcase_create("periods");
    tcase_add_checked_fixture(periods, setup, teardown);
    tcase_add_test(periods, test_unit_in_period_is_the_unit_on_its_last_day);
    tcase_add_test(periods, test_closed_office_keeps_its_members_and_head);
    tcase_add_test(periods, test_units_to_evaluate_follow_the_members_day);
    tcase_add_test(periods, test_reminders_name_the_members_of_the_period);
    tcase_add_test(periods, test_reminders_count_members_past_a_unit_that_does_not_report);
    suite_add_tcase(s, periods);
    TCase *moves = tcase_create("moves");
    tcase_add_checked_fixture(moves, setup, teardown);
    tcase_add_test(moves, test_move_without_date_is_dated_today_or_after_closing);
    tcase_add_test(moves, test_move_not_after_current_stay_is_refused);
    suite_add_tcase(s, moves);
    return s;
}

int main(void)
{
    return test_main(membership_suite(), "membership", root, sizeof root);
}
