/*
 * test_csv_import.c — unit tests for core/import/ (and util/validate.c) against a fresh, migrated
 * store: importing the demo units and people (and re-importing them as a no-op), a spreadsheet
 * export with a BOM, CRLF line ends and quoted commas (Vietnamese kept byte for byte), and
 * files with mistakes: each must give "dòng N, cột X: ..." lines with the right N and X
 * and leave the database exactly as it was. Also the validators shared with the HTTP layer:
 * phone_to_e164, valid_date, valid_utf8, valid_code and valid_email.
 *
 * Files and databases live under one mkdtemp() root that main() removes at the end.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import/cells.h"
#include "import/import.h"
#include "store/internal.h"
#include "store/units.h"
#include "store/store.h"
#include "util/validate.h"
#include "support.h"

static char root[256]; /* created by main() */
static char dir[512];  /* this test's folder */
static struct store *st;

#define UNITS_HEADER  "code,name,parent_code,kind,email,phone,valid_from,valid_to,merged_into\n"
#define PEOPLE_HEADER "code,full_name,unit_code,position,is_head,email,phone,hired_on\n"

/* ---- helpers ---------------------------------------------------------------------------- */

static void setup(void)
{
    st = test_fresh_store(dir, sizeof dir, root);
}

static void teardown(void)
{
    store_close(st);
    st = NULL;
    test_remove_tree(dir);
}

static const char *demo_path(const char *name)
{
    static char path[1024];
    const char *src = getenv("THIDUA_SOURCE_DIR");
    ck_assert_msg(src != NULL, "THIDUA_SOURCE_DIR is not set (run through ctest)");
    snprintf(path, sizeof path, "%s/etc/demo/%s", src, name);
    return path;
}

/* Writes len bytes (or the string when len is 0) to dir/name; returns the path. */
static const char *write_file(const char *name, const char *text, size_t len)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    if (!len) len = strlen(text);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static char *errors_text(const struct import_errors *errors)
{
    static char text[8192];
    text[0] = '\0';
    for (size_t i = 0; i < errors->count; i++) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, "\n  %s", errors->lines[i]);
    }
    return text;
}

static long long count_rows(const char *table)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
    sqlite3_stmt *stmt = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    long long n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

/* One text column of one row, malloc'd; NULL when there is no row or the value is NULL. */
static char *lookup(const char *sql, const char *arg)
{
    sqlite3_stmt *stmt = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL), SQLITE_OK);
    sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC);
    char *out = NULL;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
        out = strdup((const char *)sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
}

static void assert_column(const char *sql, const char *arg, const char *expected)
{
    char *got = lookup(sql, arg);
    if (expected == NULL) {
        ck_assert_msg(got == NULL, "%s [%s]: expected NULL, got \"%s\"", sql, arg, got);
    } else {
        ck_assert_msg(got != NULL, "%s [%s]: no value", sql, arg);
        ck_assert_msg(strcmp(got, expected) == 0, "%s [%s]: \"%s\" != \"%s\"", sql, arg, got,
                      expected);
    }
    free(got);
}

/* Everything in the domain tables, as one string, to compare a database before and after. */
static char *dump(void)
{
    static const char *const tables[] = {"units", "people", "audit", "tokens"};
    size_t cap = 1 << 16, used = 0;
    char *out = malloc(cap);
    ck_assert_ptr_nonnull(out);
    out[0] = '\0';
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM %s ORDER BY 1", tables[t]);
        sqlite3_stmt *stmt = NULL;
        ck_assert_int_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &stmt, NULL), SQLITE_OK);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            for (int c = 0; c < sqlite3_column_count(stmt); c++) {
                const unsigned char *v = sqlite3_column_text(stmt, c);
                const char *text = v ? (const char *)v : "<null>";
                size_t need = strlen(text) + 4;
                while (used + need >= cap) {
                    cap *= 2;
                    out = realloc(out, cap);
                    ck_assert_ptr_nonnull(out);
                }
                used += (size_t)snprintf(out + used, cap - used, "%s%c", text,
                                         c + 1 < sqlite3_column_count(stmt) ? '|' : '\n');
            }
        }
        sqlite3_finalize(stmt);
    }
    return out;
}

static void import_demo(void)
{
    struct import_summary summary;
    struct import_errors errors = {0};
    ck_assert_msg(import_units(st, demo_path("units.csv"), "test", &summary, &errors) == 0,
                  "demo units: %s", errors_text(&errors));
    import_errors_free(&errors);
    ck_assert_msg(import_people(st, demo_path("people.csv"), "test", &summary, &errors) == 0,
                  "demo people: %s", errors_text(&errors));
    import_errors_free(&errors);
}

static void setup_demo(void)
{
    setup();
    import_demo();
}

enum which { UNITS, PEOPLE };

static int run_import(enum which which, const char *path, struct import_summary *summary,
                      struct import_errors *errors)
{
    return which == UNITS ? import_units(st, path, "test", summary, errors)
                          : import_people(st, path, "test", summary, errors);
}

/* ---- the demo files --------------------------------------------------------------------- */

START_TEST(test_demo_import)
{
    struct import_summary summary;
    struct import_errors errors = {0};

    ck_assert_msg(import_units(st, demo_path("units.csv"), "test", &summary, &errors) == 0,
                  "units: %s", errors_text(&errors));
    ck_assert_uint_eq(errors.count, 0);
    ck_assert_uint_eq(summary.rows, 16);
    ck_assert_uint_eq(summary.changed, 16);
    ck_assert_uint_eq(summary.unchanged, 0);
    ck_assert_int_eq(count_rows("units"), 16);

    ck_assert_msg(import_people(st, demo_path("people.csv"), "test", &summary, &errors) == 0,
                  "people: %s", errors_text(&errors));
    ck_assert_uint_eq(summary.rows, 150);
    ck_assert_uint_eq(summary.changed, 150);
    ck_assert_uint_eq(summary.unchanged, 0);
    ck_assert_int_eq(count_rows("people"), 150);
    ck_assert_int_eq(count_rows("audit"), 166);
    ck_assert_int_eq(count_rows("people WHERE is_head = 1"), 16);

    /* A few values as stored: quoted comma, normalised phone, NULL for empty dates. */
    assert_column("SELECT name FROM units WHERE code = ?", "KHTC", "Phòng Kế hoạch, Tài chính");
    assert_column("SELECT phone FROM units WHERE code = ?", "SO", "+84910697516");
    assert_column("SELECT parent_code FROM units WHERE code = ?", "SO", NULL);
    assert_column("SELECT parent_code FROM units WHERE code = ?", "VP", "SO");
    assert_column("SELECT valid_to FROM units WHERE code = ?", "SO", NULL);
    assert_column("SELECT merged_into FROM units WHERE code = ?", "PTNMT-HX", "SO");
    assert_column("SELECT valid_to FROM units WHERE code = ?", "PTNMT-HX", "2025-06-30");
    assert_column("SELECT full_name FROM people WHERE code = ?", "CB0001", "Trần Bích Hằng");
    assert_column("SELECT phone FROM people WHERE code = ?", "CB0001", "+84853513864");
    char *head = units_head(st, "SO");
    ck_assert_pstr_eq(head, "CB0001");
    free(head);
    import_errors_free(&errors);
}
END_TEST

START_TEST(test_demo_reimport_changes_nothing)
{
    import_demo();
    char *before = dump();
    struct import_summary summary;
    struct import_errors errors = {0};

    ck_assert_msg(import_units(st, demo_path("units.csv"), "test", &summary, &errors) == 0,
                  "units: %s", errors_text(&errors));
    ck_assert_uint_eq(summary.rows, 16);
    ck_assert_uint_eq(summary.changed, 0);
    ck_assert_uint_eq(summary.unchanged, 16);
    ck_assert_msg(import_people(st, demo_path("people.csv"), "test", &summary, &errors) == 0,
                  "people: %s", errors_text(&errors));
    ck_assert_uint_eq(summary.rows, 150);
    ck_assert_uint_eq(summary.changed, 0);
    ck_assert_uint_eq(summary.unchanged, 150);

    char *after = dump(); /* not even updated_at moved, and no audit line was added */
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    import_errors_free(&errors);
}
END_TEST

/* ---- spreadsheet exports ---------------------------------------------------------------- */

/* "Nguyễn" with the decomposed ễ (e + U+0302 + U+0303): stored in NFC, as NFC_NGUYEN. */
#define NFD_NGUYEN "Nguye\xCC\x82\xCC\x83n"
#define NFC_NGUYEN "Nguy\xE1\xBB\x85n"

START_TEST(test_bom_crlf_quotes)
{
    const char *units = write_file(
        "units.csv",
        "\xEF\xBB\xBF"
        "code,name,parent_code,kind,email,phone,valid_from,valid_to,merged_into\r\n"
        "SO,\"Sở Nông nghiệp, Môi trường\",,department,so@example.vn,0910697516,2020-01-01,,\r\n"
        "HX,\"Phòng \"\"Hòa Xuyên\"\", huyện Hòa Xuyên\",SO,district,hx@example.vn,"
        "\"0912 345 678\",2020-01-01,2025-06-30,SO\r\n"
        "ND,\"Tổ " NFD_NGUYEN " Đức\",SO,unit,,,,,\r\n",
        0);
    struct import_summary summary;
    struct import_errors errors = {0};
    ck_assert_msg(import_units(st, units, "test", &summary, &errors) == 0, "%s",
                  errors_text(&errors));
    ck_assert_uint_eq(summary.rows, 3);
    ck_assert_uint_eq(summary.changed, 3);
    assert_column("SELECT name FROM units WHERE code = ?", "SO", "Sở Nông nghiệp, Môi trường");
    assert_column("SELECT name FROM units WHERE code = ?", "HX",
                  "Phòng \"Hòa Xuyên\", huyện Hòa Xuyên");
    assert_column("SELECT name FROM units WHERE code = ?", "ND", "Tổ " NFC_NGUYEN " Đức");
    assert_column("SELECT phone FROM units WHERE code = ?", "HX", "+84912345678");
    assert_column("SELECT merged_into FROM units WHERE code = ?", "HX", "SO"); /* no '\r' */
    assert_column("SELECT valid_to FROM units WHERE code = ?", "HX", "2025-06-30");
    assert_column("SELECT merged_into FROM units WHERE code = ?", "ND", NULL);

    const char *people = write_file(
        "people.csv",
        "\xEF\xBB\xBF"
        "code,full_name,unit_code,position,is_head,email,phone,hired_on\r\n"
        "P1,\"Trần Thị Ánh, Tuyết\",SO,\"Giám đốc, kiêm nhiệm\",1,anh@example.vn,,2001-02-03\r\n"
        "P2,Đặng Văn Ơn,HX,Chuyên viên,0,,+84 912 345 679,\r\n"
        "P3," NFD_NGUYEN " Thị Ỷ,ND,Tổ trưởng,1,,,1999-12-31\r\n",
        0);
    ck_assert_msg(import_people(st, people, "test", &summary, &errors) == 0, "%s",
                  errors_text(&errors));
    ck_assert_uint_eq(summary.rows, 3);
    assert_column("SELECT full_name FROM people WHERE code = ?", "P1", "Trần Thị Ánh, Tuyết");
    assert_column("SELECT position FROM people WHERE code = ?", "P1", "Giám đốc, kiêm nhiệm");
    assert_column("SELECT hired_on FROM people WHERE code = ?", "P1", "2001-02-03");
    assert_column("SELECT full_name FROM people WHERE code = ?", "P2", "Đặng Văn Ơn");
    assert_column("SELECT phone FROM people WHERE code = ?", "P2", "+84912345679");
    assert_column("SELECT hired_on FROM people WHERE code = ?", "P2", NULL);
    assert_column("SELECT full_name FROM people WHERE code = ?", "P3", NFC_NGUYEN " Thị Ỷ");
    assert_column("SELECT hired_on FROM people WHERE code = ?", "P3", "1999-12-31");
    import_errors_free(&errors);
}
END_TEST

START_TEST(test_columns_in_any_order)
{
    /* Reordered header, an extra column, no merged_into (optional), parents after children,
     * padded header names and a blank line at the end. */
    const char *units = write_file("units.csv",
                                   "kind,code, name ,note,parent_code,email,phone,valid_from,"
                                   "valid_to\n"
                                   "office,VP,Văn phòng,ghi chú,SO,,,,\n"
                                   "department,SO,Sở,,,,,,\n"
                                   "\n",
                                   0);
    struct import_summary summary;
    struct import_errors errors = {0};
    ck_assert_msg(import_units(st, units, "test", &summary, &errors) == 0, "%s",
                  errors_text(&errors));
    ck_assert_uint_eq(summary.rows, 2);
    ck_assert_uint_eq(summary.changed, 2);
    assert_column("SELECT parent_code FROM units WHERE code = ?", "VP", "SO");
    assert_column("SELECT name FROM units WHERE code = ?", "VP", "Văn phòng");
    import_errors_free(&errors);
}
END_TEST

START_TEST(test_head_moves_within_file)
{
    /* CB0001 stops being head of SO and CB0002 takes over, in the same file. */
    const char *people =
        write_file("people.csv",
                   PEOPLE_HEADER "CB0002,Nguyễn Thu Lan,SO,Giám đốc Sở,1,,,2001-05-03\n"
                                 "CB0001,Trần Bích Hằng,SO,Cố vấn,0,,,1995-02-06\n",
                   0);
    struct import_summary summary;
    struct import_errors errors = {0};
    ck_assert_msg(import_people(st, people, "test", &summary, &errors) == 0, "%s",
                  errors_text(&errors));
    ck_assert_uint_eq(summary.changed, 2);
    char *head = units_head(st, "SO");
    ck_assert_pstr_eq(head, "CB0002");
    free(head);
    ck_assert_int_eq(count_rows("people WHERE is_head = 1"), 16);
    import_errors_free(&errors);
}
END_TEST

START_TEST(test_units_change_is_counted)
{
    const char *units =
        write_file("units.csv",
                   UNITS_HEADER "SO,Sở Nông nghiệp và Môi trường,,department,"
                                "snnmt@snnmt.example.vn,0910697516,2020-01-01,,\n"
                                "VP,Văn phòng Sở (mới),SO,office,"
                                "vanphong@snnmt.example.vn,0962344386,2020-01-01,,\n",
                   0);
    long long audit = count_rows("audit");
    struct import_summary summary;
    struct import_errors errors = {0};
    ck_assert_msg(import_units(st, units, "test", &summary, &errors) == 0, "%s",
                  errors_text(&errors));
    ck_assert_uint_eq(summary.rows, 2);
    ck_assert_uint_eq(summary.changed, 1);
    ck_assert_uint_eq(summary.unchanged, 1);
    ck_assert_int_eq(count_rows("units"), 16);
    ck_assert_int_eq(count_rows("audit"), audit + 1);
    assert_column("SELECT name FROM units WHERE code = ?", "VP", "Văn phòng Sở (mới)");
    assert_column("SELECT code FROM audit WHERE actor = ? ORDER BY id DESC", "test", "VP");
    import_errors_free(&errors);
}
END_TEST

/* ---- files with mistakes ---------------------------------------------------------------- */

/* Rows 2 and 3 of every bad units file are fine (one renames SO, one is new): neither may be
 * written when a later row is wrong. */
#define UNITS_OK                                                                                    \
    UNITS_HEADER "SO,Sở đổi tên,,department,snnmt@snnmt.example.vn,0910697516,2020-01-01,,\n" \
                 "NEW1,Phòng Mới,SO,office,moi@snnmt.example.vn,0912345678,2025-01-01,,\n"
/* The same for people: CB0002 is renamed, CB9001 is new. */
#define PEOPLE_OK                                                                                  \
    PEOPLE_HEADER "CB0002,Nguyễn Thu Lan (đổi),SO,Phó Giám đốc Sở,0,"                  \
                  "nguyen.thu.lan@snnmt.example.vn,0355306353,2001-05-03\n"                        \
                  "CB9001,Người Mới,VP,Chuyên viên,0,,,2024-03-01\n"

static const struct bad_file {
    const char *what;
    enum which which;
    const char *csv;
    size_t lines;       /* how many error lines */
    const char *expect; /* the first one starts with this */
} bad_files[] = {
    {"unit: bad kind", UNITS, UNITS_OK "NEW2,Phòng Hai,SO,ministry,,,,,\n", 1,
     "dòng 4, cột kind: "},
    {"unit: unknown parent", UNITS, UNITS_OK "NEW2,Phòng Hai,NOPE,office,,,,,\n", 1,
     "dòng 4, cột parent_code: "},
    {"unit: own parent", UNITS, UNITS_OK "NEW2,Phòng Hai,NEW2,office,,,,,\n", 1,
     "dòng 4, cột parent_code: "},
    {"unit: bad email", UNITS, UNITS_OK "NEW2,Phòng Hai,SO,office,not-an-email,,,,\n", 1,
     "dòng 4, cột email: "},
    {"unit: bad phone", UNITS, UNITS_OK "NEW2,Phòng Hai,SO,office,,12345,,,\n", 1,
     "dòng 4, cột phone: "},
    {"unit: bad date", UNITS, UNITS_OK "NEW2,Phòng Hai,SO,office,,,2025-02-30,,\n", 1,
     "dòng 4, cột valid_from: "},
    {"unit: bad valid_to", UNITS, UNITS_OK "NEW2,Phòng Hai,SO,office,,,,31/02/2025,\n", 1,
     "dòng 4, cột valid_to: "},
    {"unit: valid_to before valid_from", UNITS,
     UNITS_OK "NEW2,Phòng Hai,SO,office,,,2025-01-01,2024-12-31,\n", 1, "dòng 4, cột valid_to: "},
    {"unit: duplicate code", UNITS, UNITS_OK "NEW1,Phòng Hai,SO,office,,,,,\n", 1,
     "dòng 4, cột code: "},
    {"unit: bad code", UNITS, UNITS_OK "NEW 2,Phòng Hai,SO,office,,,,,\n", 1, "dòng 4, cột code: "},
    {"unit: empty code", UNITS, UNITS_OK ",Phòng Hai,SO,office,,,,,\n", 1, "dòng 4, cột code: "},
    {"unit: empty name", UNITS, UNITS_OK "NEW2,,SO,office,,,,,\n", 1, "dòng 4, cột name: "},
    {"unit: blank name", UNITS, UNITS_OK "NEW2,   ,SO,office,,,,,\n", 1, "dòng 4, cột name: "},
    {"unit: merged without valid_to", UNITS, UNITS_OK "NEW2,Phòng Hai,SO,office,,,,,SO\n", 1,
     "dòng 4, cột merged_into: "},
    {"unit: merged into unknown", UNITS,
     UNITS_OK "NEW2,Phòng Hai,SO,office,,,2020-01-01,2025-01-01,NOPE\n", 1,
     "dòng 4, cột merged_into: "},
    {"unit: not UTF-8", UNITS, UNITS_OK "NEW2,Ph\xF2ng Hai,SO,office,,,,,\n", 1,
     "dòng 4, cột name: "},
    {"unit: control character in a cell", UNITS, UNITS_OK "NEW2,Phòng\x01Hai,SO,office,,,,,\n", 1,
     "dòng 4, cột name: ký tự điều khiển U+0001 ở ký tự thứ 6"},
    {"person: escape character in a cell", PEOPLE,
     PEOPLE_OK "CB9002,Người Hai,VP,\x1b[31mChuyên viên,0,,,\n", 1,
     "dòng 4, cột position: ký tự điều khiển U+001B ở ký tự thứ 1"},
    {"unit: missing header column", UNITS,
     "code,name,parent_code,email,phone,valid_from,valid_to,merged_into\n"
     "NEW2,Phòng Hai,SO,,,,,\n",
     1, "dòng 1, cột kind: "},
    {"unit: parent loop in the file", UNITS,
     UNITS_OK "LA,Vòng A,LB,office,,,,,\nLB,Vòng B,LA,office,,,,,\n", 1,
     "dòng 4, cột parent_code: "},
    {"person: two heads in one unit", PEOPLE,
     PEOPLE_OK "CB0001,Trần Bích Hằng,SO,Giám đốc Sở,1,tran.bich.hang@snnmt.example.vn,"
               "0853513864,1995-02-06\n"
               "CB9002,Người Thứ Hai,SO,Giám đốc,1,,,\n",
     1, "dòng 5, cột is_head: "},
    {"person: second head beside the stored one", PEOPLE,
     PEOPLE_OK "CB9002,Người Thứ Hai,SO,Giám đốc,1,,,\n", 1, "dòng 4, cột is_head: "},
    {"person: unknown unit", PEOPLE, PEOPLE_OK "CB9002,Người Hai,NOPE,Chuyên viên,0,,,\n", 1,
     "dòng 4, cột unit_code: "},
    {"person: empty unit", PEOPLE, PEOPLE_OK "CB9002,Người Hai,,Chuyên viên,0,,,\n", 1,
     "dòng 4, cột unit_code: "},
    {"person: bad email", PEOPLE, PEOPLE_OK "CB9002,Người Hai,VP,Chuyên viên,0,a@b@c.vn,,\n", 1,
     "dòng 4, cột email: "},
    {"person: bad phone", PEOPLE, PEOPLE_OK "CB9002,Người Hai,VP,Chuyên viên,0,,0123456789,\n", 1,
     "dòng 4, cột phone: "},
    {"person: bad date", PEOPLE, PEOPLE_OK "CB9002,Người Hai,VP,Chuyên viên,0,,,2025-02-30\n", 1,
     "dòng 4, cột hired_on: "},
    {"person: duplicate code", PEOPLE, PEOPLE_OK "CB9001,Người Hai,VP,Chuyên viên,0,,,\n", 1,
     "dòng 4, cột code: "},
    {"person: empty name", PEOPLE, PEOPLE_OK "CB9002,,VP,Chuyên viên,0,,,\n", 1,
     "dòng 4, cột full_name: "},
    {"person: bad is_head", PEOPLE, PEOPLE_OK "CB9002,Người Hai,VP,Chuyên viên,yes,,,\n", 1,
     "dòng 4, cột is_head: "},
    {"unit: Excel serial for a date", UNITS, UNITS_OK "NEW2,Phòng Hai,SO,office,,,45657,,\n", 1,
     "dòng 4, cột valid_from: \"45657\" là số ngày kiểu Excel, không phải ngày (có lẽ là "
     "31/12/2024)"},
    {"unit: 30/02", UNITS, UNITS_OK "NEW2,Phòng Hai,SO,office,,,30/02/2025,,\n", 1,
     "dòng 4, cột valid_from: \"30/02/2025\": không có ngày này, tháng 2 năm 2025 chỉ có 28 "
     "ngày"},
    {"unit: phone that lost its 0", UNITS, UNITS_OK "NEW2,Phòng Hai,SO,office,,912345678,,,\n", 1,
     "dòng 4, cột phone: \"912345678\" thiếu số 0 ở đầu (Excel bỏ số 0 khi coi ô là số): hãy "
     "định dạng cột là Văn bản và gõ lại 0912345678"},
    {"person: month first", PEOPLE, PEOPLE_OK "CB9002,Người Hai,VP,Chuyên viên,0,,,12/31/2024\n", 1,
     "dòng 4, cột hired_on: \"12/31/2024\": không có tháng 31"},
    {"person: a Vietnamese header names the column", PEOPLE,
     "Mã cán bộ,Họ và tên,Đơn vị,Chức vụ,Người đứng đầu,Email,Điện thoại,Ngày vào làm\n"
     "CB9002,Người Hai,VP,Chuyên viên,Khong,,0912 345 678,01/01/2020\n"
     "CB9003,Người Ba,VP,Chuyên viên,không,,,2020-13-01\n",
     1, "dòng 3, cột Ngày vào làm: \"2020-13-01\": không có tháng 13"},
    {"unit: two headers for one column", UNITS,
     "code,name,parent_code,kind,email,phone,valid_from,valid_to,Mã đơn vị\n"
     "NEW2,Phòng Hai,SO,office,,,,,NEW2\n",
     1, "dòng 1, cột Mã đơn vị: trùng với cột \"code\" (cả hai là cột code)"},
    {"unit: tab-separated file", UNITS,
     "code\tname\tparent_code\tkind\temail\tphone\tvalid_from\tvalid_to\n"
     "NEW2\tPhòng Hai\tSO\toffice\t\t\t\t\n",
     1, "dòng 1: các cột cách nhau bằng dấu tab, không phải dấu phẩy \",\" hay dấu chấm phẩy"},
    {"unit: no separator at all", UNITS, "Danh sách đơn vị\nSO\n", 1,
     "dòng 1: dòng tiêu đề \"Danh sách đơn vị\" chỉ có một cột: không thấy dấu phẩy"},
    {"person: is_head neither true nor false", PEOPLE,
     PEOPLE_OK "CB9002,Người Hai,VP,Chuyên viên,có lẽ,,,\n", 1,
     "dòng 4, cột is_head: \"có lẽ\" phải là 1, x, có, true hoặc 0, không, false"},
    {"person: missing header column", PEOPLE,
     "code,full_name,unit_code,position,is_head,email,phone\n"
     "CB9002,Người Hai,VP,Chuyên viên,0,,\n",
     1, "dòng 1, cột hired_on: "},
};

START_TEST(test_bad_file)
{
    const struct bad_file *bad = &bad_files[_i];
    char *before = dump();
    long long units = count_rows("units"), people = count_rows("people"),
              audit = count_rows("audit");
    const char *path = write_file("bad.csv", bad->csv, 0);
    struct import_summary summary;
    struct import_errors errors = {0};
    int rc = run_import(bad->which, path, &summary, &errors);
    ck_assert_msg(rc == -1, "%s: the import should fail", bad->what);
    ck_assert_msg(errors.count == bad->lines, "%s: %zu error lines, expected %zu:%s", bad->what,
                  errors.count, bad->lines, errors_text(&errors));
    ck_assert_msg(strncmp(errors.lines[0], bad->expect, strlen(bad->expect)) == 0,
                  "%s: expected \"%s...\", got:%s", bad->what, bad->expect, errors_text(&errors));
    ck_assert_uint_eq(summary.changed, 0);
    ck_assert_int_eq(count_rows("units"), units);
    ck_assert_int_eq(count_rows("people"), people);
    ck_assert_int_eq(count_rows("audit"), audit);
    char *after = dump();
    ck_assert_msg(strcmp(before, after) == 0, "%s: the database changed", bad->what);
    ck_assert(sqlite3_get_autocommit(store_db(st)));
    free(before);
    free(after);
    import_errors_free(&errors);
}
END_TEST

START_TEST(test_several_bad_rows)
{
    char *before = dump();
    const char *path = write_file("bad.csv",
                                  UNITS_HEADER "A1,Một,SO,office,,,,,\n"
                                               "A2,Hai,SO,ministry,,,,,\n"
                                               "A3,Ba,SO,office,,,,,\n"
                                               "A4,Bốn,SO,office,bad-email,,,,\n"
                                               "A5,Năm,SO,office,,,2025-13-01,,\n"
                                               "A6,,SO,office,,0123,,,\n",
                                  0);
    struct import_summary summary;
    struct import_errors errors = {0};
    ck_assert_int_eq(import_units(st, path, "test", &summary, &errors), -1);
    static const char *const expect[] = {
        "dòng 3, cột kind: ", "dòng 5, cột email: ", "dòng 6, cột valid_from: ",
        "dòng 7, cột name: ", "dòng 7, cột phone: ",
    };
    size_t n = sizeof expect / sizeof expect[0];
    ck_assert_msg(errors.count == n, "%zu lines:%s", errors.count, errors_text(&errors));
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(strncmp(errors.lines[i], expect[i], strlen(expect[i])) == 0,
                      "line %zu should start \"%s\":%s", i, expect[i], errors_text(&errors));
    char *after = dump();
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    import_errors_free(&errors);
}
END_TEST

START_TEST(test_short_row)
{
    const char *path =
        write_file("bad.csv", UNITS_HEADER "A1,Một,SO,office,,,,,\nA2,Hai,SO,office\n", 0);
    struct import_summary summary;
    struct import_errors errors = {0};
    ck_assert_int_eq(import_units(st, path, "test", &summary, &errors), -1);
    ck_assert_msg(errors.count >= 1, "no error");
    ck_assert_msg(starts_with(errors.lines[0], "dòng 3"), "%s", errors_text(&errors));
    ck_assert_int_eq(count_rows("units"), 16);
    import_errors_free(&errors);
}
END_TEST

START_TEST(test_row_numbers_count_blank_lines)
{
    /* A spreadsheet (or an editor) shows the blank line as row 3, so the bad row is row 4. */
    const char *path = write_file(
        "blank.csv", UNITS_HEADER "A1,Một,SO,office,,,,,\n\nA2,Hai,SO,ministry,,,,,\n", 0);
    struct import_summary summary;
    struct import_errors errors = {0};
    ck_assert_int_eq(import_units(st, path, "test", &summary, &errors), -1);
    ck_assert_msg(errors.count == 1 && starts_with(errors.lines[0], "dòng 4, cột kind: "),
                  "expected \"dòng 4, cột kind: ...\":%s", errors_text(&errors));
    import_errors_free(&errors);
}
END_TEST

START_TEST(test_unreadable_files)
{
    struct import_summary summary;
    struct import_errors errors = {0};
    char missing[1024];
    snprintf(missing, sizeof missing, "%s/missing.csv", dir);
    ck_assert_int_eq(import_units(st, missing, "test", &summary, &errors), -1);
    ck_assert_uint_eq(errors.count, 1);
    ck_assert_str_eq(errors.lines[0], "không có tệp này");
    import_errors_free(&errors);

    const char *empty = write_file("empty.csv", "\xEF\xBB\xBF", 0);
    ck_assert_int_eq(import_people(st, empty, "test", &summary, &errors), -1);
    ck_assert_uint_eq(errors.count, 1);
    ck_assert_str_eq(errors.lines[0], "tệp trống (không có dòng tiêu đề)");
    import_errors_free(&errors);

    const char *unclosed = write_file("unclosed.csv", UNITS_HEADER "A1,\"Một,SO,office,,,,,\n", 0);
    ck_assert_int_eq(import_units(st, unclosed, "test", &summary, &errors), -1);
    ck_assert_uint_eq(errors.count, 1);
    import_errors_free(&errors);
    ck_assert_int_eq(count_rows("units"), 16);
}
END_TEST

START_TEST(test_units_parent_cycle_through_database)
{
    /* VP's parent is SO in the database; making SO a child of VP closes a loop
     * (SO -> VP -> SO) that the check of parent chains "inside the file" does not see. */
    char *before = dump();
    const char *path = write_file("loop.csv",
                                  UNITS_HEADER "SO,Sở Nông nghiệp và Môi trường,VP,department,"
                                               "snnmt@snnmt.example.vn,0910697516,2020-01-01,,\n",
                                  0);
    struct import_summary summary;
    struct import_errors errors = {0};
    int rc = import_units(st, path, "test", &summary, &errors);
    char *parent = lookup("SELECT parent_code FROM units WHERE code = ?", "SO");
    ck_assert_msg(rc == -1, "a parent loop through the database was imported (SO.parent = %s)",
                  parent ? parent : "NULL");
    free(parent);
    ck_assert_msg(errors.count >= 1 && starts_with(errors.lines[0], "dòng 2, cột parent_code: "),
                  "%s", errors_text(&errors));
    char *after = dump();
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    import_errors_free(&errors);
}
END_TEST

/* ---- validators ------------------------------------------------------------------------- */

static void assert_phone(const char *in, const char *expected)
{
    char out[24] = "unchanged";
    bool ok = phone_to_e164(in, out, sizeof out);
    if (expected) {
        ck_assert_msg(ok, "\"%s\" should be accepted", in);
        ck_assert_msg(strcmp(out, expected) == 0, "\"%s\" -> \"%s\", expected \"%s\"", in, out,
                      expected);
    } else {
        ck_assert_msg(!ok, "\"%s\" should be refused (got \"%s\")", in, out);
    }
}

START_TEST(test_phone_to_e164)
{
    assert_phone("0912345678", "+84912345678");
    assert_phone("+84 912 345 678", "+84912345678");
    assert_phone("+84912345678", "+84912345678");
    assert_phone("84912345678", "+84912345678");
    assert_phone("0912.345.678", "+84912345678");
    assert_phone("0912-345-678", "+84912345678");
    assert_phone("0355306353", "+84355306353");
    assert_phone("0568257458", "+84568257458");
    assert_phone("0702830761", "+84702830761");
    assert_phone("0853513864", "+84853513864");
    assert_phone("02838123456", "+842838123456"); /* landline, Hồ Chí Minh City */
    assert_phone("(028) 3812 3456", "+842838123456");
    assert_phone("+84 28 3812 3456", "+842838123456");

    assert_phone("12345", NULL);
    assert_phone("0123456789", NULL); /* 01x: the old 11-digit mobile prefixes are gone */
    assert_phone("01234567890", NULL);
    assert_phone("0912345abc", NULL);
    assert_phone("phone", NULL);
    assert_phone("", NULL);
    assert_phone("091234567", NULL);   /* too short */
    assert_phone("09123456789", NULL); /* too long */
    assert_phone("+1 212 555 0100", NULL);
    assert_phone("0912+345678", NULL);
    assert_phone("++84912345678", NULL);
    assert_phone("0412345678", NULL); /* 04 is not a mobile prefix */
    assert_phone("0212345678", NULL); /* a landline needs 11 digits */
    assert_phone("0000000000000000000000000000000000", NULL);
}
END_TEST

START_TEST(test_valid_date)
{
    ck_assert(valid_date("2025-01-01"));
    ck_assert(valid_date("2025-12-31"));
    ck_assert(valid_date("2024-02-29")); /* leap year */
    ck_assert(valid_date("2000-02-29")); /* divisible by 400 */
    ck_assert(!valid_date("2023-02-29"));
    ck_assert(!valid_date("1900-02-29")); /* divisible by 100, not by 400 */
    ck_assert(!valid_date("2100-02-29"));
    ck_assert(!valid_date("2025-02-30"));
    ck_assert(!valid_date("2025-04-31"));
    ck_assert(valid_date("2025-04-30"));
    ck_assert(!valid_date("2025-13-01"));
    ck_assert(!valid_date("2025-00-10"));
    ck_assert(!valid_date("2025-01-00"));
    ck_assert(!valid_date("2025-01-32"));
    ck_assert(!valid_date("2025-1-01"));
    ck_assert(!valid_date("20250101"));
    ck_assert(!valid_date("2025/01/01"));
    ck_assert(!valid_date("01-01-2025"));
    ck_assert(!valid_date("2025-01-01x"));
    ck_assert(!valid_date("2025-01-01T00:00"));
    ck_assert(!valid_date(""));
    ck_assert(!valid_date("abcd-ef-gh"));
}
END_TEST

START_TEST(test_valid_date_digits_only)
{
    /* "YYYY-MM-DD": every other character must be a digit. sscanf's %d skips blanks and
     * takes a sign, so a check built on it alone lets these through. */
    ck_assert_msg(!valid_date("2025-01- 1"), "\"2025-01- 1\" accepted");
    ck_assert_msg(!valid_date("2025- 1-01"), "\"2025- 1-01\" accepted");
    ck_assert_msg(!valid_date("2025-+1-01"), "\"2025-+1-01\" accepted");
    ck_assert_msg(!valid_date("2025-01-+1"), "\"2025-01-+1\" accepted");
}
END_TEST

START_TEST(test_valid_utf8)
{
    ck_assert(valid_utf8(""));
    ck_assert(valid_utf8("plain ASCII"));
    ck_assert(valid_utf8("Nguyễn Thị Ánh Tuyết — Sở Nông nghiệp"));
    ck_assert(valid_utf8(NFD_NGUYEN));
    ck_assert(valid_utf8("\xF0\x9F\x98\x80"));      /* U+1F600 */
    ck_assert(valid_utf8("\xF4\x8F\xBF\xBF"));      /* U+10FFFF, the last code point */
    ck_assert(valid_utf8("\xEF\xBB\xBF"));          /* U+FEFF */
    ck_assert(!valid_utf8("\xC0\x80"));             /* overlong NUL */
    ck_assert(!valid_utf8("\xC1\xBF"));             /* overlong U+007F */
    ck_assert(!valid_utf8("\xE0\x80\xAF"));         /* overlong '/' */
    ck_assert(!valid_utf8("\xE0\x9F\xBF"));         /* overlong U+07FF */
    ck_assert(!valid_utf8("\xF0\x80\x80\xAF"));     /* overlong '/' */
    ck_assert(!valid_utf8("\xF0\x8F\xBF\xBF"));     /* overlong U+FFFF */
    ck_assert(!valid_utf8("\x80"));                 /* lone continuation byte */
    ck_assert(!valid_utf8("abc\xBF"));              /* lone continuation byte */
    ck_assert(!valid_utf8("Ph\xF2ng"));             /* Latin-1 / Windows-1258 */
    ck_assert(!valid_utf8("\xC3"));                 /* truncated at the end */
    ck_assert(!valid_utf8("\xE1\xBB"));             /* truncated at the end */
    ck_assert(!valid_utf8("\xE1\xBB!"));            /* truncated before ASCII */
    ck_assert(!valid_utf8("\xED\xA0\x80"));         /* UTF-16 surrogate */
    ck_assert(!valid_utf8("\xF4\x90\x80\x80"));     /* above U+10FFFF */
    ck_assert(!valid_utf8("\xF8\x88\x80\x80\x80")); /* 5-byte form */
    ck_assert(!valid_utf8("\xFE"));
    ck_assert(!valid_utf8("\xFF"));
}
END_TEST

START_TEST(test_valid_code)
{
    ck_assert(valid_code("SO"));
    ck_assert(valid_code("PTNMT-HX"));
    ck_assert(valid_code("cb_0001.a"));
    ck_assert(valid_code("12345678901234567890123456789012"));   /* 32 */
    ck_assert(!valid_code("123456789012345678901234567890123")); /* 33 */
    ck_assert(!valid_code(""));
    ck_assert(!valid_code("A B"));
    ck_assert(!valid_code("A/B"));
    ck_assert(!valid_code("A,B"));
    ck_assert(!valid_code("A:B"));
    ck_assert(!valid_code("Sở"));
    ck_assert(!valid_code("A\tB"));
}
END_TEST

START_TEST(test_valid_email)
{
    ck_assert(valid_email("a@b.vn"));
    ck_assert(valid_email("tran.bich.hang@snnmt.example.vn"));
    ck_assert(!valid_email("not-an-email"));
    ck_assert(!valid_email("@b.vn"));
    ck_assert(!valid_email("a@b"));
    ck_assert(!valid_email("a@b."));
    ck_assert(!valid_email("a@.vn"));
    ck_assert(!valid_email("a@b@c.vn"));
    ck_assert(!valid_email("a b@c.vn"));
    ck_assert(!valid_email("a@b.vn,c@d.vn"));
}
END_TEST

/* A NUL inside a cell used to cut the cell short, silently: "Ph\0ng" was imported as "Ph". */
START_TEST(test_nul_in_a_cell)
{
    static const char csv[] = UNITS_OK "NEW2,Ph\0ng Hai,SO,office,,,,,\n";
    long long units = count_rows("units");
    struct import_summary summary;
    struct import_errors errors = {0};
    int rc = run_import(UNITS, write_file("nul.csv", csv, sizeof csv - 1), &summary, &errors);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(errors.count == 1, "%s", errors_text(&errors));
    ck_assert_str_eq(errors.lines[0], "dòng 4, cột name: ký tự điều khiển U+0000 ở ký tự thứ 3: "
                                      "ô không được chứa ký tự điều khiển hay NUL");
    ck_assert_int_eq(count_rows("units"), units);
    import_errors_free(&errors);
}
END_TEST

/* A cell over limits.csv_cell_bytes and a row over limits.csv_row_bytes are refused, each
 * with its row; nothing is written. */
START_TEST(test_cell_and_row_limits)
{
    char csv[4096], long_name[101], cell[61];
    memset(long_name, 'x', 100);
    long_name[100] = '\0';
    memset(cell, 'y', 60);
    cell[60] = '\0';
    snprintf(csv, sizeof csv, UNITS_OK "NEW2,%s,SO,office,,,,,\nNEW3,%s,SO,office,%s,%s,,,\n",
             long_name, cell, cell, cell);
    long long units = count_rows("units");
    import_set_limits(64, 200);
    struct import_summary summary;
    struct import_errors errors = {0};
    int rc = run_import(UNITS, write_file("big.csv", csv, 0), &summary, &errors);
    import_set_limits(8 << 10, 64 << 10);
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(errors.count == 2, "%s", errors_text(&errors));
    ck_assert_str_eq(errors.lines[0], "dòng 4, cột name: ô dài 100 byte, quá giới hạn 64 byte "
                                      "(limits.csv_cell_bytes)");
    ck_assert_msg(starts_with(errors.lines[1], "dòng 5: dòng dài 2"), "%s", errors.lines[1]);
    ck_assert_msg(strstr(errors.lines[1], "quá giới hạn 200 byte (limits.csv_row_bytes)"), "%s",
                  errors.lines[1]);
    ck_assert_int_eq(count_rows("units"), units);
    import_errors_free(&errors);
}
END_TEST

/* ---- what Excel saves ------------------------------------------------------------------- */

/* Excel with Vietnamese regional settings: ';' between cells (so a comma needs no quotes),
 * the headers a clerk types (with and without accents, in any case), dates dd/mm/yyyy, a
 * head marked "x". */
START_TEST(test_semicolon_file_with_vietnamese_headers)
{
    const char *units =
        write_file("units.csv",
                   "\xEF\xBB\xBF"
                   "Mã đơn vị;TÊN ĐƠN VỊ;don vi cap tren;Loại;Email;Điện thoại;"
                   "Từ ngày;Đến ngày\r\n"
                   "SO;Sở Nông nghiệp, Môi trường;;department;;0910697516;1/1/2020;\r\n"
                   "HX;Phòng Hòa Xuyên;SO;district;;;01/01/2020;30/06/2025\r\n",
                   0);
    struct import_summary summary;
    struct import_errors errors = {0};
    ck_assert_msg(import_units(st, units, "test", &summary, &errors) == 0, "%s",
                  errors_text(&errors));
    ck_assert_uint_eq(summary.rows, 2);
    ck_assert_uint_eq(summary.changed, 2);
    assert_column("SELECT name FROM units WHERE code = ?", "SO", "Sở Nông nghiệp, Môi trường");
    assert_column("SELECT valid_from FROM units WHERE code = ?", "SO", "2020-01-01");
    assert_column("SELECT valid_to FROM units WHERE code = ?", "HX", "2025-06-30");
    assert_column("SELECT parent_code FROM units WHERE code = ?", "HX", "SO");
    const char *people =
        write_file("people.csv",
                   "Mã CB;Họ và tên;Đơn vị;Chức vụ;Thủ trưởng;Email;SĐT;Ngày tuyển dụng\r\n"
                   "P1;Trần Thị Ánh;SO;Giám đốc;x;;0912 345 678;03/02/2001\r\n"
                   "P2;Đặng Văn Ơn;HX;Trưởng phòng;CÓ;;;\r\n"
                   "P3;Lê Văn Bình;HX;Chuyên viên;;;;\r\n",
                   0);
    ck_assert_msg(import_people(st, people, "test", &summary, &errors) == 0, "%s",
                  errors_text(&errors));
    ck_assert_uint_eq(summary.rows, 3);
    assert_column("SELECT is_head FROM people WHERE code = ?", "P1", "1");
    assert_column("SELECT is_head FROM people WHERE code = ?", "P2", "1");
    assert_column("SELECT is_head FROM people WHERE code = ?", "P3", "0");
    assert_column("SELECT hired_on FROM people WHERE code = ?", "P1", "2001-02-03");
    assert_column("SELECT phone FROM people WHERE code = ?", "P1", "+84912345678");
    /* The same people in the ISO spelling, with English headers: nothing to change. */
    const char *again = write_file("people2.csv",
                                   PEOPLE_HEADER "P1,Trần Thị Ánh,SO,Giám đốc,1,,0912345678,"
                                                 "2001-02-03\n"
                                                 "P2,Đặng Văn Ơn,HX,Trưởng phòng,1,,,\n"
                                                 "P3,Lê Văn Bình,HX,Chuyên viên,0,,,\n",
                                   0);
    ck_assert_msg(import_people(st, again, "test", &summary, &errors) == 0, "%s",
                  errors_text(&errors));
    ck_assert_uint_eq(summary.changed, 0);
    ck_assert_uint_eq(summary.unchanged, 3);
    import_errors_free(&errors);
}
END_TEST

/* A name typed decomposed (NFD, as some keyboards and macOS write it) is the name already
 * stored precomposed: a re-import changes nothing. */
START_TEST(test_nfd_name_is_the_same_name)
{
    const char *nfc =
        write_file("nfc.csv", UNITS_HEADER "ND,Tổ " NFC_NGUYEN " Đức,,unit,,,,,\n", 0);
    const char *nfd =
        write_file("nfd.csv", UNITS_HEADER "ND,Tổ " NFD_NGUYEN " Đức,,unit,,,,,\n", 0);
    struct import_summary summary;
    struct import_errors errors = {0};
    ck_assert_msg(import_units(st, nfc, "test", &summary, &errors) == 0, "%s",
                  errors_text(&errors));
    char *before = dump();
    ck_assert_msg(import_units(st, nfd, "test", &summary, &errors) == 0, "%s",
                  errors_text(&errors));
    ck_assert_uint_eq(summary.changed, 0);
    ck_assert_uint_eq(summary.unchanged, 1);
    char *after = dump();
    ck_assert_str_eq(before, after);
    free(before);
    free(after);
    import_errors_free(&errors);
}
END_TEST

/* Problems found across rows come after those found row by row; the list is sorted by row,
 * the file's own problems first, each row's in the order found. */
START_TEST(test_errors_sorted_by_row)
{
    struct import_errors errors = {0};
    import_error(&errors, 5, "b", "five");
    import_error(&errors, 2, "a", "two");
    import_error(&errors, 0, NULL, "file");
    import_error(&errors, 2, NULL, "two again");
    import_errors_sort(&errors);
    ck_assert_uint_eq(errors.count, 4);
    ck_assert_str_eq(errors.lines[0], "file");
    ck_assert_str_eq(errors.lines[1], "dòng 2, cột a: two");
    ck_assert_str_eq(errors.lines[2], "dòng 2: two again");
    ck_assert_str_eq(errors.lines[3], "dòng 5, cột b: five");
    import_errors_free(&errors);
}
END_TEST

static void assert_date(const char *text, const char *iso)
{
    char out[CELL_DATE_LEN] = "", why[400] = "";
    ck_assert_msg(cell_date(text, out, why, sizeof why), "\"%s\" refused: %s", text, why);
    ck_assert_msg(strcmp(out, iso) == 0, "\"%s\" -> \"%s\", expected \"%s\"", text, out, iso);
}

static void assert_not_date(const char *text, const char *why_has)
{
    char out[CELL_DATE_LEN] = "", why[400] = "";
    ck_assert_msg(!cell_date(text, out, why, sizeof why), "\"%s\" accepted as %s", text, out);
    ck_assert_msg(strstr(why, why_has), "\"%s\": \"%s\" does not say \"%s\"", text, why, why_has);
}

START_TEST(test_cell_date)
{
    assert_date("2025-01-31", "2025-01-31");
    assert_date("31/01/2025", "2025-01-31");
    assert_date("1/2/2025", "2025-02-01");
    assert_date("29/02/2024", "2024-02-29");
    assert_date("31-12-2025", "2025-12-31");
    assert_date("31.12.2025", "2025-12-31");
    assert_not_date("45657", "số ngày kiểu Excel");
    assert_not_date("45657", "có lẽ là 31/12/2024");
    assert_not_date("45658", "có lẽ là 01/01/2025");
    assert_not_date("2025-02-30", "tháng 2 năm 2025 chỉ có 28 ngày");
    assert_not_date("30/02/2025", "tháng 2 năm 2025 chỉ có 28 ngày");
    assert_not_date("29/02/2025", "chỉ có 28 ngày");
    assert_not_date("31/04/2025", "tháng 4 năm 2025 chỉ có 30 ngày");
    assert_not_date("00/01/2025", "không có ngày này");
    assert_not_date("12/31/2025", "không có tháng 31");
    assert_not_date("2025-13-01", "không có tháng 13");
    assert_not_date("31/12/25", "không phải ngày");
    assert_not_date("31/12-2025", "không phải ngày");
    assert_not_date("2025", "không phải ngày");
    assert_not_date("ngày 1 tháng 2", "không phải ngày");
    assert_not_date("1/1/1800", "năm 1800");
}
END_TEST

START_TEST(test_cell_bool)
{
    static const char *const yes[] = {"1", "x", "X", "có", "Có", "CÓ", "co", "true", "TRUE"};
    static const char *const no[] = {"0", "không", "Không", "khong", "KHÔNG", "false", "False"};
    static const char *const neither[] = {"", "2", "yes", "no", "có lẽ", "đúng", "-"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        ck_assert_msg(cell_bool(yes[i]) == 1, "\"%s\" is not true", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        ck_assert_msg(cell_bool(no[i]) == 0, "\"%s\" is not false", no[i]);
    for (size_t i = 0; i < sizeof neither / sizeof neither[0]; i++)
        ck_assert_msg(cell_bool(neither[i]) == -1, "\"%s\" was read as a boolean", neither[i]);
}
END_TEST

START_TEST(test_cell_subject)
{
    ck_assert_pstr_eq(cell_subject("unit"), "unit");
    ck_assert_pstr_eq(cell_subject("Đơn vị"), "unit");
    ck_assert_pstr_eq(cell_subject("DON VI"), "unit");
    ck_assert_pstr_eq(cell_subject("person"), "person");
    ck_assert_pstr_eq(cell_subject("cá nhân"), "person");
    ck_assert_pstr_eq(cell_subject("Ca nhan"), "person");
    ck_assert_pstr_eq(cell_subject("tập thể"), NULL);
    ck_assert_pstr_eq(cell_subject(""), NULL);
}
END_TEST

START_TEST(test_cell_phone_lost_zero)
{
    char fixed[24];
    ck_assert(cell_phone_lost_zero("912345678", fixed, sizeof fixed));
    ck_assert_str_eq(fixed, "0912345678");
    ck_assert(cell_phone_lost_zero("912 345 678", fixed, sizeof fixed));
    ck_assert_str_eq(fixed, "0912345678");
    ck_assert(cell_phone_lost_zero("2838123456", fixed, sizeof fixed)); /* a landline */
    ck_assert_str_eq(fixed, "02838123456");
    ck_assert(!cell_phone_lost_zero("12345678", fixed, sizeof fixed));
    ck_assert(!cell_phone_lost_zero("412345678", fixed, sizeof fixed)); /* no such prefix */
    ck_assert(!cell_phone_lost_zero("0912345678", fixed, sizeof fixed));
    ck_assert(!cell_phone_lost_zero("+84912345678", fixed, sizeof fixed));
}
END_TEST

static Suite *csv_suite(void)
{
    Suite *s = suite_create("csv_import");

    TCase *demo = tcase_create("demo");
    tcase_add_checked_fixture(demo, setup, teardown);
    tcase_set_timeout(demo, 60);
    tcase_add_test(demo, test_demo_import);
    tcase_add_test(demo, test_demo_reimport_changes_nothing);
    suite_add_tcase(s, demo);

    TCase *exports = tcase_create("exports");
    tcase_add_checked_fixture(exports, setup, teardown);
    tcase_set_timeout(exports, 60);
    tcase_add_test(exports, test_bom_crlf_quotes);
    tcase_add_test(exports, test_columns_in_any_order);
    tcase_add_test(exports, test_semicolon_file_with_vietnamese_headers);
    tcase_add_test(exports, test_nfd_name_is_the_same_name);
    suite_add_tcase(s, exports);

    TCase *changes = tcase_create("changes");
    tcase_add_checked_fixture(changes, setup_demo, teardown);
    tcase_set_timeout(changes, 60);
    tcase_add_test(changes, test_head_moves_within_file);
    tcase_add_test(changes, test_units_change_is_counted);
    suite_add_tcase(s, changes);

    TCase *bad = tcase_create("bad_files");
    tcase_add_checked_fixture(bad, setup_demo, teardown);
    tcase_set_timeout(bad, 60);
    tcase_add_loop_test(bad, test_bad_file, 0, (int)(sizeof bad_files / sizeof bad_files[0]));
    tcase_add_test(bad, test_several_bad_rows);
    tcase_add_test(bad, test_short_row);
    tcase_add_test(bad, test_row_numbers_count_blank_lines);
    tcase_add_test(bad, test_unreadable_files);
    tcase_add_test(bad, test_units_parent_cycle_through_database);
    tcase_add_test(bad, test_nul_in_a_cell);
    tcase_add_test(bad, test_cell_and_row_limits);
    suite_add_tcase(s, bad);

    TCase *validators = tcase_create("validators");
    tcase_add_test(validators, test_phone_to_e164);
    tcase_add_test(validators, test_valid_date);
    tcase_add_test(validators, test_valid_date_digits_only);
    tcase_add_test(validators, test_valid_utf8);
    tcase_add_test(validators, test_valid_code);
    tcase_add_test(validators, test_valid_email);
    tcase_add_test(validators, test_cell_date);
    tcase_add_test(validators, test_cell_bool);
    tcase_add_test(validators, test_cell_phone_lost_zero);
    tcase_add_test(validators, test_cell_subject);
    tcase_add_test(validators, test_errors_sorted_by_row);
    suite_add_tcase(s, validators);
    return s;
}

int main(void)
{
    return test_main(csv_suite(), "csv", root, sizeof root);
}
