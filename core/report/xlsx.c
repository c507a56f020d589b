/*
 * xlsx.c — the consolidated report as an Excel workbook, through libxlsxwriter: one sheet
 * per table (report/tables.h), the header row bold, wrapped and frozen, an autofilter on it,
 * the columns' widths set, numbers written as numbers (so the Office can sum and sort them)
 * and text as UTF-8 strings (Vietnamese intact). Pages are A4, landscape, one page wide.
 * libxlsxwriter 1.1.4 (Debian 12) writes to a file only: the workbook is written to a
 * temporary file (constant-memory mode, rows in order) and read back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "report/render.h"
#include "report/tables.h"
#include "util/files.h"

#define PAPER_A4 9

struct styles {
    lxw_format *header, *text, *number;
};

static void write_header(lxw_worksheet *ws, const cJSON *columns, const struct styles *s)
{
    const cJSON *c;
    lxw_col_t col = 0;
    cJSON_ArrayForEach(c, columns)
    {
        double width = cJSON_GetObjectItemCaseSensitive(c, "width")->valuedouble;
        bool number = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "number"));
        worksheet_set_column(ws, col, col, width, number ? s->number : s->text);
        worksheet_write_string(
            ws, 0, col, cJSON_GetObjectItemCaseSensitive(c, "title")->valuestring, s->header);
        col++;
    }
}

static void write_sheet(lxw_workbook *wb, const cJSON *table, const struct styles *s)
{
    lxw_worksheet *ws =
        workbook_add_worksheet(wb, cJSON_GetObjectItemCaseSensitive(table, "name")->valuestring);
    if (!ws) return;
    const cJSON *columns = cJSON_GetObjectItemCaseSensitive(table, "columns");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(table, "rows");
    write_header(ws, columns, s);
    worksheet_freeze_panes(ws, 1, 0);
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_repeat_rows(ws, 0, 0);
    lxw_row_t r = 1;
    const cJSON *row, *cell;
    cJSON_ArrayForEach(row, rows)
    {
        lxw_col_t c = 0;
        cJSON_ArrayForEach(cell, row)
        {
            if (cJSON_IsNumber(cell))
                worksheet_write_number(ws, r, c, cell->valuedouble, NULL);
            else if (cJSON_IsString(cell) && cell->valuestring[0])
                worksheet_write_string(ws, r, c, cell->valuestring, NULL);
            c++;
        }
        r++;
    }
    int last_col = cJSON_GetArraySize(columns) - 1;
    if (last_col >= 0) worksheet_autofilter(ws, 0, 0, r - 1, (lxw_col_t)last_col);
}

static void make_styles(lxw_workbook *wb, struct styles *s)
{
    s->header = workbook_add_format(wb);
    format_set_bold(s->header);
    format_set_text_wrap(s->header);
    format_set_align(s->header, LXW_ALIGN_CENTER);
    format_set_align(s->header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bg_color(s->header, 0xDDEBF7);
    format_set_border(s->header, LXW_BORDER_THIN);
    s->text = workbook_add_format(wb);
    format_set_text_wrap(s->text);
    format_set_align(s->text, LXW_ALIGN_VERTICAL_TOP);
    s->number = workbook_add_format(wb);
    format_set_num_format(s->number, "#,##0.##");
    format_set_align(s->number, LXW_ALIGN_VERTICAL_TOP);
}

char *report_xlsx(const cJSON *report, size_t *len, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/thidua-report-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, errlen, "không tạo được tệp tạm để lập bảng tính");
        return NULL;
    }
    close(fd);
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &options);
    cJSON *tables = wb ? report_tables(report) : NULL;
    if (wb) {
        struct styles s;
        make_styles(wb, &s);
        const cJSON *t;
        cJSON_ArrayForEach(t, tables) write_sheet(wb, t, &s);
        workbook_set_properties(
            wb, &(lxw_doc_properties){.title = (char *)"Báo cáo tổng hợp phong trào thi đua",
                                      .author = (char *)"thiduad"});
    }
    cJSON_Delete(tables);
    lxw_error rc = wb ? workbook_close(wb) : LXW_ERROR_MEMORY_MALLOC_FAILED;
    char *bytes = rc == LXW_NO_ERROR ? files_read_whole(path, len) : NULL;
    unlink(path);
    if (!bytes)
        snprintf(err, errlen, "không ghi được bảng tính: %s",
                 rc == LXW_NO_ERROR ? "không đọc lại được tệp tạm" : lxw_strerror(rc));
    return bytes;
}
