/* csv_import.h — all-or-nothing CSV import of units and people (and the table reader facts use). */
#ifndef THIDUA_CSV_IMPORT_H
#define THIDUA_CSV_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* A CSV file read whole: row 0 is the header. Fields are NUL-terminated UTF-8. */
struct csv_table {
    char ***rows;
    size_t *widths;
    size_t *lines; /* each row's line number in the file (blank lines are skipped but counted) */
    size_t count, capacity;
};

/* Collected problems, each "row N, column X: why". */
struct import_errors {
    char **lines;
    size_t count, capacity;
};

struct import_summary {
    size_t rows, changed, unchanged;
};

/* Reads a whole file (a UTF-8 BOM is skipped). Returns -1 with err on I/O or CSV syntax errors. */
int csv_table_read(const char *path, struct csv_table *table, char *err, size_t errlen);
void csv_table_free(struct csv_table *table);
/* Index of a header column, or -1. */
int csv_column(const struct csv_table *table, const char *name);

void import_error(struct import_errors *errors, size_t row, const char *column, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));
void import_errors_free(struct import_errors *errors);

/* Checks every row, then writes all of them in one transaction, or nothing.
 * Returns 0 on success; -1 with errors filled (or err for I/O trouble). */
int import_units(struct store *st, const char *path, const char *actor,
                 struct import_summary *summary, struct import_errors *errors);
int import_people(struct store *st, const char *path, const char *actor,
                  struct import_summary *summary, struct import_errors *errors);

/* Validators shared with the HTTP layer. */
bool valid_code(const char *code);
bool valid_date(const char *text); /* YYYY-MM-DD, a real calendar day */
bool valid_email(const char *text);
bool valid_utf8(const char *text);
/* Normalises a Vietnamese phone number to E.164 (+84...). Returns false if it is not one. */
bool phone_to_e164(const char *text, char *out, size_t outlen);

#endif
