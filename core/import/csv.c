/*
 * csv.c — a CSV file as a spreadsheet saves it, read whole: parsing is libcsv's (RFC 4180:
 * quoted fields, embedded separators, quotes and newlines; a UTF-8 BOM skipped). This file
 * owns the separator (',' or ';': Excel under Vietnamese regional settings saves "CSV" with
 * ';', and the header line says which: the one it holds more of, outside quotes), the row
 * numbers a clerk sees (the header is row 1, blank lines count), and every cell's checks as
 * it is read (its size and its row's under the config's limits.csv_cell_bytes and
 * csv_row_bytes, no control character or NUL, UTF-8). Each cell is kept in Unicode NFC
 * (libutf8proc, through util/text.h), so a name typed decomposed and the same name typed
 * precomposed are one name. Columns, problems and the checks the imports share are in
 * columns.c, errors.c and checks.c.
 */
#include "import/csv.h"

#include <csv.h>
#include <errno.h>
#include <search.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "util/validate.h"

#define READ_CHUNK 16384
#define ERR_LEN    1024

/* ---- reading ---------------------------------------------------------------------------- */

struct csv_reader {
    struct csv_table *table;
    struct import_errors *errors;
    char **fields;
    size_t count, capacity;
    size_t physical;  /* rows seen, blank ones included */
    size_t row_bytes; /* of the row being read, its cells together */
    bool bad_cells;
    int last_terminator;
    bool oom;
};

/* Config limits.csv_cell_bytes and limits.csv_row_bytes (import_set_limits). */
static size_t cell_limit = 8 << 10, row_limit = 64 << 10;

void import_set_limits(size_t cell_bytes, size_t row_bytes)
{
    cell_limit = cell_bytes;
    row_limit = row_bytes;
}

/* A column as a clerk knows it: its header's text once the header is read and clean, else
 * its number. */
static const char *column_label(const struct csv_table *t, size_t column, char *buf, size_t len)
{
    if (t->count > 0 && column < t->widths[0] && t->rows[0][column][0] &&
        valid_utf8(t->rows[0][column]))
        return t->rows[0][column];
    snprintf(buf, len, "%zu", column + 1);
    return buf;
}

/* The first control character of a cell (NUL, and everything below space but tab, line
 * feed and carriage return, which a spreadsheet puts in a cell; and DEL), or -1. */
static long first_control(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return (long)i;
    }
    return -1;
}

/* Checks one cell as it is read: its size, its characters. A problem is reported with its
 * row and column; the cell is kept empty (a 100 MB cell is not held twice). */
static bool cell_clean(struct csv_reader *r, const char *data, size_t len)
{
    size_t line = r->physical + 1;
    char buf[24];
    const char *column = column_label(r->table, r->count, buf, sizeof buf);
    long at;
    if (len > cell_limit) {
        import_error(r->errors, line, column,
                     "ô dài %zu byte, quá giới hạn %zu byte (limits.csv_cell_bytes)", len,
                     cell_limit);
    } else if ((at = first_control(data, len)) >= 0) {
        import_error(r->errors, line, column,
                     "ký tự điều khiển U+%04X ở ký tự thứ %zu: ô không được chứa ký tự điều "
                     "khiển hay NUL",
                     (unsigned)(unsigned char)data[at], utf8_chars(data, (size_t)at) + 1);
    } else if (!valid_utf8_n(data, len)) {
        import_error(r->errors, line, column, "không phải UTF-8 (hãy lưu tệp dạng \"CSV UTF-8\")");
    } else {
        return true;
    }
    r->bad_cells = true;
    return false;
}

/* A clean cell, malloc'd and NUL-terminated, in NFC (ASCII is NFC already). */
static char *nfc_copy(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)data[i] >= 0x80) return text_nfc_n(data, len, NULL);
    char *copy = malloc(len + 1);
    if (!copy) return NULL;
    if (len) memcpy(copy, data, len);
    copy[len] = '\0';
    return copy;
}

static void on_field(void *data, size_t len, void *ctx)
{
    struct csv_reader *r = ctx;
    r->row_bytes += len + 1;
    if (!cell_clean(r, data, len)) len = 0;
    if (r->count == r->capacity) {
        size_t cap = r->capacity ? r->capacity * 2 : 16;
        char **grown = realloc(r->fields, cap * sizeof *grown);
        if (!grown) {
            r->oom = true;
            return;
        }
        r->fields = grown;
        r->capacity = cap;
    }
    char *field = nfc_copy(data, len);
    if (!field) {
        r->oom = true;
        return;
    }
    r->fields[r->count++] = field;
}

static void on_row(int terminator, void *ctx)
{
    struct csv_reader *r = ctx;
    struct csv_table *t = r->table;
    bool blank = r->count == 0 || (r->count == 1 && r->fields[0][0] == '\0');
    /* CSV_REPALL_NL reports every line ending; the LF of a CRLF is not a line of its own. */
    bool crlf_tail = blank && terminator == '\n' && r->last_terminator == '\r';
    r->last_terminator = terminator;
    if (!crlf_tail) r->physical++;
    if (r->row_bytes > row_limit) {
        import_error(r->errors, r->physical, NULL,
                     "dòng dài %zu byte, quá giới hạn %zu byte (limits.csv_row_bytes)",
                     r->row_bytes, row_limit);
        r->bad_cells = true;
    }
    r->row_bytes = 0;
    /* A blank line is not a row (spreadsheets leave them), but it counts for row numbers. */
    if (blank) {
        if (r->count == 1) free(r->fields[0]);
        r->count = 0;
        return;
    }
    if (t->count == t->capacity) {
        size_t cap = t->capacity ? t->capacity * 2 : 64;
        char ***rows = realloc(t->rows, cap * sizeof *rows);
        if (rows) t->rows = rows;
        size_t *widths = realloc(t->widths, cap * sizeof *widths);
        if (widths) t->widths = widths;
        size_t *lines = realloc(t->lines, cap * sizeof *lines);
        if (lines) t->lines = lines;
        if (!rows || !widths || !lines) {
            r->oom = true;
            return;
        }
        t->capacity = cap;
    }
    t->rows[t->count] = r->fields;
    t->widths[t->count] = r->count;
    t->lines[t->count] = r->physical;
    t->count++;
    r->fields = NULL;
    r->count = r->capacity = 0;
}

/* The separator of the header line at the start of data: ';' when it holds more semicolons
 * than commas outside quotes, else ','. *stranger is a tab or '|' the line holds when it
 * has neither (a file saved as "Text (Tab delimited)"), else 0. */
static char header_separator(const char *data, size_t n, char *stranger)
{
    size_t commas = 0, semicolons = 0, tabs = 0, bars = 0;
    bool quoted = false;
    for (size_t i = 0; i < n && (quoted || (data[i] != '\n' && data[i] != '\r')); i++) {
        if (data[i] == '"') quoted = !quoted;
        if (quoted) continue;
        commas += data[i] == ',';
        semicolons += data[i] == ';';
        tabs += data[i] == '\t';
        bars += data[i] == '|';
    }
    *stranger = commas || semicolons ? 0 : tabs ? '\t' : bars ? '|' : 0;
    return semicolons > commas ? ';' : ',';
}

/* What libcsv's error means, in Vietnamese. */
static const char *syntax_error(int code)
{
    switch (code) {
    case CSV_EPARSE:
        return "dấu ngoặc kép \" đặt sai chỗ (một ô có \" phải nằm trọn trong \"...\")";
    case CSV_ENOMEM: return "hết bộ nhớ";
    case CSV_ETOOBIG: return "tệp quá lớn";
    default: return "tệp CSV không đọc được";
    }
}

/* Reads and parses the whole file; -1 with err on I/O or CSV syntax errors. */
static int read_table(const char *path, struct csv_table *table, struct import_errors *errors,
                      bool *bad_cells, char *err, size_t errlen)
{
    memset(table, 0, sizeof *table);
    FILE *in = fopen(path, "rb");
    if (!in) {
        snprintf(err, errlen, "%s",
                 errno == ENOENT   ? "không có tệp này"
                 : errno == EACCES ? "không có quyền đọc tệp này"
                                   : strerror(errno));
        return -1;
    }
    struct csv_parser parser;
    csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
    struct csv_reader reader = {.table = table, .errors = errors};
    char buf[READ_CHUNK];
    size_t n;
    bool first = true;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        char *data = buf;
        if (first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
            data += 3;
            n -= 3;
        }
        if (first) {
            table->separator = header_separator(data, n, &table->stranger);
            csv_set_delim(&parser, (unsigned char)table->separator);
        }
        first = false;
        if (csv_parse(&parser, data, n, on_field, on_row, &reader) != n) {
            snprintf(err, errlen, "dòng %zu: %s", reader.physical + 1,
                     syntax_error(csv_error(&parser)));
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(in)) {
        snprintf(err, errlen, "không đọc hết được tệp");
        rc = -1;
    }
    if (rc == 0 && csv_fini(&parser, on_field, on_row, &reader) != 0) {
        snprintf(err, errlen, "dòng %zu: dấu ngoặc kép \" mở mà không đóng (%s)",
                 reader.physical + 1, syntax_error(csv_error(&parser)));
        rc = -1;
    }
    if (rc == 0 && reader.oom) {
        snprintf(err, errlen, "hết bộ nhớ");
        rc = -1;
    }
    for (size_t i = 0; i < reader.count; i++)
        free(reader.fields[i]);
    free(reader.fields);
    csv_free(&parser);
    fclose(in);
    if (rc == 0 && table->count == 0) {
        snprintf(err, errlen, "tệp trống (không có dòng tiêu đề)");
        rc = -1;
    }
    *bad_cells = reader.bad_cells;
    if (rc != 0) csv_table_free(table);
    return rc;
}

int csv_table_read(const char *path, struct csv_table *table, struct import_errors *errors)
{
    char err[ERR_LEN];
    bool bad_cells = false;
    if (read_table(path, table, errors, &bad_cells, err, sizeof err) != 0) {
        import_error(errors, 0, NULL, "%s", err);
        return -1;
    }
    if (!bad_cells) return 0;
    csv_table_free(table);
    return -1;
}

void csv_table_free(struct csv_table *table)
{
    for (size_t i = 0; i < table->count; i++) {
        for (size_t j = 0; j < table->widths[i]; j++)
            free(table->rows[i][j]);
        free(table->rows[i]);
    }
    free(table->rows);
    free(table->widths);
    free(table->lines);
    memset(table, 0, sizeof *table);
}
