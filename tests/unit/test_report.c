/*
 * test_report.c — unit tests for the consolidated report's readings and its CSV:
 * working days late by the campaign's calendar (a deadline on Sunday 15/06/2025 moved to
 * Monday, the 30/04–01/05 holidays and a weekend skipped), a unit's note split under the
 * review's headings (list marks, headings without text, text before any heading), and the
 * CSV's byte order mark and formula neutralisation.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "domain/report.h"
#include "report/render.h"
#include "support.h"

static char root[256]; /* created by main(); unused: these tests write no file */

static cJSON *calendar_2025(void)
{
    return cJSON_Parse("{\"weekend\": [6, 7], \"holidays\": ["
                       "{\"from\": \"2025-04-30\", \"to\": \"2025-05-01\"},"
                       "{\"from\": \"2025-09-01\", \"to\": \"2025-09-02\"}]}");
}

START_TEST(working_days_from_a_moved_deadline)
{
    cJSON *c = calendar_2025();
    /* Due Sunday 15/06, effective Monday 16/06: Monday is on time, Tuesday one day late,
     * Friday four, the next Monday five (the weekend between does not count). */
    ck_assert_int_eq(report_working_days_after(c, "2025-06-16", "2025-06-10"), 0);
    ck_assert_int_eq(report_working_days_after(c, "2025-06-16", "2025-06-16"), 0);
    ck_assert_int_eq(report_working_days_after(c, "2025-06-16", "2025-06-17"), 1);
    ck_assert_int_eq(report_working_days_after(c, "2025-06-16", "2025-06-20"), 4);
    ck_assert_int_eq(report_working_days_after(c, "2025-06-16", "2025-06-22"), 4);
    ck_assert_int_eq(report_working_days_after(c, "2025-06-16", "2025-06-23"), 5);
    /* Tuesday 29/04 due: 30/04 and 01/05 are holidays, Friday 02/05 is the first day late. */
    ck_assert_int_eq(report_working_days_after(c, "2025-04-29", "2025-05-01"), 0);
    ck_assert_int_eq(report_working_days_after(c, "2025-04-29", "2025-05-02"), 1);
    cJSON_Delete(c);
}
END_TEST

START_TEST(note_split_under_headings)
{
    char *parts[REPORT_NOTE_HEADINGS];
    report_split_note("Đơn vị hoàn thành kế hoạch.\n"
                      "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN\n"
                      "- Chậm số hoá hồ sơ;\n"
                      "3) Bài học kinh nghiệm: phân công rõ việc.\n"
                      "• Kiến nghị: bổ sung biên chế.\r\n",
                      parts);
    ck_assert_str_eq(parts[0], "Đơn vị hoàn thành kế hoạch.");
    ck_assert_str_eq(parts[1], "- Chậm số hoá hồ sơ;");
    ck_assert_str_eq(parts[2], "phân công rõ việc.");
    ck_assert_str_eq(parts[3], "");
    ck_assert_str_eq(parts[4], "bổ sung biên chế.");
    ck_assert_str_eq(report_note_heading(1), "Tồn tại, hạn chế và nguyên nhân");
    for (int i = 0; i < REPORT_NOTE_HEADINGS; i++)
        free(parts[i]);
    /* A long line that only starts like a heading, without a colon, is text. */
    report_split_note("Kết quả công tác năm nay vượt xa mọi chỉ tiêu đề ra nhờ sự chỉ đạo sát "
                      "sao của lãnh đạo Sở và sự nỗ lực của toàn thể công chức",
                      parts);
    ck_assert_ptr_nonnull(strstr(parts[0], "nhờ sự chỉ đạo"));
    for (int i = 0; i < REPORT_NOTE_HEADINGS; i++)
        free(parts[i]);
}
END_TEST

START_TEST(csv_has_a_bom_and_no_formula)
{
    cJSON *report = cJSON_Parse(
        "{\"totals\": {}, \"criteria\": [], \"person_criteria\": [], \"units\": [],"
        " \"people\": [], \"notes\": [{\"heading\": \"Đề xuất, kiến nghị\", \"entries\": ["
        "{\"unit_code\": \"VP\", \"unit_name\": \"@Văn phòng\", \"text\": \"=1+2\"},"
        "{\"unit_code\": \"+X\", \"unit_name\": \"-Y\", \"text\": \"a \\\"b\\\", c\"}]}]}");
    size_t len;
    char *csv = report_csv(report, &len);
    ck_assert_ptr_nonnull(csv);
    ck_assert_int_eq(memcmp(csv, "\xEF\xBB\xBF", 3), 0);
    ck_assert_ptr_nonnull(strstr(csv, "\"Đề xuất, kiến nghị\",VP,\"'@Văn phòng\",\"'=1+2\"\r\n"));
    ck_assert_ptr_nonnull(strstr(csv, ",\"'+X\",\"'-Y\",\"a \"\"b\"\", c\"\r\n"));
    free(csv);
    cJSON_Delete(report);
}
END_TEST

static Suite *report_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("readings");
    tcase_add_test(tc, working_days_from_a_moved_deadline);
    tcase_add_test(tc, note_split_under_headings);
    tcase_add_test(tc, csv_has_a_bom_and_no_formula);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return test_main(report_suite(), "report", root, sizeof root);
}
