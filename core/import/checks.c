/*
 * checks.c — the checks the imports share, each reporting with the row a clerk sees and
 * the column as the file's header names it: a row's shape, codes (and the index of rows by
 * a column's value: glibc's hsearch_r, so a 50,000-row file is checked in linear time),
 * e-mails and phones (with the leading 0 Excel drops), dates (rewritten as YYYY-MM-DD once
 * read, cells.h) and booleans.
 */
#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/cells.h"
#include "import/csv.h"
#include "util/validate.h"

#define E164_LEN  24
#define PHONE_LEN 24
#define WHY_LEN   400

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
        import_error(errors, t->lines[row], email->label, "\"%s\" không phải địa chỉ email", e);
    char e164[E164_LEN], fixed[PHONE_LEN];
    const char *p = csv_field(t, row, phone);
    if (!p[0] || phone_to_e164(p, e164, sizeof e164)) return;
    if (cell_phone_lost_zero(p, fixed, sizeof fixed))
        import_error(errors, t->lines[row], phone->label,
                     "\"%s\" thiếu số 0 ở đầu (Excel bỏ số 0 khi coi ô là số): hãy định dạng cột "
                     "là Văn bản và gõ lại %s",
                     p, fixed);
    else
        import_error(
            errors, t->lines[row], phone->label,
            "\"%s\" không phải số điện thoại Việt Nam (ví dụ 0912345678 hoặc +84912345678)", p);
}

void csv_check_code(const struct csv_table *t, size_t row, const struct column_map *col,
                    struct csv_index *codes, struct import_errors *errors)
{
    const char *code = csv_field(t, row, col);
    if (!code[0]) {
        import_error(errors, t->lines[row], col->label, "đang để trống");
    } else if (!valid_code(code)) {
        import_error(
            errors, t->lines[row], col->label,
            "\"%s\" chỉ được gồm chữ cái không dấu, chữ số, '-', '_' và '.' (tối đa 32 ký tự)",
            code);
    } else {
        int dup = csv_index_find(codes, code);
        if (dup > 0 && (size_t)dup != row)
            import_error(errors, t->lines[row], col->label, "\"%s\" trùng với dòng %zu", code,
                         t->lines[dup]);
    }
}

bool csv_check_date(struct csv_table *t, size_t row, const struct column_map *col,
                    struct import_errors *errors)
{
    const char *value = csv_field(t, row, col);
    char iso[CELL_DATE_LEN], why[WHY_LEN];
    if (!value[0]) return true;
    if (!cell_date(value, iso, why, sizeof why)) {
        import_error(errors, t->lines[row], col->label, "%s", why);
        return false;
    }
    if (strcmp(iso, value) == 0) return true;
    char *copy = strdup(iso);
    if (!copy) {
        import_error(errors, t->lines[row], col->label, "hết bộ nhớ");
        return false;
    }
    free(t->rows[row][col->index]);
    t->rows[row][col->index] = copy;
    return true;
}

void csv_spell_subjects(struct csv_table *t, const struct column_map *col)
{
    for (size_t r = 1; r < t->count; r++) {
        const char *subject = cell_subject(csv_field(t, r, col));
        /* every spelling cell_subject takes is as long as the one it stands for, or longer */
        if (subject) strcpy(t->rows[r][col->index], subject);
    }
}

int csv_check_bool(const struct csv_table *t, size_t row, const struct column_map *col,
                   struct import_errors *errors)
{
    const char *value = csv_field(t, row, col);
    if (!value[0]) return 0;
    int b = cell_bool(value);
    if (b < 0)
        import_error(errors, t->lines[row], col->label, "\"%s\" phải là %s", value, CELL_BOOLEANS);
    return b;
}
