/* titles.c — past years' titles: the titles_awarded table, and the titles of stored
 * year-end ("YYYY-Y") evaluations, read together in one query per unit. */
#include "store/titles.h"

#include <stdio.h>
#include <string.h>

#include "store/internal.h"
#include "util/clock.h"
#include "util/json_print.h"

int titles_record(struct store *st, int year, const char *subject, const char *code,
                  const char *title, const char *source)
{
    sqlite3_stmt *stmt =
        store_prepare(st, "INSERT OR IGNORE INTO titles_awarded (year, subject, code, title, "
                          "source, recorded_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!stmt) return -1;
    char now[CLOCK_ISO_LEN];
    clock_now_iso(now, sizeof now);
    sqlite3_bind_int(stmt, 1, year);
    store_bind_text(stmt, 2, subject);
    store_bind_text(stmt, 3, code);
    store_bind_text(stmt, 4, title);
    store_bind_text(stmt, 5, source);
    store_bind_text(stmt, 6, now);
    if (store_step_done(st, stmt) != 0) return -1;
    return sqlite3_changes(store_db(st)) > 0 ? 1 : 0;
}

/* The year-end periods of the years before `year` that the history reaches, as JSON. */
static void year_end_periods(int year, char *out, size_t outlen)
{
    size_t used = (size_t)snprintf(out, outlen, "[");
    for (int back = 1; back <= TITLES_HISTORY_YEARS && used < outlen; back++)
        used += (size_t)snprintf(out + used, outlen - used, "%s\"%d-Y\"", back > 1 ? "," : "",
                                 year - back);
    if (used < outlen) snprintf(out + used, outlen - used, "]");
}

/* The input object of (subject, code): the unit, or the member with that code. */
static cJSON *input_of(cJSON *unit, cJSON *members, const char *subject, const char *code)
{
    if (strcmp(subject, "unit") == 0) return unit;
    cJSON *m;
    cJSON_ArrayForEach(m, members)
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "code");
        if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0) return m;
    }
    return NULL;
}

static void add_title(cJSON *input, int year, const char *title)
{
    cJSON *history = cJSON_GetObjectItemCaseSensitive(input, "history");
    char key[16];
    snprintf(key, sizeof key, "%d", year);
    cJSON *titles = cJSON_GetObjectItemCaseSensitive(history, key);
    if (!titles) titles = cJSON_AddArrayToObject(history, key);
    cJSON_AddItemToArray(titles, cJSON_CreateString(title));
}

int titles_attach_history(struct store *st, int year, cJSON *unit, cJSON *members)
{
    static const char *const sql =
        "SELECT subject, code, year, title FROM titles_awarded WHERE year < ?1 AND year >= ?1 - "
        "?5 AND ((subject = 'unit' AND code = ?2) OR (subject = 'person' AND code IN (SELECT "
        "value FROM json_each(?3)))) "
        "UNION SELECT e.subject, e.code, CAST(substr(e.period, 1, 4) AS INTEGER), "
        "json_extract(t.value, '$.code') FROM evaluations e, json_each(e.result, '$.titles') t "
        "WHERE e.period IN (SELECT value FROM json_each(?4)) AND json_extract(t.value, "
        "'$.eligible') = 1 AND ((e.subject = 'unit' AND e.code = ?2) OR (e.subject = 'person' "
        "AND e.code IN (SELECT value FROM json_each(?3)))) "
        "ORDER BY 1, 2, 3, 4";
    cJSON_AddItemToObject(unit, "history", cJSON_CreateObject());
    cJSON *codes = cJSON_CreateArray(), *m;
    cJSON_ArrayForEach(m, members)
    {
        cJSON_AddItemToObject(m, "history", cJSON_CreateObject());
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "code");
        if (cJSON_IsString(c)) cJSON_AddItemToArray(codes, cJSON_CreateString(c->valuestring));
    }
    char *codes_text = json_print(codes), periods[TITLES_HISTORY_YEARS * 12 + 8];
    cJSON_Delete(codes);
    year_end_periods(year, periods, sizeof periods);
    const cJSON *unit_code = cJSON_GetObjectItemCaseSensitive(unit, "code");
    sqlite3_stmt *stmt = codes_text ? store_prepare(st, sql) : NULL;
    if (!stmt) {
        cJSON_free(codes_text);
        return -1;
    }
    sqlite3_bind_int(stmt, 1, year);
    store_bind_text(stmt, 2, cJSON_IsString(unit_code) ? unit_code->valuestring : "");
    store_bind_text(stmt, 3, codes_text);
    store_bind_text(stmt, 4, periods);
    sqlite3_bind_int(stmt, 5, TITLES_HISTORY_YEARS);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        cJSON *input =
            input_of(unit, members, store_column_text(stmt, 0), store_column_text(stmt, 1));
        if (input) add_title(input, sqlite3_column_int(stmt, 2), store_column_text(stmt, 3));
    }
    store_done(st, stmt);
    cJSON_free(codes_text);
    return rc == SQLITE_DONE ? 0 : -1;
}
