/*
 * chart.c — the units' scores as SVG bar charts for the HTML report: units in rank order,
 * one horizontal bar each, scaled to the highest score the criteria allow, with the average
 * of the units that reported drawn as a dashed line. Forty units to a chart, so each prints
 * on one A4 page (an SVG is not split across pages). Plain SVG 1.1, no script, no font
 * files: chromium and every browser draw it as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/markup.h"
#include "report/render.h"
#include "util/json_text.h"

#define UNITS_PER_CHART 40
#define BAR_HEIGHT      14
#define BAR_GAP         4
#define LABEL_WIDTH     110
#define BARS_WIDTH      440
#define VALUE_WIDTH     40
#define TOP             24

static double number_of(const cJSON *obj, const char *key)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsNumber(n) ? n->valuedouble : 0;
}

static int by_rank(const void *a, const void *b)
{
    double x = number_of(*(const cJSON *const *)a, "rank");
    double y = number_of(*(const cJSON *const *)b, "rank");
    if (x != y) return x < y ? -1 : 1;
    return strcmp(json_text(*(const cJSON *const *)a, "code"),
                  json_text(*(const cJSON *const *)b, "code"));
}

/* One chart of units [from, to) of the ranked list. */
static void one_chart(struct buffer *b, const cJSON **units, size_t from, size_t to, double max,
                      double average)
{
    int height = TOP + (int)(to - from) * (BAR_HEIGHT + BAR_GAP) + 8;
    int width = LABEL_WIDTH + BARS_WIDTH + VALUE_WIDTH;
    markup_printf(
        b,
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        "viewBox=\"0 0 %d %d\" role=\"img\" font-family=\"Times New Roman, serif\" "
        "font-size=\"11\">\n",
        width, height, width, height);
    markup_printf(
        b, "<text x=\"%d\" y=\"14\" font-weight=\"bold\">Điểm của các đơn vị (tối đa %g)</text>\n",
        LABEL_WIDTH, max);
    for (size_t i = from; i < to; i++) {
        int y = TOP + (int)(i - from) * (BAR_HEIGHT + BAR_GAP);
        double score = number_of(units[i], "score");
        int w = max > 0 ? (int)(score / max * BARS_WIDTH + 0.5) : 0;
        buffer_puts(b, "<text x=\"0\" y=\"");
        markup_printf(b, "%d\">", y + BAR_HEIGHT - 3);
        markup_text(b, json_text(units[i], "code"), false);
        markup_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>",
                      LABEL_WIDTH, y, w, BAR_HEIGHT,
                      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(units[i], "submitted"))
                          ? "#2f5597"
                          : "#bfbfbf");
        markup_printf(b, "<text x=\"%d\" y=\"%d\">%g</text>\n", LABEL_WIDTH + w + 4,
                      y + BAR_HEIGHT - 3, score);
    }
    if (max > 0) {
        int x = LABEL_WIDTH + (int)(average / max * BARS_WIDTH + 0.5);
        markup_printf(b,
                      "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c00000\" "
                      "stroke-dasharray=\"4 3\"/><text x=\"%d\" y=\"%d\" fill=\"#c00000\" "
                      "text-anchor=\"end\">bình quân %.1f</text>\n",
                      x, TOP - 4, x, height - 4, x - 3, TOP - 6, average);
    }
    buffer_puts(b, "</svg>\n");
}

void report_svg_scores(struct buffer *b, const cJSON *report)
{
    const cJSON *units = cJSON_GetObjectItemCaseSensitive(report, "units"), *u, *c;
    size_t n = 0, count = (size_t)cJSON_GetArraySize(units);
    const cJSON **ranked = calloc(count + 1, sizeof *ranked);
    if (!ranked) return;
    cJSON_ArrayForEach(u, units) ranked[n++] = u;
    qsort(ranked, n, sizeof *ranked, by_rank);
    double max = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "criteria")) max +=
        number_of(c, "points");
    double average = number_of(cJSON_GetObjectItemCaseSensitive(report, "totals"), "average_score");
    for (size_t from = 0; from < n; from += UNITS_PER_CHART)
        one_chart(b, ranked, from, from + UNITS_PER_CHART < n ? from + UNITS_PER_CHART : n, max,
                  average);
    free(ranked);
}
