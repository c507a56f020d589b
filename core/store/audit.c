/*
 * audit.c — the audit log: who (a token's name, "cli" or "SIGHUP") did what to which entity,
 * when; appended inside the writer's transaction, read newest first by id.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/internal.h"
#include "store/audit.h"
#include "util/clock.h"

int audit_append(struct store *st, const char *actor, const char *action, const char *entity,
                 const char *code, const char *detail_json)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO audit (at, actor, action, entity, code, detail) VALUES (?,?,?,?,?,?)");
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    store_bind_text(stmt, 1, now);
    store_bind_text(stmt, 2, actor);
    store_bind_text(stmt, 3, action);
    store_bind_text(stmt, 4, entity);
    store_bind_text(stmt, 5, code);
    store_bind_text_or_null(stmt, 6, detail_json);
    int rc = sqlite3_step(stmt);
    store_done(st, stmt);
    return rc == SQLITE_DONE ? 0 : -1;
}

cJSON *audit_list(struct store *st, long long before_id, int limit)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT id, at, actor, action, entity, code, detail "
                                           "FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?");
    if (!stmt) return NULL;
    sqlite3_bind_int64(stmt, 1, before_id > 0 ? before_id : INT64_MAX);
    sqlite3_bind_int(stmt, 2, limit);
    static const char *const names[] = {"at", "actor", "action", "entity", "code"};
    cJSON *list = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *line = cJSON_CreateObject();
        cJSON_AddNumberToObject(line, "id", (double)sqlite3_column_int64(stmt, 0));
        for (int i = 0; i < 5; i++)
            cJSON_AddStringToObject(line, names[i], store_column_text(stmt, i + 1));
        const char *detail = store_column_text(stmt, 6);
        cJSON *parsed = detail ? cJSON_Parse(detail) : NULL;
        cJSON_AddItemToObject(line, "detail", parsed ? parsed : cJSON_CreateNull());
        cJSON_AddItemToArray(list, line);
    }
    store_done(st, stmt);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(list);
        return NULL;
    }
    return list;
}

long long audit_count(struct store *st)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT count(*) FROM audit");
    if (!stmt) return -1;
    long long n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    store_done(st, stmt);
    return n;
}
