/*
 * columns.c — a file's columns found by their header, in any order (extra columns are
 * ignored): by name or by one of the Vietnamese headers its kind of file accepts
 * (headers.h), regardless of case, accents and spacing. A column is then named in messages
 * as the file's header names it. A header line that is a single cell was split on the
 * wrong separator (or on none): that is said once, with what was found, instead of every
 * column missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/csv.h"

#define LIST_LEN 512

static bool matches(const char *key, const char *name, const char *const *aliases)
{
    if (!key) return false;
    char *own = header_key(name);
    bool found = own && strcmp(key, own) == 0;
    free(own);
    for (size_t a = 0; !found && aliases[a]; a++) {
        char *alias = header_key(aliases[a]);
        found = alias && strcmp(key, alias) == 0;
        free(alias);
    }
    return found;
}

/* The problem of a header line that is one cell, when columns are missing. */
static void one_cell_header(const struct csv_table *t, const struct column_map *cols, size_t ncols,
                            struct import_errors *errors)
{
    char needed[LIST_LEN] = "";
    for (size_t i = 0; i < ncols; i++) {
        size_t used = strlen(needed);
        if (cols[i].required)
            snprintf(needed + used, sizeof needed - used, "%s%s", used ? ", " : "", cols[i].name);
    }
    if (t->stranger)
        import_error(errors, 1, NULL,
                     "các cột cách nhau bằng %s, không phải dấu phẩy \",\" hay dấu chấm phẩy "
                     "\";\": hãy lưu lại tệp dạng \"CSV UTF-8\"",
                     t->stranger == '\t' ? "dấu tab" : "dấu \"|\"");
    else
        import_error(errors, 1, NULL,
                     "dòng tiêu đề \"%s\" chỉ có một cột: không thấy dấu phẩy \",\" hay dấu chấm "
                     "phẩy \";\" giữa các cột (cần các cột %s)",
                     t->rows[0][0], needed);
}

/* Finds column i; false when it is missing and required, or given twice. */
static bool find_column(const struct csv_table *t, enum csv_file file, struct column_map *col,
                        char *const *keys, struct import_errors *errors)
{
    const char *const *aliases = header_aliases(file, col->name);
    bool ok = true;
    col->index = -1;
    col->label = col->name;
    for (size_t j = 0; j < t->widths[0]; j++) {
        if (!matches(keys[j], col->name, aliases)) continue;
        if (col->index < 0) {
            col->index = (int)j;
            col->label = csv_field(t, 0, col);
            continue;
        }
        import_error(errors, 1, t->rows[0][j],
                     "trùng với cột \"%s\" (cả hai là cột %s): hãy xoá một cột", col->label,
                     col->name);
        ok = false;
    }
    if (col->index >= 0 || !col->required) return ok;
    char accepted[LIST_LEN];
    size_t used = (size_t)snprintf(accepted, sizeof accepted, "%s", col->name);
    for (size_t a = 0; aliases[a] && used < sizeof accepted; a++)
        used += (size_t)snprintf(accepted + used, sizeof accepted - used, ", %s", aliases[a]);
    import_error(errors, 1, col->name, "dòng tiêu đề thiếu cột này (tiêu đề được nhận: %s)",
                 accepted);
    return false;
}

/* Whether a one-cell header line lacks a required column: then it was not split. */
static bool unsplit_header(const struct csv_table *t, enum csv_file file,
                           const struct column_map *cols, size_t ncols, char *const *keys)
{
    if (t->widths[0] != 1) return false;
    for (size_t i = 0; i < ncols; i++)
        if (cols[i].required && !matches(keys[0], cols[i].name, header_aliases(file, cols[i].name)))
            return true;
    return false;
}

bool csv_map_columns(const struct csv_table *t, enum csv_file file, struct column_map *cols,
                     size_t ncols, struct import_errors *errors)
{
    size_t width = t->widths[0];
    char **keys = calloc(width ? width : 1, sizeof *keys);
    if (!keys) {
        import_error(errors, 0, NULL, "hết bộ nhớ");
        return false;
    }
    for (size_t j = 0; j < width; j++) {
        struct column_map header = {.index = (int)j};
        keys[j] = header_key(csv_field(t, 0, &header));
    }
    bool split = !unsplit_header(t, file, cols, ncols, keys), ok = split;
    if (!split) one_cell_header(t, cols, ncols, errors);
    for (size_t i = 0; split && i < ncols; i++)
        ok = find_column(t, file, &cols[i], keys, errors) && ok;
    for (size_t j = 0; j < width; j++)
        free(keys[j]);
    free(keys);
    return ok;
}

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
