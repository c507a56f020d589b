"""test_import_cli.py — `thiduad import units|people FILE.csv` as an office uses it: files
saved by a spreadsheet (UTF-8 with BOM, CRLF, quoted fields with commas and quotes),
re-imports that change nothing, and bad files: every problem reported as
"FILE: dòng N, cột X: why" (X as the file's header names it), in row order, exit 1, and
nothing written (checked with the sqlite3 module and over HTTP). Each test gets a fresh
daemon with the demo department.
"""

import json
import os
import re
import sqlite3
import sys
import unicodedata
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEMO_PEOPLE, DEMO_UNITS, Daemon  # noqa: E402

UNITS_HEADER = "code,name,parent_code,kind,email,phone,valid_from,valid_to"
PEOPLE_HEADER = "code,full_name,unit_code,position,is_head,email,phone,hired_on"
TABLES = ("units", "people", "tokens", "audit")
ERROR_LINE = re.compile(r"^(?P<file>.+?): dòng (?P<row>\d+), cột (?P<column>[^:]+): (?P<why>.+)$")


def snapshot(path):
    """Every row of the tables an import may touch, read-only."""
    conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return {t: conn.execute("SELECT * FROM %s ORDER BY 1" % t).fetchall() for t in TABLES}
    finally:
        conn.close()


class ImportTestCase(unittest.TestCase):
    def setUp(self):
        self.d = Daemon()
        self.addCleanup(self.d.close)
        self.d.__enter__()

    def write(self, name, text, encoding="utf-8", bom=False, crlf=False):
        """Writes a CSV file into the daemon's folder and returns its path."""
        if crlf:
            text = text.replace("\n", "\r\n")
        data = text.encode(encoding)
        if bom:
            data = b"\xef\xbb\xbf" + data
        path = os.path.join(self.d.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def import_ok(self, what, path):
        r = self.d.cli("import", what, path)
        self.assertEqual(r.returncode, 0, r)
        return r.stdout.strip()

    def assertRejected(self, what, path, expected):
        """Import fails, reports exactly the `expected` {(row, column)} problems, writes nothing."""
        before = snapshot(self.d.database)
        r = self.d.cli("import", what, path)
        self.assertEqual(r.returncode, os.EX_DATAERR, r)
        self.assertNotRegex(r.stdout, r"\d+ thay đổi", r)
        found = []
        for line in r.stderr.splitlines():
            m = ERROR_LINE.match(line)
            if m:
                self.assertEqual(m.group("file"), path, line)
                found.append((int(m.group("row")), m.group("column")))
        for row, column in sorted(expected):
            self.assertIn((row, column), found,
                          "no line 'dòng %d, cột %s:' in\n%s" % (row, column, r.stderr))
        self.assertEqual(sorted(found), sorted(expected),
                         "one line per problem, nothing else:\n" + r.stderr)
        self.assertEqual(snapshot(self.d.database), before, "a rejected file changed the database")
        return r


class GoodFilesTest(ImportTestCase):
    UNITS = (
        UNITS_HEADER + "\n"
        # A child listed before its parent: the file's order is free.
        'TTQD-1,"Tổ công tác, số 1",TTPTQD,unit,,024 3987 6543,,\n'
        'TTPTQD,"Trung tâm Phát triển quỹ đất, tỉnh",SO,unit,ttptqd@snnmt.example.vn,'
        "0912 345 678,2021-03-01,\n"
        'BQL,"Ban ""Quản lý"", dự án",SO,unit,bql@snnmt.example.vn,+84 912.345.679,'
        "2021-03-01,2030-12-31\n"
    )
    PEOPLE = (
        PEOPLE_HEADER + "\n"
        'NV9001,Nguyễn Văn Ánh,TTPTQD,"Giám đốc, phụ trách chung",1,anh@snnmt.example.vn,'
        "0987654321,2021-03-01\n"
        'NV9002,"Lê Thị Bưởi",TTPTQD,"Chuyên viên ""chính""",0,,,\n'
    )

    def check_stored(self):
        d = self.d
        status, _, u = d.request("GET", "/api/v1/units/TTPTQD")
        self.assertEqual(status, 200, u)  # the BOM is not part of the first column's name
        self.assertEqual(u["name"], "Trung tâm Phát triển quỹ đất, tỉnh")
        self.assertEqual(u["parent_code"], "SO")
        self.assertEqual(u["phone"], "+84912345678")
        self.assertIsNone(u["valid_to"])  # the last field, before CRLF: empty, not "\r"
        self.assertEqual(u["children"], ["TTQD-1"])
        self.assertEqual(u["head"], "NV9001")
        self.assertEqual(u["people"], 2)
        status, _, u = d.request("GET", "/api/v1/units/BQL")
        self.assertEqual(status, 200, u)
        self.assertEqual(u["name"], 'Ban "Quản lý", dự án')
        self.assertEqual(u["phone"], "+84912345679")
        self.assertEqual(u["valid_to"], "2030-12-31")
        status, _, u = d.request("GET", "/api/v1/units/TTQD-1")
        self.assertEqual(status, 200, u)
        self.assertEqual(u["name"], "Tổ công tác, số 1")
        self.assertEqual(u["parent_code"], "TTPTQD")
        self.assertEqual(u["phone"], "+842439876543")  # a Hà Nội landline
        self.assertIsNone(u["valid_from"])
        status, _, body = d.request("GET", "/api/v1/people?unit=TTPTQD")
        self.assertEqual(status, 200, body)
        people = {p["code"]: p for p in body["people"]}
        self.assertEqual(set(people), {"NV9001", "NV9002"})
        self.assertEqual(people["NV9001"]["full_name"], "Nguyễn Văn Ánh")
        self.assertEqual(people["NV9001"]["position"], "Giám đốc, phụ trách chung")
        self.assertIs(people["NV9001"]["is_head"], True)
        self.assertEqual(people["NV9001"]["phone"], "+84987654321")
        self.assertEqual(people["NV9001"]["hired_on"], "2021-03-01")
        self.assertEqual(people["NV9002"]["full_name"], "Lê Thị Bưởi")
        self.assertEqual(people["NV9002"]["position"], 'Chuyên viên "chính"')
        self.assertIs(people["NV9002"]["is_head"], False)
        self.assertIsNone(people["NV9002"]["hired_on"])

    def test_spreadsheet_file_with_bom_crlf_and_quotes_imports(self):
        units = self.write("units.csv", self.UNITS, bom=True, crlf=True)
        people = self.write("people.csv", self.PEOPLE, bom=True, crlf=True)
        self.assertEqual(self.import_ok("units", units),
                         "%s: 3 dòng, 3 thay đổi, 0 không đổi" % units)
        self.assertEqual(self.import_ok("people", people),
                         "%s: 2 dòng, 2 thay đổi, 0 không đổi" % people)
        self.check_stored()
        status, _, body = self.d.request("GET", "/api/v1/units")
        self.assertEqual(len(body["units"]), 19)

    def test_reimport_changes_nothing(self):
        units = self.write("units.csv", self.UNITS, bom=True, crlf=True)
        people = self.write("people.csv", self.PEOPLE, bom=True, crlf=True)
        self.import_ok("units", units)
        self.import_ok("people", people)
        before = snapshot(self.d.database)
        self.assertEqual(self.import_ok("units", units),
                         "%s: 3 dòng, 0 thay đổi, 3 không đổi" % units)
        self.assertEqual(self.import_ok("people", people),
                         "%s: 2 dòng, 0 thay đổi, 2 không đổi" % people)
        # The same data saved without BOM and with LF: still nothing to change.
        units_lf = self.write("units-lf.csv", self.UNITS)
        people_lf = self.write("people-lf.csv", self.PEOPLE)
        self.assertEqual(self.import_ok("units", units_lf),
                         "%s: 3 dòng, 0 thay đổi, 3 không đổi" % units_lf)
        self.assertEqual(self.import_ok("people", people_lf),
                         "%s: 2 dòng, 0 thay đổi, 2 không đổi" % people_lf)
        # The demo files, imported at set-up, once more.
        self.assertEqual(self.import_ok("units", DEMO_UNITS),
                         "%s: 16 dòng, 0 thay đổi, 16 không đổi" % DEMO_UNITS)
        self.assertEqual(self.import_ok("people", DEMO_PEOPLE),
                         "%s: 150 dòng, 0 thay đổi, 150 không đổi" % DEMO_PEOPLE)
        self.assertEqual(snapshot(self.d.database), before, "a re-import wrote something")
        self.check_stored()
        # One field changed in one row: one row changed.
        changed = self.write("units-2.csv", self.UNITS.replace("2030-12-31", "2031-12-31"))
        self.assertEqual(self.import_ok("units", changed),
                         "%s: 3 dòng, 1 thay đổi, 2 không đổi" % changed)
        status, _, u = self.d.request("GET", "/api/v1/units/BQL")
        self.assertEqual(u["valid_to"], "2031-12-31")


class BadFilesTest(ImportTestCase):
    def test_bad_units_file_reports_every_row_and_writes_nothing(self):
        path = self.write("units.csv", UNITS_HEADER + "\n"
                          "GOOD1,Phòng Tốt,SO,office,good@snnmt.example.vn,0912345678,2024-01-01,\n"
                          "BADKIND,Phòng A,SO,ministry,a@snnmt.example.vn,0912345678,2024-01-01,\n"
                          "ORPHAN,Phòng B,NOPARENT,office,b@snnmt.example.vn,0912345678,2024-01-01,\n"
                          "BADMAIL,Phòng C,SO,office,not-an-email,0912345678,2024-01-01,\n"
                          "BADPHONE,Phòng D,SO,office,d@snnmt.example.vn,12345,2024-01-01,\n"
                          "BADDATE,Phòng E,SO,office,e@snnmt.example.vn,0912345678,2024-02-30,\n"
                          "GOOD1,Phòng Trùng,SO,office,f@snnmt.example.vn,0912345678,2024-01-01,\n"
                          # A valid change to an existing unit: must not be written either.
                          "VP,Văn phòng Sở (mới),SO,office,vanphong@snnmt.example.vn,0962344386,"
                          "2020-01-01,\n",
                          bom=True, crlf=True)
        self.assertRejected("units", path, {
            (3, "kind"), (4, "parent_code"), (5, "email"), (6, "phone"), (7, "valid_from"),
            (8, "code"),
        })
        for code in ("GOOD1", "BADKIND", "ORPHAN"):
            status, _, _ = self.d.request("GET", "/api/v1/units/" + code)
            self.assertEqual(status, 404, code)
        status, _, vp = self.d.request("GET", "/api/v1/units/VP")
        self.assertEqual(vp["name"], "Văn phòng Sở")

    def test_bad_people_file_reports_every_row_and_writes_nothing(self):
        # A unit with no people yet, so "two heads" is about the file alone.
        units = self.write("units.csv", UNITS_HEADER + "\n"
                           "NEWU,Phòng Mới,SO,office,newu@snnmt.example.vn,0912345678,2025-01-01,\n")
        self.import_ok("units", units)
        path = self.write("people.csv", PEOPLE_HEADER + "\n"
                          "NV1,Người Một,VP,Chuyên viên,0,nv1@snnmt.example.vn,0912345678,2020-01-01\n"
                          "NV2,Người Hai,NOUNIT,Chuyên viên,0,nv2@snnmt.example.vn,0912345678,2020-01-01\n"
                          "NV3,Người Ba,NEWU,Trưởng phòng,1,nv3@snnmt.example.vn,0912345678,2020-01-01\n"
                          "NV4,Người Bốn,NEWU,Trưởng phòng,1,nv4@snnmt.example.vn,0912345678,2020-01-01\n"
                          "NV5,Người Năm,VP,Chuyên viên,0,nv5@@snnmt,0912345678,2020-01-01\n"
                          "NV6,Người Sáu,VP,Chuyên viên,0,nv6@snnmt.example.vn,0123,2020-01-01\n"
                          "NV7,Người Bảy,VP,Chuyên viên,0,nv7@snnmt.example.vn,0912345678,2024-13-01\n"
                          "NV1,Người Tám,VP,Chuyên viên,0,nv8@snnmt.example.vn,0912345678,2020-01-01\n"
                          "NV9,Người Chín,VP,Chuyên viên,2,nv9@snnmt.example.vn,0912345678,2020-01-01\n"
                          # A valid change to an existing person: must not be written either.
                          "CB0002,Nguyễn Thu Lan,VP,Chuyên viên,0,nguyen.thu.lan@snnmt.example.vn,"
                          "0355306353,2001-05-03\n",
                          bom=True, crlf=True)
        self.assertRejected("people", path, {
            (3, "unit_code"), (5, "is_head"), (6, "email"), (7, "phone"), (8, "hired_on"),
            (9, "code"), (10, "is_head"),
        })
        status, _, body = self.d.request("GET", "/api/v1/people?unit=NEWU")
        self.assertEqual((status, body["people"]), (200, []))
        status, _, body = self.d.request("GET", "/api/v1/people?unit=SO")
        self.assertIn("CB0002", [p["code"] for p in body["people"]])

    def test_parent_cycle_through_the_database_is_rejected(self):
        # In the database VP's parent is SO; making SO a child of VP closes a loop
        # SO -> VP -> SO that no walk up the tree ever leaves.
        path = self.write("units.csv", UNITS_HEADER + "\n"
                          "SO,Sở Nông nghiệp và Môi trường,VP,department,snnmt@snnmt.example.vn,"
                          "0910697516,2020-01-01,\n")
        self.assertRejected("units", path, {(2, "parent_code")})
        status, _, so = self.d.request("GET", "/api/v1/units/SO")
        self.assertIsNone(so["parent_code"])

    def test_parent_cycle_inside_the_file_is_rejected(self):
        path = self.write("units.csv", UNITS_HEADER + "\n"
                          "CA,Phòng A,CB,office,,,2024-01-01,\n"
                          "CB,Phòng B,CA,office,,,2024-01-01,\n")
        r = self.d.cli("import", "units", path)
        self.assertEqual(r.returncode, os.EX_DATAERR, r)
        self.assertRegex(r.stderr, r"dòng [23], cột parent_code:")
        status, _, _ = self.d.request("GET", "/api/v1/units/CA")
        self.assertEqual(status, 404)

    def test_a_second_head_against_the_database_is_reported(self):
        # VP already has a head (from the demo file); this file names another, and keeps
        # the stored one out of the file.
        path = self.write("people.csv", PEOPLE_HEADER + "\n"
                          "NV1,Người Một,VP,Chánh Văn phòng,1,nv1@snnmt.example.vn,0912345678,"
                          "2020-01-01\n")
        self.assertRejected("people", path, {(2, "is_head")})

    def test_file_not_in_utf8_is_rejected(self):
        # Saved as "CSV" (Windows-1258) instead of "CSV UTF-8".
        # Windows-1258 writes Vietnamese letters as base letter + combining tone mark.
        text = unicodedata.normalize("NFD", UNITS_HEADER + "\n" "PTC,Phòng Tài chính,SO,office,"
                                     "ptc@snnmt.example.vn,0912345678,2024-01-01,\n")
        path = self.write("units.csv", text, encoding="cp1258")
        r = self.assertRejected("units", path, {(2, "name")})
        self.assertIn("UTF-8", r.stderr)

    def test_missing_column_and_short_row(self):
        path = self.write("units.csv", "code,name,parent_code,kind,email,phone,valid_from\n"
                          "PTC,Phòng Tài chính,SO,office,ptc@snnmt.example.vn,0912345678,2024-01-01\n")
        self.assertRejected("units", path, {(1, "valid_to")})
        path = self.write("units2.csv", UNITS_HEADER + "\n"
                          "PTC,Phòng Tài chính,SO,office\n")
        before = snapshot(self.d.database)
        r = self.d.cli("import", "units", path)
        self.assertEqual(r.returncode, os.EX_DATAERR, r)
        self.assertRegex(r.stderr, r"(?m)^%s: dòng 2\b" % re.escape(path))
        self.assertEqual(snapshot(self.d.database), before)



class ExcelFilesTest(ImportTestCase):
    """What Excel really saves: ';' under Vietnamese regional settings, the headers a clerk
    types, dates dd/mm/yyyy (or as Excel serials), phones that lost their 0, names typed
    decomposed; and the problems in Vietnamese, in row order."""

    # Saved by Excel as "CSV" with Vietnamese regional settings: ';', BOM, CRLF, headers
    # typed by a clerk (one without accents, one in capitals), dates dd/mm/yyyy.
    UNITS = ("Mã đơn vị;Tên đơn vị;Don vi cap tren;LOẠI;Email;Điện thoại;Từ ngày;Đến ngày\n"
             "BQL;Ban Quản lý, dự án;SO;unit;bql@snnmt.example.vn;0912 345 678;1/3/2021;"
             "31/12/2030\n")
    PEOPLE = ("Mã cán bộ;Họ và tên;Đơn vị;Chức vụ;Người đứng đầu;Email;Số điện thoại;"
              "Ngày vào làm\n"
              "NV9001;Nguyễn Văn Ánh;BQL;Trưởng ban;x;;0987654321;01/03/2021\n"
              "NV9002;Lê Thị Bưởi;BQL;Chuyên viên;không;;;\n")

    def test_semicolon_file_with_vietnamese_headers_imports(self):
        units = self.write("units.csv", self.UNITS, bom=True, crlf=True)
        people = self.write("people.csv", self.PEOPLE, bom=True, crlf=True)
        self.assertEqual(self.import_ok("units", units),
                         "%s: 1 dòng, 1 thay đổi, 0 không đổi" % units)
        self.assertEqual(self.import_ok("people", people),
                         "%s: 2 dòng, 2 thay đổi, 0 không đổi" % people)
        status, _, u = self.d.request("GET", "/api/v1/units/BQL")
        self.assertEqual(status, 200, u)
        self.assertEqual(u["name"], "Ban Quản lý, dự án")  # a comma needs no quotes with ';'
        self.assertEqual((u["valid_from"], u["valid_to"]), ("2021-03-01", "2030-12-31"))
        self.assertEqual(u["phone"], "+84912345678")
        self.assertEqual(u["head"], "NV9001")
        status, _, body = self.d.request("GET", "/api/v1/people?unit=BQL")
        people_by_code = {p["code"]: p for p in body["people"]}
        self.assertEqual(people_by_code["NV9001"]["hired_on"], "2021-03-01")
        self.assertIs(people_by_code["NV9001"]["is_head"], True)
        self.assertIs(people_by_code["NV9002"]["is_head"], False)
        # The same data as an English, comma-separated, ISO-dated file: nothing changes.
        before = snapshot(self.d.database)
        english = self.write("units-en.csv", UNITS_HEADER + "\n"
                             'BQL,"Ban Quản lý, dự án",SO,unit,bql@snnmt.example.vn,0912345678,'
                             "2021-03-01,2030-12-31\n")
        self.assertEqual(self.import_ok("units", english),
                         "%s: 1 dòng, 0 thay đổi, 1 không đổi" % english)
        self.assertEqual(self.import_ok("people", people),
                         "%s: 2 dòng, 0 thay đổi, 2 không đổi" % people)
        self.assertEqual(snapshot(self.d.database), before)

    def test_name_typed_decomposed_is_the_same_name(self):
        nfc = self.write("people.csv", PEOPLE_HEADER + "\n"
                         "NV9003,Nguyễn Thị Ỷ,VP,Chuyên viên,0,,,2021-03-01\n")
        self.assertEqual(self.import_ok("people", nfc), "%s: 1 dòng, 1 thay đổi, 0 không đổi" % nfc)
        before = snapshot(self.d.database)
        row = "NV9003,Nguyễn Thị Ỷ,VP,Chuyên viên,0,,,01/03/2021\n"
        nfd = self.write("people-nfd.csv",
                         unicodedata.normalize("NFD", PEOPLE_HEADER + "\n" + row))
        with open(nfd, "rb") as f, open(nfc, "rb") as g:
            self.assertNotEqual(f.read(), g.read())
        self.assertEqual(self.import_ok("people", nfd), "%s: 1 dòng, 0 thay đổi, 1 không đổi" % nfd)
        self.assertEqual(snapshot(self.d.database), before, "a decomposed name was a new name")
        status, _, body = self.d.request("GET", "/api/v1/people?unit=VP")
        name = {p["code"]: p["full_name"] for p in body["people"]}["NV9003"]
        self.assertEqual(name, unicodedata.normalize("NFC", name))

    def test_what_excel_does_to_dates_and_phones_is_named(self):
        path = self.write("people.csv",
                          "Mã cán bộ;Họ và tên;Đơn vị;Chức vụ;Người đứng đầu;Email;Điện thoại;"
                          "Ngày vào làm\n"
                          "NV1;Người Một;VP;Chuyên viên;0;;0912345678;45657\n"
                          "NV2;Người Hai;VP;Chuyên viên;0;;912345678;2025-02-30\n"
                          "NV3;Người Ba;VP;Chuyên viên;0;;;30/02/2025\n"
                          "NV4;Người Bốn;VP;Chuyên viên;có lẽ;;;01/02/2025\n",
                          bom=True, crlf=True)
        r = self.assertRejected("people", path, {
            (2, "Ngày vào làm"), (3, "Điện thoại"), (3, "Ngày vào làm"), (4, "Ngày vào làm"),
            (5, "Người đứng đầu"),
        })
        lines = [line[len(path) + 2:] for line in r.stderr.splitlines()]
        self.assertEqual(lines, [
            'dòng 2, cột Ngày vào làm: "45657" là số ngày kiểu Excel, không phải ngày (có lẽ '
            "là 31/12/2024): hãy định dạng cột là Ngày (dd/mm/yyyy) hoặc Văn bản rồi lưu lại tệp",
            'dòng 3, cột Điện thoại: "912345678" thiếu số 0 ở đầu (Excel bỏ số 0 khi coi ô là '
            "số): hãy định dạng cột là Văn bản và gõ lại 0912345678",
            'dòng 3, cột Ngày vào làm: "2025-02-30": không có ngày này, tháng 2 năm 2025 chỉ '
            "có 28 ngày",
            'dòng 4, cột Ngày vào làm: "30/02/2025": không có ngày này, tháng 2 năm 2025 chỉ '
            "có 28 ngày",
            'dòng 5, cột Người đứng đầu: "có lẽ" phải là 1, x, có, true hoặc 0, không, false '
            "(chữ hoa hay không dấu đều được)",
            "không nhập dòng nào (5 lỗi)",
        ])

    def test_a_file_that_is_not_split_says_what_separator_it_has(self):
        path = self.write("units.csv", UNITS_HEADER.replace(",", "\t") + "\n"
                          "PTC\tPhòng Tài chính\tSO\toffice\t\t\t\t\n")
        before = snapshot(self.d.database)
        r = self.d.cli("import", "units", path)
        self.assertEqual(r.returncode, os.EX_DATAERR, r)
        self.assertIn("%s: dòng 1: các cột cách nhau bằng dấu tab, không phải dấu phẩy \",\" hay "
                      "dấu chấm phẩy \";\"" % path, r.stderr)
        self.assertEqual(len(r.stderr.splitlines()), 2, r.stderr)  # not one line per column
        self.assertEqual(snapshot(self.d.database), before)

    def test_facts_file_from_excel(self):
        path = self.write("facts.csv", "Kỳ;Đối tượng;Mã;Chỉ tiêu;Giá trị;Ngày nộp\n"
                          "2025-H1;Đơn vị;MT;response_plan;x;30/06/2025\n"
                          "2025-H1;don vi;MT;tasks_assigned;10;30/06/2025\n", bom=True, crlf=True)
        self.assertEqual(self.import_ok("facts", path),
                         "%s: 2 dòng, 2 thay đổi, 0 không đổi" % path)
        self.assertEqual(self.import_ok("facts", path),
                         "%s: 2 dòng, 0 thay đổi, 2 không đổi" % path)
        rows = self.d.db_rows("SELECT facts, submitted_at FROM fact_versions WHERE period = ? "
                              "AND subject = 'unit' AND code = 'MT'", ("2025-H1",))
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(json.loads(rows[0][0]), {"response_plan": True, "tasks_assigned": 10})
        self.assertTrue(rows[0][1].startswith("2025-06-30T08:00:00"), rows)

    def test_problems_are_listed_in_row_order(self):
        # Row 2's problem is found by the rules once every row is read, after row 3's and
        # row 4's, which are found while reading.
        path = self.write("facts.csv", "Kỳ;Đối tượng;Mã;Chỉ tiêu;Giá trị;Ngày nộp\n"
                          "2025-H1;person;CB0006;months_worked;13;\n"
                          "2025-H1;unit;VP;no_such_fact;1;\n"
                          "2025-H1;unit;MT;response_plan;1;45838\n")
        r = self.assertRejected("facts", path, {(2, "Giá trị"), (3, "Chỉ tiêu"), (4, "Ngày nộp")})
        rows = [int(m.group("row")) for m in map(ERROR_LINE.match, r.stderr.splitlines()) if m]
        self.assertEqual(rows, [2, 3, 4], r.stderr)
        self.assertIn("có lẽ là 30/06/2025", r.stderr)


    def test_titles_file_from_excel(self):
        path = self.write("titles.csv", "NĂM;Đối tượng;Mã;Danh hiệu\n"
                          "2024;cá nhân;CB0006;LDTT\n2024;đơn vị;VP;NO_SUCH_TITLE\n"
                          "2024;tập thể;VP;TTLDXS\n")
        r = self.assertRejected("titles", path, {(3, "Danh hiệu"), (4, "Đối tượng")})
        self.assertIn('"tập thể" phải là unit (đơn vị) hoặc person (cá nhân)', r.stderr)
        path = self.write("titles.csv", "NĂM;Đối tượng;Mã;Danh hiệu\n2024;Cá nhân;CB0006;LDTT\n")
        self.assertEqual(self.import_ok("titles", path),
                         "%s: 1 dòng, 1 thay đổi, 0 không đổi" % path)
        self.assertEqual(self.d.db_rows("SELECT year, subject, code, title FROM titles_awarded"),
                         [(2024, "person", "CB0006", "LDTT")])


if __name__ == "__main__":
    unittest.main()
