/*
 * render.c — picks the consolidated report's document format: its name, its Content-Type,
 * its file extension, and the writer (JSON here; csv.c, xlsx.c, html.c for the others).
 */
#include "report/render.h"
#include "util/json_print.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *content_type, *extension;
} formats[] = {
    [REPORT_FORMAT_JSON] = {"json", "application/json; charset=utf-8", "json"},
    [REPORT_FORMAT_CSV] = {"csv", "text/csv; charset=utf-8", "csv"},
    [REPORT_FORMAT_XLSX] = {"xlsx",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            "xlsx"},
    [REPORT_FORMAT_HTML] = {"html", "text/html; charset=utf-8", "html"},
};

bool report_format_from_name(const char *name, enum report_format *out)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        if (strcmp(formats[i].name, name) == 0) {
            *out = (enum report_format)i;
            return true;
        }
    }
    return false;
}

const char *report_format_content_type(enum report_format format)
{
    return formats[format].content_type;
}

const char *report_format_extension(enum report_format format)
{
    return formats[format].extension;
}

char *report_render(const cJSON *report, enum report_format format, size_t *len, char *err,
                    size_t errlen)
{
    char *out = NULL;
    switch (format) {
    case REPORT_FORMAT_JSON:
        out = json_print(report);
        if (out) *len = strlen(out);
        break;
    case REPORT_FORMAT_CSV: out = report_csv(report, len); break;
    case REPORT_FORMAT_XLSX: return report_xlsx(report, len, err, errlen);
    case REPORT_FORMAT_HTML: out = report_html(report, len); break;
    }
    if (!out) snprintf(err, errlen, "không đủ bộ nhớ để lập báo cáo");
    return out;
}
