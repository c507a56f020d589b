/*
 * evaluation_failures.c — a rule that fails at run time on a unit's real facts never loses
 * the submission: the facts commit, and the (period, unit) is marked failed with the rule's
 * "file:line: message" until an evaluation of it succeeds. This file owns the mark: how it
 * is recorded and counted, and what readers are told of it.
 */
#include "domain/evaluation_failures.h"

#include <stdlib.h>
#include <string.h>

#include "domain/membership.h"
#include "store/evaluation_failures.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/metrics.h"

int evaluation_failure_record(struct store *st, struct rules_generation *gen, const char *period,
                              const char *unit, const char *error, const char *source)
{
    if (evaluation_failures_put(st, period, unit, error, rules_hash(gen)) != 0) return -1;
    log_warn("evaluation of %s %s failed (%s); its facts are kept: %s", period, unit, source,
             error);
    metrics_count("thidua_evaluation_failures_total",
                  "Evaluations of a (period, unit) that a rule made fail, by what asked for them.",
                  "source", source);
    return 0;
}

cJSON *evaluation_failure_json(const char *error, const char *failed_at)
{
    char now[CLOCK_ISO_LEN];
    if (!failed_at) clock_now_iso(now, sizeof now);
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "status", "failed");
    cJSON_AddStringToObject(out, "error", error);
    cJSON_AddStringToObject(out, "failed_at", failed_at ? failed_at : now);
    cJSON_AddStringToObject(out, "message",
                            "Số liệu đã được lưu nhưng bộ quy tắc bị lỗi khi chấm điểm; kết "
                            "quả sẽ được tính lại khi nạp bộ quy tắc đã sửa.");
    return out;
}

cJSON *evaluation_failure_of(struct store *st, struct rules_generation *gen, const char *period,
                             const char *subject, const char *code)
{
    bool person = strcmp(subject, "person") == 0;
    char *unit = person ? membership_unit_in_period(st, gen, period, code) : strdup(code);
    cJSON *row = unit ? evaluation_failures_get(st, period, unit) : NULL;
    free(unit);
    if (!row) return NULL;
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(row, "error");
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(row, "failed_at");
    cJSON *out = evaluation_failure_json(error->valuestring, at->valuestring);
    cJSON *failed_unit = cJSON_DetachItemFromObjectCaseSensitive(row, "unit");
    if (cJSON_IsString(failed_unit))
        cJSON_AddStringToObject(out, "unit_code", failed_unit->valuestring);
    cJSON_AddItemToObject(out, "unit", failed_unit);
    cJSON_AddItemToObject(out, "rules_hash",
                          cJSON_DetachItemFromObjectCaseSensitive(row, "rules_hash"));
    cJSON_Delete(row);
    return out;
}

/* The unit whose evaluation an evaluation belongs to: its own code, or a member's unit. */
static const char *unit_of_evaluation(const cJSON *e)
{
    const cJSON *subject = cJSON_GetObjectItemCaseSensitive(e, "subject");
    const char *key = cJSON_IsString(subject) && strcmp(subject->valuestring, "person") == 0
                          ? "unit_code"
                          : "code";
    const cJSON *unit = cJSON_GetObjectItemCaseSensitive(e, key);
    return cJSON_IsString(unit) ? unit->valuestring : "";
}

void evaluation_failures_leave_out(cJSON *evaluations, const cJSON *failures)
{
    if (!evaluations || !failures || !failures->child) return;
    cJSON *e = evaluations->child;
    while (e) {
        cJSON *next = e->next;
        if (cJSON_GetObjectItemCaseSensitive(failures, unit_of_evaluation(e)))
            cJSON_Delete(cJSON_DetachItemViaPointer(evaluations, e));
        e = next;
    }
}
