/*
 * test_unit_periods.c — unit tests for the two decisions of issue 9's findings 2 and 3:
 * domain/unit_periods.c (a unit exists in a period when it exists on the period's last day;
 * the Vietnamese reason when it does not; leaving absent units and their people out of a
 * period's evaluations) and domain/access.c (what an admin, a read and a unit token read).
 *
 * Each test works on a fresh migrated database under one mkdtemp() root.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access.h"
#include "domain/organisation.h"
#include "domain/unit_periods.h"
#include "store/units.h"
#include "support.h"

static char root[256]; /* created by main() */
static char dir[512];  /* this test's folder */
static struct store *st;

static cJSON *period(const char *code, const char *from, const char *to)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "code", code);
    cJSON_AddStringToObject(p, "from", from);
    cJSON_AddStringToObject(p, "to", to);
    return p;
}

static void unit(const char *code, const char *valid_from, const char *valid_to,
                 const char *merged_into)
{
    struct unit_row u = {.code = code,
                         .name = code,
                         .kind = "district",
                         .valid_from = valid_from,
                         .valid_to = valid_to,
                         .merged_into = merged_into};
    bool changed;
    ck_assert_int_eq(units_upsert(st, &u, &changed), 0);
}

/* SO (always), HX (closed 30/06/2025, merged into SO), NEWU (opened 01/07/2025), LATER
 * (opened 01/01/2026); P1 in SO. */
static void setup(void)
{
    st = test_fresh_store(dir, sizeof dir, root);
    unit("SO", NULL, NULL, NULL);
    unit("HX", "2020-01-01", "2025-06-30", "SO");
    unit("NEWU", "2025-07-01", NULL, NULL);
    unit("LATER", "2026-01-01", NULL, NULL);
    struct person_row p = {.code = "P1",
                           .full_name = "Nguyễn Văn Một",
                           .unit_code = "SO",
                           .position = "Chuyên viên",
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

START_TEST(test_a_unit_exists_in_a_period_on_its_last_day)
{
    cJSON *h1 = period("2025-H1", "2025-01-01", "2025-06-30");
    cJSON *y = period("2025-Y", "2025-01-01", "2025-12-31");
    char why[512] = "";
    ck_assert_int_eq(unit_presence_in_period(st, "HX", h1, why, sizeof why), UNIT_PRESENT);
    ck_assert_int_eq(unit_presence_in_period(st, "SO", y, why, sizeof why), UNIT_PRESENT);
    ck_assert_int_eq(unit_presence_in_period(st, "NEWU", y, why, sizeof why), UNIT_PRESENT);
    ck_assert_int_eq(unit_presence_in_period(st, "HX", y, why, sizeof why), UNIT_ABSENT);
    ck_assert_msg(strstr(why, "đơn vị HX chỉ hoạt động đến hết ngày 30/06/2025 (đã hợp nhất vào "
                              "SO), không còn tồn tại vào ngày cuối của kỳ 2025-Y (31/12/2025)"),
                  "%s", why);
    ck_assert_int_eq(unit_presence_in_period(st, "NEWU", h1, why, sizeof why), UNIT_ABSENT);
    ck_assert_msg(strstr(why, "bắt đầu hoạt động từ ngày 01/07/2025, sau ngày cuối của kỳ "
                              "2025-H1 (30/06/2025)"),
                  "%s", why);
    ck_assert_int_eq(unit_presence_in_period(st, "LATER", y, why, sizeof why), UNIT_ABSENT);
    ck_assert_int_eq(unit_presence_in_period(st, "NOPE", y, why, sizeof why), UNIT_UNKNOWN);
    ck_assert(unit_exists_on(st, "HX", "2025-06-30"));
    ck_assert(!unit_exists_on(st, "HX", "2025-07-01"));
    ck_assert(!unit_exists_on(st, "NEWU", "2025-06-30"));
    ck_assert(unit_exists_on(st, "NEWU", "2025-07-01"));
    cJSON_Delete(h1);
    cJSON_Delete(y);
}
END_TEST

START_TEST(test_absent_units_and_their_people_are_left_out)
{
    cJSON *evaluations = cJSON_Parse(
        "[{\"subject\":\"unit\",\"code\":\"HX\"},{\"subject\":\"unit\",\"code\":\"SO\"},"
        "{\"subject\":\"person\",\"code\":\"P2\",\"unit_code\":\"HX\"},"
        "{\"subject\":\"person\",\"code\":\"P1\",\"unit_code\":\"SO\"},"
        "{\"subject\":\"unit\",\"code\":\"NEWU\"}]");
    unit_periods_leave_out_absent(st, evaluations, "2025-12-31");
    char *text = cJSON_PrintUnformatted(evaluations);
    ck_assert_str_eq(text, "[{\"subject\":\"unit\",\"code\":\"SO\"},{\"subject\":\"person\","
                           "\"code\":\"P1\",\"unit_code\":\"SO\"},{\"subject\":\"unit\","
                           "\"code\":\"NEWU\"}]");
    free(text);
    cJSON_Delete(evaluations);
}
END_TEST

START_TEST(test_what_each_scope_reads)
{
    struct principal admin, reader, so, hx;
    ck_assert(token_parse_scope("admin", &admin));
    ck_assert(token_parse_scope("read", &reader));
    ck_assert(token_parse_scope("unit:SO", &so));
    ck_assert(token_parse_scope("unit:HX", &hx));
    ck_assert(access_reads_all(&admin) && access_reads_all(&reader));
    ck_assert(!access_reads_all(&so));
    ck_assert_ptr_null(access_only_unit(&reader));
    ck_assert_str_eq(access_only_unit(&so), "SO");
    ck_assert(access_reads_unit(&reader, "HX") && access_reads_unit(&so, "SO"));
    ck_assert(!access_reads_unit(&so, "HX"));
    /* Today (no period): the person's unit today. */
    ck_assert(access_reads_person(st, &so, NULL, NULL, "P1"));
    ck_assert(!access_reads_person(st, &hx, NULL, NULL, "P1"));
    ck_assert(access_reads_person(st, &reader, NULL, NULL, "P1"));
    ck_assert(!access_reads_person(st, &so, NULL, NULL, "NOBODY"));
}
END_TEST

static Suite *unit_periods_suite(void)
{
    Suite *s = suite_create("unit_periods");
    TCase *tc = tcase_create("unit_periods");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_a_unit_exists_in_a_period_on_its_last_day);
    tcase_add_test(tc, test_absent_units_and_their_people_are_left_out);
    tcase_add_test(tc, test_what_each_scope_reads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_main(unit_periods_suite(), "unit_periods", root, sizeof root);
}
