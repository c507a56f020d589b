/*
 * titles.c — titles.csv (year,subject,code,title): the titles units and people held in the
 * years before this system, so that conditions spanning years find them. A year a ruleset
 * of the system covers is refused (its titles are its year-end results); a title must be
 * one some ruleset in service declares (a title or a nomination list).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/titles.h"
#include "import/csv.h"
#include "store/people.h"
#include "store/units.h"

enum { T_YEAR, T_SUBJECT, T_CODE, T_TITLE, T_COUNT };

/* Whether some year in service declares `code` as a title or a nomination list. */
static bool declared_title(const struct ruleset *rs, const char *code)
{
    static const char *const lists[] = {"titles", "nominations"};
    for (size_t y = 0; y < rs->count; y++) {
        const cJSON *catalog = rules_catalog(rs->years[y].gen), *t;
        for (size_t l = 0; l < 2; l++) {
            cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(catalog, lists[l]))
            {
                const cJSON *c = cJSON_GetObjectItemCaseSensitive(t, "code");
                if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0) return true;
            }
        }
    }
    return false;
}

/* Checks one row; fills *record when it is clean. */
static bool check_row(struct store *st, const struct ruleset *rs, const struct csv_table *t,
                      size_t r, const struct column_map *cols, struct title_record *record,
                      struct import_errors *errors)
{
    size_t line = t->lines[r], before = errors->count;
    const char *year = csv_field(t, r, &cols[T_YEAR]), *subject = csv_field(t, r, &cols[T_SUBJECT]);
    const char *code = csv_field(t, r, &cols[T_CODE]), *title = csv_field(t, r, &cols[T_TITLE]);
    char *end;
    long y = strtol(year, &end, 10);
    if (strlen(year) != 4 || *end || y < 1945)
        import_error(errors, line, cols[T_YEAR].label, "\"%s\" không phải một năm (như 2024)",
                     year);
    else if (ruleset_of_year(rs, year))
        import_error(errors, line, cols[T_YEAR].label,
                     "năm %s do hệ thống chấm điểm: danh hiệu của năm này là kết quả cuối năm, "
                     "không nhập từ tệp",
                     year);
    bool unit = strcmp(subject, "unit") == 0, person = strcmp(subject, "person") == 0;
    if (!unit && !person)
        import_error(errors, line, cols[T_SUBJECT].label, "\"%s\" " SUBJECT_EXPECTED, subject);
    else if (unit ? !units_exists(st, code) : !people_exists(st, code))
        import_error(errors, line, cols[T_CODE].label, "không có %s mã \"%s\"",
                     unit ? "đơn vị" : "cá nhân", code);
    if (!declared_title(rs, title))
        import_error(errors, line, cols[T_TITLE].label,
                     "\"%s\" không phải danh hiệu hay hình thức khen thưởng nào của bộ quy tắc",
                     title);
    *record = (struct title_record){(int)y, subject, code, title};
    return errors->count == before;
}

/* The results of the years after the earliest imported one read these titles: they are
 * recomputed now (open periods only), so no stored result lags behind its inputs. */
static int recompute_later_years(struct store *st, const struct ruleset *rs,
                                 const struct title_record *rows, size_t n,
                                 struct import_errors *errors)
{
    int earliest = 0;
    for (size_t i = 0; i < n; i++)
        if (!earliest || rows[i].year < earliest) earliest = rows[i].year;
    char err[1024];
    if (!n || ruleset_recompute_after(rs, st, earliest, err, sizeof err) >= 0) return 0;
    import_error(errors, 0, NULL, "đã nhập danh hiệu nhưng chưa tính lại được kết quả: %s", err);
    return -1;
}

int import_titles(struct store *st, const struct ruleset *rs, const char *path, const char *actor,
                  struct import_summary *summary, struct import_errors *errors)
{
    struct column_map cols[T_COUNT] = {{"year", true, -1, NULL},
                                       {"subject", true, -1, NULL},
                                       {"code", true, -1, NULL},
                                       {"title", true, -1, NULL}};
    struct csv_table table;
    char err[1024];
    memset(summary, 0, sizeof *summary);
    if (csv_table_read(path, &table, errors) != 0) return -1;
    struct title_record *rows = calloc(table.count ? table.count : 1, sizeof *rows);
    size_t n = 0;
    if (rows && csv_map_columns(&table, CSV_TITLES, cols, T_COUNT, errors)) {
        csv_spell_subjects(&table, &cols[T_SUBJECT]);
        for (size_t r = 1; r < table.count; r++) {
            csv_check_row_shape(&table, r, errors);
            if (check_row(st, rs, &table, r, cols, &rows[n], errors)) n++;
        }
    }
    size_t added = 0;
    int rc = -1;
    if (!rows)
        import_error(errors, 0, NULL, "hết bộ nhớ");
    else if (errors->count == 0 && titles_put(st, rows, n, actor, &added, err, sizeof err) != 0)
        import_error(errors, 0, NULL, "%s", err);
    else if (errors->count == 0)
        rc = recompute_later_years(st, rs, rows, n, errors);
    if (rc == 0)
        *summary = (struct import_summary){.rows = n, .changed = added, .unchanged = n - added};
    free(rows);
    csv_table_free(&table);
    import_errors_sort(errors);
    return rc;
}
