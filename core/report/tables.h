/*
 * tables.h — the consolidated report (domain/report.h) laid out as the tables every format
 * shows: the same rows, headers and column widths in the CSV, the workbook's sheets and the
 * HTML document, so the three never disagree.
 */
#ifndef THIDUA_REPORT_TABLES_H
#define THIDUA_REPORT_TABLES_H

#include <cjson/cJSON.h>

/* Which table is which (the order of report_tables' array). */
enum report_table {
    REPORT_TABLE_TOTALS,
    REPORT_TABLE_UNITS,
    REPORT_TABLE_TITLES,
    REPORT_TABLE_NOMINATIONS,
    REPORT_TABLE_NOTES,
    REPORT_TABLE_REGISTRATIONS,
    REPORT_TABLE_PEOPLE,
    REPORT_TABLE_COUNT
};

/* [{"name" (a sheet's name, ≤ 31 characters), "title", "columns": [{"title", "width"
 * (characters), "number": bool}], "rows": [[string | number | null, ...]]}], one per
 * enum report_table. Text is Vietnamese; dates are dd/mm/yyyy; numbers stay numbers. */
cJSON *report_tables(const cJSON *report);

/* The name of a title or nomination code as the report's totals give it (the code itself
 * when unknown). */
const char *report_title_name(const cJSON *report, const char *code);

#endif
