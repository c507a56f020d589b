/*
 * tables.c — the consolidated report as tables (report/tables.h): totals with last year's
 * figures beside them, units (status, working days late, score, each criterion, titles),
 * titles by kind with their prize money, the nomination lists by who decides, the units'
 * notes under the review's headings, registrations against achievements, and the annex of
 * people. Column headers are the Office's words; each title is named, not coded.
 */
#include "report/tables.h"

#include <stdio.h>
#include <string.h>

#include "util/clock.h"
#include "util/json_text.h"

#define NAMES_LEN 512

static double number_of(const cJSON *obj, const char *key)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(n) ? n->valuedouble : 0;
}

const char *report_title_name(const cJSON *report, const char *code)
{
    const cJSON *totals = cJSON_GetObjectItemCaseSensitive(report, "totals"), *t, *g, *l;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(totals, "titles"))
    {
        if (strcmp(json_text(t, "code"), code) == 0) return json_text(t, "name");
    }
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(totals, "nominations"))
    {
        cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(g, "lists"))
        {
            if (strcmp(json_text(l, "code"), code) == 0) return json_text(l, "name");
        }
    }
    return code;
}

/* A new table {name, title, columns, rows} added to tables; returns its rows. */
static cJSON *new_table(cJSON *tables, const char *name, const char *title,
                        const char *const *columns, const int *widths, const char *numbers)
{
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "name", name);
    cJSON_AddStringToObject(t, "title", title);
    cJSON *cols = cJSON_AddArrayToObject(t, "columns");
    for (size_t i = 0; columns[i]; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "title", columns[i]);
        cJSON_AddNumberToObject(c, "width", widths[i]);
        cJSON_AddBoolToObject(c, "number", numbers[i] == 'n');
        cJSON_AddItemToArray(cols, c);
    }
    cJSON_AddItemToArray(tables, t);
    return cJSON_AddArrayToObject(t, "rows");
}

/* Names of the codes in a list, "; "-separated. */
static cJSON *names_of(const cJSON *report, const cJSON *codes)
{
    char out[NAMES_LEN] = "";
    size_t len = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, codes)
    {
        if (!cJSON_IsString(c)) continue;
        int n = snprintf(out + len, sizeof out - len, "%s%s", len ? "; " : "",
                         report_title_name(report, c->valuestring));
        if (n < 0 || (size_t)n >= sizeof out - len) break;
        len += (size_t)n;
    }
    return cJSON_CreateString(out);
}

static cJSON *vn_date_or_empty(const cJSON *iso)
{
    char date[CLOCK_DATE_LEN];
    if (!cJSON_IsString(iso)) return cJSON_CreateString("");
    clock_date_vn(iso->valuestring, date);
    return cJSON_CreateString(date);
}

static cJSON *number_or_null(const cJSON *n)
{
    /* cJSON_IsNumber(NULL) is false: the analyzer does not see it. */
    return cJSON_IsNumber(n) ? cJSON_CreateNumber(n->valuedouble) /* NOLINT */
                             : cJSON_CreateNull();
}

/* One row of the totals: label, this period, last year (or empty), the change. */
static void totals_row(cJSON *rows, const char *label, double now, const cJSON *before)
{
    cJSON *row = cJSON_CreateArray();
    cJSON_AddItemToArray(row, cJSON_CreateString(label));
    cJSON_AddItemToArray(row, cJSON_CreateNumber(now));
    cJSON_AddItemToArray(row, number_or_null(before));
    double change = cJSON_IsNumber(before) ? now - before->valuedouble : 0; /* NOLINT */
    cJSON_AddItemToArray(row,
                         cJSON_IsNumber(before) ? cJSON_CreateNumber(change) : cJSON_CreateNull());
    cJSON_AddItemToArray(rows, row);
}

static void totals_table(cJSON *tables, const cJSON *report)
{
    static const char *const cols[] = {"Chỉ tiêu", "Kỳ này", "Cùng kỳ năm trước",
                                       "Tăng (+), giảm (−)", NULL};
    static const int widths[] = {60, 14, 20, 18};
    cJSON *rows = new_table(tables, "Tổng hợp", "Số liệu tổng hợp", cols, widths, "tnnn");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(report, "totals");
    const cJSON *prev = cJSON_GetObjectItemCaseSensitive(report, "previous");
    const cJSON *before_titles = cJSON_GetObjectItemCaseSensitive(prev, "titles");
    static const char *const status[][2] = {
        {"expected", "Số đơn vị phải báo cáo"},
        {"submitted", "Số đơn vị đã báo cáo"},
        {"on_time", "Báo cáo đúng hạn"},
        {"late", "Báo cáo trễ hạn"},
        {"missing", "Chưa báo cáo"},
    };
    cJSON *expected_before = NULL;
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(prev, "submitted")))
        expected_before =
            cJSON_CreateNumber(number_of(prev, "submitted") + number_of(prev, "missing"));
    for (size_t i = 0; i < 5; i++)
        totals_row(rows, status[i][1], number_of(t, status[i][0]),
                   i == 0 ? expected_before : cJSON_GetObjectItemCaseSensitive(prev, status[i][0]));
    cJSON_Delete(expected_before);
    totals_row(rows, "Điểm bình quân của các đơn vị đã báo cáo", number_of(t, "average_score"),
               cJSON_GetObjectItemCaseSensitive(prev, "average_score"));
    const cJSON *x, *g, *l;
    char label[NAMES_LEN];
    cJSON *zero = cJSON_CreateNumber(0);
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(t, "titles"))
    {
        snprintf(label, sizeof label, "Danh hiệu “%s”", json_text(x, "name"));
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(before_titles, json_text(x, "code"));
        totals_row(rows, label, number_of(x, "count"), b ? b : before_titles ? zero : NULL);
    }
    cJSON_Delete(zero);
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(t, "nominations"))
    {
        cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(g, "lists"))
        {
            snprintf(label, sizeof label, "Đề nghị “%s” (%s quyết định)", json_text(l, "name"),
                     json_text(g, "decided_by"));
            totals_row(rows, label, number_of(l, "count"), NULL);
        }
    }
    const cJSON *prize = cJSON_GetObjectItemCaseSensitive(t, "prize");
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(prize, "total")))
        totals_row(rows, "Tổng tiền thưởng (đồng)", number_of(prize, "total"), NULL);
}

/* Headers shared by the units' and the people's tables, then one column per criterion. */
static void criteria_columns(cJSON *tables, const cJSON *criteria)
{
    cJSON *cols = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetArrayItem(tables, cJSON_GetArraySize(tables) - 1), "columns");
    const cJSON *c;
    cJSON_ArrayForEach(c, criteria)
    {
        cJSON *col = cJSON_CreateObject();
        char title[64];
        snprintf(title, sizeof title, "%s (%g đ)", json_text(c, "id"), number_of(c, "points"));
        cJSON_AddStringToObject(col, "title", title);
        cJSON_AddNumberToObject(col, "width", 10);
        cJSON_AddBoolToObject(col, "number", true);
        cJSON_AddItemToArray(cols, col);
    }
}

static void add_criteria(cJSON *row, const cJSON *criteria, const cJSON *points)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, criteria)
    {
        cJSON_AddItemToArray(
            row, number_or_null(cJSON_GetObjectItemCaseSensitive(points, json_text(c, "id"))));
    }
}

static void units_table(cJSON *tables, const cJSON *report)
{
    static const char *const cols[] = {"STT",
                                       "Mã đơn vị",
                                       "Tên đơn vị",
                                       "Tình trạng báo cáo",
                                       "Ngày báo cáo",
                                       "Số ngày làm việc trễ",
                                       "Điểm",
                                       "Xếp hạng",
                                       "Danh hiệu",
                                       "Đề nghị khen thưởng",
                                       "Điểm cùng kỳ năm trước",
                                       NULL};
    static const int widths[] = {5, 16, 32, 14, 16, 11, 9, 9, 28, 22, 12};
    cJSON *rows =
        new_table(tables, "Đơn vị", "Kết quả của các đơn vị", cols, widths, "nttttnnnttn");
    const cJSON *criteria = cJSON_GetObjectItemCaseSensitive(report, "criteria");
    criteria_columns(tables, criteria);
    const cJSON *u;
    int i = 0;
    cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(report, "units"))
    {
        bool done = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "submitted"));
        bool late = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "late"));
        cJSON *row = cJSON_CreateArray();
        cJSON_AddItemToArray(row, cJSON_CreateNumber(++i));
        cJSON_AddItemToArray(row, cJSON_CreateString(json_text(u, "code")));
        cJSON_AddItemToArray(row, cJSON_CreateString(json_text(u, "name")));
        cJSON_AddItemToArray(row, cJSON_CreateString(!done  ? "Chưa báo cáo"
                                                     : late ? "Trễ hạn"
                                                            : "Đúng hạn"));
        cJSON_AddItemToArray(row,
                             vn_date_or_empty(cJSON_GetObjectItemCaseSensitive(u, "submitted_at")));
        cJSON_AddItemToArray(row, cJSON_CreateNumber(number_of(u, "working_days_late")));
        cJSON_AddItemToArray(row, cJSON_CreateNumber(number_of(u, "score")));
        cJSON_AddItemToArray(row, cJSON_CreateNumber(number_of(u, "rank")));
        cJSON_AddItemToArray(row, names_of(report, cJSON_GetObjectItemCaseSensitive(u, "titles")));
        cJSON_AddItemToArray(row,
                             names_of(report, cJSON_GetObjectItemCaseSensitive(u, "nominations")));
        cJSON_AddItemToArray(row,
                             number_or_null(cJSON_GetObjectItemCaseSensitive(u, "previous_score")));
        add_criteria(row, criteria, cJSON_GetObjectItemCaseSensitive(u, "criteria"));
        cJSON_AddItemToArray(rows, row);
    }
}

static void people_table(cJSON *tables, const cJSON *report)
{
    static const char *const cols[] = {"STT",  "Mã",        "Họ và tên",           "Đơn vị",
                                       "Điểm", "Danh hiệu", "Đề nghị khen thưởng", NULL};
    static const int widths[] = {7, 10, 28, 12, 8, 36, 30};
    cJSON *rows = new_table(tables, "Phụ lục cá nhân", "Phụ lục: kết quả của cá nhân", cols, widths,
                            "ntttntt");
    const cJSON *criteria = cJSON_GetObjectItemCaseSensitive(report, "person_criteria");
    criteria_columns(tables, criteria);
    const cJSON *p;
    int i = 0;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(report, "people"))
    {
        cJSON *row = cJSON_CreateArray();
        cJSON_AddItemToArray(row, cJSON_CreateNumber(++i));
        cJSON_AddItemToArray(row, cJSON_CreateString(json_text(p, "code")));
        cJSON_AddItemToArray(row, cJSON_CreateString(json_text(p, "name")));
        cJSON_AddItemToArray(row, cJSON_CreateString(json_text(p, "unit_code")));
        cJSON_AddItemToArray(row, cJSON_CreateNumber(number_of(p, "score")));
        cJSON_AddItemToArray(row, names_of(report, cJSON_GetObjectItemCaseSensitive(p, "titles")));
        cJSON_AddItemToArray(row,
                             names_of(report, cJSON_GetObjectItemCaseSensitive(p, "nominations")));
        add_criteria(row, criteria, cJSON_GetObjectItemCaseSensitive(p, "criteria"));
        cJSON_AddItemToArray(rows, row);
    }
}

static void titles_table(cJSON *tables, const cJSON *report)
{
    static const char *const cols[] = {"Mã",
                                       "Danh hiệu",
                                       "Đối tượng",
                                       "Cấp quyết định",
                                       "Số lượng",
                                       "Mức thưởng (lần lương cơ sở)",
                                       "Thành tiền (đồng)",
                                       NULL};
    static const int widths[] = {10, 32, 12, 30, 10, 16, 18};
    cJSON *rows =
        new_table(tables, "Danh hiệu", "Danh hiệu thi đua theo loại", cols, widths, "ttttnnn");
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(
                              cJSON_GetObjectItemCaseSensitive(report, "totals"), "titles"))
    {
        cJSON *row = cJSON_CreateArray();
        cJSON_AddItemToArray(row, cJSON_CreateString(json_text(t, "code")));
        cJSON_AddItemToArray(row, cJSON_CreateString(json_text(t, "name")));
        cJSON_AddItemToArray(row, cJSON_CreateString(strcmp(json_text(t, "subject"), "unit") == 0
                                                         ? "Tập thể"
                                                         : "Cá nhân"));
        cJSON_AddItemToArray(row, cJSON_CreateString(json_text(t, "decided_by")));
        cJSON_AddItemToArray(row, cJSON_CreateNumber(number_of(t, "count")));
        cJSON_AddItemToArray(row,
                             number_or_null(cJSON_GetObjectItemCaseSensitive(t, "prize_multiple")));
        cJSON_AddItemToArray(row,
                             number_or_null(cJSON_GetObjectItemCaseSensitive(t, "prize_amount")));
        cJSON_AddItemToArray(rows, row);
    }
}

static void nominations_table(cJSON *tables, const cJSON *report)
{
    static const char *const cols[] = {"Cấp quyết định", "Hình thức", "Đối tượng", "Mã", "Tên",
                                       "Đơn vị",         NULL};
    static const int widths[] = {30, 30, 10, 10, 36, 12};
    cJSON *rows = new_table(tables, "Đề nghị khen thưởng", "Danh sách đề nghị khen thưởng", cols,
                            widths, "tttttt");
    const cJSON *g, *l, *e;
    cJSON_ArrayForEach(g, cJSON_GetObjectItemCaseSensitive(
                              cJSON_GetObjectItemCaseSensitive(report, "totals"), "nominations"))
    {
        cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(g, "lists"))
        {
            cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(l, "entries"))
            {
                const char *values[] = {json_text(g, "decided_by"),
                                        json_text(l, "name"),
                                        strcmp(json_text(e, "subject"), "unit") == 0 ? "Tập thể"
                                                                                     : "Cá nhân",
                                        json_text(e, "code"),
                                        json_text(e, "name"),
                                        json_text(e, "unit_code")};
                cJSON_AddItemToArray(rows, cJSON_CreateStringArray(values, 6));
            }
        }
    }
}

static void notes_table(cJSON *tables, const cJSON *report)
{
    static const char *const cols[] = {"Mục", "Mã đơn vị", "Đơn vị", "Nội dung", NULL};
    static const int widths[] = {30, 12, 36, 90};
    cJSON *rows = new_table(tables, "Ý kiến đơn vị", "Ý kiến của các đơn vị", cols, widths, "tttt");
    const cJSON *s, *e;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(report, "notes"))
    {
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(s, "entries"))
        {
            const char *values[] = {json_text(s, "heading"), json_text(e, "unit_code"),
                                    json_text(e, "unit_name"), json_text(e, "text")};
            cJSON_AddItemToArray(rows, cJSON_CreateStringArray(values, 4));
        }
    }
}

static void registrations_table(cJSON *tables, const cJSON *report)
{
    static const char *const cols[] = {"Mã đơn vị",
                                       "Đơn vị",
                                       "Đã đăng ký",
                                       "Danh hiệu đăng ký",
                                       "Danh hiệu đạt",
                                       "Đạt như đăng ký",
                                       "Đăng ký nhưng chưa đạt",
                                       NULL};
    static const int widths[] = {12, 36, 11, 30, 30, 30, 40};
    cJSON *rows = new_table(tables, "Đăng ký thi đua", "Đăng ký thi đua và kết quả đạt được", cols,
                            widths, "ttttttt");
    const cJSON *u, *m;
    cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(
                              cJSON_GetObjectItemCaseSensitive(report, "registrations"), "units"))
    {
        cJSON *missed = cJSON_CreateArray();
        cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(u, "missed"))
        {
            cJSON_AddItemToArray(missed, cJSON_CreateString(json_text(m, "title")));
        }
        cJSON *row = cJSON_CreateArray();
        cJSON_AddItemToArray(row, cJSON_CreateString(json_text(u, "code")));
        cJSON_AddItemToArray(row, cJSON_CreateString(json_text(u, "name")));
        cJSON_AddItemToArray(
            row, cJSON_CreateString(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(u, "registered"))
                                        ? "Có"
                                        : "Chưa"));
        cJSON_AddItemToArray(
            row, names_of(report, cJSON_GetObjectItemCaseSensitive(u, "registered_titles")));
        cJSON_AddItemToArray(
            row, names_of(report, cJSON_GetObjectItemCaseSensitive(u, "achieved_titles")));
        cJSON_AddItemToArray(row, names_of(report, cJSON_GetObjectItemCaseSensitive(u, "met")));
        cJSON_AddItemToArray(row, names_of(report, missed));
        cJSON_Delete(missed);
        cJSON_AddItemToArray(rows, row);
    }
}

cJSON *report_tables(const cJSON *report)
{
    cJSON *tables = cJSON_CreateArray();
    totals_table(tables, report);
    units_table(tables, report);
    titles_table(tables, report);
    nominations_table(tables, report);
    notes_table(tables, report);
    registrations_table(tables, report);
    people_table(tables, report);
    return tables;
}
