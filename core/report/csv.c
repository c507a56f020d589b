/*
 * csv.c — the consolidated report as one CSV file (RFC 4180) that Excel opens as it is:
 * UTF-8 with a byte order mark (without it Excel reads the Vietnamese as Windows-1252),
 * every table one after another, each under a line with its title and separated by an empty
 * line. A text cell that starts with "=", "+", "-", "@" (or a tab or carriage return) would
 * be run as a formula by a spreadsheet (CSV injection): it is written with a leading "'",
 * which Excel shows as text. Numbers are written as numbers.
 * Hand-written: libcsv reads CSV; writing it is the quoting below.
 */
#include <stdio.h>
#include <string.h>

#include "report/markup.h"
#include "report/render.h"
#include "report/tables.h"
#include "util/buffer.h"

static const char bom[] = "\xEF\xBB\xBF";

static void put_text(struct buffer *b, const char *text)
{
    bool formula = strchr("=+-@\t\r", text[0]) && text[0];
    bool quote = formula || strpbrk(text, ",\"\r\n;") != NULL;
    if (quote) buffer_putc(b, '"');
    if (formula) buffer_putc(b, '\'');
    for (const char *c = text; *c;) { /* runs without a quote in one copy, each quote twice */
        size_t run = strcspn(c, "\"");
        buffer_put(b, c, run);
        c += run;
        if (*c == '"') {
            buffer_put(b, "\"\"", 2);
            c++;
        }
    }
    if (quote) buffer_putc(b, '"');
}

static void put_cell(struct buffer *b, const cJSON *cell)
{
    if (cJSON_IsNumber(cell)) {
        markup_number(b, cell->valuedouble, 15);
    } else if (cJSON_IsString(cell)) {
        put_text(b, cell->valuestring);
    }
}

static void put_table(struct buffer *b, const cJSON *table)
{
    put_text(b, cJSON_GetObjectItemCaseSensitive(table, "title")->valuestring);
    buffer_puts(b, "\r\n");
    const cJSON *col, *row, *cell;
    bool first = true;
    cJSON_ArrayForEach(col, cJSON_GetObjectItemCaseSensitive(table, "columns"))
    {
        if (!first) buffer_putc(b, ',');
        put_text(b, cJSON_GetObjectItemCaseSensitive(col, "title")->valuestring);
        first = false;
    }
    buffer_puts(b, "\r\n");
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(table, "rows"))
    {
        first = true;
        cJSON_ArrayForEach(cell, row)
        {
            if (!first) buffer_putc(b, ',');
            put_cell(b, cell);
            first = false;
        }
        buffer_puts(b, "\r\n");
    }
}

char *report_csv(const cJSON *report, size_t *len)
{
    cJSON *tables = report_tables(report);
    struct buffer b = {0};
    buffer_puts(&b, bom);
    const cJSON *t;
    cJSON_ArrayForEach(t, tables)
    {
        if (t != tables->child) buffer_puts(&b, "\r\n");
        put_table(&b, t);
    }
    cJSON_Delete(tables);
    *len = b.len;
    return buffer_take(&b);
}
