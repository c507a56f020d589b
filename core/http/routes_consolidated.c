/*
 * routes_consolidated.c — GET /api/v1/periods/{period}/report?format=json|csv|xlsx|html: the
 * consolidated report of a period (domain/report.h) as a document (report/render.h), the
 * same bytes `thiduad report` writes. The report carries people's names and results (the
 * annex), which are personal data (Nghị định 13/2023/NĐ-CP): an admin or a read token gets
 * it, a unit token does not (403). PDF is printed by the command line, not on the server's
 * loop (`thiduad report --format pdf`).
 */
#include <stdio.h>
#include <stdlib.h>

#include "domain/report.h"
#include "http/call.h"
#include "report/render.h"
#include "util/json_arena.h"

#define FORMAT_LEN 16
#define ERR_LEN    512

static void report_get(struct api_call *call)
{
    const char *period = call->params[0];
    if (call->who.scope == SCOPE_UNIT) {
        api_error(call, 403, "forbidden",
                  "báo cáo tổng hợp có dữ liệu cá nhân của mọi đơn vị: cần token admin hoặc read");
        return;
    }
    char name[FORMAT_LEN] = "json";
    int given = http_query_param(call->req, "format", name, sizeof name);
    enum report_format format;
    if (given < 0 || !report_format_from_name(name, &format)) {
        api_error(call, 400, "bad_format",
                  "format là json, csv, xlsx hoặc html (PDF: thiduad report --format pdf)");
        return;
    }
    struct ruleset *rs = api_ruleset(call);
    if (!rs || !api_period_rules(call, period, NULL)) return;
    char err[ERR_LEN];
    /* The model lives only to be rendered: its items come from one arena, dropped whole. */
    struct json_arena *arena = json_arena_open();
    cJSON *report = report_of_period(call->api->store, rs, period, err, sizeof err);
    if (!report) {
        json_arena_close(arena);
        api_error(call, 500, "internal", err);
        return;
    }
    size_t len = 0;
    char *doc = report_render(report, format, &len, err, sizeof err);
    cJSON_Delete(report);
    json_arena_close(arena);
    if (!doc) {
        api_error(call, 500, "internal", err);
        return;
    }
    char filename[64];
    snprintf(filename, sizeof filename, "bao-cao-%s.%s", period, report_format_extension(format));
    api_reply_document(call, report_format_content_type(format), doc, len,
                       format == REPORT_FORMAT_JSON || format == REPORT_FORMAT_HTML ? "inline"
                                                                                    : "attachment",
                       filename);
}

const struct route routes_consolidated[] = {
    {"GET", "/api/v1/periods/{period}/report", ACCESS_ANY_TOKEN, report_get},
    {NULL, NULL, ACCESS_PUBLIC, NULL},
};
