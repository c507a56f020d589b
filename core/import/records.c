/*
 * records.c — the driver of the units and people imports. Both read a whole file, find
 * their columns, index the rows by code, check every row (its shape, its code, then what
 * the kind checks), check across rows, and only when nothing is wrong
 * hand the rows to the domain, which writes them in one transaction.
 */
#include "import/records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERR_LEN 512

static void check_rows(struct record_import *ri, const struct record_kind *kind)
{
    for (size_t r = 1; r < ri->table.count; r++) {
        csv_check_row_shape(&ri->table, r, ri->errors);
        csv_check_code(&ri->table, r, &ri->cols[0], &ri->codes, ri->errors);
        kind->check_row(ri, r);
    }
    if (kind->check_table && ri->errors->count == 0) kind->check_table(ri);
}

int import_records(struct store *st, const char *path, const char *actor,
                   const struct record_kind *kind, struct import_summary *summary,
                   struct import_errors *errors)
{
    struct record_import ri = {.st = st, .actor = actor, .errors = errors};
    char err[ERR_LEN];
    int rc = -1;
    bool indexed = false, prepared = false;
    memset(summary, 0, sizeof *summary);
    ri.cols = malloc(kind->column_count * sizeof *ri.cols);
    if (!ri.cols) {
        import_error(errors, 0, NULL, "hết bộ nhớ");
        return -1;
    }
    memcpy(ri.cols, kind->columns, kind->column_count * sizeof *ri.cols);
    if (csv_table_read(path, &ri.table, err, sizeof err) != 0) {
        import_error(errors, 0, NULL, "%s", err);
        goto done;
    }
    if (!csv_map_columns(&ri.table, ri.cols, kind->column_count, errors)) goto done;
    indexed = csv_index_build(&ri.codes, &ri.table, &ri.cols[0], NULL, NULL);
    prepared = indexed && kind->prepare(&ri);
    if (!prepared) {
        import_error(errors, 0, NULL, "hết bộ nhớ");
        goto done;
    }
    check_rows(&ri, kind);
    if (errors->count) goto done;
    size_t changed = 0;
    if (kind->write(&ri, &changed, err, sizeof err) != 0) {
        import_error(errors, 0, NULL, "%s", err);
        goto done;
    }
    summary->rows = ri.table.count - 1;
    summary->changed = changed;
    summary->unchanged = summary->rows - changed;
    rc = 0;
done:
    if (prepared) kind->release(&ri);
    if (indexed) csv_index_free(&ri.codes);
    csv_table_free(&ri.table);
    free(ri.cols);
    return rc;
}
