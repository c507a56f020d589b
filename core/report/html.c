/*
 * html.c — the consolidated report as a printable A4 document laid out as a Vietnamese
 * administrative report (Nghị định 30/2020/NĐ-CP, Phụ lục I: thể thức văn bản hành chính):
 * the issuing body and the document's number on the left, the national motto block on the
 * right with the place and date line under it, the type ("BÁO CÁO") and the subject
 * centred, the body, then the recipients (Nơi nhận) on the left and the signature block on
 * the right; the annex (Phụ lục) of people on its own pages. Times New Roman 13–14 pt,
 * margins of the decree (top and bottom 20 mm, left 30 mm, right 15 mm).
 * The number, the place and the signer's name are left as blanks for the Office to fill
 * (a draft report carries them blank until it is signed). The recipients are those of the
 * 2025 plan.
 */
#include <stdio.h>
#include <string.h>

#include "domain/report.h"
#include "report/markup.h"
#include "report/render.h"
#include "report/tables.h"
#include "util/clock.h"
#include "util/json_text.h"

static const char style[] =
    "@page{size:A4;margin:20mm 15mm 20mm 30mm}"
    "@page wide{size:A4 landscape;margin:20mm 15mm 20mm 20mm}.wide{page:wide}"
    "body{font-family:'Times New Roman',Times,serif;font-size:13pt;line-height:1.35;margin:0}"
    "table.head{width:100%;border-collapse:collapse}"
    ".head td{text-align:center;vertical-align:top;padding:0}"
    ".issuer{font-weight:bold;text-transform:uppercase}"
    ".motto{font-weight:bold;font-size:12pt}.motto2{font-weight:bold;font-size:13pt}"
    ".rule{width:35%;margin:2px auto 6px;border-top:1px solid #000}"
    ".place{font-style:italic;margin-top:6px}"
    "h1{text-align:center;font-size:14pt;margin:18px 0 0}"
    "h2.subject{text-align:center;font-size:14pt;margin:2px 0 14px}"
    "h3{font-size:13pt;margin:14px 0 6px}h4{font-size:13pt;font-style:italic;margin:8px 0 4px}"
    "p{text-align:justify;text-indent:1cm;margin:4px 0}"
    "table.data{border-collapse:collapse;width:100%;table-layout:fixed;font-size:10pt;"
    "margin:6px 0;overflow-wrap:anywhere}"
    ".data th,.data td{border:1px solid #000;padding:2px 3px;vertical-align:top}"
    ".data th{background:#eee}.data td.n{text-align:right}"
    ".data thead{display:table-header-group}.data tr{break-inside:avoid}"
    ".chart{display:block;margin:8px auto;break-inside:avoid}"
    "table.foot{width:100%;margin-top:18px;break-inside:avoid}"
    ".foot td{vertical-align:top;width:50%}"
    ".recipients{font-size:11pt}.sign{text-align:center;font-weight:bold}"
    ".annex{break-before:page}";

static const char *const recipients[] = {"Bộ Nông nghiệp và Môi trường (Vụ Tổ chức cán bộ)",
                                         "Cụm thi đua số II", "Lãnh đạo Sở",
                                         "Các phòng, đơn vị thuộc Sở", "Lưu: VT, VP."};

static double number_of(const cJSON *obj, const char *key)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(n) ? n->valuedouble : 0;
}

/* The two header blocks: issuing body and number; national motto, place and date. */
static void head_blocks(struct buffer *b, const cJSON *report)
{
    const cJSON *issuer = cJSON_GetObjectItemCaseSensitive(report, "issuer");
    char today[CLOCK_DATE_LEN];
    clock_today(today);
    buffer_puts(b, "<table class=\"head\"><tr><td style=\"width:42%\"><div class=\"issuer\">");
    markup_text(b, cJSON_IsObject(issuer) ? json_text(issuer, "name") : "", false);
    buffer_puts(b, "</div><div class=\"rule\"></div><div>Số: &nbsp;&nbsp;&nbsp;&nbsp;&nbsp;/BC-");
    markup_text(b, json_text(report, "office"), false);
    buffer_puts(b, "</div></td><td><div class=\"motto\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>"
                   "<div class=\"motto2\">Độc lập - Tự do - Hạnh phúc</div>"
                   "<div class=\"rule\"></div>");
    markup_printf(b, "<div class=\"place\">……………, ngày %.2s tháng %.2s năm %.4s</div>", today + 8,
                  today + 5, today);
    buffer_puts(b, "</td></tr></table>\n<h1>BÁO CÁO</h1>\n<h2 class=\"subject\">");
    markup_text(b, "Kết quả phong trào thi đua ", false);
    markup_text(b, json_text(report, "label"), false);
    buffer_puts(b, "</h2>\n");
}

/* One table of report/tables.h as HTML. */
static void data_table(struct buffer *b, const cJSON *table)
{
    const cJSON *col, *row, *cell;
    double total = 0;
    cJSON_ArrayForEach(col, cJSON_GetObjectItemCaseSensitive(table, "columns"))
    {
        total += number_of(col, "width");
    }
    buffer_puts(b, "<table class=\"data\"><colgroup>");
    cJSON_ArrayForEach(col, cJSON_GetObjectItemCaseSensitive(table, "columns"))
    {
        markup_printf(b, "<col style=\"width:%.1f%%\">", 100 * number_of(col, "width") / total);
    }
    buffer_puts(b, "</colgroup><thead><tr>");
    cJSON_ArrayForEach(col, cJSON_GetObjectItemCaseSensitive(table, "columns"))
    {
        buffer_puts(b, "<th>");
        markup_text(b, json_text(col, "title"), false);
        buffer_puts(b, "</th>");
    }
    buffer_puts(b, "</tr></thead><tbody>\n");
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(table, "rows"))
    {
        buffer_puts(b, "<tr>");
        cJSON_ArrayForEach(cell, row)
        {
            if (cJSON_IsNumber(cell)) {
                buffer_puts(b, "<td class=\"n\">");
                markup_number(b, cell->valuedouble, 6);
                buffer_puts(b, "</td>");
            } else {
                buffer_puts(b, "<td>");
                if (cJSON_IsString(cell)) markup_text(b, cell->valuestring, true);
                buffer_puts(b, "</td>");
            }
        }
        buffer_puts(b, "</tr>\n");
    }
    buffer_puts(b, "</tbody></table>\n");
}

static void paragraph_counts(struct buffer *b, const cJSON *report)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(report, "totals");
    char due[CLOCK_DATE_LEN], effective[CLOCK_DATE_LEN];
    clock_date_vn(json_text(report, "due"), due);
    clock_date_vn(json_text(report, "effective_due"), effective);
    buffer_puts(b, "<p>Thực hiện ");
    markup_text(b, json_text(report, "campaign"), false);
    markup_printf(b,
                  ", hạn báo cáo kỳ này là ngày %s%s%s%s. Có %g/%g đơn vị đã gửi báo cáo, trong đó "
                  "%g đơn vị đúng hạn, %g đơn vị trễ hạn; %g đơn vị chưa báo cáo. Điểm bình quân "
                  "của các đơn vị đã báo cáo: %.1f.</p>\n",
                  due, strcmp(due, effective) ? " (rơi vào ngày nghỉ nên kết thúc vào ngày " : "",
                  strcmp(due, effective) ? effective : "", strcmp(due, effective) ? ")" : "",
                  number_of(t, "submitted"), number_of(t, "expected"), number_of(t, "on_time"),
                  number_of(t, "late"), number_of(t, "missing"), number_of(t, "average_score"));
    const cJSON *prev = cJSON_GetObjectItemCaseSensitive(report, "previous");
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(prev, "stored")))
        markup_printf(b, "<p>Chưa có số liệu cùng kỳ năm trước (%s) để so sánh.</p>\n",
                      json_text(prev, "period"));
    const cJSON *prize = cJSON_GetObjectItemCaseSensitive(t, "prize");
    if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(prize, "total"))) {
        buffer_puts(b, "<p>Tổng tiền thưởng theo các danh hiệu: ");
        markup_amount(b, number_of(prize, "total"));
        buffer_puts(b, " đồng (mức lương cơ sở ");
        markup_amount(b, number_of(prize, "base_salary"));
        buffer_puts(b, " đồng; ");
        markup_text(b, json_text(prize, "source"), false);
        buffer_puts(b, ").</p>\n");
    }
}

static void notes_section(struct buffer *b, const cJSON *report)
{
    const cJSON *s, *e;
    int i = 0, any = 0;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(report, "notes"))
    {
        markup_printf(b, "<h4>%d. ", ++i);
        markup_text(b, json_text(s, "heading"), false);
        buffer_puts(b, "</h4>\n");
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(s, "entries"))
        {
            buffer_puts(b, "<p><b>");
            markup_text(b, json_text(e, "unit_name"), false);
            buffer_puts(b, ":</b> ");
            markup_text(b, json_text(e, "text"), true);
            buffer_puts(b, "</p>\n");
            any++;
        }
    }
    if (!any) buffer_puts(b, "<p>Các đơn vị chưa gửi ý kiến kèm báo cáo.</p>\n");
}

static void signature(struct buffer *b)
{
    buffer_puts(b, "<table class=\"foot\"><tr><td class=\"recipients\"><b><i>Nơi nhận:</i></b>");
    for (size_t i = 0; i < sizeof recipients / sizeof recipients[0]; i++) {
        buffer_puts(b, "<br>- ");
        markup_text(b, recipients[i], false);
        buffer_puts(b, i + 1 < sizeof recipients / sizeof recipients[0] ? ";" : "");
    }
    buffer_puts(b, "</td><td class=\"sign\">GIÁM ĐỐC<br><br><br><br><br>"
                   "<span style=\"font-weight:normal\">……………………</span></td></tr></table>\n");
}

static void body(struct buffer *b, const cJSON *report, const cJSON *tables)
{
    buffer_puts(b, "<h3>I. TÌNH HÌNH BÁO CÁO VÀ SỐ LIỆU TỔNG HỢP</h3>\n");
    paragraph_counts(b, report);
    data_table(b, cJSON_GetArrayItem(tables, REPORT_TABLE_TOTALS));
    buffer_puts(b,
                "<div class=\"wide\"><h3>II. KẾT QUẢ CỦA CÁC ĐƠN VỊ</h3>\n<p>Điểm, từng tiêu chí "
                "và danh hiệu của từng đơn vị (số ngày trễ tính theo ngày làm việc):</p>\n");
    data_table(b, cJSON_GetArrayItem(tables, REPORT_TABLE_UNITS));
    buffer_puts(b, "</div>\n");
    report_svg_scores(b, report);
    buffer_puts(b, "<h3>III. DANH HIỆU THI ĐUA VÀ ĐỀ NGHỊ KHEN THƯỞNG</h3>\n");
    data_table(b, cJSON_GetArrayItem(tables, REPORT_TABLE_TITLES));
    data_table(b, cJSON_GetArrayItem(tables, REPORT_TABLE_NOMINATIONS));
    buffer_puts(b, "<h3>IV. ĐĂNG KÝ THI ĐUA VÀ KẾT QUẢ</h3>\n");
    const cJSON *reg = cJSON_GetObjectItemCaseSensitive(report, "registrations");
    if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(reg, "available")))
        buffer_puts(b, "<p>Chưa có dữ liệu đăng ký thi đua.</p>\n");
    else
        data_table(b, cJSON_GetArrayItem(tables, REPORT_TABLE_REGISTRATIONS));
    buffer_puts(b, "<h3>V. Ý KIẾN CỦA CÁC ĐƠN VỊ</h3>\n");
    notes_section(b, report);
}

char *report_html(const cJSON *report, size_t *len)
{
    cJSON *tables = report_tables(report);
    struct buffer b = {0};
    buffer_puts(&b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>");
    markup_text(&b, "Báo cáo kết quả phong trào thi đua ", false);
    markup_text(&b, json_text(report, "label"), false);
    buffer_puts(&b, "</title><style>");
    buffer_puts(&b, style);
    buffer_puts(&b, "</style></head><body>\n");
    head_blocks(&b, report);
    body(&b, report, tables);
    signature(&b);
    buffer_puts(&b,
                "<div class=\"annex wide\"><h1>PHỤ LỤC</h1><h2 class=\"subject\">Kết quả của cá "
                "nhân</h2>\n");
    data_table(&b, cJSON_GetArrayItem(tables, REPORT_TABLE_PEOPLE));
    buffer_puts(&b, "</div>\n</body></html>\n");
    cJSON_Delete(tables);
    *len = b.len;
    return buffer_take(&b);
}
