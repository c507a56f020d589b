/* headers.h — the header of an imported file as a clerk types it: each kind of file's
 * Vietnamese aliases of its columns, and headers compared regardless of case, accents and
 * spacing. Private to core/import/. */
#ifndef THIDUA_IMPORT_HEADERS_H
#define THIDUA_IMPORT_HEADERS_H

/* The kinds of file `thiduad import` reads. */
enum csv_file { CSV_UNITS, CSV_PEOPLE, CSV_FACTS, CSV_TITLES, CSV_REGISTRATIONS };

/* The headers a `file` may give its column `name` besides the name itself, NULL-terminated
 * (an empty list when it has none). */
const char *const *header_aliases(enum csv_file file, const char *name);

/* A header as compared: unaccented, ASCII letters in lower case, each run of spaces, '_',
 * '-' and '.' one '_', none at either end ("Mã đơn vị" and "ma_don_vi" both give
 * "ma_don_vi"). Malloc'd; NULL on invalid UTF-8 or no memory. */
char *header_key(const char *text);

#endif
