/*
 * csv_import.c — imports units.csv and people.csv as a spreadsheet exports them.
 *
 * Parsing is libcsv's (RFC 4180: quoted fields, embedded commas, quotes and newlines); this
 * file owns what comes after: the header is matched by column name (order free, extra
 * columns ignored), every row is checked and every problem collected as
 * "row N, column X: why" (N counts the header as row 1, as a spreadsheet does), references
 * are resolved against the file and the database together, and only when the whole file is
 * clean is it written, in a single transaction. Rows equal to what is stored are skipped,
 * so importing the same file twice changes nothing.
 */
#define _GNU_SOURCE /* hsearch_r */
#include "csv_import.h"

#include <csv.h>
#include <search.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

#define MAX_REPORTED_ERRORS 500

/* ---- reading ---------------------------------------------------------------------------- */

struct csv_reader {
    struct csv_table *table;
    char **fields;
    size_t count, capacity;
    size_t physical; /* rows seen, blank ones included */
    int last_terminator;
    bool oom;
};

static void on_field(void *data, size_t len, void *ctx)
{
    struct csv_reader *r = ctx;
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

int csv_table_read(const char *path, struct csv_table *table, char *err, size_t errlen)
{
    memset(table, 0, sizeof *table);
    FILE *in = fopen(path, "rb");
    if (!in) {
        snprintf(err, errlen, "%s: cannot open: %m", path);
        return -1;
    }
    struct csv_parser parser;
    csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
    struct csv_reader reader = {.table = table};
    char buf[16384];
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
    if (rc != 0) csv_table_free(table);
    return rc;
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

/* ---- validators ------------------------------------------------------------------------- */

bool valid_code(const char *code)
{
    size_t len = strlen(code);
    if (len == 0 || len > 32) return false;
    for (const char *c = code; *c; c++) {
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_' || *c == '.'))
            return false;
    }
    return true;
}

bool valid_date(const char *text)
{
    int y, m, d;
    char tail;
    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-') return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) return false;
    if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    return d <= max;
}

bool valid_email(const char *text)
{
    const char *at = strchr(text, '@');
    if (!at || at == text || strchr(at + 1, '@')) return false;
    const char *dot = strrchr(at, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0') return false;
    for (const char *c = text; *c; c++)
        if ((unsigned char)*c <= ' ' || *c == ',' || *c == ';') return false;
    return strlen(text) <= 254;
}

bool valid_utf8(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        int extra;
        unsigned int cp;
        if (*s < 0x80) {
            s++;
            continue;
        } else if ((*s & 0xE0) == 0xC0) {
            extra = 1, cp = *s & 0x1F;
        } else if ((*s & 0xF0) == 0xE0) {
            extra = 2, cp = *s & 0x0F;
        } else if ((*s & 0xF8) == 0xF0) {
            extra = 3, cp = *s & 0x07;
        } else {
            return false;
        }
        s++;
        for (int i = 0; i < extra; i++, s++) {
            if ((*s & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (*s & 0x3F);
        }
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
            (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
    }
    return true;
}

bool phone_to_e164(const char *text, char *out, size_t outlen)
{
    char digits[24];
    size_t n = 0;
    bool plus = false;
    for (const char *c = text; *c; c++) {
        if (*c >= '0' && *c <= '9') {
            if (n + 1 >= sizeof digits) return false;
            digits[n++] = *c;
        } else if (*c == '+' && n == 0 && !plus) {
            plus = true;
        } else if (*c != ' ' && *c != '.' && *c != '-' && *c != '(' && *c != ')') {
            return false;
        }
    }
    digits[n] = '\0';
    const char *national; /* without the leading 0 or 84 */
    if (!plus && digits[0] == '0')
        national = digits + 1;
    else if (strncmp(digits, "84", 2) == 0)
        national = digits + 2;
    else
        return false;
    size_t len = strlen(national);
    /* Mobiles have 9 digits after the 0 (03, 05, 07, 08, 09); landlines 10 (02x...). */
    bool mobile = len == 9 && strchr("35789", national[0]);
    bool landline = len == 10 && national[0] == '2';
    if (!mobile && !landline) return false;
    snprintf(out, outlen, "+84%s", national);
    return true;
}

/* ---- shared row checks ------------------------------------------------------------------ */

struct column_map {
    const char *name;
    bool required; /* the column must be in the header */
    int index;
};

static bool map_columns(const struct csv_table *t, struct column_map *cols, size_t ncols,
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
static const char *field(const struct csv_table *t, size_t row, const struct column_map *col)
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

static void check_row_shape(const struct csv_table *t, size_t row, struct import_errors *errors)
{
    if (t->widths[row] != t->widths[0])
        import_error(errors, t->lines[row], NULL, "có %zu ô, dòng tiêu đề có %zu", t->widths[row],
                     t->widths[0]);
    for (size_t j = 0; j < t->widths[row]; j++)
        if (!valid_utf8(t->rows[row][j]))
            import_error(errors, t->lines[row], j < t->widths[0] ? t->rows[0][j] : "?",
                         "không phải UTF-8 (hãy lưu tệp dạng \"CSV UTF-8\")");
}

/* The rows of a table by one column's value, first occurrence winning: glibc's hsearch_r,
 * so a 50,000-row file is checked in linear time. `only` keeps rows whose `filter` column
 * equals it (the heads of units), or every row when NULL. */
struct row_index {
    struct hsearch_data table;
};

static bool row_index_build(struct row_index *ix, const struct csv_table *t,
                            const struct column_map *col, const struct column_map *filter,
                            const char *only)
{
    memset(&ix->table, 0, sizeof ix->table);
    if (!hcreate_r(t->count * 2 + 16, &ix->table)) return false;
    for (size_t r = 1; r < t->count; r++) {
        const char *key = field(t, r, col); /* trims in place: the key stays valid */
        if (!key[0] || (only && strcmp(field(t, r, filter), only) != 0)) continue;
        ENTRY entry = {(char *)key, (void *)(uintptr_t)r}, *found;
        if (!hsearch_r(entry, ENTER, &found, &ix->table)) return false;
    }
    return true;
}

static int row_index_find(struct row_index *ix, const char *key)
{
    ENTRY entry = {(char *)key, NULL}, *found = NULL;
    if (!hsearch_r(entry, FIND, &found, &ix->table) || !found) return -1;
    return (int)(uintptr_t)found->data;
}

static void row_index_free(struct row_index *ix)
{
    hdestroy_r(&ix->table);
}

static void check_contact(const struct csv_table *t, size_t row, const struct column_map *email,
                          const struct column_map *phone, struct import_errors *errors)
{
    const char *e = field(t, row, email);
    if (e[0] && !valid_email(e))
        import_error(errors, t->lines[row], "email", "\"%s\" không phải địa chỉ email", e);
    char e164[24];
    const char *p = field(t, row, phone);
    if (p[0] && !phone_to_e164(p, e164, sizeof e164))
        import_error(
            errors, t->lines[row], "phone",
            "\"%s\" không phải số điện thoại Việt Nam (ví dụ 0912345678 hoặc +84912345678)", p);
}

static int write_summary(struct store *st, struct import_summary *summary, size_t changed,
                         size_t rows)
{
    if (store_commit(st) != 0) {
        store_rollback(st);
        return -1;
    }
    summary->rows = rows;
    summary->changed = changed;
    summary->unchanged = rows - changed;
    return 0;
}

/* ---- units ------------------------------------------------------------------------------ */

enum { U_CODE, U_NAME, U_PARENT, U_KIND, U_EMAIL, U_PHONE, U_FROM, U_TO, U_MERGED, U_COUNT };

int import_units(struct store *st, const char *path, const char *actor,
                 struct import_summary *summary, struct import_errors *errors)
{
    struct csv_table t;
    char err[512];
    memset(summary, 0, sizeof *summary);
    if (csv_table_read(path, &t, err, sizeof err) != 0) {
        import_error(errors, 0, NULL, "%s", err);
        return -1;
    }
    struct column_map cols[U_COUNT] = {
        {"code", true, -1},       {"name", true, -1},     {"parent_code", true, -1},
        {"kind", true, -1},       {"email", true, -1},    {"phone", true, -1},
        {"valid_from", true, -1}, {"valid_to", true, -1}, {"merged_into", false, -1},
    };
    struct row_index codes;
    if (!map_columns(&t, cols, U_COUNT, errors)) {
        csv_table_free(&t);
        return -1;
    }
    if (!row_index_build(&codes, &t, &cols[U_CODE], NULL, NULL)) {
        import_error(errors, 0, NULL, "hết bộ nhớ");
        csv_table_free(&t);
        return -1;
    }
    for (size_t r = 1; r < t.count; r++) {
        check_row_shape(&t, r, errors);
        const char *code = field(&t, r, &cols[U_CODE]);
        if (!code[0])
            import_error(errors, t.lines[r], "code", "đang để trống");
        else if (!valid_code(code))
            import_error(
                errors, t.lines[r], "code",
                "\"%s\" chỉ được gồm chữ cái không dấu, chữ số, '-', '_' và '.' (tối đa 32 ký tự)",
                code);
        else {
            int dup = row_index_find(&codes, code);
            if (dup > 0 && (size_t)dup != r)
                import_error(errors, t.lines[r], "code", "\"%s\" trùng với dòng %zu", code,
                             t.lines[dup]);
        }
        if (!field(&t, r, &cols[U_NAME])[0])
            import_error(errors, t.lines[r], "name", "đang để trống");
        const char *parent = field(&t, r, &cols[U_PARENT]);
        if (parent[0]) {
            if (strcmp(parent, code) == 0)
                import_error(errors, t.lines[r], "parent_code",
                             "đơn vị không thể là cấp trên của chính nó");
            else if (row_index_find(&codes, parent) < 0 && !model_unit_exists(st, parent))
                import_error(errors, t.lines[r], "parent_code", "không có đơn vị \"%s\"", parent);
        }
        const char *kind = field(&t, r, &cols[U_KIND]);
        if (strcmp(kind, "department") && strcmp(kind, "office") && strcmp(kind, "unit") &&
            strcmp(kind, "district"))
            import_error(errors, t.lines[r], "kind",
                         "\"%s\" phải là một trong department, office, unit, district", kind);
        check_contact(&t, r, &cols[U_EMAIL], &cols[U_PHONE], errors);
        const char *from = field(&t, r, &cols[U_FROM]), *to = field(&t, r, &cols[U_TO]);
        if (from[0] && !valid_date(from))
            import_error(errors, t.lines[r], "valid_from", "\"%s\" không phải ngày dạng YYYY-MM-DD",
                         from);
        if (to[0] && !valid_date(to))
            import_error(errors, t.lines[r], "valid_to", "\"%s\" không phải ngày dạng YYYY-MM-DD",
                         to);
        if (from[0] && to[0] && valid_date(from) && valid_date(to) && strcmp(to, from) < 0)
            import_error(errors, t.lines[r], "valid_to", "%s trước ngày valid_from %s", to, from);
        const char *merged = field(&t, r, &cols[U_MERGED]);
        if (merged[0]) {
            if (!to[0])
                import_error(errors, t.lines[r], "merged_into",
                             "đơn vị đã sáp nhập phải có ngày valid_to");
            if (strcmp(merged, code) == 0)
                import_error(errors, t.lines[r], "merged_into",
                             "đơn vị không thể sáp nhập vào chính nó");
            else if (row_index_find(&codes, merged) < 0 && !model_unit_exists(st, merged))
                import_error(errors, t.lines[r], "merged_into", "không có đơn vị \"%s\"", merged);
        }
    }
    /* A parent chain must end, following the file first and the database beyond it. */
    for (size_t r = 1; r < t.count && errors->count == 0; r++) {
        const char *start = field(&t, r, &cols[U_CODE]);
        char *at = strdup(field(&t, r, &cols[U_PARENT]));
        for (size_t steps = 0; at && at[0] && steps <= t.count + 10000; steps++) {
            if (strcmp(at, start) == 0) {
                import_error(errors, t.lines[r], "parent_code",
                             "chuỗi đơn vị cấp trên quay vòng về \"%s\"", start);
                break;
            }
            int row = row_index_find(&codes, at);
            char *next = row >= 0 ? strdup(field(&t, (size_t)row, &cols[U_PARENT]))
                                  : model_unit_parent(st, at);
            free(at);
            at = next;
        }
        free(at);
    }
    row_index_free(&codes);
    if (errors->count) {
        csv_table_free(&t);
        return -1;
    }
    if (store_begin(st) != 0) {
        import_error(errors, 0, NULL, "cơ sở dữ liệu đang bận: %s", sqlite3_errmsg(store_db(st)));
        csv_table_free(&t);
        return -1;
    }
    /* Parents first: insert without parent links, then set them, so file order is free. */
    size_t changed = 0;
    int rc = 0;
    bool *inserted = calloc(t.count, sizeof *inserted);
    if (!inserted) rc = -1;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        for (size_t r = 1; r < t.count && rc == 0; r++) {
            char phone[24] = "";
            const char *raw_phone = field(&t, r, &cols[U_PHONE]);
            if (raw_phone[0]) phone_to_e164(raw_phone, phone, sizeof phone);
            struct unit_row u = {
                .code = field(&t, r, &cols[U_CODE]),
                .name = field(&t, r, &cols[U_NAME]),
                .parent_code = pass ? field(&t, r, &cols[U_PARENT]) : NULL,
                .kind = field(&t, r, &cols[U_KIND]),
                .email = field(&t, r, &cols[U_EMAIL]),
                .phone = phone,
                .valid_from = field(&t, r, &cols[U_FROM]),
                .valid_to = field(&t, r, &cols[U_TO]),
                .merged_into = pass ? field(&t, r, &cols[U_MERGED]) : NULL,
            };
            bool row_changed = false;
            if (pass == 0) {
                if (model_unit_exists(st, u.code)) continue;
                rc = model_unit_upsert(st, &u, &inserted[r]);
            } else {
                rc = model_unit_upsert(st, &u, &row_changed);
                if (rc == 0 && (row_changed || inserted[r])) {
                    changed++;
                    rc = model_audit(st, actor, "import", "unit", u.code, NULL);
                }
            }
        }
    }
    free(inserted);
    if (rc != 0) {
        import_error(errors, 0, NULL, "lỗi cơ sở dữ liệu: %s", sqlite3_errmsg(store_db(st)));
        store_rollback(st);
        csv_table_free(&t);
        return -1;
    }
    rc = write_summary(st, summary, changed, t.count - 1);
    csv_table_free(&t);
    if (rc != 0) import_error(errors, 0, NULL, "không ghi được: %s", sqlite3_errmsg(store_db(st)));
    return rc;
}

/* ---- people ----------------------------------------------------------------------------- */

enum { P_CODE, P_NAME, P_UNIT, P_POSITION, P_HEAD, P_EMAIL, P_PHONE, P_HIRED, P_COUNT };

int import_people(struct store *st, const char *path, const char *actor,
                  struct import_summary *summary, struct import_errors *errors)
{
    struct csv_table t;
    char err[512];
    memset(summary, 0, sizeof *summary);
    if (csv_table_read(path, &t, err, sizeof err) != 0) {
        import_error(errors, 0, NULL, "%s", err);
        return -1;
    }
    struct column_map cols[P_COUNT] = {
        {"code", true, -1},     {"full_name", true, -1}, {"unit_code", true, -1},
        {"position", true, -1}, {"is_head", true, -1},   {"email", true, -1},
        {"phone", true, -1},    {"hired_on", true, -1},
    };
    struct row_index codes, heads;
    if (!map_columns(&t, cols, P_COUNT, errors)) {
        csv_table_free(&t);
        return -1;
    }
    if (!row_index_build(&codes, &t, &cols[P_CODE], NULL, NULL)) {
        import_error(errors, 0, NULL, "hết bộ nhớ");
        csv_table_free(&t);
        return -1;
    }
    if (!row_index_build(&heads, &t, &cols[P_UNIT], &cols[P_HEAD], "1")) {
        row_index_free(&codes);
        import_error(errors, 0, NULL, "hết bộ nhớ");
        csv_table_free(&t);
        return -1;
    }
    for (size_t r = 1; r < t.count; r++) {
        check_row_shape(&t, r, errors);
        const char *code = field(&t, r, &cols[P_CODE]);
        if (!code[0])
            import_error(errors, t.lines[r], "code", "đang để trống");
        else if (!valid_code(code))
            import_error(
                errors, t.lines[r], "code",
                "\"%s\" chỉ được gồm chữ cái không dấu, chữ số, '-', '_' và '.' (tối đa 32 ký tự)",
                code);
        else {
            int dup = row_index_find(&codes, code);
            if (dup > 0 && (size_t)dup != r)
                import_error(errors, t.lines[r], "code", "\"%s\" trùng với dòng %zu", code,
                             t.lines[dup]);
        }
        if (!field(&t, r, &cols[P_NAME])[0])
            import_error(errors, t.lines[r], "full_name", "đang để trống");
        const char *unit = field(&t, r, &cols[P_UNIT]);
        if (!unit[0])
            import_error(errors, t.lines[r], "unit_code", "đang để trống");
        else if (!model_unit_exists(st, unit))
            import_error(errors, t.lines[r], "unit_code",
                         "không có đơn vị \"%s\" (hãy nhập units.csv trước)", unit);
        const char *head = field(&t, r, &cols[P_HEAD]);
        if (strcmp(head, "1") && strcmp(head, "0") && head[0])
            import_error(errors, t.lines[r], "is_head", "\"%s\" phải là 1 hoặc 0", head);
        if (strcmp(head, "1") == 0 && unit[0]) {
            int first = row_index_find(&heads, unit);
            if (first > 0 && (size_t)first != r)
                import_error(errors, t.lines[r], "is_head",
                             "đơn vị \"%s\" đã có người đứng đầu ở dòng %zu", unit, t.lines[first]);
            char *stored = model_unit_head(st, unit);
            if (stored && strcmp(stored, code) != 0) {
                /* The stored head is only replaced if the file demotes or moves them. */
                int row = row_index_find(&codes, stored);
                if (row < 0 || strcmp(field(&t, (size_t)row, &cols[P_HEAD]), "1") != 0 ||
                    strcmp(field(&t, (size_t)row, &cols[P_UNIT]), unit) != 0) {
                    if (row < 0)
                        import_error(errors, t.lines[r], "is_head",
                                     "đơn vị \"%s\" đã có người đứng đầu %s trong cơ sở dữ liệu",
                                     unit, stored);
                }
            }
            free(stored);
        }
        check_contact(&t, r, &cols[P_EMAIL], &cols[P_PHONE], errors);
        const char *hired = field(&t, r, &cols[P_HIRED]);
        if (hired[0] && !valid_date(hired))
            import_error(errors, t.lines[r], "hired_on", "\"%s\" không phải ngày dạng YYYY-MM-DD",
                         hired);
    }
    row_index_free(&codes);
    row_index_free(&heads);
    if (errors->count) {
        csv_table_free(&t);
        return -1;
    }
    if (store_begin(st) != 0) {
        import_error(errors, 0, NULL, "cơ sở dữ liệu đang bận: %s", sqlite3_errmsg(store_db(st)));
        csv_table_free(&t);
        return -1;
    }
    /* Demote first, then promote, so a change of head within the file never collides. */
    size_t changed = 0;
    int rc = 0;
    for (int pass = 0; pass < 2 && rc == 0; pass++) {
        for (size_t r = 1; r < t.count && rc == 0; r++) {
            bool is_head = strcmp(field(&t, r, &cols[P_HEAD]), "1") == 0;
            if (is_head != (pass == 1)) continue;
            char phone[24] = "";
            const char *raw_phone = field(&t, r, &cols[P_PHONE]);
            if (raw_phone[0]) phone_to_e164(raw_phone, phone, sizeof phone);
            struct person_row p = {
                .code = field(&t, r, &cols[P_CODE]),
                .full_name = field(&t, r, &cols[P_NAME]),
                .unit_code = field(&t, r, &cols[P_UNIT]),
                .position = field(&t, r, &cols[P_POSITION]),
                .is_head = is_head,
                .email = field(&t, r, &cols[P_EMAIL]),
                .phone = phone,
                .hired_on = field(&t, r, &cols[P_HIRED]),
            };
            bool row_changed = false;
            rc = model_person_upsert(st, &p, &row_changed);
            if (rc == 0 && row_changed) {
                changed++;
                rc = model_audit(st, actor, "import", "person", p.code, NULL);
            }
        }
    }
    if (rc != 0) {
        import_error(errors, 0, NULL, "lỗi cơ sở dữ liệu: %s", sqlite3_errmsg(store_db(st)));
        store_rollback(st);
        csv_table_free(&t);
        return -1;
    }
    rc = write_summary(st, summary, changed, t.count - 1);
    csv_table_free(&t);
    if (rc != 0) import_error(errors, 0, NULL, "không ghi được: %s", sqlite3_errmsg(store_db(st)));
    return rc;
}
