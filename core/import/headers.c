/*
 * headers.c — the one place that says which headers each kind of imported file accepts.
 * A column is found by its own name (`unit_code`) or by what a clerk writes at the top of a
 * spreadsheet (`Mã đơn vị`), both compared as keys: unaccented by libutf8proc
 * (util/text.h), lower case, spacing and '_' alike, so `MA DON VI`, `ma_don_vi` and
 * `Mã  đơn vị` are the same header. One table per kind of file, because the same words
 * name different columns: `Mã đơn vị` is a unit's own code in units.csv and the unit a
 * person belongs to in people.csv.
 */
#include "import/headers.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

#define MAX_ALIASES 6

struct header_alias {
    const char *name;
    const char *const aliases[MAX_ALIASES]; /* NULL-terminated */
};

static const struct header_alias unit_headers[] = {
    {"code", {"Mã đơn vị", "Mã", NULL}},
    {"name", {"Tên đơn vị", "Tên", NULL}},
    {"parent_code", {"Mã đơn vị cấp trên", "Đơn vị cấp trên", "Cấp trên", NULL}},
    {"kind", {"Loại đơn vị", "Loại", NULL}},
    {"email", {"Thư điện tử", NULL}},
    {"phone", {"Điện thoại", "Số điện thoại", "SĐT", NULL}},
    {"valid_from", {"Từ ngày", "Ngày thành lập", "Hiệu lực từ", NULL}},
    {"valid_to", {"Đến ngày", "Ngày giải thể", "Hiệu lực đến", NULL}},
    {"merged_into", {"Sáp nhập vào", NULL}},
    {NULL, {NULL}},
};

static const struct header_alias person_headers[] = {
    {"code", {"Mã cán bộ", "Mã CB", "Mã nhân viên", "Mã", NULL}},
    {"full_name", {"Họ và tên", "Họ tên", "Tên", NULL}},
    {"unit_code", {"Mã đơn vị", "Đơn vị", NULL}},
    {"position", {"Chức vụ", NULL}},
    {"is_head", {"Người đứng đầu", "Thủ trưởng", "Trưởng đơn vị", NULL}},
    {"email", {"Thư điện tử", NULL}},
    {"phone", {"Điện thoại", "Số điện thoại", "SĐT", NULL}},
    {"hired_on", {"Ngày vào làm", "Ngày tuyển dụng", NULL}},
    {"moved_on", {"Ngày chuyển đến", "Ngày chuyển", NULL}},
    {NULL, {NULL}},
};

static const struct header_alias fact_headers[] = {
    {"period", {"Kỳ", "Kỳ báo cáo", NULL}},
    {"subject", {"Đối tượng", NULL}},
    {"code", {"Mã", NULL}},
    {"fact", {"Chỉ tiêu", NULL}},
    {"value", {"Giá trị", NULL}},
    {"submitted_at", {"Ngày nộp", "Ngày nhận", NULL}},
    {NULL, {NULL}},
};

static const struct header_alias title_headers[] = {
    {"year", {"Năm", NULL}}, {"subject", {"Đối tượng", NULL}},
    {"code", {"Mã", NULL}},  {"title", {"Danh hiệu", NULL}},
    {NULL, {NULL}},
};

static const struct header_alias registration_headers[] = {
    {"year", {"Năm", NULL}},
    {"subject", {"Đối tượng", NULL}},
    {"code", {"Mã", NULL}},
    {"title", {"Danh hiệu", "Danh hiệu đăng ký", NULL}},
    {"submitted_at", {"Ngày nộp", "Ngày đăng ký", NULL}},
    {NULL, {NULL}},
};

static const struct header_alias *const tables[] = {
    [CSV_UNITS] = unit_headers,
    [CSV_PEOPLE] = person_headers,
    [CSV_FACTS] = fact_headers,
    [CSV_TITLES] = title_headers,
    [CSV_REGISTRATIONS] = registration_headers,
};

const char *const *header_aliases(enum csv_file file, const char *name)
{
    static const char *const none[] = {NULL};
    for (const struct header_alias *h = tables[file]; h->name; h++)
        if (strcmp(h->name, name) == 0) return h->aliases;
    return none;
}

static bool separator(char c)
{
    return c == ' ' || c == '_' || c == '-' || c == '.' || c == '\t';
}

char *header_key(const char *text)
{
    char *plain = text_unaccent(text);
    if (!plain) return NULL;
    size_t out = 0;
    bool gap = false;
    for (const char *c = plain; *c; c++) {
        if (separator(*c)) {
            gap = out > 0;
            continue;
        }
        if (gap) plain[out++] = '_';
        gap = false;
        plain[out++] = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
    }
    plain[out] = '\0';
    return plain;
}
