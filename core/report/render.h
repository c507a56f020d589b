/*
 * render.h — the consolidated report (domain/report.h) as a document: JSON, CSV (with a BOM,
 * formula-neutralised), an Excel workbook (libxlsxwriter) or a printable A4 HTML document
 * laid out per Nghị định 30/2020/NĐ-CP. The HTTP route and `thiduad report` both go through
 * here, so they give the same bytes.
 */
#ifndef THIDUA_REPORT_RENDER_H
#define THIDUA_REPORT_RENDER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buffer.h"

enum report_format {
    REPORT_FORMAT_JSON,
    REPORT_FORMAT_CSV,
    REPORT_FORMAT_XLSX,
    REPORT_FORMAT_HTML
};

/* "json", "csv", "xlsx", "html"; false for anything else. */
bool report_format_from_name(const char *name, enum report_format *out);
/* The HTTP Content-Type and the file name extension of a format. */
const char *report_format_content_type(enum report_format format);
const char *report_format_extension(enum report_format format);

/* The document, malloc'd, its length in *len (binary for xlsx); NULL with err. */
char *report_render(const cJSON *report, enum report_format format, size_t *len, char *err,
                    size_t errlen);

/* The parts, for report_render. */
char *report_csv(const cJSON *report, size_t *len);
char *report_xlsx(const cJSON *report, size_t *len, char *err, size_t errlen);
char *report_html(const cJSON *report, size_t *len);
/* An SVG bar chart of the units' scores (appended to the HTML). */
void report_svg_scores(struct buffer *out, const cJSON *report);

#endif
