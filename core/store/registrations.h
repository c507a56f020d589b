/* registrations.h — the registrations table: each unit's registered emulation targets for a
 * campaign year (its own titles and its people's), kept as append-only versions. */
#ifndef THIDUA_STORE_REGISTRATIONS_H
#define THIDUA_STORE_REGISTRATIONS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

/* One stored version. */
struct registration_row {
    int year;
    const char *unit;
    const char *targets; /* JSON {"titles": [...], "people": {code: [...]}} */
    const char *note;
    const char *submitted_at; /* "YYYY-MM-DDTHH:MM:SS+07:00", or a date for a paper form */
    const char *submitted_by;
};

/* The latest version of a unit's registration for a year: its targets parsed (caller frees)
 * and its number in *version; NULL with *version 0 when the unit has not registered (or
 * the store fails: *version -1). */
cJSON *registrations_latest(struct store *st, int year, const char *unit, int *version);

/* Appends version `version` (the caller holds the transaction). 0 or -1. */
int registrations_append(struct store *st, const struct registration_row *row, int version);

/* The time of a unit's first registration for a year into at; false when it has none. */
bool registrations_first(struct store *st, int year, const char *unit, char *at, size_t len);

/* Every unit's latest registration for a year: {unit: {"targets", "version",
 * "registered_at" (first version), "updated_at" (latest)}}. NULL when the store fails. */
cJSON *registrations_of_year(struct store *st, int year);

/* Units expected to register (all but the department, existing on `due`), sorted by code:
 * [{code, name, email, phone, registered_at|null, head? {code, full_name, email, phone}}].
 * NULL when the store fails. */
cJSON *registrations_expected(struct store *st, int year, const char *due);

#endif
