/*
 * nomination_file_csv.c — the nomination file (nomination_file.h) as a spreadsheet the
 * Office opens in Excel: UTF-8 with a BOM (Excel reads it as UTF-8 only then), RFC 4180
 * quoting, and every cell that starts with = + - or @ neutralised by a leading ' so no
 * name or reason is ever run as a formula. One row per person or unit on a list, one per
 * subject who registered the title and does not qualify, and a total row per list.
 * Hand-written: libcsv (used for reading) writes fields but knows no formula injection.
 */
#include <stdio.h>
#include <string.h>

#include "domain/nomination_file.h"
#include "util/buffer.h"
#include "util/json_text.h"
#include "util/json_print.h"

static const char *const HEADER[] = {"Người quyết định",
                                     "Mã danh hiệu",
                                     "Danh hiệu / hình thức",
                                     "Kết quả",
                                     "Đối tượng",
                                     "Mã",
                                     "Họ tên / tên đơn vị",
                                     "Đơn vị",
                                     "Đã đăng ký",
                                     "Lý do",
                                     "Tiêu chí đạt",
                                     "Số liệu",
                                     "Hệ số tiền thưởng",
                                     "Tiền thưởng (đồng)"};
enum { COLUMNS = sizeof HEADER / sizeof HEADER[0] };

static void cell(struct buffer *b, const char *text, bool last)
{
    if (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@')
        buffer_puts(b, "\"'");
    else
        buffer_putc(b, '"');
    for (const char *c = text; *c; c++) {
        if (*c == '"') buffer_putc(b, '"');
        buffer_putc(b, *c);
    }
    buffer_puts(b, last ? "\"\r\n" : "\",");
}

static void row(struct buffer *b, const char *const cells[COLUMNS])
{
    for (int i = 0; i < COLUMNS; i++)
        cell(b, cells[i] ? cells[i] : "", i == COLUMNS - 1);
}

/* "a; b; c" of a list of strings. */
static void joined(struct buffer *out, const cJSON *list)
{
    const cJSON *s;
    cJSON_ArrayForEach(s, list)
    {
        if (!cJSON_IsString(s)) continue;
        if (out->len) buffer_puts(out, "; ");
        buffer_puts(out, s->valuestring);
    }
}

/* "TT1, TT2" of the criteria passed; "name=value; ..." of the facts. */
static void passed_and_facts(const cJSON *entry, struct buffer *passed, struct buffer *facts)
{
    const cJSON *c, *f;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(entry, "criteria"))
    {
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "passed"))) continue;
        if (passed->len) buffer_puts(passed, ", ");
        buffer_puts(passed, json_text(c, "id"));
    }
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(entry, "facts"))
    {
        char *value = cJSON_IsString(f) ? NULL : json_print(f);
        if (facts->len) buffer_puts(facts, "; ");
        buffer_puts(facts, f->string);
        buffer_putc(facts, '=');
        buffer_puts(facts, value ? value : f->valuestring);
        cJSON_free(value);
    }
}

static const char *multiple_of(const cJSON *list, const char *subject, char *out, size_t len)
{
    const cJSON *p;
    out[0] = '\0';
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(list, "prizes"))
    {
        if (strcmp(json_text(p, "subject"), subject) == 0)
            snprintf(out, len, "%g", cJSON_GetObjectItemCaseSensitive(p, "multiple")->valuedouble);
    }
    return out;
}

static void entry_row(struct buffer *b, const cJSON *list, const cJSON *e, bool qualifies)
{
    struct buffer reasons = {0}, passed = {0}, facts = {0};
    char multiple[32] = "", amount[32] = "";
    joined(&reasons, cJSON_GetObjectItemCaseSensitive(e, "reasons"));
    passed_and_facts(e, &passed, &facts);
    const cJSON *prize = cJSON_GetObjectItemCaseSensitive(e, "prize");
    if (qualifies && cJSON_IsNumber(prize)) {
        multiple_of(list, json_text(e, "subject"), multiple, sizeof multiple);
        snprintf(amount, sizeof amount, "%.0f", prize->valuedouble);
    }
    const cJSON *registered = cJSON_GetObjectItemCaseSensitive(e, "registered");
    const char *cells[COLUMNS] = {json_text(list, "decided_by"),
                                  json_text(list, "title"),
                                  json_text(list, "name"),
                                  qualifies ? "Đủ điều kiện" : "Đã đăng ký, không đủ điều kiện",
                                  strcmp(json_text(e, "subject"), "unit") == 0 ? "Tập thể"
                                                                               : "Cá nhân",
                                  json_text(e, "code"),
                                  json_text(e, "name"),
                                  json_text(e, "unit_code"),
                                  !qualifies || cJSON_IsTrue(registered) ? "Có" : "Không",
                                  reasons.data,
                                  passed.data,
                                  facts.data,
                                  multiple,
                                  amount};
    row(b, cells);
    buffer_free(&reasons);
    buffer_free(&passed);
    buffer_free(&facts);
}

char *nomination_file_csv(const cJSON *file)
{
    struct buffer b = {0};
    buffer_puts(&b, "\xEF\xBB\xBF");
    row(&b, HEADER);
    const cJSON *list, *e;
    cJSON_ArrayForEach(list, cJSON_GetObjectItemCaseSensitive(file, "lists"))
    {
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(list, "entries"))
            entry_row(&b, list, e, true);
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(list, "registered_not_qualified"))
            entry_row(&b, list, e, false);
        char count[32], total[32];
        snprintf(count, sizeof count, "%d người/đơn vị",
                 cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(list, "entries")));
        snprintf(total, sizeof total, "%.0f",
                 cJSON_GetObjectItemCaseSensitive(list, "total_prize")->valuedouble);
        const char *cells[COLUMNS] = {json_text(list, "decided_by"),
                                      json_text(list, "title"),
                                      json_text(list, "name"),
                                      "Tổng cộng",
                                      NULL,
                                      NULL,
                                      count,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      NULL,
                                      total};
        row(&b, cells);
    }
    if (b.failed) {
        buffer_free(&b);
        return NULL;
    }
    return buffer_take(&b);
}
