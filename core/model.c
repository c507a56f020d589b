/*
 * model.c — the domain's tables: units (a tree with effective dates and a "merged into"
 * link), people, fact versions, stored evaluations and the audit log.
 *
 * Every SQL statement about the domain lives here; callers see rows and JSON. Writes do not
 * open transactions themselves: the caller (an import, an HTTP handler) wraps a whole change
 * in store_begin/store_commit so it is all-or-nothing. Upserts compare before writing, so
 * re-importing the same file changes nothing and leaves no audit line.
 */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void bind_text_or_null(sqlite3_stmt *stmt, int index, const char *value)
{
    if (value && value[0])
        sqlite3_bind_text(stmt, index, value, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(stmt, index);
}

static void bind_text(sqlite3_stmt *stmt, int index, const char *value)
{
    sqlite3_bind_text(stmt, index, value ? value : "", -1, SQLITE_TRANSIENT);
}

static const char *column_text(sqlite3_stmt *stmt, int index)
{
    const unsigned char *text = sqlite3_column_text(stmt, index);
    return text ? (const char *)text : NULL;
}

static bool same(const char *a, const char *b)
{
    if (!a || !a[0]) return !b || !b[0];
    return b && strcmp(a, b) == 0;
}

int model_unit_upsert(struct store *st, const struct unit_row *u, bool *changed)
{
    static const char *const select_sql =
        "SELECT name, parent_code, kind, email, phone, valid_from, valid_to, merged_into "
        "FROM units WHERE code = ?";
    sqlite3_stmt *stmt = store_prepare(st, select_sql);
    if (!stmt) return -1;
    sqlite3_bind_text(stmt, 1, u->code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        bool equal =
            same(u->name, column_text(stmt, 0)) && same(u->parent_code, column_text(stmt, 1)) &&
            same(u->kind, column_text(stmt, 2)) && same(u->email, column_text(stmt, 3)) &&
            same(u->phone, column_text(stmt, 4)) && same(u->valid_from, column_text(stmt, 5)) &&
            same(u->valid_to, column_text(stmt, 6)) && same(u->merged_into, column_text(stmt, 7));
        sqlite3_reset(stmt);
        if (equal) {
            *changed = false;
            return 0;
        }
    } else {
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE) return -1;
    }
    static const char *const upsert_sql =
        "INSERT INTO units (code, name, parent_code, kind, email, phone, valid_from, valid_to, "
        "merged_into, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) "
        "ON CONFLICT(code) DO UPDATE SET name=?2, parent_code=?3, kind=?4, email=?5, phone=?6, "
        "valid_from=?7, valid_to=?8, merged_into=?9, updated_at=?10";
    stmt = store_prepare(st, upsert_sql);
    if (!stmt) return -1;
    char now[40];
    store_now(now, sizeof now);
    bind_text(stmt, 1, u->code);
    bind_text(stmt, 2, u->name);
    bind_text_or_null(stmt, 3, u->parent_code);
    bind_text(stmt, 4, u->kind);
    bind_text(stmt, 5, u->email);
    bind_text(stmt, 6, u->phone);
    bind_text_or_null(stmt, 7, u->valid_from);
    bind_text_or_null(stmt, 8, u->valid_to);
    bind_text_or_null(stmt, 9, u->merged_into);
    bind_text(stmt, 10, now);
    rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    *changed = true;
    return rc == SQLITE_DONE ? 0 : -1;
}

int model_person_upsert(struct store *st, const struct person_row *p, bool *changed)
{
    static const char *const select_sql =
        "SELECT full_name, unit_code, position, is_head, email, phone, hired_on "
        "FROM people WHERE code = ?";
    sqlite3_stmt *stmt = store_prepare(st, select_sql);
    if (!stmt) return -1;
    sqlite3_bind_text(stmt, 1, p->code, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        bool equal = same(p->full_name, column_text(stmt, 0)) &&
                     same(p->unit_code, column_text(stmt, 1)) &&
                     same(p->position, column_text(stmt, 2)) &&
                     p->is_head == (sqlite3_column_int(stmt, 3) != 0) &&
                     same(p->email, column_text(stmt, 4)) && same(p->phone, column_text(stmt, 5)) &&
                     same(p->hired_on, column_text(stmt, 6));
        sqlite3_reset(stmt);
        if (equal) {
            *changed = false;
            return 0;
        }
    } else {
        sqlite3_reset(stmt);
        if (rc != SQLITE_DONE) return -1;
    }
    static const char *const upsert_sql =
        "INSERT INTO people (code, full_name, unit_code, position, is_head, email, phone, "
        "hired_on, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) "
        "ON CONFLICT(code) DO UPDATE SET full_name=?2, unit_code=?3, position=?4, is_head=?5, "
        "email=?6, phone=?7, hired_on=?8, updated_at=?9";
    stmt = store_prepare(st, upsert_sql);
    if (!stmt) return -1;
    char now[40];
    store_now(now, sizeof now);
    bind_text(stmt, 1, p->code);
    bind_text(stmt, 2, p->full_name);
    bind_text(stmt, 3, p->unit_code);
    bind_text(stmt, 4, p->position);
    sqlite3_bind_int(stmt, 5, p->is_head ? 1 : 0);
    bind_text(stmt, 6, p->email);
    bind_text(stmt, 7, p->phone);
    bind_text_or_null(stmt, 8, p->hired_on);
    bind_text(stmt, 9, now);
    rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    *changed = true;
    return rc == SQLITE_DONE ? 0 : -1;
}

static bool exists(struct store *st, const char *sql, const char *code)
{
    sqlite3_stmt *stmt = store_prepare(st, sql);
    if (!stmt) return false;
    sqlite3_bind_text(stmt, 1, code, -1, SQLITE_TRANSIENT);
    bool found = sqlite3_step(stmt) == SQLITE_ROW;
    sqlite3_reset(stmt);
    return found;
}

bool model_unit_exists(struct store *st, const char *code)
{
    return exists(st, "SELECT 1 FROM units WHERE code = ?", code);
}

bool model_person_exists(struct store *st, const char *code)
{
    return exists(st, "SELECT 1 FROM people WHERE code = ?", code);
}

static char *single_text(struct store *st, const char *sql, const char *arg)
{
    sqlite3_stmt *stmt = store_prepare(st, sql);
    if (!stmt) return NULL;
    sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_TRANSIENT);
    char *out = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW && column_text(stmt, 0))
        out = strdup(column_text(stmt, 0));
    sqlite3_reset(stmt);
    return out;
}

char *model_person_unit(struct store *st, const char *code)
{
    return single_text(st, "SELECT unit_code FROM people WHERE code = ?", code);
}

char *model_person_hired_on(struct store *st, const char *code)
{
    return single_text(st, "SELECT hired_on FROM people WHERE code = ?", code);
}

char *model_unit_parent(struct store *st, const char *code)
{
    return single_text(st, "SELECT parent_code FROM units WHERE code = ?", code);
}

char *model_unit_head(struct store *st, const char *unit_code)
{
    return single_text(st, "SELECT code FROM people WHERE unit_code = ? AND is_head = 1",
                       unit_code);
}

static void add_text_or_null(cJSON *obj, const char *key, const char *value)
{
    if (value)
        cJSON_AddStringToObject(obj, key, value);
    else
        cJSON_AddNullToObject(obj, key);
}

#define UNIT_COLUMNS                                                                               \
    "u.code, u.name, u.parent_code, u.kind, u.email, u.phone, u.valid_from, u.valid_to, "          \
    "u.merged_into, (SELECT code FROM people WHERE unit_code = u.code AND is_head = 1), "          \
    "(SELECT count(*) FROM people WHERE unit_code = u.code)"

static cJSON *unit_from_row(sqlite3_stmt *stmt)
{
    cJSON *u = cJSON_CreateObject();
    cJSON_AddStringToObject(u, "code", column_text(stmt, 0));
    cJSON_AddStringToObject(u, "name", column_text(stmt, 1));
    add_text_or_null(u, "parent_code", column_text(stmt, 2));
    cJSON_AddStringToObject(u, "kind", column_text(stmt, 3));
    cJSON_AddStringToObject(u, "email", column_text(stmt, 4));
    cJSON_AddStringToObject(u, "phone", column_text(stmt, 5));
    add_text_or_null(u, "valid_from", column_text(stmt, 6));
    add_text_or_null(u, "valid_to", column_text(stmt, 7));
    add_text_or_null(u, "merged_into", column_text(stmt, 8));
    add_text_or_null(u, "head", column_text(stmt, 9));
    cJSON_AddNumberToObject(u, "people", sqlite3_column_int(stmt, 10));
    return u;
}

cJSON *model_unit_json(struct store *st, const char *code)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT " UNIT_COLUMNS " FROM units u WHERE code = ?");
    if (!stmt) return NULL;
    sqlite3_bind_text(stmt, 1, code, -1, SQLITE_TRANSIENT);
    cJSON *u = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) u = unit_from_row(stmt);
    sqlite3_reset(stmt);
    if (!u) return NULL;
    /* The unit's place in the tree: its children. */
    stmt = store_prepare(st, "SELECT code FROM units WHERE parent_code = ? ORDER BY code");
    cJSON *children = cJSON_AddArrayToObject(u, "children");
    if (stmt) {
        sqlite3_bind_text(stmt, 1, code, -1, SQLITE_TRANSIENT);
        while (sqlite3_step(stmt) == SQLITE_ROW)
            cJSON_AddItemToArray(children, cJSON_CreateString(column_text(stmt, 0)));
        sqlite3_reset(stmt);
    }
    return u;
}

cJSON *model_units_json(struct store *st)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT " UNIT_COLUMNS " FROM units u ORDER BY "
                                           "(u.parent_code IS NOT NULL), u.code");
    if (!stmt) return NULL;
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW)
        cJSON_AddItemToArray(list, unit_from_row(stmt));
    sqlite3_reset(stmt);
    return list;
}

cJSON *model_people_json(struct store *st, const char *unit_code)
{
    static const char *const all_sql =
        "SELECT code, full_name, unit_code, position, is_head, email, phone, hired_on "
        "FROM people ORDER BY code";
    static const char *const unit_sql =
        "SELECT code, full_name, unit_code, position, is_head, email, phone, hired_on "
        "FROM people WHERE unit_code = ? ORDER BY is_head DESC, code";
    sqlite3_stmt *stmt = store_prepare(st, unit_code ? unit_sql : all_sql);
    if (!stmt) return NULL;
    if (unit_code) sqlite3_bind_text(stmt, 1, unit_code, -1, SQLITE_TRANSIENT);
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "code", column_text(stmt, 0));
        cJSON_AddStringToObject(p, "full_name", column_text(stmt, 1));
        cJSON_AddStringToObject(p, "unit_code", column_text(stmt, 2));
        cJSON_AddStringToObject(p, "position", column_text(stmt, 3));
        cJSON_AddBoolToObject(p, "is_head", sqlite3_column_int(stmt, 4) != 0);
        cJSON_AddStringToObject(p, "email", column_text(stmt, 5));
        cJSON_AddStringToObject(p, "phone", column_text(stmt, 6));
        add_text_or_null(p, "hired_on", column_text(stmt, 7));
        cJSON_AddItemToArray(list, p);
    }
    sqlite3_reset(stmt);
    return list;
}

int model_audit(struct store *st, const char *actor, const char *action, const char *entity,
                const char *code, const char *detail_json)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO audit (at, actor, action, entity, code, detail) VALUES (?,?,?,?,?,?)");
    if (!stmt) return -1;
    char now[40];
    store_now(now, sizeof now);
    bind_text(stmt, 1, now);
    bind_text(stmt, 2, actor);
    bind_text(stmt, 3, action);
    bind_text(stmt, 4, entity);
    bind_text(stmt, 5, code);
    bind_text_or_null(stmt, 6, detail_json);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

int model_facts_append(struct store *st, const char *period, const char *subject, const char *code,
                       const char *facts_json, const char *note, const char *actor,
                       char *submitted_at, size_t at_len)
{
    char now[40];
    store_now(now, sizeof now);
    if (submitted_at) snprintf(submitted_at, at_len, "%s", now);
    return model_facts_append_at(st, period, subject, code, facts_json, note, actor, now);
}

int model_facts_append_at(struct store *st, const char *period, const char *subject,
                          const char *code, const char *facts_json, const char *note,
                          const char *actor, const char *at)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO fact_versions (period, subject, code, version, facts, note, "
            "submitted_at, submitted_by) VALUES (?1, ?2, ?3, (SELECT coalesce(max(version), 0) + 1 "
            "FROM fact_versions WHERE period = ?1 AND subject = ?2 AND code = ?3), ?4, ?5, ?6, ?7) "
            "RETURNING version");
    if (!stmt) return -1;
    bind_text(stmt, 1, period);
    bind_text(stmt, 2, subject);
    bind_text(stmt, 3, code);
    bind_text(stmt, 4, facts_json);
    bind_text(stmt, 5, note);
    bind_text(stmt, 6, at);
    bind_text(stmt, 7, actor);
    int version = -1;
    if (sqlite3_step(stmt) == SQLITE_ROW) version = sqlite3_column_int(stmt, 0);
    sqlite3_reset(stmt);
    return version;
}

cJSON *model_facts_latest(struct store *st, const char *period, const char *subject,
                          const char *code, int *version, char *submitted_at, size_t at_len)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT facts, version, submitted_at FROM fact_versions WHERE period = ? AND "
            "subject = ? AND code = ? ORDER BY version DESC LIMIT 1");
    if (!stmt) return NULL;
    bind_text(stmt, 1, period);
    bind_text(stmt, 2, subject);
    bind_text(stmt, 3, code);
    cJSON *facts = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        facts = cJSON_Parse(column_text(stmt, 0));
        if (version) *version = sqlite3_column_int(stmt, 1);
        if (submitted_at) snprintf(submitted_at, at_len, "%s", column_text(stmt, 2));
    }
    sqlite3_reset(stmt);
    return facts;
}

bool model_first_submission(struct store *st, const char *period, const char *subject,
                            const char *code, char *at, size_t at_len, int *versions)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT min(submitted_at), count(*) FROM fact_versions WHERE period = ? AND "
            "subject = ? AND code = ?");
    if (!stmt) return false;
    bind_text(stmt, 1, period);
    bind_text(stmt, 2, subject);
    bind_text(stmt, 3, code);
    bool found = false;
    if (sqlite3_step(stmt) == SQLITE_ROW && column_text(stmt, 0)) {
        found = true;
        snprintf(at, at_len, "%s", column_text(stmt, 0));
        if (versions) *versions = sqlite3_column_int(stmt, 1);
    }
    sqlite3_reset(stmt);
    return found;
}

int model_evaluation_put(struct store *st, const char *period, const char *subject,
                         const char *code, const char *rules_hash, int score,
                         const char *result_json)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO evaluations (period, subject, code, rules_hash, score, result, "
            "evaluated_at) VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(period, subject, code) DO "
            "UPDATE SET rules_hash=?4, score=?5, result=?6, evaluated_at=?7 "
            /* An unchanged evaluation is not rewritten: a report re-evaluates its whole unit,
             * and most members' results stay the same. */
            "WHERE evaluations.result IS NOT ?6 OR evaluations.rules_hash IS NOT ?4");
    if (!stmt) return -1;
    char now[40];
    store_now(now, sizeof now);
    bind_text(stmt, 1, period);
    bind_text(stmt, 2, subject);
    bind_text(stmt, 3, code);
    bind_text(stmt, 4, rules_hash);
    sqlite3_bind_int(stmt, 5, score);
    bind_text(stmt, 6, result_json);
    bind_text(stmt, 7, now);
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

char *model_evaluation_get(struct store *st, const char *period, const char *subject,
                           const char *code, char *hash_out, size_t hash_len)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT result, rules_hash FROM evaluations WHERE period = ? AND subject = ? AND "
            "code = ?");
    if (!stmt) return NULL;
    bind_text(stmt, 1, period);
    bind_text(stmt, 2, subject);
    bind_text(stmt, 3, code);
    char *out = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        out = strdup(column_text(stmt, 0));
        if (hash_out) snprintf(hash_out, hash_len, "%s", column_text(stmt, 1));
    }
    sqlite3_reset(stmt);
    return out;
}

/* ---- inputs of the rule engine ---------------------------------------------------------- */

static cJSON *parse_facts_column(sqlite3_stmt *stmt, int index)
{
    const char *text = column_text(stmt, index);
    cJSON *facts = text ? cJSON_Parse(text) : NULL;
    return facts ? facts : cJSON_CreateObject();
}

cJSON *model_unit_input(struct store *st, const char *period, const char *unit_code)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT u.code, u.name, u.kind, (SELECT facts FROM fact_versions f WHERE f.period = ?1 "
            "AND f.subject = 'unit' AND f.code = u.code ORDER BY version DESC LIMIT 1) "
            "FROM units u WHERE u.code = ?2");
    if (!stmt) return NULL;
    bind_text(stmt, 1, period);
    bind_text(stmt, 2, unit_code);
    cJSON *unit = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        unit = cJSON_CreateObject();
        cJSON_AddStringToObject(unit, "code", column_text(stmt, 0));
        cJSON_AddStringToObject(unit, "name", column_text(stmt, 1));
        cJSON_AddStringToObject(unit, "kind", column_text(stmt, 2));
        cJSON_AddItemToObject(unit, "facts", parse_facts_column(stmt, 3));
    }
    sqlite3_reset(stmt);
    return unit;
}

cJSON *model_members_input(struct store *st, const char *period, const char *unit_code,
                           const char *period_end)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT p.code, p.full_name, p.position, p.is_head, (SELECT facts FROM fact_versions f "
            "WHERE f.period = ?1 AND f.subject = 'person' AND f.code = p.code ORDER BY version "
            "DESC LIMIT 1) FROM people p WHERE p.unit_code = ?2 AND (p.hired_on IS NULL OR "
            "p.hired_on <= ?3) ORDER BY p.code");
    if (!stmt) return NULL;
    bind_text(stmt, 1, period);
    bind_text(stmt, 2, unit_code);
    bind_text(stmt, 3, period_end);
    cJSON *members = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "code", column_text(stmt, 0));
        cJSON_AddStringToObject(m, "full_name", column_text(stmt, 1));
        cJSON_AddStringToObject(m, "position", column_text(stmt, 2));
        cJSON_AddBoolToObject(m, "is_head", sqlite3_column_int(stmt, 3) != 0);
        cJSON_AddStringToObject(m, "unit_code", unit_code);
        cJSON_AddItemToObject(m, "facts", parse_facts_column(stmt, 4));
        cJSON_AddItemToArray(members, m);
    }
    sqlite3_reset(stmt);
    return members;
}

static cJSON *code_list(sqlite3_stmt *stmt)
{
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW)
        cJSON_AddItemToArray(list, cJSON_CreateString(column_text(stmt, 0)));
    sqlite3_reset(stmt);
    return list;
}

cJSON *model_units_to_evaluate(struct store *st, const char *period, const char *from,
                               const char *to)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT code FROM units WHERE (valid_from IS NULL OR valid_from <= ?3) AND "
            "(valid_to IS NULL OR valid_to >= ?2) UNION SELECT code FROM fact_versions WHERE "
            "period = ?1 AND subject = 'unit' UNION SELECT p.unit_code FROM people p JOIN "
            "fact_versions f ON f.code = p.code AND f.subject = 'person' AND f.period = ?1 "
            "ORDER BY 1");
    if (!stmt) return NULL;
    bind_text(stmt, 1, period);
    bind_text(stmt, 2, from);
    bind_text(stmt, 3, to);
    return code_list(stmt);
}

cJSON *model_reporting_units(struct store *st, const char *period, const char *due)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT u.code, u.name, min(f.submitted_at), count(f.id) FROM units u LEFT JOIN "
            "fact_versions f ON f.subject = 'unit' AND f.code = u.code AND f.period = ?1 "
            "WHERE u.kind <> 'department' AND (u.valid_from IS NULL OR u.valid_from <= ?2) AND "
            "(u.valid_to IS NULL OR u.valid_to >= ?2) GROUP BY u.code ORDER BY u.code");
    if (!stmt) return NULL;
    bind_text(stmt, 1, period);
    bind_text(stmt, 2, due);
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *u = cJSON_CreateObject();
        cJSON_AddStringToObject(u, "code", column_text(stmt, 0));
        cJSON_AddStringToObject(u, "name", column_text(stmt, 1));
        add_text_or_null(u, "submitted_at", column_text(stmt, 2));
        cJSON_AddNumberToObject(u, "versions", sqlite3_column_int(stmt, 3));
        cJSON_AddItemToArray(list, u);
    }
    sqlite3_reset(stmt);
    return list;
}

long model_evaluations_stale(struct store *st, const char *rules_hash)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "SELECT count(*) FROM evaluations WHERE rules_hash <> ?");
    if (!stmt) return -1;
    bind_text(stmt, 1, rules_hash);
    long n = sqlite3_step(stmt) == SQLITE_ROW ? (long)sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_reset(stmt);
    return n;
}

cJSON *model_periods_with_facts(struct store *st)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "SELECT DISTINCT period FROM fact_versions ORDER BY period");
    return stmt ? code_list(stmt) : NULL;
}

cJSON *model_evaluations_of_period(struct store *st, const char *period, const char *subject)
{
    static const char *const all_sql =
        "SELECT subject, code, score, result FROM evaluations WHERE period = ? "
        "ORDER BY subject DESC, code";
    static const char *const subject_sql =
        "SELECT subject, code, score, result FROM evaluations WHERE period = ? AND subject = ? "
        "ORDER BY code";
    sqlite3_stmt *stmt = store_prepare(st, subject ? subject_sql : all_sql);
    if (!stmt) return NULL;
    bind_text(stmt, 1, period);
    if (subject) bind_text(stmt, 2, subject);
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "subject", column_text(stmt, 0));
        cJSON_AddStringToObject(e, "code", column_text(stmt, 1));
        cJSON_AddNumberToObject(e, "score", sqlite3_column_int(stmt, 2));
        cJSON_AddStringToObject(e, "result", column_text(stmt, 3));
        cJSON_AddItemToArray(list, e);
    }
    sqlite3_reset(stmt);
    return list;
}
