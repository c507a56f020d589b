/*
 * import.h — spreadsheet imports: units.csv, people.csv, facts.csv, titles.csv and
 * registrations.csv, as Excel saves them (',' or ';' between cells, headers in English or
 * Vietnamese, dates as yyyy-mm-dd or dd/mm/yyyy; README.md lists them). Every row is
 * checked first and every problem reported as "dòng N, cột X: why", in row order; only a
 * clean file is written, all of it or nothing, through the domain layer. Importing the
 * same file twice changes nothing.
 */
#ifndef THIDUA_IMPORT_IMPORT_H
#define THIDUA_IMPORT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/ruleset.h"
#include "store/store.h"

/* Collected problems, each "dòng N, cột X: why" ("dòng N: why" for a whole row, and just
 * "why" for the file as a whole, row 0). */
struct import_errors {
    char **lines;
    size_t *rows; /* each line's row */
    size_t count, capacity;
};

/* What an import did, counted in the file's rows: rows = changed + unchanged (for
 * registrations, changed and unchanged count units: units is their sum). */
struct import_summary {
    size_t rows, changed, unchanged, units;
    /* facts: rows stored whose unit's evaluation a rule made fail, one line per subject
     * ("row N: ... file:line: message"); the caller frees them with import_errors_free */
    struct import_errors evaluation_failed;
};

void import_error(struct import_errors *errors, size_t row, const char *column, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
void import_errors_free(struct import_errors *errors);
/* Orders the problems by row (the file's problems first), each row's in the order found. */
void import_errors_sort(struct import_errors *errors);

/* The size of a cell and of a row of any imported file (config limits.csv_cell_bytes and
 * limits.csv_row_bytes; 8 KiB and 64 KiB until set). */
void import_set_limits(size_t cell_bytes, size_t row_bytes);

/* Each returns 0 with summary filled, or -1 with errors filled. */
int import_units(struct store *st, const char *path, const char *actor,
                 struct import_summary *summary, struct import_errors *errors);
int import_people(struct store *st, const char *path, const char *actor,
                  struct import_summary *summary, struct import_errors *errors);
/* period,subject,code,fact,value rows (and an optional submitted_at): each (period,
 * subject, code) becomes one new facts version unless equal to the stored one — the latest
 * version with the file's facts over it (a correction keeps the facts it does not name), or
 * with `replace` the file's facts alone. An empty value cell is "not given". Values are read
 * by their fact's declared type and checked by the rules as the HTTP API checks them.
 * A rule failing on a unit's evaluation loses no row: the file is stored all the same and
 * summary->evaluation_failed names the rows of each subject concerned. */
int import_facts(struct store *st, const struct ruleset *rs, const char *path, const char *actor,
                 bool replace, struct import_summary *summary, struct import_errors *errors);

/* year,subject,code,title rows: titles held in the years before this system (a year a
 * ruleset in service covers is refused; titles must be declared by some year). */
int import_titles(struct store *st, const struct ruleset *rs, const char *path, const char *actor,
                  struct import_summary *summary, struct import_errors *errors);

/* year,subject,code,title rows (and an optional submitted_at, a date: the day a paper
 * form arrived): the targets units and people register (domain/registration.h). The
 * summary counts rows, and as changed/unchanged the units the rows concern: with a new
 * version, or as they were. */
int import_registrations(struct store *st, const struct ruleset *rs, const char *path,
                         const char *actor, struct import_summary *summary,
                         struct import_errors *errors);

#endif
