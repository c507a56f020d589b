/*
 * audit_trail.c — the administrator's acts, in the log and the audit table.
 *
 * The audit line of a write is appended in the writer's own transaction (store/audit.h),
 * so it commits or rolls back with what it records; once committed, the writer logs it here
 * too, so journald or Loki show who did what without reading the database. A reload writes
 * nothing but its recomputed evaluations, so its line is written on its own when it ends.
 */
#include "domain/audit_trail.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/audit.h"
#include "util/log.h"
#include "util/json_print.h"

#define FIELD_LEN 512

void audit_trail_log(const char *actor, const char *action, const char *entity, const char *code)
{
    char who[FIELD_LEN], what[FIELD_LEN];
    log_value(who, sizeof who, actor);
    log_value(what, sizeof what, code && code[0] ? code : "-");
    log_fields(LOG_INFO, "event=audit actor=%s action=%s entity=%s code=%s", who, action, entity,
               what);
}

int audit_trail_record(struct store *st, const char *actor, const char *action, const char *entity,
                       const char *code, const cJSON *detail)
{
    char *text = detail ? json_print(detail) : NULL;
    int rc = audit_append(st, actor, action, entity, code, text);
    cJSON_free(text);
    audit_trail_log(actor, action, entity, code);
    if (rc != 0)
        log_warn("audit: the %s of %s by %s was not recorded: %s", action, entity, actor,
                 store_errmsg(st));
    return rc;
}

void audit_trail_reload(struct store *st, const struct ruleset *rs, const char *actor, int rc,
                        size_t problems, long recomputed)
{
    cJSON *detail = cJSON_CreateObject();
    cJSON_AddStringToObject(detail, "result", rc == 0 ? "loaded" : "refused");
    struct rules_generation *newest = ruleset_newest(rs);
    if (newest)
        cJSON_AddStringToObject(detail, "rules_hash", rules_hash(newest));
    else
        cJSON_AddNullToObject(detail, "rules_hash");
    cJSON_AddNumberToObject(detail, "recomputed", (double)recomputed);
    cJSON_AddNumberToObject(detail, "problems", (double)problems);
    audit_trail_record(st, actor, rc == 0 ? "reload" : "reload_refused", "rules", rs->root, detail);
    cJSON_Delete(detail);
}

cJSON *audit_trail_page(struct store *st, const char *cursor, int limit)
{
    long long before = 0;
    if (cursor && cursor[0]) {
        char *end;
        before = strtoll(cursor, &end, 10);
        if (*end || before <= 0) return NULL;
    }
    long long total = audit_count(st);
    cJSON *entries = total >= 0 ? audit_list(st, before, limit) : NULL;
    if (!entries) return NULL;
    cJSON *page = cJSON_CreateObject();
    int count = cJSON_GetArraySize(entries);
    cJSON *last = count > 0 ? cJSON_GetArrayItem(entries, count - 1) : NULL;
    double last_id = last ? cJSON_GetObjectItemCaseSensitive(last, "id")->valuedouble : 0;
    cJSON_AddItemToObject(page, "entries", entries);
    cJSON_AddNumberToObject(page, "total", (double)total);
    char next[32];
    snprintf(next, sizeof next, "%.0f", last_id);
    if (count == limit && last_id > 1)
        cJSON_AddStringToObject(page, "next_cursor", next);
    else
        cJSON_AddNullToObject(page, "next_cursor");
    return page;
}
