/*
 * facts.c — facts.csv (period,subject,code,fact,value), one row per fact, as an
 * Office would collect them in a spreadsheet.
 *
 * Values are read by the declared type of their fact (booleans as every file spells them,
 * cells.h; an empty cell is "not given"), then each subject's facts are checked by the same
 * rules code the HTTP API uses, so a value refused over HTTP is refused here too, with its
 * row and column. The rows of one (period, subject, code) form that subject's facts: they
 * become one new version, unless equal to the latest stored version (so re-importing changes
 * nothing). The summary counts rows: changed are the rows of the subjects given a new
 * version. An optional submitted_at column (a date: YYYY-MM-DD or dd/mm/yyyy, local time)
 * dates a report received on paper, so lateness is judged on when the unit reported, not
 * when the Office typed it in.
 */

#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/submission.h"
#include "import/cells.h"
#include "import/csv.h"
#include "store/people.h"
#include "store/units.h"
#include "util/clock.h"
#include "util/validate.h"

struct fact_group {
    char key[96]; /* period, subject and code: the index's key */
    char period[32], subject[8], code[40];
    bool known;            /* the code names an existing unit or person */
    char submitted_at[40]; /* from the optional column, or "" for now */
    size_t nrows;          /* the file's rows for it */
    cJSON *facts;
    cJSON *rows; /* fact name -> row number, to place errors */
};

static const cJSON *declared_fact(struct rules_generation *gen, const char *subject,
                                  const char *name)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(rules_catalog(gen), "facts"))
    {
        if (strcmp(cJSON_GetObjectItemCaseSensitive(f, "name")->valuestring, name) == 0 &&
            strcmp(cJSON_GetObjectItemCaseSensitive(f, "subject")->valuestring, subject) == 0)
            return f;
    }
    return NULL;
}

/* Converts a spreadsheet cell to the JSON value of the fact's type; NULL if it cannot. */
static cJSON *cell_value(const cJSON *fact, const char *text)
{
    const char *type = cJSON_GetObjectItemCaseSensitive(fact, "type")->valuestring;
    if (strcmp(type, "boolean") == 0) {
        int b = cell_bool(text);
        return b < 0 ? NULL : cJSON_CreateBool(b);
    }
    if (strcmp(type, "integer") == 0) {
        char *end;
        long long v = strtoll(text, &end, 10);
        if (!text[0] || *end) return NULL;
        return cJSON_CreateNumber((double)v);
    }
    return cJSON_CreateString(text);
}

static void free_groups(struct fact_group *groups, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cJSON_Delete(groups[i].facts);
        cJSON_Delete(groups[i].rows);
    }
    free(groups);
}

enum { F_PERIOD, F_SUBJECT, F_CODE, F_FACT, F_VALUE, F_COUNT, F_AT = F_COUNT };
static const struct column_map fact_columns[F_COUNT + 1] = {
    {"period", true, -1, NULL}, {"subject", true, -1, NULL}, {"code", true, -1, NULL},
    {"fact", true, -1, NULL},   {"value", true, -1, NULL},   {"submitted_at", false, -1, NULL},
};

/* A facts import in progress: the groups, found by hsearch_r on "code/subject/period",
 * so the file is read in linear time. */
struct facts_import {
    struct store *st;
    const struct ruleset *rs; /* each row's period picks its year's rules */
    struct csv_table table;
    struct column_map cols[F_COUNT + 1];
    struct fact_group *groups;
    size_t ngroups;
    struct hsearch_data index;
    bool indexed;
    struct import_errors *errors;
};

/* The group of (period, subject, code), made on first sight. */
static struct fact_group *group_of(struct facts_import *fi, const char *const v[F_COUNT])
{
    char key[sizeof fi->groups->key];
    /* Code first: glibc's hsearch hash is dominated by a key's first bytes, and every row
     * shares its period. */
    snprintf(key, sizeof key, "%s\x1f%s\x1f%s", v[F_CODE], v[F_SUBJECT], v[F_PERIOD]);
    ENTRY probe = {key, NULL}, *found = NULL;
    if (hsearch_r(probe, FIND, &found, &fi->index) && found)
        return &fi->groups[(uintptr_t)found->data];
    struct fact_group *g = &fi->groups[fi->ngroups];
    bool unit = strcmp(v[F_SUBJECT], "unit") == 0;
    snprintf(g->key, sizeof g->key, "%s", key);
    snprintf(g->period, sizeof g->period, "%s", v[F_PERIOD]);
    snprintf(g->subject, sizeof g->subject, "%s", v[F_SUBJECT]);
    snprintf(g->code, sizeof g->code, "%s", v[F_CODE]);
    g->known = valid_code(v[F_CODE]) &&
               (unit ? units_exists(fi->st, v[F_CODE]) : people_exists(fi->st, v[F_CODE]));
    g->facts = cJSON_CreateObject();
    g->rows = cJSON_CreateObject();
    ENTRY entry = {g->key, (void *)(uintptr_t)fi->ngroups};
    hsearch_r(entry, ENTER, &found, &fi->index);
    fi->ngroups++;
    return g;
}

/* The row's cells (csv.c checked them as UTF-8). */
static void row_cells(struct facts_import *fi, size_t r, const char *v[F_COUNT])
{
    for (int i = 0; i < F_COUNT; i++)
        v[i] = csv_field(&fi->table, r, &fi->cols[i]);
}

/* A column as the file's header names it. */
static const char *label(const struct facts_import *fi, int column)
{
    return fi->cols[column].label;
}

/* Where a row belongs: its group and its declared fact; NULL when the row is refused. */
static struct fact_group *place_row(struct facts_import *fi, size_t r, const char *const v[],
                                    const cJSON **fact)
{
    size_t line = fi->table.lines[r];
    bool ok = true;
    struct fact_group *g = NULL;
    struct rules_generation *gen = ruleset_for_period(fi->rs, v[F_PERIOD]);
    if (!gen) {
        import_error(fi->errors, line, label(fi, F_PERIOD),
                     "\"%s\" không phải kỳ báo cáo của phong trào", v[F_PERIOD]);
        ok = false;
    }
    bool unit = strcmp(v[F_SUBJECT], "unit") == 0, person = strcmp(v[F_SUBJECT], "person") == 0;
    if (!unit && !person) {
        import_error(fi->errors, line, label(fi, F_SUBJECT), "\"%s\" " SUBJECT_EXPECTED,
                     v[F_SUBJECT]);
        return NULL;
    }
    if (ok) {
        g = group_of(fi, v);
        if (!g->known) {
            import_error(fi->errors, line, label(fi, F_CODE), "không có %s mã \"%s\"", v[F_SUBJECT],
                         v[F_CODE]);
            ok = false;
        }
    }
    *fact = declared_fact(gen ? gen : ruleset_newest(fi->rs), v[F_SUBJECT], v[F_FACT]);
    if (!*fact) {
        import_error(fi->errors, line, label(fi, F_FACT),
                     "bộ quy tắc không khai báo chỉ tiêu %s \"%s\"", v[F_SUBJECT], v[F_FACT]);
        ok = false;
    }
    return ok ? g : NULL;
}

/* The optional submitted_at cell: a date, the same for every row of a group. */
static bool check_submitted_at(struct facts_import *fi, size_t r, const char *const v[],
                               struct fact_group *g, const char **at)
{
    struct csv_table *t = &fi->table;
    if (!csv_check_date(t, r, &fi->cols[F_AT], fi->errors)) return false;
    *at = csv_field(t, r, &fi->cols[F_AT]); /* as YYYY-MM-DD */
    if ((*at)[0] && g->submitted_at[0] && strncmp(g->submitted_at, *at, 10) != 0) {
        char day[CLOCK_DATE_LEN];
        clock_date_vn(g->submitted_at, day);
        import_error(fi->errors, t->lines[r], label(fi, F_AT), "%s %s đã có ngày %s", v[F_SUBJECT],
                     v[F_CODE], day);
        return false;
    }
    return true;
}

/* Reads one row into its group. */
static void read_row(struct facts_import *fi, size_t r)
{
    const char *v[F_COUNT], *at;
    const cJSON *fact = NULL;
    size_t line = fi->table.lines[r];
    row_cells(fi, r, v);
    struct fact_group *g = place_row(fi, r, v, &fact);
    if (!g) return;
    g->nrows++;
    if (!v[F_VALUE][0]) return; /* an empty cell is "not given", never false or zero */
    cJSON *value = cell_value(fact, v[F_VALUE]);
    if (!value) {
        const char *type = cJSON_GetObjectItemCaseSensitive(fact, "type")->valuestring;
        if (strcmp(type, "boolean") == 0)
            import_error(fi->errors, line, label(fi, F_VALUE), "\"%s\" phải là %s", v[F_VALUE],
                         CELL_BOOLEANS);
        else
            import_error(fi->errors, line, label(fi, F_VALUE), "\"%s\" không phải giá trị kiểu %s",
                         v[F_VALUE], type);
        return;
    }
    if (!check_submitted_at(fi, r, v, g, &at)) {
        cJSON_Delete(value);
        return;
    }
    if (cJSON_GetObjectItemCaseSensitive(g->facts, v[F_FACT])) {
        int first = cJSON_GetObjectItemCaseSensitive(g->rows, v[F_FACT])->valueint;
        import_error(fi->errors, line, label(fi, F_FACT), "\"%s\" của %s %s đã có ở dòng %d",
                     v[F_FACT], v[F_SUBJECT], v[F_CODE], first);
        cJSON_Delete(value);
        return;
    }
    /* A paper report counts from the morning of the day it arrived. */
    if (at[0] && !g->submitted_at[0])
        clock_local_iso(at, CLOCK_ARRIVAL_HOUR, g->submitted_at, sizeof g->submitted_at);
    cJSON_AddItemToObject(g->facts, v[F_FACT], value);
    cJSON_AddNumberToObject(g->rows, v[F_FACT], (double)line);
}

/* The problems the rules found in one group, placed on their rows. */
static void report_problems(struct facts_import *fi, const struct fact_group *g,
                            const cJSON *problems)
{
    if (!problems) {
        import_error(fi->errors, 0, NULL, "bộ quy tắc không kiểm tra được chỉ tiêu của %s %s",
                     g->subject, g->code);
        return;
    }
    const cJSON *p;
    cJSON_ArrayForEach(p, problems)
    {
        const char *field = cJSON_GetObjectItemCaseSensitive(p, "field")->valuestring;
        const char *name = strncmp(field, "facts.", 6) == 0 ? field + 6 : field;
        const cJSON *row = cJSON_GetObjectItemCaseSensitive(g->rows, name);
        import_error(fi->errors, row ? (size_t)row->valueint : 0, label(fi, F_VALUE), "%s",
                     cJSON_GetObjectItemCaseSensitive(p, "message")->valuestring);
    }
}

/* The rules' own checks (ranges, enum values), placed on their rows: the groups of each
 * campaign year checked together (one process per year, not one per subject). */
static void validate_groups(struct facts_import *fi)
{
    struct facts_check *checks = calloc(fi->ngroups ? fi->ngroups : 1, sizeof *checks);
    size_t *which = calloc(fi->ngroups ? fi->ngroups : 1, sizeof *which);
    for (size_t y = 0; checks && which && y < fi->rs->count; y++) {
        struct rules_generation *gen = fi->rs->years[y].gen;
        size_t n = 0;
        for (size_t i = 0; i < fi->ngroups; i++) {
            struct fact_group *g = &fi->groups[i];
            if (!g->known || ruleset_for_period(fi->rs, g->period) != gen) continue;
            checks[n] = (struct facts_check){g->period, g->subject, g->code, g->facts, NULL};
            which[n++] = i;
        }
        if (n > 0) submission_check_facts_many(fi->st, gen, checks, n);
        for (size_t k = 0; k < n; k++) {
            report_problems(fi, &fi->groups[which[k]], checks[k].problems);
            cJSON_Delete(checks[k].problems);
        }
    }
    free(checks);
    free(which);
}

/* The first row of a group (0 when it has none). */
static size_t first_row(const struct fact_group *g)
{
    size_t first = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, g->rows)
    {
        if (first == 0 || (size_t)r->valueint < first) first = (size_t)r->valueint;
    }
    return first;
}

/* A unit reports only for periods in which it exists (domain/unit_periods.h): each group
 * for a unit closed before the period's last day (or opened after it), or for a person
 * that unit evaluates, is refused at its first row. */
static void check_units_exist(struct facts_import *fi)
{
    for (size_t i = 0; i < fi->ngroups; i++) {
        const struct fact_group *g = &fi->groups[i];
        if (!g->known) continue;
        char why[512];
        const struct submission s = {
            .period = g->period, .subject = g->subject, .code = g->code, .note = ""};
        if (!submission_unit_exists(fi->st, fi->rs, &s, why, sizeof why))
            import_error(fi->errors, first_row(g), label(fi, F_CODE), "%s", why);
    }
}

/* Stored groups whose unit's evaluation failed, one line each at the group's first row. */
static void note_failed_evaluations(const struct facts_import *fi,
                                    const struct submission_result *results,
                                    struct import_summary *summary)
{
    for (size_t i = 0; i < fi->ngroups; i++) {
        const struct fact_group *g = &fi->groups[i];
        if (!results[i].evaluation_error) continue;
        import_error(&summary->evaluation_failed, first_row(g), NULL,
                     "đã lưu chỉ tiêu của %s %s kỳ %s (phiên bản %d) nhưng đánh giá thất bại: %s",
                     g->subject, g->code, g->period, results[i].version,
                     results[i].evaluation_error);
    }
}

/* Every group as one submission, through the domain: one transaction. */
static int write_groups(struct facts_import *fi, const char *actor, bool replace,
                        struct import_summary *summary)
{
    size_t n = fi->ngroups;
    struct submission *subs = calloc(n ? n : 1, sizeof *subs);
    struct submission_result *results = calloc(n ? n : 1, sizeof *results);
    char err[1200];
    int rc = -1;
    if (!subs || !results) {
        import_error(fi->errors, 0, NULL, "hết bộ nhớ");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const struct fact_group *g = &fi->groups[i];
        subs[i] = (struct submission){.period = g->period,
                                      .subject = g->subject,
                                      .code = g->code,
                                      .facts = g->facts,
                                      .note = "import",
                                      .submitted_at = g->submitted_at[0] ? g->submitted_at : NULL};
    }
    const struct submission_options options = {
        .actor = actor, .action = "import", .skip_unchanged = true, .merge = !replace};
    enum submission_status status =
        submissions_apply(fi->st, fi->rs, subs, n, &options, results, err, sizeof err);
    if (status == SUBMISSION_BUSY)
        import_error(fi->errors, 0, NULL, "cơ sở dữ liệu đang bị một tiến trình khác khoá: %s",
                     err);
    else if (status == SUBMISSION_DISK_FULL)
        import_error(fi->errors, 0, NULL, "ổ đĩa chứa cơ sở dữ liệu đã đầy: %s", err);
    else if (status == SUBMISSION_READ_ONLY)
        import_error(fi->errors, 0, NULL, "cơ sở dữ liệu không ghi được: %s", err);
    else if (status == SUBMISSION_EVALUATION)
        import_error(fi->errors, 0, NULL, "đánh giá %s", err);
    else if (status == SUBMISSION_PERIOD_CLOSED || status == SUBMISSION_UNIT_ABSENT)
        import_error(fi->errors, 0, NULL, "%s", err);
    else if (status != SUBMISSION_OK)
        import_error(fi->errors, 0, NULL, "lỗi cơ sở dữ liệu: %s", err);
    if (status != SUBMISSION_OK) goto done;
    summary->rows = fi->table.count - 1;
    for (size_t i = 0; i < n; i++)
        if (results[i].stored) summary->changed += fi->groups[i].nrows;
    summary->unchanged = summary->rows - summary->changed;
    note_failed_evaluations(fi, results, summary);
    rc = 0;
done:
    if (results) submission_results_free(results, n);
    free(subs);
    free(results);
    return rc;
}

/* The header's columns, and room for the groups. */
static int begin_import(struct facts_import *fi)
{
    memcpy(fi->cols, fact_columns, sizeof fi->cols);
    if (!csv_map_columns(&fi->table, CSV_FACTS, fi->cols, F_COUNT + 1, fi->errors)) return -1;
    csv_spell_subjects(&fi->table, &fi->cols[F_SUBJECT]);
    fi->groups = calloc(fi->table.count, sizeof *fi->groups);
    fi->indexed = fi->groups && hcreate_r(fi->table.count * 2 + 16, &fi->index);
    if (fi->indexed) return 0;
    import_error(fi->errors, 0, NULL, "hết bộ nhớ");
    return -1;
}

int import_facts(struct store *st, const struct ruleset *rs, const char *path, const char *actor,
                 bool replace, struct import_summary *summary, struct import_errors *errors)
{
    struct facts_import fi = {.st = st, .rs = rs, .errors = errors};
    int rc = -1;
    memset(summary, 0, sizeof *summary);
    if (csv_table_read(path, &fi.table, errors) != 0) return -1;
    if (begin_import(&fi) != 0) goto done;
    for (size_t r = 1; r < fi.table.count; r++)
        read_row(&fi, r);
    validate_groups(&fi);
    check_units_exist(&fi);
    if (errors->count == 0) rc = write_groups(&fi, actor, replace, summary);
done:
    import_errors_sort(errors);
    if (fi.indexed) hdestroy_r(&fi.index);
    free_groups(fi.groups, fi.ngroups);
    csv_table_free(&fi.table);
    return rc;
}
