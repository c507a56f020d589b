/*
 * units.c — units.csv: code,name,parent_code,kind,email,phone,valid_from,valid_to and an
 * optional merged_into. References (parent, merged into) resolve against the file and the
 * database together, and a chain of parents must end: a loop through the file or the
 * database is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/organisation.h"
#include "import/records.h"
#include "util/clock.h"
#include "util/validate.h"

enum { U_CODE, U_NAME, U_PARENT, U_KIND, U_EMAIL, U_PHONE, U_FROM, U_TO, U_MERGED, U_COUNT };

static const struct column_map unit_columns[U_COUNT] = {
    {"code", true, -1, NULL},       {"name", true, -1, NULL},     {"parent_code", true, -1, NULL},
    {"kind", true, -1, NULL},       {"email", true, -1, NULL},    {"phone", true, -1, NULL},
    {"valid_from", true, -1, NULL}, {"valid_to", true, -1, NULL}, {"merged_into", false, -1, NULL},
};

static const char *cell(const struct record_import *ri, size_t row, int column)
{
    return csv_field(&ri->table, row, &ri->cols[column]);
}

/* A column as the file's header names it. */
static const char *label(const struct record_import *ri, int column)
{
    return ri->cols[column].label;
}

static bool prepare(struct record_import *ri)
{
    (void)ri;
    return true;
}

static void release(struct record_import *ri)
{
    (void)ri;
}

/* A unit named by the file or already in the database. */
static bool known_unit(struct record_import *ri, const char *code)
{
    return csv_index_find(&ri->codes, code) >= 0 || units_exists(ri->st, code);
}

static void check_reference(struct record_import *ri, size_t r, int column, const char *self,
                            const char *itself_message)
{
    const char *ref = cell(ri, r, column);
    if (!ref[0]) return;
    if (strcmp(ref, self) == 0)
        import_error(ri->errors, ri->table.lines[r], label(ri, column), "%s", itself_message);
    else if (!known_unit(ri, ref))
        import_error(ri->errors, ri->table.lines[r], label(ri, column), "không có đơn vị \"%s\"",
                     ref);
}

static void check_dates(struct record_import *ri, size_t r)
{
    bool dates = csv_check_date(&ri->table, r, &ri->cols[U_FROM], ri->errors);
    dates = csv_check_date(&ri->table, r, &ri->cols[U_TO], ri->errors) && dates;
    const char *from = cell(ri, r, U_FROM), *to = cell(ri, r, U_TO);
    if (dates && from[0] && to[0] && strcmp(to, from) < 0) {
        char to_vn[CLOCK_DATE_LEN], from_vn[CLOCK_DATE_LEN];
        clock_date_vn(to, to_vn);
        clock_date_vn(from, from_vn);
        import_error(ri->errors, ri->table.lines[r], label(ri, U_TO), "%s trước ngày %s (cột %s)",
                     to_vn, from_vn, label(ri, U_FROM));
    }
}

static void check_row(struct record_import *ri, size_t r)
{
    size_t line = ri->table.lines[r];
    const char *code = cell(ri, r, U_CODE);
    if (!cell(ri, r, U_NAME)[0]) import_error(ri->errors, line, label(ri, U_NAME), "đang để trống");
    check_reference(ri, r, U_PARENT, code, "đơn vị không thể là cấp trên của chính nó");
    const char *kind = cell(ri, r, U_KIND);
    if (strcmp(kind, "department") && strcmp(kind, "office") && strcmp(kind, "unit") &&
        strcmp(kind, "district"))
        import_error(ri->errors, line, label(ri, U_KIND),
                     "\"%s\" phải là một trong department, office, unit, district", kind);
    csv_check_contact(&ri->table, r, &ri->cols[U_EMAIL], &ri->cols[U_PHONE], ri->errors);
    check_dates(ri, r);
    if (cell(ri, r, U_MERGED)[0] && !cell(ri, r, U_TO)[0])
        import_error(ri->errors, line, label(ri, U_MERGED),
                     "đơn vị đã sáp nhập phải có ngày ở cột %s", label(ri, U_TO));
    check_reference(ri, r, U_MERGED, code, "đơn vị không thể sáp nhập vào chính nó");
}

/* A parent chain must end, following the file first and the database beyond it. */
static void check_table(struct record_import *ri)
{
    size_t limit = ri->table.count + 10000; /* longer than any real chain */
    for (size_t r = 1; r < ri->table.count && ri->errors->count == 0; r++) {
        const char *start = cell(ri, r, U_CODE);
        char *at = strdup(cell(ri, r, U_PARENT));
        for (size_t steps = 0; at && at[0] && steps <= limit; steps++) {
            if (strcmp(at, start) == 0) {
                import_error(ri->errors, ri->table.lines[r], label(ri, U_PARENT),
                             "chuỗi đơn vị cấp trên quay vòng về \"%s\"", start);
                break;
            }
            int row = csv_index_find(&ri->codes, at);
            char *next =
                row >= 0 ? strdup(cell(ri, (size_t)row, U_PARENT)) : units_parent(ri->st, at);
            free(at);
            at = next;
        }
        free(at);
    }
}

static void fill(const struct record_import *ri, size_t row, const char *phone, void *record)
{
    *(struct unit_row *)record = (struct unit_row){
        .code = cell(ri, row, U_CODE),
        .name = cell(ri, row, U_NAME),
        .parent_code = cell(ri, row, U_PARENT),
        .kind = cell(ri, row, U_KIND),
        .email = cell(ri, row, U_EMAIL),
        .phone = phone,
        .valid_from = cell(ri, row, U_FROM),
        .valid_to = cell(ri, row, U_TO),
        .merged_into = cell(ri, row, U_MERGED),
    };
}

static int put(struct store *st, const void *records, size_t n, const char *actor, size_t *changed,
               char *err, size_t errlen)
{
    return organisation_put_units(st, records, n, actor, changed, err, errlen);
}

static const struct record_kind units_kind = {
    .file = CSV_UNITS,
    .columns = unit_columns,
    .column_count = U_COUNT,
    .prepare = prepare,
    .check_row = check_row,
    .check_table = check_table,
    .phone_column = U_PHONE,
    .row_size = sizeof(struct unit_row),
    .fill = fill,
    .put = put,
    .release = release,
};

int import_units(struct store *st, const char *path, const char *actor,
                 struct import_summary *summary, struct import_errors *errors)
{
    return import_records(st, path, actor, &units_kind, summary, errors);
}
