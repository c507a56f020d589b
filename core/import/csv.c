/*
 * csv.c — a CSV file as a spreadsheet saves it, read whole, and what every import checks
 * in it: parsing is libcsv's (RFC 4180: quoted fields, embedded commas, quotes and
 * newlines; a UTF-8 BOM skipped); this file owns the row numbers a clerk sees (the header
 * is row 1, blank lines count), every cell's checks as it is read (its size and its row's
 * under the config's limits.csv_cell_bytes and csv_row_bytes, no control character or NUL,
 * UTF-8), columns found by name (order free, extra columns ignored), problems collected as
 * "row N, column X: why", an index of rows by a column's
 * value (glibc's hsearch_r, so a 50,000-row file is checked in linear time), and the checks
 * of codes and contacts the units and people imports share.
 */
#include "import/csv.h"

#include <csv.h>
#include <search.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/validate.h"

#define MAX_REPORTED_ERRORS 500
#define READ_CHUNK          16384
#define E164_LEN            24
#define ERR_LEN             1024

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
    char *field = malloc(len + 1);
    if (!field) {
        r->oom = true;
        return;
    }
    if (len) memcpy(field, data, len);
    field[len] = '\0';
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

/* Reads and parses the whole file; -1 with err on I/O or CSV syntax errors. */
static int read_table(const char *path, struct csv_table *table, struct import_errors *errors,
                      bool *bad_cells, char *err, size_t errlen)
{
    memset(table, 0, sizeof *table);
    FILE *in = fopen(path, "rb");
    if (!in) {
        snprintf(err, errlen, "%s: cannot open: %m", path);
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
        first = false;
        if (csv_parse(&parser, data, n, on_field, on_row, &reader) != n) {
            snprintf(err, errlen, "%s: row %zu: %s", path, table->count + 1,
                     csv_strerror(csv_error(&parser)));
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(in)) {
        snprintf(err, errlen, "%s: read error", path);
        rc = -1;
    }
    if (rc == 0 && csv_fini(&parser, on_field, on_row, &reader) != 0) {
        snprintf(err, errlen, "%s: row %zu: %s (an unclosed quote?)", path, table->count + 1,
                 csv_strerror(csv_error(&parser)));
        rc = -1;
    }
    if (rc == 0 && reader.oom) {
        snprintf(err, errlen, "%s: out of memory", path);
        rc = -1;
    }
    for (size_t i = 0; i < reader.count; i++)
        free(reader.fields[i]);
    free(reader.fields);
    csv_free(&parser);
    fclose(in);
    if (rc == 0 && table->count == 0) {
        snprintf(err, errlen, "%s: the file is empty (no header row)", path);
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

int csv_column(const struct csv_table *table, const char *name)
{
    for (size_t j = 0; j < table->widths[0]; j++) {
        const char *h = table->rows[0][j];
        while (*h == ' ')
            h++;
        size_t len = strlen(h);
        while (len && h[len - 1] == ' ')
            len--;
        if (len == strlen(name) && strncmp(h, name, len) == 0) return (int)j;
    }
    return -1;
}

/* ---- errors ----------------------------------------------------------------------------- */

void import_error(struct import_errors *errors, size_t row, const char *column, const char *fmt,
                  ...)
{
    if (errors->count >= MAX_REPORTED_ERRORS) return;
    if (errors->count == errors->capacity) {
        size_t cap = errors->capacity ? errors->capacity * 2 : 16;
        char **lines = realloc(errors->lines, cap * sizeof *lines);
        if (!lines) return;
        errors->lines = lines;
        errors->capacity = cap;
    }
    char why[512], line[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (column)
        snprintf(line, sizeof line, "row %zu, column %s: %s", row, column, why);
    else
        snprintf(line, sizeof line, "row %zu: %s", row, why);
    errors->lines[errors->count++] = strdup(line);
}

void import_errors_free(struct import_errors *errors)
{
    for (size_t i = 0; i < errors->count; i++)
        free(errors->lines[i]);
    free(errors->lines);
    memset(errors, 0, sizeof *errors);
}

/* ---- shared row checks ------------------------------------------------------------------ */

bool csv_map_columns(const struct csv_table *t, struct column_map *cols, size_t ncols,
                     struct import_errors *errors)
{
    bool ok = true;
    for (size_t i = 0; i < ncols; i++) {
        cols[i].index = csv_column(t, cols[i].name);
        if (cols[i].index < 0 && cols[i].required) {
            import_error(errors, 1, cols[i].name, "dòng tiêu đề thiếu cột này");
            ok = false;
        }
    }
    return ok;
}

/* The trimmed field of a row, "" when the column is absent or the row short. */
const char *csv_field(const struct csv_table *t, size_t row, const struct column_map *col)
{
    if (col->index < 0 || (size_t)col->index >= t->widths[row]) return "";
    char *value = t->rows[row][col->index];
    while (*value == ' ' || *value == '\t')
        value++;
    size_t len = strlen(value);
    while (len && (value[len - 1] == ' ' || value[len - 1] == '\t' || value[len - 1] == '\r'))
        value[--len] = '\0';
    return value;
}

void csv_check_row_shape(const struct csv_table *t, size_t row, struct import_errors *errors)
{
    if (t->widths[row] != t->widths[0])
        import_error(errors, t->lines[row], NULL, "có %zu ô, dòng tiêu đề có %zu", t->widths[row],
                     t->widths[0]);
}

bool csv_index_build(struct csv_index *ix, const struct csv_table *t, const struct column_map *col,
                     const struct column_map *filter, const char *only)
{
    memset(&ix->table, 0, sizeof ix->table);
    if (!hcreate_r(t->count * 2 + 16, &ix->table)) return false;
    for (size_t r = 1; r < t->count; r++) {
        const char *key = csv_field(t, r, col); /* trims in place: the key stays valid */
        if (!key[0] || (only && strcmp(csv_field(t, r, filter), only) != 0)) continue;
        ENTRY entry = {(char *)key, (void *)(uintptr_t)r}, *found;
        if (!hsearch_r(entry, ENTER, &found, &ix->table)) return false;
    }
    return true;
}

int csv_index_find(struct csv_index *ix, const char *key)
{
    ENTRY entry = {(char *)key, NULL}, *found = NULL;
    if (!hsearch_r(entry, FIND, &found, &ix->table) || !found) return -1;
    return (int)(uintptr_t)found->data;
}

void csv_index_free(struct csv_index *ix)
{
    hdestroy_r(&ix->table);
}

void csv_check_contact(const struct csv_table *t, size_t row, const struct column_map *email,
                       const struct column_map *phone, struct import_errors *errors)
{
    const char *e = csv_field(t, row, email);
    if (e[0] && !valid_email(e))
        import_error(errors, t->lines[row], "email", "\"%s\" không phải địa chỉ email", e);
    char e164[E164_LEN];
    const char *p = csv_field(t, row, phone);
    if (p[0] && !phone_to_e164(p, e164, sizeof e164))
        import_error(
            errors, t->lines[row], "phone",
            "\"%s\" không phải số điện thoại Việt Nam (ví dụ 0912345678 hoặc +84912345678)", p);
}

void csv_check_code(const struct csv_table *t, size_t row, const struct column_map *col,
                    struct csv_index *codes, struct import_errors *errors)
{
    const char *code = csv_field(t, row, col);
    if (!code[0]) {
        import_error(errors, t->lines[row], "code", "đang để trống");
    } else if (!valid_code(code)) {
        import_error(
            errors, t->lines[row], "code",
            "\"%s\" chỉ được gồm chữ cái không dấu, chữ số, '-', '_' và '.' (tối đa 32 ký tự)",
            code);
    } else {
        int dup = csv_index_find(codes, code);
        if (dup > 0 && (size_t)dup != row)
            import_error(errors, t->lines[row], "code", "\"%s\" trùng với dòng %zu", code,
                         t->lines[dup]);
    }
}

void csv_check_date(const struct csv_table *t, size_t row, const struct column_map *col,
                    struct import_errors *errors)
{
    const char *value = csv_field(t, row, col);
    if (value[0] && !valid_date(value))
        import_error(errors, t->lines[row], col->name, "\"%s\" không phải ngày dạng YYYY-MM-DD",
                     value);
}
