/* records.h — the one driver behind the units and people imports: read, check every row,
 * write through the domain, summarise. Private to core/import/. */
#ifndef THIDUA_IMPORT_RECORDS_H
#define THIDUA_IMPORT_RECORDS_H

#include "import/csv.h"

/* An import in progress. Column 0 of `cols` is always "code". */
struct record_import {
    struct store *st;
    const char *actor;
    struct csv_table table;
    struct column_map *cols;
    struct csv_index codes; /* rows by code */
    struct import_errors *errors;
    void *state; /* the kind's own */
};

/* What one kind of record (units, people) adds to the driver. */
struct record_kind {
    enum csv_file file;               /* which headers it accepts */
    const struct column_map *columns; /* a template, copied per import */
    size_t column_count;
    /* Builds the kind's indexes (ri->state); false when out of memory. */
    bool (*prepare)(struct record_import *ri);
    /* Checks one row (1 .. count-1) beyond its shape and code. */
    void (*check_row)(struct record_import *ri, size_t row);
    /* Checks across rows, once every row is clean (e.g. parent loops); may be NULL. */
    void (*check_table)(struct record_import *ri);
    /* The column whose phone numbers are written in E.164. */
    int phone_column;
    /* Each row becomes one record of row_size bytes, filled from the file... */
    size_t row_size;
    void (*fill)(const struct record_import *ri, size_t row, const char *phone, void *record);
    /* ...and all of them are written by the domain: 0 with *changed, or -1 with err. */
    int (*put)(struct store *st, const void *records, size_t n, const char *actor, size_t *changed,
               char *err, size_t errlen);
    void (*release)(struct record_import *ri);
};

int import_records(struct store *st, const char *path, const char *actor,
                   const struct record_kind *kind, struct import_summary *summary,
                   struct import_errors *errors);

#endif
