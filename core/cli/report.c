/*
 * report.c — `thiduad report --period P [--kind K] [--format F] [--out FILE]`: the reports
 * the Department Office prints from the stored results. Each kind is one function and one
 * line of the table `kinds` below (its formats, what it writes); `--kind report`, the
 * consolidated report (domain/report.h, drawn by core/report/), is the default.
 * Without --out the document goes to standard output; with it, to FILE through a temporary
 * file renamed into place, so a reader never sees half a report.
 * `--format pdf` prints the HTML document through headless chromium (cli/report_pdf.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/report.h"
#include "report/render.h"
#include "util/json_arena.h"

#define ERR_LEN 1024

/* Writes the document to --out (atomically) or to standard output. */
static int write_document(const struct cli *cli, const char *bytes, size_t len)
{
    if (!cli->out) {
        bool ok = fwrite(bytes, 1, len, stdout) == len && fflush(stdout) == 0;
        if (!ok) fprintf(stderr, "không ghi được báo cáo ra đầu ra chuẩn\n");
        return ok ? 0 : EX_IOERR;
    }
    size_t n = strlen(cli->out) + 8;
    char *tmp = malloc(n);
    if (!tmp) return EX_OSERR;
    snprintf(tmp, n, "%s.tmp", cli->out);
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(bytes, 1, len, f) == len;
    ok = f && fclose(f) == 0 && ok;
    ok = ok && rename(tmp, cli->out) == 0;
    if (!ok) {
        fprintf(stderr, "không ghi được tệp %s\n", cli->out);
        remove(tmp);
    }
    free(tmp);
    return ok ? 0 : EX_CANTCREAT;
}

/* The consolidated report of a period (báo cáo tổng hợp 6 tháng / năm). */
static int consolidated_report(struct store *st, const struct ruleset *rs, const struct cli *cli)
{
    const char *format_name = cli->format ? cli->format : "json";
    bool pdf = strcmp(format_name, "pdf") == 0;
    enum report_format format = REPORT_FORMAT_HTML;
    if (!pdf && !report_format_from_name(format_name, &format)) {
        fprintf(stderr, "--format là json, csv, xlsx, html hoặc pdf (không phải \"%s\")\n",
                format_name);
        return EX_USAGE;
    }
    char err[ERR_LEN];
    /* The model lives only to be rendered: its items come from one arena, dropped whole. */
    struct json_arena *arena = json_arena_open();
    cJSON *report = report_of_period(st, rs, cli->period, err, sizeof err);
    if (!report) {
        json_arena_close(arena);
        fprintf(stderr, "%s\n", err);
        return EX_DATAERR;
    }
    size_t len = 0;
    char *doc = report_render(report, format, &len, err, sizeof err);
    cJSON_Delete(report);
    json_arena_close(arena);
    if (!doc) {
        fprintf(stderr, "%s\n", err);
        return EX_SOFTWARE;
    }
    if (pdf) {
        char *html = doc;
        doc = cli_print_pdf(html, len, &len, err, sizeof err);
        free(html);
        if (!doc) {
            fprintf(stderr, "%s\n", err);
            return EX_UNAVAILABLE; /* chromium is missing or failed */
        }
    }
    int rc = write_document(cli, doc, len);
    free(doc);
    return rc;
}

/* The kinds of report: `--kind NAME`. The first is the default. */
static const struct report_kind {
    const char *name;
    int (*run)(struct store *st, const struct ruleset *rs, const struct cli *cli);
} kinds[] = {
    {"report", consolidated_report},
};

int cmd_report(const struct config *cfg, const struct cli *cli)
{
    if (!cli->period) return cli_usage();
    const char *name = cli->kind ? cli->kind : kinds[0].name;
    /* The nomination files read their own inputs (cli/report_nominations.c). */
    if (strcmp(name, "nominations") == 0) return cli_report_nominations(cfg, cli);
    const struct report_kind *kind = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].name, name) == 0) kind = &kinds[i];
    if (!kind) {
        fprintf(stderr, "không có loại báo cáo \"%s\" (--kind report|nominations)\n", name);
        return EX_USAGE;
    }
    struct store *st = cli_open_store(cfg, true);
    if (!st) return cli_store_failed();
    struct ruleset rs;
    int rc = cli_load_rules(cfg, cli, true, st, &rs) == 0 ? kind->run(st, &rs, cli) : EX_CONFIG;
    ruleset_free(&rs);
    store_close(st);
    return rc;
}
