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

#include "util/validate.h"

#define ERR_LEN  512
#define E164_LEN 24

static void check_rows(struct record_import *ri, const struct record_kind *kind)
{
    for (size_t r = 1; r < ri->table.count; r++) {
        csv_check_row_shape(&ri->table, r, ri->errors);
        csv_check_code(&ri->table, r, &ri->cols[0], &ri->codes, ri->errors);
        kind->check_row(ri, r);
    }
    if (kind->check_table && ri->errors->count == 0) kind->check_table(ri);
}

/* Every row as a record, handed to the domain in one call. */
static int write_records(struct record_import *ri, const struct record_kind *kind, size_t *changed,
                         char *err, size_t errlen)
{
    size_t n = ri->table.count - 1;
    char *records = calloc(n ? n : 1, kind->row_size);
    char(*phones)[E164_LEN] = calloc(n ? n : 1, sizeof *phones);
    int rc = -1;
    if (!records || !phones) {
        snprintf(err, errlen, "hết bộ nhớ");
        goto done;
    }
    for (size_t r = 1; r <= n; r++) {
        const char *raw = csv_field(&ri->table, r, &ri->cols[kind->phone_column]);
        if (raw[0]) phone_to_e164(raw, phones[r - 1], E164_LEN);
        kind->fill(ri, r, phones[r - 1], records + (r - 1) * kind->row_size);
    }
    rc = kind->put(ri->st, records, n, ri->actor, changed, err, errlen);
done:
    free(records);
    free(phones);
    return rc;
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
    if (csv_table_read(path, &ri.table, errors) != 0) goto done;
    if (!csv_map_columns(&ri.table, kind->file, ri.cols, kind->column_count, errors)) goto done;
    indexed = csv_index_build(&ri.codes, &ri.table, &ri.cols[0], NULL, NULL);
    prepared = indexed && kind->prepare(&ri);
    if (!prepared) {
        import_error(errors, 0, NULL, "hết bộ nhớ");
        goto done;
    }
    check_rows(&ri, kind);
    if (errors->count) goto done;
    size_t changed = 0;
    if (write_records(&ri, kind, &changed, err, sizeof err) != 0) {
        import_error(errors, 0, NULL, "%s", err);
        goto done;
    }
    summary->rows = ri.table.count - 1;
    summary->changed = changed;
    summary->unchanged = summary->rows - changed;
    rc = 0;
done:
    import_errors_sort(errors);
    if (prepared) kind->release(&ri);
    if (indexed) csv_index_free(&ri.codes);
    csv_table_free(&ri.table);
    free(ri.cols);
    return rc;
}
