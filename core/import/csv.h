/* csv.h — a CSV file read whole, and the checks every import makes on it. Private to
 * core/import/. */
#ifndef THIDUA_IMPORT_CSV_H
#define THIDUA_IMPORT_CSV_H

#include <search.h>
#include <stdbool.h>
#include <stddef.h>

#include "import/headers.h"
#include "import/import.h"

/* A CSV file read whole: row 0 is the header. Fields are NUL-terminated UTF-8 in NFC. */
struct csv_table {
    char ***rows;
    size_t *widths;
    size_t *lines; /* each row's line number in the file (blank lines are skipped but counted) */
    size_t count, capacity;
    char separator; /* ',' or ';', as the header line uses */
    char stranger;  /* a tab or '|' in a header line with neither, else 0 */
};

/* Reads a whole file (a UTF-8 BOM is skipped; ',' or ';' between cells, whichever the header
 * line has more of). Returns -1 with errors filled on I/O or CSV syntax errors, and on cells
 * over the size limits, holding a control character or NUL, or not UTF-8 (each as "dòng N,
 * cột X: why"). Every cell is kept in Unicode NFC (util/text.h). */
int csv_table_read(const char *path, struct csv_table *table, struct import_errors *errors);
void csv_table_free(struct csv_table *table);

/* A column the import reads, found in the header by name or by an alias (headers.h). */
struct column_map {
    const char *name;
    bool required; /* the column must be in the header */
    int index;
    const char *label; /* how messages name it: its header in the file, else its name */
};

/* Finds every column of a `file`; a missing required one, or two headers for one column, is
 * a problem on row 1 (and a header line that is one cell, a separator problem). */
bool csv_map_columns(const struct csv_table *t, enum csv_file file, struct column_map *cols,
                     size_t ncols, struct import_errors *errors);
/* The trimmed field of a row, "" when the column is absent or the row short. */
const char *csv_field(const struct csv_table *t, size_t row, const struct column_map *col);

/* The rows of a table by one column's value, first occurrence winning. `only` keeps rows
 * whose `filter` column equals it (the heads of units), or every row when NULL. */
struct csv_index {
    struct hsearch_data table;
};
bool csv_index_build(struct csv_index *ix, const struct csv_table *t, const struct column_map *col,
                     const struct column_map *filter, const char *only);
/* The row whose column holds key, or -1. */
int csv_index_find(struct csv_index *ix, const char *key);
void csv_index_free(struct csv_index *ix);

/* Checks shared by the imports, each adding its problems to errors (row shape: as many
 * cells as the header). */
void csv_check_row_shape(const struct csv_table *t, size_t row, struct import_errors *errors);
void csv_check_code(const struct csv_table *t, size_t row, const struct column_map *col,
                    struct csv_index *codes, struct import_errors *errors);
/* A date cell (empty, YYYY-MM-DD or dd/mm/yyyy: cells.h) is rewritten as YYYY-MM-DD in the
 * table, or its problem reported; false when it is not a date. */
bool csv_check_date(struct csv_table *t, size_t row, const struct column_map *col,
                    struct import_errors *errors);
/* Each cell of a subject column spelled as cells.h reads it (đơn vị, cá nhân) becomes "unit"
 * or "person", in place; the others are left for the import to report (SUBJECT_EXPECTED). */
void csv_spell_subjects(struct csv_table *t, const struct column_map *col);
#define SUBJECT_EXPECTED "phải là unit (đơn vị) hoặc person (cá nhân)"
/* A boolean cell (cells.h; empty is false): 1 or 0, or -1 with its problem reported. */
int csv_check_bool(const struct csv_table *t, size_t row, const struct column_map *col,
                   struct import_errors *errors);
void csv_check_contact(const struct csv_table *t, size_t row, const struct column_map *email,
                       const struct column_map *phone, struct import_errors *errors);

#endif
