/* outbox.c — the outbox table: a message per (recipient, deadline, step, channel), and its
 * life from queued to sent, failed or cancelled. */
#include "store/outbox.h"

#include <stdio.h>

#include "store/internal.h"
#include "util/clock.h"

#define OUTBOX_COLUMNS                                                                             \
    "id, key, unit, channel, recipient, role, deadline, step, subject, body, send_at, status, "    \
    "attempts, next_try, last_error, segments, created_at, sent_at"

int outbox_insert(struct store *st, const struct outbox_message *m, bool *inserted)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "INSERT INTO outbox (key, unit, channel, recipient, role, deadline, step, subject, "
            "body, send_at, next_try, created_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?10,?11) "
            "ON CONFLICT(key) DO NOTHING");
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    const char *values[] = {m->key,  m->unit,    m->channel, m->recipient, m->role, m->deadline,
                            m->step, m->subject, m->body,    m->send_at,   now};
    for (int i = 0; i < (int)(sizeof values / sizeof values[0]); i++)
        store_bind_text(stmt, i + 1, values[i]);
    int rc = store_step_done(st, stmt);
    *inserted = rc == 0 && sqlite3_changes(store_db(st)) > 0;
    return rc;
}

static cJSON *message_of(sqlite3_stmt *stmt)
{
    static const char *const names[] = {
        "id",       "key",      "unit",       "channel",  "recipient",  "role",
        "deadline", "step",     "subject",    "body",     "send_at",    "status",
        "attempts", "next_try", "last_error", "segments", "created_at", "sent_at"};
    cJSON *m = cJSON_CreateObject();
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++) {
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
            cJSON_AddNumberToObject(m, names[i], (double)sqlite3_column_int64(stmt, i));
            break;
        case SQLITE_NULL: cJSON_AddNullToObject(m, names[i]); break;
        default: cJSON_AddStringToObject(m, names[i], store_column_text(stmt, i)); break;
        }
    }
    /* One vocabulary: every identifier is a code (the contract's "unit" stays). */
    const cJSON *unit = cJSON_GetObjectItemCaseSensitive(m, "unit");
    if (cJSON_IsString(unit)) cJSON_AddStringToObject(m, "unit_code", unit->valuestring);
    return m;
}

static cJSON *messages_of(struct store *st, sqlite3_stmt *stmt)
{
    cJSON *list = cJSON_CreateArray();
    while (sqlite3_step(stmt) == SQLITE_ROW)
        cJSON_AddItemToArray(list, message_of(stmt));
    store_done(st, stmt);
    return list;
}

cJSON *outbox_list(struct store *st, const char *status, const char *unit, int limit)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT " OUTBOX_COLUMNS
                                           " FROM outbox WHERE (?1 IS NULL OR status = ?1) AND "
                                           "(?2 IS NULL OR unit = ?2) ORDER BY id DESC LIMIT ?3");
    if (!stmt) return NULL;
    store_bind_text_or_null(stmt, 1, status);
    store_bind_text_or_null(stmt, 2, unit);
    sqlite3_bind_int(stmt, 3, limit);
    return messages_of(st, stmt);
}

cJSON *outbox_due(struct store *st, const char *now, int limit)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE status = "
                                           "'queued' AND next_try <= ?1 ORDER BY next_try, id "
                                           "LIMIT ?2");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, now);
    sqlite3_bind_int(stmt, 2, limit);
    return messages_of(st, stmt);
}

cJSON *outbox_get(struct store *st, long long id)
{
    sqlite3_stmt *stmt = store_prepare(st, "SELECT " OUTBOX_COLUMNS " FROM outbox WHERE id = ?");
    if (!stmt) return NULL;
    sqlite3_bind_int64(stmt, 1, id);
    cJSON *m = sqlite3_step(stmt) == SQLITE_ROW ? message_of(stmt) : NULL;
    store_done(st, stmt);
    return m;
}

int outbox_update(struct store *st, long long id, const char *status, int attempts,
                  const char *error, const char *next_try, int segments, const char *sent_at)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "UPDATE outbox SET status = ?2, attempts = ?3, last_error = ?4, "
                          "next_try = coalesce(?5, next_try), segments = coalesce(?6, segments), "
                          "sent_at = coalesce(?7, sent_at) WHERE id = ?1");
    if (!stmt) return -1;
    sqlite3_bind_int64(stmt, 1, id);
    store_bind_text(stmt, 2, status);
    sqlite3_bind_int(stmt, 3, attempts);
    store_bind_text_or_null(stmt, 4, error);
    store_bind_text_or_null(stmt, 5, next_try);
    if (segments > 0)
        sqlite3_bind_int(stmt, 6, segments);
    else
        sqlite3_bind_null(stmt, 6);
    store_bind_text_or_null(stmt, 7, sent_at);
    return store_step_done(st, stmt);
}

long outbox_requeue_sending(struct store *st)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "UPDATE outbox SET status = 'queued' WHERE status = 'sending'");
    if (!stmt || store_step_done(st, stmt) != 0) return -1;
    return (long)sqlite3_changes(store_db(st));
}

cJSON *outbox_counts(struct store *st, const char *status)
{
    sqlite3_stmt *stmt = store_prepare(
        st, "SELECT channel, count(*) FROM outbox WHERE status = ? GROUP BY channel ORDER BY 1");
    if (!stmt) return NULL;
    store_bind_text(stmt, 1, status);
    cJSON *counts = cJSON_CreateObject();
    while (sqlite3_step(stmt) == SQLITE_ROW)
        cJSON_AddNumberToObject(counts, store_column_text(stmt, 0),
                                (double)sqlite3_column_int64(stmt, 1));
    store_done(st, stmt);
    return counts;
}
