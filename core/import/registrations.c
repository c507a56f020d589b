/*
 * registrations.c — registrations.csv (year,subject,code,title, and optionally
 * submitted_at): the emulation targets units and people register, typed in from the
 * units' forms. A year must be one a ruleset in service runs; a title must be declared
 * there for the subject (a title, or a nomination list open to it); a person registers
 * with the unit they belonged to on the registration deadline (or today, if they joined
 * later). The summary counts rows, then units: changed (a new version) and unchanged.
 * Every row is checked first; the file is stored whole or not at all, each unit's
 * registration becoming a new version only when it changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/registration.h"
#include "import/csv.h"
#include "store/people.h"
#include "store/units.h"
#include "util/clock.h"
#include "util/validate.h"

enum { R_YEAR, R_SUBJECT, R_CODE, R_TITLE, R_AT, R_COUNT };

/* Why `title` does not fit `subject` in the year's catalog, or NULL when it does. */
static const char *title_problem(struct rules_generation *gen, const char *subject,
                                 const char *title)
{
    const cJSON *catalog = rules_catalog(gen), *t, *s;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(catalog, "titles"))
    {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(t, "code");
        if (!cJSON_IsString(code) || strcmp(code->valuestring, title) != 0) continue;
        s = cJSON_GetObjectItemCaseSensitive(t, "subject");
        return cJSON_IsString(s) && strcmp(s->valuestring, subject) == 0
                   ? NULL
                   : "không phải danh hiệu của đối tượng này";
    }
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(catalog, "nominations"))
    {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(t, "code");
        if (!cJSON_IsString(code) || strcmp(code->valuestring, title) != 0) continue;
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(t, "subjects"))
        {
            if (cJSON_IsString(s) && strcmp(s->valuestring, subject) == 0) return NULL;
        }
        return "không xét cho đối tượng này";
    }
    return "không phải danh hiệu hay hình thức khen thưởng nào của bộ quy tắc năm này";
}

/* The unit the row's subject registers with, into record->unit; false with an error. */
static bool find_unit(struct store *st, struct rules_generation *gen, size_t line,
                      const char *column, struct registration_record *record,
                      struct import_errors *errors)
{
    bool unit = strcmp(record->subject, "unit") == 0;
    if (unit ? !units_exists(st, record->code) : !people_exists(st, record->code)) {
        import_error(errors, line, column, "không có %s mã \"%s\"", unit ? "đơn vị" : "cá nhân",
                     record->code);
        return false;
    }
    char *theirs = unit ? strdup(record->code) : registration_unit_of_person(st, gen, record->code);
    if (!theirs) {
        import_error(errors, line, column, "cá nhân \"%s\" không thuộc đơn vị nào", record->code);
        return false;
    }
    snprintf(record->unit, sizeof record->unit, "%s", theirs);
    free(theirs);
    return true;
}

/* Checks one row; fills *record when it is clean. */
static bool check_row(struct store *st, const struct ruleset *rs, struct csv_table *t, size_t r,
                      const struct column_map *cols, struct registration_record *record,
                      struct import_errors *errors)
{
    size_t line = t->lines[r], before = errors->count;
    const char *year = csv_field(t, r, &cols[R_YEAR]), *subject = csv_field(t, r, &cols[R_SUBJECT]);
    const char *code = csv_field(t, r, &cols[R_CODE]), *title = csv_field(t, r, &cols[R_TITLE]);
    *record = (struct registration_record){atoi(year), subject, code, title, "", ""};
    struct rules_generation *gen = strlen(year) == 4 ? ruleset_of_year(rs, year) : NULL;
    if (!gen)
        import_error(errors, line, cols[R_YEAR].label,
                     "năm \"%s\" không có phong trào thi đua nào đang chạy", year);
    bool unit = strcmp(subject, "unit") == 0, person = strcmp(subject, "person") == 0;
    if (!unit && !person)
        import_error(errors, line, cols[R_SUBJECT].label, "\"%s\" " SUBJECT_EXPECTED, subject);
    if (!valid_code(code))
        import_error(errors, line, cols[R_CODE].label, "\"%s\" không phải một mã", code);
    bool dated = csv_check_date(t, r, &cols[R_AT], errors);
    const char *at = csv_field(t, r, &cols[R_AT]); /* as YYYY-MM-DD */
    if (dated && at[0])
        clock_local_iso(at, CLOCK_ARRIVAL_HOUR, record->submitted_at, sizeof record->submitted_at);
    if (!gen || (!unit && !person) || errors->count != before) return false;
    const char *why = title_problem(gen, subject, title);
    if (why) import_error(errors, line, cols[R_TITLE].label, "\"%s\" %s", title, why);
    find_unit(st, gen, line, cols[R_CODE].label, record, errors);
    return errors->count == before;
}

int import_registrations(struct store *st, const struct ruleset *rs, const char *path,
                         const char *actor, struct import_summary *summary,
                         struct import_errors *errors)
{
    struct column_map cols[R_COUNT] = {{"year", true, -1, NULL},
                                       {"subject", true, -1, NULL},
                                       {"code", true, -1, NULL},
                                       {"title", true, -1, NULL},
                                       {"submitted_at", false, -1, NULL}};
    struct csv_table table;
    char err[1024];
    memset(summary, 0, sizeof *summary);
    if (csv_table_read(path, &table, errors) != 0) return -1;
    struct registration_record *rows = calloc(table.count ? table.count : 1, sizeof *rows);
    size_t n = 0, units = 0, changed = 0;
    if (rows && csv_map_columns(&table, CSV_REGISTRATIONS, cols, R_COUNT, errors)) {
        csv_spell_subjects(&table, &cols[R_SUBJECT]);
        for (size_t r = 1; r < table.count; r++) {
            csv_check_row_shape(&table, r, errors);
            if (check_row(st, rs, &table, r, cols, &rows[n], errors)) n++;
        }
    }
    int rc = -1;
    if (!rows)
        import_error(errors, 0, NULL, "hết bộ nhớ");
    else if (errors->count == 0 &&
             registration_import(st, rs, rows, n, actor, &units, &changed, err, sizeof err) != 0)
        import_error(errors, 0, NULL, "%s", err);
    else if (errors->count == 0)
        rc = 0;
    if (rc == 0)
        *summary = (struct import_summary){
            .rows = n, .changed = changed, .unchanged = units - changed, .units = units};
    free(rows);
    csv_table_free(&table);
    import_errors_sort(errors);
    return rc;
}
