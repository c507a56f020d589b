/*
 * registration.c — registering emulation targets (đăng ký thi đua): checking what a unit
 * registers for itself and its people against the year's ruleset, storing it as a new
 * version with its audit line, the CSV import's rows, and the registration in a period's
 * status. Registered against achieved is registration_summary.c's.
 *
 * The law makes registration the start of the movement: units and people register the
 * titles they aim for, by the date the plan sets (campaign.registration_due; the plan
 * says the first quarter). A deadline on a day off ends at the end of the next working day
 * (Bộ luật Dân sự 2015, Điều 148).
 */
#include "domain/registration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/periods.h"
#include "domain/status.h"
#include "store/audit.h"
#include "store/memberships.h"
#include "store/people.h"
#include "store/registrations.h"
#include "util/json_text.h"
#include "util/validate.h"
#include "util/json_print.h"

#define MESSAGE_LEN 300

bool registration_deadline(struct rules_generation *gen, char due[CLOCK_DATE_LEN],
                           char effective_due[CLOCK_DATE_LEN])
{
    char err[256];
    cJSON *deadlines = rules_deadlines(gen, err, sizeof err);
    bool found = false;
    const cJSON *d;
    cJSON_ArrayForEach(d, deadlines)
    {
        if (found || strcmp(json_text(d, "kind"), "registration") != 0) continue;
        snprintf(due, CLOCK_DATE_LEN, "%s", json_text(d, "due"));
        snprintf(effective_due, CLOCK_DATE_LEN, "%s", json_text(d, "effective_due"));
        found = true;
    }
    cJSON_Delete(deadlines);
    return found;
}

char *registration_unit_of_person(struct store *st, struct rules_generation *gen,
                                  const char *person)
{
    char due[CLOCK_DATE_LEN], effective[CLOCK_DATE_LEN];
    char *unit = registration_deadline(gen, due, effective)
                     ? memberships_unit_on(st, person, effective)
                     : NULL;
    if (unit) return unit;
    char *since = NULL;
    unit = memberships_open_unit(st, person, &since);
    free(since);
    return unit;
}

/* NULL when `title` may be registered by `subject` in this ruleset, else why not. */
static const char *title_problem(struct rules_generation *gen, const char *subject,
                                 const char *title)
{
    const cJSON *catalog = rules_catalog(gen), *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(catalog, "titles"))
    {
        if (strcmp(json_text(t, "code"), title) != 0) continue;
        return strcmp(json_text(t, "subject"), subject) == 0
                   ? NULL
                   : (strcmp(subject, "unit") == 0 ? "là danh hiệu cá nhân, không của tập thể"
                                                   : "là danh hiệu tập thể, không của cá nhân");
    }
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(catalog, "nominations"))
    {
        if (strcmp(json_text(t, "code"), title) != 0) continue;
        const cJSON *s;
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(t, "subjects"))
        {
            if (cJSON_IsString(s) && strcmp(s->valuestring, subject) == 0) return NULL;
        }
        return "không xét cho đối tượng này";
    }
    return "không phải danh hiệu hay hình thức khen thưởng nào của bộ quy tắc năm này";
}

static void detail(cJSON *details, const char *field, const char *message)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "field", field);
    cJSON_AddStringToObject(d, "message", message);
    cJSON_AddItemToArray(details, d);
}

/* Checks one list of titles at `field`; returns how many titles it holds. */
static int check_titles(struct rules_generation *gen, const char *subject, const cJSON *list,
                        const char *field, cJSON *details)
{
    char msg[MESSAGE_LEN];
    if (!cJSON_IsArray(list)) {
        snprintf(msg, sizeof msg, "%s phải là danh sách mã danh hiệu, ví dụ [\"LDTT\"]", field);
        detail(details, field, msg);
        return 0;
    }
    int count = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, list)
    {
        const char *why = !cJSON_IsString(t) || !valid_code(t->valuestring)
                              ? "không phải mã danh hiệu"
                              : title_problem(gen, subject, t->valuestring);
        if (why) {
            snprintf(msg, sizeof msg, "%s: \"%.40s\" %s", field,
                     cJSON_IsString(t) ? t->valuestring : "?", why);
            detail(details, field, msg);
        }
        count++;
    }
    return count;
}

/* Checks that a person exists and registers with `unit`. */
static void check_person(struct store *st, struct rules_generation *gen, const char *unit,
                         const char *person, const char *field, cJSON *details)
{
    char msg[MESSAGE_LEN];
    char *theirs = valid_code(person) && people_exists(st, person)
                       ? registration_unit_of_person(st, gen, person)
                       : NULL;
    if (!theirs)
        snprintf(msg, sizeof msg, "không có cá nhân mã \"%.40s\"", person);
    else if (strcmp(theirs, unit) != 0)
        snprintf(msg, sizeof msg,
                 "%s thuộc đơn vị %s, không thuộc %s: đơn vị %s đăng ký cho "
                 "cá nhân này",
                 person, theirs, unit, theirs);
    if (!theirs || strcmp(theirs, unit) != 0) detail(details, field, msg);
    free(theirs);
}

cJSON *registration_check(struct store *st, struct rules_generation *gen, const char *unit,
                          const cJSON *body)
{
    cJSON *details = cJSON_CreateArray();
    char field[MESSAGE_LEN];
    for (const cJSON *f = body->child; f; f = f->next)
        if (strcmp(f->string, "titles") && strcmp(f->string, "people") && strcmp(f->string, "note"))
            detail(details, f->string, "trường này không được nhận (chỉ có titles, people, note)");
    const cJSON *titles = cJSON_GetObjectItemCaseSensitive(body, "titles");
    const cJSON *people = cJSON_GetObjectItemCaseSensitive(body, "people");
    const cJSON *note = cJSON_GetObjectItemCaseSensitive(body, "note");
    if (note && !cJSON_IsNull(note) && !cJSON_IsString(note))
        detail(details, "note", "note phải là chuỗi ký tự");
    int count = titles ? check_titles(gen, "unit", titles, "titles", details) : 0;
    if (people && !cJSON_IsObject(people)) {
        detail(details, "people", "people phải là đối tượng {\"mã cá nhân\": [\"LDTT\", ...]}");
    } else if (people) {
        const cJSON *p;
        cJSON_ArrayForEach(p, people)
        {
            snprintf(field, sizeof field, "people.%.60s", p->string);
            check_person(st, gen, unit, p->string, field, details);
            count += check_titles(gen, "person", p, field, details);
        }
    }
    if (count == 0 && cJSON_GetArraySize(details) == 0)
        detail(details, "titles",
               "đăng ký không có danh hiệu nào: cần ít nhất một danh hiệu "
               "cho đơn vị hoặc cho một cá nhân");
    return details;
}

/* A list of title codes, sorted and without repeats (a stored version compares equal to
 * the same registration written in another order). */
static cJSON *sorted_titles(const cJSON *list)
{
    size_t n = (size_t)cJSON_GetArraySize(list), k = 0;
    const char **codes = calloc(n ? n : 1, sizeof *codes);
    const cJSON *t;
    cJSON_ArrayForEach(t, list)
    {
        if (!cJSON_IsString(t)) continue;
        size_t at = 0;
        while (at < k && strcmp(codes[at], t->valuestring) < 0)
            at++;
        if (at < k && strcmp(codes[at], t->valuestring) == 0) continue;
        memmove(codes + at + 1, codes + at, (k - at) * sizeof *codes);
        codes[at] = t->valuestring;
        k++;
    }
    cJSON *out = cJSON_CreateArray();
    for (size_t i = 0; i < k; i++)
        cJSON_AddItemToArray(out, cJSON_CreateString(codes[i]));
    free(codes);
    return out;
}

static int by_key(const void *a, const void *b)
{
    return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

/* {"titles": [...], "people": {code: [...]}} in a canonical order; a person without titles
 * is left out. */
static cJSON *canonical_targets(const cJSON *titles, const cJSON *people)
{
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "titles", sorted_titles(titles));
    cJSON *sorted = cJSON_AddObjectToObject(out, "people");
    size_t n = (size_t)cJSON_GetArraySize(people), k = 0;
    const cJSON **items = calloc(n ? n : 1, sizeof *items);
    const cJSON *p;
    cJSON_ArrayForEach(p, people) items[k++] = p;
    qsort(items, k, sizeof *items, by_key);
    for (size_t i = 0; i < k; i++) {
        cJSON *list = sorted_titles(items[i]);
        if (cJSON_GetArraySize(list) > 0)
            cJSON_AddItemToObject(sorted, items[i]->string, list);
        else
            cJSON_Delete(list);
    }
    free(items);
    return out;
}

/* True when the campaign's last period is closed: its results are records, and so is what
 * they are compared with. */
static bool year_closed(struct store *st, struct rules_generation *gen, char *period, size_t len)
{
    const cJSON *p, *last = NULL;
    cJSON_ArrayForEach(p, rules_periods(gen))
    {
        if (!last || strcmp(json_text(p, "to"), json_text(last, "to")) > 0) last = p;
    }
    snprintf(period, len, "%s", json_text(last, "code"));
    return last && period_is_closed(st, period);
}

/* Stores targets as the unit's next version unless equal to the latest (the caller holds
 * the transaction). 1 when stored, 0 when unchanged, -1 when the store fails. */
static int write_version(struct store *st, int year, const char *unit, const cJSON *targets,
                         const char *note, const char *actor, const char *at, const char *action,
                         int *version)
{
    cJSON *latest = registrations_latest(st, year, unit, version);
    if (*version < 0) return -1;
    bool same = latest && cJSON_Compare(latest, targets, true);
    cJSON_Delete(latest);
    if (same) return 0;
    char now[CLOCK_ISO_LEN], detail_json[96];
    if (at && *at)
        snprintf(now, sizeof now, "%s", at);
    else
        clock_now_iso(now, sizeof now);
    char *text = json_print(targets);
    struct registration_row row = {year, unit, text, note, now, actor};
    int rc = text ? registrations_append(st, &row, *version + 1) : -1;
    cJSON_free(text);
    if (rc != 0) return -1;
    (*version)++;
    snprintf(detail_json, sizeof detail_json, "{\"year\":%d,\"version\":%d}", year, *version);
    return audit_append(st, actor, action, "registration", unit, detail_json) == 0 ? 1 : -1;
}

/* Fills the result's first registration time and lateness. */
static void fill_result(struct store *st, struct rules_generation *gen, int year, const char *unit,
                        struct registration_result *out)
{
    char due[CLOCK_DATE_LEN], effective[CLOCK_DATE_LEN];
    out->registered_at[0] = '\0';
    registrations_first(st, year, unit, out->registered_at, sizeof out->registered_at);
    out->late =
        registration_deadline(gen, due, effective) && status_is_late(out->registered_at, effective);
}

enum registration_status registration_put(struct store *st, struct rules_generation *gen,
                                          const char *unit, const cJSON *body, const char *actor,
                                          struct registration_result *out,
                                          enum store_failure *failure, char *err, size_t errlen)
{
    char closed[32];
    memset(out, 0, sizeof *out);
    *failure = STORE_FAILURE_NONE;
    if (year_closed(st, gen, closed, sizeof closed)) {
        snprintf(err, errlen, "kỳ %s đã khoá sổ: đăng ký thi đua năm %d là hồ sơ, không sửa được",
                 closed, rules_year(gen));
        return REGISTRATION_YEAR_CLOSED;
    }
    cJSON *targets = canonical_targets(cJSON_GetObjectItemCaseSensitive(body, "titles"),
                                       cJSON_GetObjectItemCaseSensitive(body, "people"));
    const char *note = json_text(body, "note");
    int rc = store_begin(st) == 0 ? write_version(st, rules_year(gen), unit, targets, note, actor,
                                                  NULL, "register", &out->version)
                                  : -1;
    cJSON_Delete(targets);
    if (rc >= 0 && store_commit(st) == 0) {
        out->changed = rc == 1;
        fill_result(st, gen, rules_year(gen), unit, out);
        return REGISTRATION_OK;
    }
    *failure = store_failure(st);
    snprintf(err, errlen, "%s", store_errmsg(st));
    store_rollback(st);
    return REGISTRATION_STORE_FAILED;
}

static int by_group(const void *a, const void *b)
{
    const struct registration_record *x = *(const struct registration_record *const *)a;
    const struct registration_record *y = *(const struct registration_record *const *)b;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    int c = strcmp(x->unit, y->unit);
    if (c) return c;
    c = strcmp(x->subject, y->subject);
    return c ? c : strcmp(x->code, y->code);
}

/* The targets of one unit after the import's rows [first, end): each subject they name gets
 * exactly their titles; the others keep the latest version's. */
static cJSON *merged_targets(const cJSON *latest, const struct registration_record *const *rows,
                             size_t first, size_t end)
{
    cJSON *titles = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(latest, "titles"), 1);
    cJSON *people = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(latest, "people"), 1);
    if (!titles) titles = cJSON_CreateArray();
    if (!people) people = cJSON_CreateObject();
    bool unit_named = false;
    for (size_t i = first; i < end; i++) {
        const struct registration_record *r = rows[i];
        if (strcmp(r->subject, "unit") == 0) {
            if (!unit_named) cJSON_Delete(titles), titles = cJSON_CreateArray();
            unit_named = true;
            cJSON_AddItemToArray(titles, cJSON_CreateString(r->title));
            continue;
        }
        bool first_of_person = i == first || strcmp(rows[i - 1]->subject, "person") != 0 ||
                               strcmp(rows[i - 1]->code, r->code) != 0;
        if (first_of_person) cJSON_DeleteItemFromObjectCaseSensitive(people, r->code);
        cJSON *list = cJSON_GetObjectItemCaseSensitive(people, r->code);
        if (!list) list = cJSON_AddArrayToObject(people, r->code);
        cJSON_AddItemToArray(list, cJSON_CreateString(r->title));
    }
    cJSON *out = canonical_targets(titles, people);
    cJSON_Delete(titles);
    cJSON_Delete(people);
    return out;
}

/* Writes the rows, grouped by (year, unit), inside the caller's transaction. */
static int import_groups(struct store *st, const struct registration_record *const *rows, size_t n,
                         const char *actor, size_t *units, size_t *changed)
{
    for (size_t first = 0, end; first < n; first = end) {
        for (end = first + 1; end < n && rows[end]->year == rows[first]->year &&
                              strcmp(rows[end]->unit, rows[first]->unit) == 0;
             end++)
            ;
        int version;
        (*units)++;
        cJSON *latest = registrations_latest(st, rows[first]->year, rows[first]->unit, &version);
        if (version < 0) return -1;
        cJSON *targets = merged_targets(latest, rows, first, end);
        cJSON_Delete(latest);
        const char *at = NULL;
        for (size_t i = first; i < end; i++)
            if (rows[i]->submitted_at[0] && (!at || strcmp(rows[i]->submitted_at, at) < 0))
                at = rows[i]->submitted_at;
        int rc = write_version(st, rows[first]->year, rows[first]->unit, targets, "", actor, at,
                               "import", &version);
        cJSON_Delete(targets);
        if (rc < 0) return -1;
        *changed += (size_t)rc;
    }
    return 0;
}

int registration_import(struct store *st, const struct ruleset *rs,
                        const struct registration_record *rows, size_t n, const char *actor,
                        size_t *units, size_t *changed, char *err, size_t errlen)
{
    *units = *changed = 0;
    const struct registration_record **sorted = calloc(n ? n : 1, sizeof *sorted);
    if (!sorted) {
        snprintf(err, errlen, "hết bộ nhớ");
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = &rows[i];
    qsort(sorted, n, sizeof *sorted, by_group);
    char closed[32], year[16];
    for (size_t i = 0; i < n; i++) {
        snprintf(year, sizeof year, "%d", sorted[i]->year);
        struct rules_generation *gen = ruleset_of_year(rs, year);
        if (gen && year_closed(st, gen, closed, sizeof closed)) {
            snprintf(err, errlen, "kỳ %s đã khoá sổ: đăng ký thi đua năm %s không sửa được", closed,
                     year);
            free(sorted);
            return -1;
        }
    }
    int rc = store_begin(st) == 0 ? import_groups(st, sorted, n, actor, units, changed) : -1;
    free(sorted);
    if (rc == 0 && store_commit(st) == 0) return 0;
    snprintf(err, errlen, "%s", store_errmsg(st));
    store_rollback(st);
    *changed = 0;
    return -1;
}

int registration_add_to_status(struct store *st, const struct ruleset *rs, const char *period,
                               cJSON *status)
{
    struct rules_generation *gen = ruleset_for_period(rs, period);
    char due[CLOCK_DATE_LEN], effective[CLOCK_DATE_LEN];
    if (!gen || !registration_deadline(gen, due, effective)) return 0;
    cJSON *expected = registrations_expected(st, rules_year(gen), due);
    if (!expected) return -1;
    int registered = 0, late = 0, missing = 0;
    cJSON *u, *units = cJSON_GetObjectItemCaseSensitive(status, "units");
    cJSON_ArrayForEach(u, units)
    {
        const char *code = json_text(u, "code"), *at = NULL;
        const cJSON *e;
        cJSON_ArrayForEach(e, expected)
        {
            if (strcmp(json_text(e, "code"), code) == 0) at = json_text(e, "registered_at");
        }
        bool done = at && *at, is_late = status_is_late(done ? at : NULL, effective);
        cJSON_AddBoolToObject(u, "registered", done);
        if (done)
            cJSON_AddStringToObject(u, "registered_at", at);
        else
            cJSON_AddNullToObject(u, "registered_at");
        cJSON_AddBoolToObject(u, "registration_late", is_late);
        registered += done;
        late += done && is_late;
        missing += !done;
    }
    cJSON_Delete(expected);
    cJSON *r = cJSON_AddObjectToObject(status, "registration");
    cJSON_AddStringToObject(r, "due", due);
    cJSON_AddStringToObject(r, "effective_due", effective);
    cJSON_AddNumberToObject(r, "registered", registered);
    cJSON_AddNumberToObject(r, "late", late);
    cJSON_AddNumberToObject(r, "missing", missing);
    return 0;
}
