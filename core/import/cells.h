/* cells.h — the values a spreadsheet puts in a cell, read the same way by every import:
 * dates (ISO or dd/mm/yyyy, and what Excel does to them), booleans, and phones Excel took
 * for numbers. Pure functions of their arguments. Private to core/import/. */
#ifndef THIDUA_IMPORT_CELLS_H
#define THIDUA_IMPORT_CELLS_H

#include <stdbool.h>
#include <stddef.h>

/* Room for "YYYY-MM-DD" and its NUL. */
#define CELL_DATE_LEN 11

/* A date as a Vietnamese office writes it: YYYY-MM-DD, or dd/mm/yyyy (also d/m/yyyy, and
 * with '-' or '.' between day, month and year). True with iso filled; false with why
 * filled (in Vietnamese, quoting the cell): an impossible day ("tháng 2 năm 2025 chỉ có 28
 * ngày"), an Excel serial number (45657) with the day it probably is, or not a date. */
bool cell_date(const char *text, char iso[CELL_DATE_LEN], char *why, size_t whylen);

/* The one spelling of booleans of every file, regardless of case and accents: */
#define CELL_BOOLEANS "1, x, có, true hoặc 0, không, false (chữ hoa hay không dấu đều được)"
/* 1 for true, 0 for false, -1 for anything else (an empty cell too: each import says what
 * an empty cell means). */
int cell_bool(const char *text);

/* "unit" or "person" for a subject as a clerk writes it (unit, đơn vị; person, cá nhân;
 * regardless of case and accents), else NULL. */
const char *cell_subject(const char *text);

/* When text is a Vietnamese phone number whose leading 0 a spreadsheet dropped (912345678),
 * the number with its 0 in fixed (0912345678), true; else false. */
bool cell_phone_lost_zero(const char *text, char *fixed, size_t len);

#endif
