/*
 * facts_import.c — facts.csv (period,subject,code,fact,value), one row per fact, as an
 * Office would collect them in a spreadsheet.
 *
 * Values are read by the declared type of their fact (booleans as 1/0, true/false, có/không,
 * x or empty), then each subject's facts are checked by the same rules code the HTTP API
 * uses, so a value refused over HTTP is refused here too, with its row and column. The
 * rows of one (period, subject, code) form that subject's facts: they become one new
 * version, unless equal to the latest stored version (so re-importing changes nothing).
 * An optional submitted_at column (YYYY-MM-DD, local time) dates a report received on paper,
 * so lateness is judged on when the unit reported, not when the Office typed it in.
 */
#define _GNU_SOURCE /* hsearch_r */
#include "facts_import.h"

#include <search.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evaluation.h"
#include "model.h"

struct fact_group {
    char key[96]; /* period, subject and code: the index's key */
    char period[32], subject[8], code[40];
    bool known;            /* the code names an existing unit or person */
    char submitted_at[40]; /* from the optional column, or "" for now */
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
        static const char *const yes[] = {"1", "true", "x", "có", "co", "yes", "TRUE"};
        static const char *const no[] = {"0", "false", "", "không", "khong", "no", "FALSE"};
        for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
            if (strcasecmp(text, yes[i]) == 0) return cJSON_CreateTrue();
        for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
            if (strcasecmp(text, no[i]) == 0) return cJSON_CreateFalse();
        return NULL;
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

int import_facts(struct store *st, struct rules_generation *gen, const char *path,
                 const char *actor, struct import_summary *summary, struct import_errors *errors)
{
    struct csv_table t;
    char err[1024];
    memset(summary, 0, sizeof *summary);
    if (csv_table_read(path, &t, err, sizeof err) != 0) {
        import_error(errors, 0, NULL, "%s", err);
        return -1;
    }
    static const char *const names[] = {"period", "subject", "code", "fact", "value"};
    int col[5];
    for (int i = 0; i < 5; i++) {
        col[i] = csv_column(&t, names[i]);
        if (col[i] < 0) import_error(errors, 1, names[i], "dòng tiêu đề thiếu cột này");
    }
    int at_col = csv_column(&t, "submitted_at");
    if (errors->count) {
        csv_table_free(&t);
        return -1;
    }
    /* Groups found by hsearch_r on "code/subject/period": linear in the file's size. */
    struct fact_group *groups = calloc(t.count, sizeof *groups);
    size_t ngroups = 0;
    struct hsearch_data index;
    memset(&index, 0, sizeof index);
    if (groups && !hcreate_r(t.count * 2 + 16, &index)) {
        free(groups);
        groups = NULL;
    }
    for (size_t r = 1; r < t.count && groups; r++) {
        const char *v[5];
        for (int i = 0; i < 5; i++) {
            v[i] = (size_t)col[i] < t.widths[r] ? t.rows[r][col[i]] : "";
            if (!valid_utf8(v[i])) {
                import_error(errors, t.lines[r], names[i], "không phải UTF-8");
                v[i] = "";
            }
        }
        bool ok = true;
        if (!rules_period(gen, v[0])) {
            import_error(errors, t.lines[r], "period",
                         "\"%s\" không phải kỳ báo cáo của phong trào", v[0]);
            ok = false;
        }
        bool unit = strcmp(v[1], "unit") == 0, person = strcmp(v[1], "person") == 0;
        struct fact_group *g = NULL;
        if (!unit && !person) {
            import_error(errors, t.lines[r], "subject", "\"%s\" phải là unit hoặc person", v[1]);
            ok = false;
        } else if (ok) {
            char key[sizeof g->key];
            /* Code first: glibc's hsearch hash is dominated by a key's first bytes, and
             * every row shares its period. */
            snprintf(key, sizeof key, "%s\x1f%s\x1f%s", v[2], v[1], v[0]);
            ENTRY probe = {key, NULL}, *found = NULL;
            if (hsearch_r(probe, FIND, &found, &index) && found) {
                g = &groups[(uintptr_t)found->data];
            } else {
                g = &groups[ngroups];
                snprintf(g->key, sizeof g->key, "%s", key);
                snprintf(g->period, sizeof g->period, "%s", v[0]);
                snprintf(g->subject, sizeof g->subject, "%s", v[1]);
                snprintf(g->code, sizeof g->code, "%s", v[2]);
                g->known = valid_code(v[2]) &&
                           (unit ? model_unit_exists(st, v[2]) : model_person_exists(st, v[2]));
                g->facts = cJSON_CreateObject();
                g->rows = cJSON_CreateObject();
                ENTRY entry = {g->key, (void *)(uintptr_t)ngroups};
                hsearch_r(entry, ENTER, &found, &index);
                ngroups++;
            }
            if (!g->known) {
                import_error(errors, t.lines[r], "code", "không có %s mã \"%s\"", v[1], v[2]);
                ok = false;
            }
        }
        const cJSON *fact = (unit || person) ? declared_fact(gen, v[1], v[3]) : NULL;
        if ((unit || person) && !fact) {
            import_error(errors, t.lines[r], "fact", "bộ quy tắc không khai báo chỉ tiêu %s \"%s\"",
                         v[1], v[3]);
            ok = false;
        }
        if (!ok) continue;
        cJSON *value = cell_value(fact, v[4]);
        if (!value) {
            import_error(errors, t.lines[r], "value", "\"%s\" không phải giá trị kiểu %s", v[4],
                         cJSON_GetObjectItemCaseSensitive(fact, "type")->valuestring);
            continue;
        }
        const char *at = at_col >= 0 && (size_t)at_col < t.widths[r] ? t.rows[r][at_col] : "";
        if (at[0] && !valid_date(at)) {
            import_error(errors, t.lines[r], "submitted_at",
                         "\"%s\" không phải ngày dạng YYYY-MM-DD", at);
            cJSON_Delete(value);
            continue;
        }
        if (at[0] && g->submitted_at[0] && strncmp(g->submitted_at, at, 10) != 0) {
            import_error(errors, t.lines[r], "submitted_at", "%s %s đã có ngày %.10s", v[1], v[2],
                         g->submitted_at);
            cJSON_Delete(value);
            continue;
        }
        if (cJSON_GetObjectItemCaseSensitive(g->facts, v[3])) {
            int first = cJSON_GetObjectItemCaseSensitive(g->rows, v[3])->valueint;
            import_error(errors, t.lines[r], "fact", "\"%s\" của %s %s đã có ở dòng %d", v[3], v[1],
                         v[2], first);
            cJSON_Delete(value);
            continue;
        }
        if (at[0] && !g->submitted_at[0])
            snprintf(g->submitted_at, sizeof g->submitted_at, "%sT08:00:00+07:00", at);
        cJSON_AddItemToObject(g->facts, v[3], value);
        cJSON_AddNumberToObject(g->rows, v[3], (double)t.lines[r]);
    }
    hdestroy_r(&index);
    /* The rules' own checks (ranges, enum values), placed on their rows. */
    for (size_t i = 0; i < ngroups; i++) {
        if (!groups[i].known) continue;
        cJSON *problems = rules_validate_facts(gen, groups[i].subject, groups[i].facts);
        if (!problems) {
            import_error(errors, 0, NULL, "bộ quy tắc không kiểm tra được chỉ tiêu của %s %s",
                         groups[i].subject, groups[i].code);
            continue;
        }
        const cJSON *p;
        cJSON_ArrayForEach(p, problems)
        {
            const char *field = cJSON_GetObjectItemCaseSensitive(p, "field")->valuestring;
            const char *name = strncmp(field, "facts.", 6) == 0 ? field + 6 : field;
            const cJSON *row = cJSON_GetObjectItemCaseSensitive(groups[i].rows, name);
            import_error(errors, row ? (size_t)row->valueint : 0, "value", "%s",
                         cJSON_GetObjectItemCaseSensitive(p, "message")->valuestring);
        }
        cJSON_Delete(problems);
    }
    csv_table_free(&t);
    if (!groups || errors->count) {
        free_groups(groups, ngroups);
        return -1;
    }
    if (store_begin(st) != 0) {
        import_error(errors, 0, NULL, "cơ sở dữ liệu đang bận: %s", sqlite3_errmsg(store_db(st)));
        free_groups(groups, ngroups);
        return -1;
    }
    size_t changed = 0;
    int rc = 0;
    cJSON *touched = cJSON_CreateObject(); /* "period\tunit" -> true */
    for (size_t i = 0; i < ngroups && rc == 0; i++) {
        struct fact_group *g = &groups[i];
        cJSON *latest = model_facts_latest(st, g->period, g->subject, g->code, NULL, NULL, 0);
        bool same = latest && cJSON_Compare(latest, g->facts, 1);
        cJSON_Delete(latest);
        if (same) continue;
        char *text = cJSON_PrintUnformatted(g->facts);
        char now[40];
        store_now(now, sizeof now);
        rc = model_facts_append_at(st, g->period, g->subject, g->code, text, "import", actor,
                                   g->submitted_at[0] ? g->submitted_at : now) > 0
                 ? 0
                 : -1;
        free(text);
        if (rc == 0) rc = model_audit(st, actor, "import", g->subject, g->code, NULL);
        changed++;
        char *unit =
            strcmp(g->subject, "unit") == 0 ? strdup(g->code) : model_person_unit(st, g->code);
        char key[128];
        snprintf(key, sizeof key, "%s\t%s", g->period, unit ? unit : "");
        if (unit && !cJSON_GetObjectItemCaseSensitive(touched, key))
            cJSON_AddTrueToObject(touched, key);
        free(unit);
    }
    const cJSON *k;
    cJSON_ArrayForEach(k, touched)
    {
        if (rc != 0) break;
        char period[32];
        const char *tab = strchr(k->string, '\t');
        snprintf(period, sizeof period, "%.*s", (int)(tab - k->string), k->string);
        struct rules_results results;
        if (evaluation_of_unit(st, gen, period, tab + 1, true, &results, err, sizeof err) != 0) {
            import_error(errors, 0, NULL, "đánh giá %s %s: %s", period, tab + 1, err);
            rc = -1;
        }
        rules_results_free(&results);
    }
    cJSON_Delete(touched);
    if (rc == 0 && store_commit(st) != 0) rc = -1;
    if (rc != 0) {
        if (!errors->count)
            import_error(errors, 0, NULL, "lỗi cơ sở dữ liệu: %s", sqlite3_errmsg(store_db(st)));
        store_rollback(st);
    } else {
        summary->rows = ngroups;
        summary->changed = changed;
        summary->unchanged = ngroups - changed;
    }
    free_groups(groups, ngroups);
    return rc;
}
