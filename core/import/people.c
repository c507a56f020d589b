/*
 * people.c — people.csv: code,full_name,unit_code,position,is_head,email,phone,hired_on and
 * an optional moved_on. Each person belongs to a unit that already exists; a unit has at
 * most one head, in the file and in the database together (a head may change hands within
 * one file). A person listed under another unit than today's has moved: on moved_on when
 * the file gives it, else on the import's date (domain/membership.h; the README says more).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/membership.h"
#include "domain/organisation.h"
#include "import/cells.h"
#include "import/records.h"
#include "util/validate.h"

enum { P_CODE, P_NAME, P_UNIT, P_POSITION, P_HEAD, P_EMAIL, P_PHONE, P_HIRED, P_MOVED, P_COUNT };

static const struct column_map person_columns[P_COUNT] = {
    {"code", true, -1, NULL},     {"full_name", true, -1, NULL}, {"unit_code", true, -1, NULL},
    {"position", true, -1, NULL}, {"is_head", true, -1, NULL},   {"email", true, -1, NULL},
    {"phone", true, -1, NULL},    {"hired_on", true, -1, NULL},  {"moved_on", false, -1, NULL},
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

/* Each is_head cell a boolean spells (cells.h) as "1" or "0", in place (a spelling is never
 * shorter than one byte); the others are left for check_row to report. */
static void spell_heads(struct record_import *ri)
{
    const struct column_map *col = &ri->cols[P_HEAD];
    for (size_t r = 1; r < ri->table.count; r++) {
        const char *value = csv_field(&ri->table, r, col);
        int head = value[0] ? cell_bool(value) : -1;
        if (head >= 0) strcpy(ri->table.rows[r][col->index], head ? "1" : "0");
    }
}

/* The state: the file's heads, by unit. */
static bool prepare(struct record_import *ri)
{
    spell_heads(ri);
    struct csv_index *heads = malloc(sizeof *heads);
    if (!heads) return false;
    if (!csv_index_build(heads, &ri->table, &ri->cols[P_UNIT], &ri->cols[P_HEAD], "1")) {
        free(heads);
        return false;
    }
    ri->state = heads;
    return true;
}

static void release(struct record_import *ri)
{
    csv_index_free(ri->state);
    free(ri->state);
}

/* One head per unit: not two in the file, and not beside a stored head the file keeps. */
static void check_head(struct record_import *ri, size_t r, const char *code, const char *unit)
{
    size_t line = ri->table.lines[r];
    int first = csv_index_find(ri->state, unit);
    if (first > 0 && (size_t)first != r)
        import_error(ri->errors, line, label(ri, P_HEAD),
                     "đơn vị \"%s\" đã có người đứng đầu ở dòng %zu", unit, ri->table.lines[first]);
    char *stored = units_head(ri->st, unit);
    /* The stored head is only replaced if the file demotes or moves them. */
    if (stored && strcmp(stored, code) != 0 && csv_index_find(&ri->codes, stored) < 0)
        import_error(ri->errors, line, label(ri, P_HEAD),
                     "đơn vị \"%s\" đã có người đứng đầu %s trong cơ sở dữ liệu", unit, stored);
    free(stored);
}

/* A move must fall after the person's current stay began (domain/membership.h). */
static void check_move(struct record_import *ri, size_t r)
{
    if (!csv_check_date(&ri->table, r, &ri->cols[P_MOVED], ri->errors)) return;
    const char *moved = cell(ri, r, P_MOVED), *unit = cell(ri, r, P_UNIT); /* as YYYY-MM-DD */
    if (!unit[0] || !units_exists(ri->st, unit)) return;
    struct person_row row = {.code = cell(ri, r, P_CODE), .unit_code = unit, .moved_on = moved};
    char today[CLOCK_DATE_LEN], day[CLOCK_DATE_LEN], why[512];
    clock_today(today);
    if (membership_plan(ri->st, &row, today, day, why, sizeof why) == MEMBERSHIP_BAD_DATE)
        import_error(ri->errors, ri->table.lines[r], label(ri, P_MOVED), "%s", why);
}

static void check_row(struct record_import *ri, size_t r)
{
    size_t line = ri->table.lines[r];
    if (!cell(ri, r, P_NAME)[0]) import_error(ri->errors, line, label(ri, P_NAME), "đang để trống");
    const char *unit = cell(ri, r, P_UNIT);
    if (!unit[0])
        import_error(ri->errors, line, label(ri, P_UNIT), "đang để trống");
    else if (!units_exists(ri->st, unit))
        import_error(ri->errors, line, label(ri, P_UNIT),
                     "không có đơn vị \"%s\" (hãy nhập units.csv trước)", unit);
    if (csv_check_bool(&ri->table, r, &ri->cols[P_HEAD], ri->errors) == 1 && unit[0])
        check_head(ri, r, cell(ri, r, P_CODE), unit);
    csv_check_contact(&ri->table, r, &ri->cols[P_EMAIL], &ri->cols[P_PHONE], ri->errors);
    csv_check_date(&ri->table, r, &ri->cols[P_HIRED], ri->errors);
    check_move(ri, r);
}

static void fill(const struct record_import *ri, size_t row, const char *phone, void *record)
{
    *(struct person_row *)record = (struct person_row){
        .code = cell(ri, row, P_CODE),
        .full_name = cell(ri, row, P_NAME),
        .unit_code = cell(ri, row, P_UNIT),
        .position = cell(ri, row, P_POSITION),
        .is_head = strcmp(cell(ri, row, P_HEAD), "1") == 0,
        .email = cell(ri, row, P_EMAIL),
        .phone = phone,
        .hired_on = cell(ri, row, P_HIRED),
        .moved_on = cell(ri, row, P_MOVED),
    };
}

static int put(struct store *st, const void *records, size_t n, const char *actor, size_t *changed,
               char *err, size_t errlen)
{
    return organisation_put_people(st, records, n, actor, changed, err, errlen);
}

static const struct record_kind people_kind = {
    .file = CSV_PEOPLE,
    .columns = person_columns,
    .column_count = P_COUNT,
    .prepare = prepare,
    .check_row = check_row,
    .phone_column = P_PHONE,
    .row_size = sizeof(struct person_row),
    .fill = fill,
    .put = put,
    .release = release,
};

int import_people(struct store *st, const char *path, const char *actor,
                  struct import_summary *summary, struct import_errors *errors)
{
    return import_records(st, path, actor, &people_kind, summary, errors);
}
