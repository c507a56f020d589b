/*
 * errors.c — the problems an import finds, as a clerk reads them: "dòng N, cột X: why"
 * (the column as the file's header names it), "dòng N: why" for a whole row, and the
 * file's own problems (row 0) as they are. At most MAX_REPORTED_ERRORS are kept: a file
 * saved with the wrong separator would otherwise print a line per row. They are found
 * row by row and then across rows (codes that repeat, parent loops, the rules' checks of
 * a subject's facts), so each import sorts them by row before it returns them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"

#define MAX_REPORTED_ERRORS 500
#define WHY_LEN             512
#define LINE_LEN            700

void import_error(struct import_errors *errors, size_t row, const char *column, const char *fmt,
                  ...)
{
    if (errors->count >= MAX_REPORTED_ERRORS) return;
    if (errors->count == errors->capacity) {
        size_t cap = errors->capacity ? errors->capacity * 2 : 16;
        char **lines = realloc(errors->lines, cap * sizeof *lines);
        if (lines) errors->lines = lines;
        size_t *rows = realloc(errors->rows, cap * sizeof *rows);
        if (rows) errors->rows = rows;
        if (!lines || !rows) return;
        errors->capacity = cap;
    }
    char why[WHY_LEN], line[LINE_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (row == 0)
        snprintf(line, sizeof line, "%s", why);
    else if (column)
        snprintf(line, sizeof line, "dòng %zu, cột %s: %s", row, column, why);
    else
        snprintf(line, sizeof line, "dòng %zu: %s", row, why);
    char *copy = strdup(line);
    if (!copy) return;
    errors->rows[errors->count] = row;
    errors->lines[errors->count++] = copy;
}

void import_errors_free(struct import_errors *errors)
{
    for (size_t i = 0; i < errors->count; i++)
        free(errors->lines[i]);
    free(errors->lines);
    free(errors->rows);
    memset(errors, 0, sizeof *errors);
}

struct numbered_line {
    size_t row, found; /* found: the order it was reported in, so the sort is stable */
    char *line;
};

static int by_row(const void *a, const void *b)
{
    const struct numbered_line *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return x->found < y->found ? -1 : x->found > y->found;
}

void import_errors_sort(struct import_errors *errors)
{
    struct numbered_line *all = calloc(errors->count ? errors->count : 1, sizeof *all);
    if (!all) return; /* out of memory: the order found is still every problem */
    for (size_t i = 0; i < errors->count; i++)
        all[i] = (struct numbered_line){errors->rows[i], i, errors->lines[i]};
    qsort(all, errors->count, sizeof *all, by_row);
    for (size_t i = 0; i < errors->count; i++) {
        errors->rows[i] = all[i].row;
        errors->lines[i] = all[i].line;
    }
    free(all);
}
