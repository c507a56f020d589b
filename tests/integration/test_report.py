"""test_report.py — the consolidated report of a period (GET /api/v1/periods/{P}/report and
`thiduad report`), against a database with a known mix of units for 2025-H1 (due Sunday
15/06/2025, so the deadline ends on Monday 16/06: Bộ luật Dân sự 2015, Điều 148):

    VP    reported 10/06 (on time), with its 12 people's facts and a note under headings
    MT    reported Monday 16/06: on time, the deadline moved by the weekend
    KHTC  reported Tuesday 17/06: 1 working day late
    TTRA  reported Friday 20/06: 4 working days late (17, 18, 19, 20/06)
    the 11 other units of the demo: missing

and last year's 2024-H1 evaluation of VP stored (80 points, TTLDTT), so the report compares.
Registrations of 2025 (due 31/03/2025): VP on 20/03 (TTLDXS, and LDTT and CSTDCS for its
head), KHTC late on 02/04 (TTLDTT); the others none. Prizes are the ruleset's multiples of
the base salary (2,340,000 đồng: Nghị định 73/2024/NĐ-CP).
The totals and lists are checked; the CSV is read back with Python's csv module, the xlsx
with openpyxl (Debian python3-openpyxl), and the HTML is printed to PDF by headless chromium
(Debian chromium; skipped with the reason when it cannot run) and its text, read by
pdftotext (poppler-utils), must name every unit.
"""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEMO_PEOPLE, DEMO_UNITS, Daemon, read_csv  # noqa: E402
from ruleset_2025 import GOOD_PERSON, GOOD_UNIT, facts_for  # noqa: E402

PERIOD = "2025-H1"
SUBMITTED = {"VP": "2025-06-10", "MT": "2025-06-16", "KHTC": "2025-06-17", "TTRA": "2025-06-20"}
DAYS_LATE = {"VP": 0, "MT": 0, "KHTC": 1, "TTRA": 4}
NOTE = ("Kết quả: hoàn thành 20/20 nhiệm vụ.\n"
        "2. Tồn tại, hạn chế: =SUM(A1:A9) chậm số hoá hồ sơ.\n"
        "- Bài học kinh nghiệm: phân công rõ người, rõ việc.\n"
        "Đề xuất: bổ sung biên chế văn thư.")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_value(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def write_facts(folder):
    """facts.csv: the four units' facts with their dates, and those of VP's people who were
    members in the period (hired by 30/06/2025), with the months their hiring allows."""
    path = os.path.join(folder, "facts.csv")
    vp_people = [p for p in read_csv(DEMO_PEOPLE)
                 if p["unit_code"] == "VP" and p["hired_on"] <= "2025-06-30"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["period", "subject", "code", "fact", "value", "submitted_at"])
        for unit, day in SUBMITTED.items():
            for fact, value in GOOD_UNIT.items():
                w.writerow([PERIOD, "unit", unit, fact, csv_value(value), day])
        for p in vp_people:
            for fact, value in facts_for(p, PERIOD, GOOD_PERSON).items():
                w.writerow([PERIOD, "person", p["code"], fact, csv_value(value), "2025-06-10"])
    return path, [p["code"] for p in vp_people]


def previous_year_vp():
    """A stored 2024-H1 evaluation of VP, as the rules of 2024 would have left it."""
    return json.dumps({"period": "2024-H1", "subject": "unit", "code": "VP",
                       "name": "Văn phòng Sở", "score": 80, "rules_hash": "2024",
                       "criteria": [], "nominations": [],
                       "titles": [{"code": "TTLDTT", "name": "Tập thể lao động tiên tiến",
                                   "eligible": True, "reasons": []}]}, ensure_ascii=False)


def get_bytes(d, path, token="admin"):
    conn = d.connection()
    try:
        conn.request("GET", path, headers={"Authorization": "Bearer " + d.bearer(token)})
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def pdf_text(pdf_path):
    """The PDF's text in the order it was drawn (-raw: each table cell whole, where the
    layout mode would interleave the lines of neighbouring cells), blanks collapsed."""
    out = subprocess.run(["pdftotext", "-raw", pdf_path, "-"], capture_output=True,
                         check=True, timeout=60)
    return re.sub(r"\s+", " ", out.stdout.decode("utf-8"))


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.daemon = Daemon().__enter__()
        d = cls.daemon
        cls.folder = tempfile.mkdtemp(prefix="thidua-report-")
        path, cls.vp_people = write_facts(cls.folder)
        d.cli_ok("import", "facts", path)
        regs = os.path.join(cls.folder, "registrations.csv")
        with open(regs, "w", encoding="utf-8") as f:
            f.write("year,subject,code,title,submitted_at\n"
                    "2025,unit,VP,TTLDXS,2025-03-20\n"
                    "2025,person,%s,LDTT,2025-03-20\n"
                    "2025,person,%s,CSTDCS,2025-03-20\n"
                    "2025,unit,KHTC,TTLDTT,2025-04-02\n" % (cls.vp_people[0], cls.vp_people[0]))
        d.cli_ok("import", "registrations", regs)
        status, _, body = d.request("PATCH", "/api/v1/periods/%s/units/VP/report" % PERIOD,
                                    {"facts": {}, "note": NOTE})
        assert status == 200, body
        d.db_exec("INSERT INTO evaluations (period, subject, code, rules_hash, score, result, "
                  "evaluated_at) VALUES ('2024-H1', 'unit', 'VP', '2024', 80, ?, "
                  "'2024-07-01T00:00:00+07:00')", (previous_year_vp(),))
        cls.units = [u for u in read_csv(DEMO_UNITS) if u["kind"] != "department"]
        status, _, cls.report = d.request("GET", "/api/v1/periods/%s/report" % PERIOD)
        assert status == 200, cls.report

    @classmethod
    def tearDownClass(cls):
        cls.daemon.__exit__(None, None, None)
        shutil.rmtree(cls.folder, ignore_errors=True)

    def test_totals_on_time_late_missing(self):
        t = self.report["totals"]
        self.assertEqual((t["expected"], t["submitted"], t["on_time"], t["late"], t["missing"]),
                         (len(self.units), 4, 2, 2, len(self.units) - 4))
        self.assertEqual(self.report["due"], "2025-06-15")
        self.assertEqual(self.report["effective_due"], "2025-06-16")

    def test_each_unit_status_days_late_and_score(self):
        rows = {u["code"]: u for u in self.report["units"]}
        self.assertEqual(set(rows), {u["code"] for u in self.units})
        for code, days in DAYS_LATE.items():
            self.assertTrue(rows[code]["submitted"], code)
            self.assertEqual(rows[code]["late"], days > 0, code)
            self.assertEqual(rows[code]["working_days_late"], days, code)
            self.assertEqual(rows[code]["score"], 100, code)
            self.assertEqual(rows[code]["criteria"],
                             {"TT1": 15, "TT2": 20, "TT3": 20, "TT4": 15, "TT5": 15, "TT6": 15})
            self.assertEqual(rows[code]["submitted_at"][:10], SUBMITTED[code])
        missing = [c for c, r in rows.items() if not r["submitted"]]
        self.assertEqual(len(missing), len(self.units) - 4)
        for c in missing:
            self.assertEqual((rows[c]["score"], rows[c]["titles"]), (0, []), c)
        # The status route and the report agree on who is late.
        _, _, status = self.daemon.request("GET", "/api/v1/periods/%s/status" % PERIOD)
        for u in status["units"]:
            self.assertEqual(rows[u["code"]]["late"], u["late"], u["code"])

    def test_titles_and_people_annex_match_the_evaluations(self):
        people = {p["code"]: p for p in self.report["people"]}
        # The annex: everyone the reporting units' evaluations evaluated (VP's people with
        # their facts, the other three units' people with none).
        self.assertLessEqual(set(self.vp_people), set(people))
        self.assertEqual({p["unit_code"] for p in people.values()}, set(SUBMITTED))
        _, _, lists = self.daemon.request("GET", "/api/v1/periods/%s/nominations" % PERIOD)
        expected = {l["title"]: len(l["entries"]) for l in lists["lists"]}
        counts = {t["code"]: t["count"] for t in self.report["totals"]["titles"]}
        self.assertEqual(counts, {k: v for k, v in expected.items() if k in counts})
        self.assertGreater(counts["LDTT"], 0)
        ldtt = sum("LDTT" in p["titles"] for p in people.values())
        self.assertEqual(ldtt, counts["LDTT"])
        for code in self.vp_people[:3]:
            _, _, e = self.daemon.request("GET", "/api/v1/periods/%s/people/%s/evaluation"
                                          % (PERIOD, code))
            self.assertEqual(people[code]["score"], e["score"])
            self.assertEqual(people[code]["titles"],
                             [t["code"] for t in e["titles"] if t["eligible"]])
        groups = [g["decided_by"] for g in self.report["totals"]["nominations"]]
        self.assertEqual(groups, ["Giám đốc Sở", "Giám đốc Sở đề nghị Bộ trưởng"])

    def test_previous_year_compared(self):
        prev = self.report["previous"]
        self.assertEqual((prev["period"], prev["stored"], prev["units_evaluated"]),
                         ("2024-H1", True, 1))
        self.assertEqual(prev["titles"], {"TTLDTT": 1})
        rows = {u["code"]: u for u in self.report["units"]}
        self.assertEqual(rows["VP"]["previous_score"], 80)
        self.assertIsNone(rows["MT"]["previous_score"])

    def test_notes_under_headings(self):
        notes = {s["heading"]: [(e["unit_code"], e["text"]) for e in s["entries"]]
                 for s in self.report["notes"]}
        self.assertEqual(notes["Kết quả đạt được"], [("VP", "hoàn thành 20/20 nhiệm vụ.")])
        self.assertEqual(notes["Tồn tại, hạn chế và nguyên nhân"],
                         [("VP", "=SUM(A1:A9) chậm số hoá hồ sơ.")])
        self.assertEqual(notes["Bài học kinh nghiệm"], [("VP", "phân công rõ người, rõ việc.")])
        self.assertEqual(notes["Nhiệm vụ, giải pháp thời gian tới"], [])
        self.assertEqual(notes["Đề xuất, kiến nghị"], [("VP", "bổ sung biên chế văn thư.")])

    def test_registrations_against_achievements(self):
        reg = self.report["registrations"]
        self.assertTrue(reg["available"])
        self.assertEqual((reg["registration_due"], reg["year"]), ("2025-03-31", 2025))
        t = reg["totals"]
        self.assertEqual((t["units_registered"], t["units_late"], t["units_missing"]),
                         (2, 1, len(self.units) - 2))
        rows = {u["code"]: u for u in reg["units"]}
        self.assertEqual(set(rows), {u["code"] for u in self.units})
        units = {u["code"]: u for u in self.report["units"]}
        for code, title, late in (("VP", "TTLDXS", False), ("KHTC", "TTLDTT", True)):
            r = rows[code]
            self.assertEqual((r["registered"], r["late"], r["registered_titles"]),
                             (True, late, [title]), code)
            self.assertEqual(r["achieved_titles"], units[code]["titles"], code)
            met = title in units[code]["titles"]
            self.assertEqual(r["met"], [title] if met else [], code)
            self.assertEqual([m["title"] for m in r["missed"]], [] if met else [title], code)
        self.assertFalse(rows["MT"]["registered"])
        head = next(p for p in rows["VP"]["people"] if p["code"] == self.vp_people[0])
        self.assertEqual(sorted(head["registered_titles"]), ["CSTDCS", "LDTT"])
        people = {p["code"]: p for p in self.report["people"]}
        self.assertEqual(head["achieved_titles"], people[self.vp_people[0]]["titles"])
        by_title = {b["title"]: b for b in t["by_title"]}
        self.assertEqual(by_title["TTLDXS"]["registered"], 1)
        # The HTML's section IV lists the table, not "no data".
        _, _, html = self.daemon.request("GET", "/api/v1/periods/%s/report?format=html" % PERIOD)
        section = html[html.index("IV. ĐĂNG KÝ THI ĐUA"):html.index("V. Ý KIẾN")]
        self.assertNotIn("Chưa có dữ liệu đăng ký", section)
        self.assertIn("KHTC", section)

    def test_prize_money_from_the_ruleset(self):
        base = 2340000
        multiples = {"LDTT": 0.3, "CSTDCS": 1.0, "TTLDXS": 1.5, "TTLDTT": 0.8}
        prize = self.report["totals"]["prize"]
        self.assertEqual(prize["base_salary"], base)
        self.assertIn("73/2024", prize["source"])
        titles = {t["code"]: t for t in self.report["totals"]["titles"]}
        self.assertGreater(titles["LDTT"]["count"], 0)
        for code, m in multiples.items():
            row = titles[code]
            self.assertEqual(row["prize_multiple"], m, code)
            self.assertEqual(row["prize_amount"], row["count"] * round(m * base), code)
        # The nomination file prices every list the same way.
        _, _, file = self.daemon.request("GET", "/api/v1/periods/%s/nominations" % PERIOD)
        lists = {l["title"]: l for l in file["lists"]}
        for code, row in titles.items():
            if code in lists and row["prize_amount"] is not None:
                self.assertEqual(row["prize_amount"], lists[code]["total_prize"], code)
        money = 0
        for group in self.report["totals"]["nominations"]:
            for l in group["lists"]:
                self.assertEqual(l["prize_total"],
                                 sum(e["prize"] or 0 for e in l["entries"]), l["code"])
                if l["code"] in lists:
                    self.assertEqual(l["prize_total"], lists[l["code"]]["total_prize"])
                money += l["prize_total"]
        self.assertEqual(prize["titles"], sum(r["prize_amount"] or 0 for r in titles.values()))
        self.assertEqual(prize["nominations"], money)
        self.assertEqual(prize["total"], prize["titles"] + prize["nominations"])
        self.assertGreater(prize["total"], 0)
        # the printed page writes the money in full digits, as a clerk reads it (not 6.2e+10)
        _, _, html = self.daemon.request("GET", "/api/v1/periods/%s/report?format=html" % PERIOD)
        self.assertIn('<td class="n">%d</td>' % prize["total"], html)

    def test_csv_bom_neutralised_and_rows(self):
        status, headers, raw = get_bytes(self.daemon, "/api/v1/periods/%s/report?format=csv"
                                         % PERIOD)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/csv"))
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"), "a BOM so Excel reads UTF-8")
        rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
        cells = [c for r in rows for c in r]
        self.assertIn("'=SUM(A1:A9) chậm số hoá hồ sơ.", cells)
        self.assertFalse([c for c in cells if c[:1] in ("=", "+", "@")], "no formula left")
        self.assertFalse([c for c in cells if c[:1] == "-" and not re.match(r"^-\d", c)])
        header = rows.index(next(r for r in rows if r[:3] == ["STT", "Mã đơn vị", "Tên đơn vị"]))
        units = {r[1]: r for r in rows[header + 1:header + 1 + len(self.units)]}
        self.assertEqual(set(units), {u["code"] for u in self.units})
        self.assertEqual(units["KHTC"][3:6], ["Trễ hạn", "17/06/2025", "1"])
        self.assertEqual(units["MT"][3:6], ["Đúng hạn", "16/06/2025", "0"])
        names = {u["code"]: u["name"] for u in self.units}
        self.assertEqual(units["KHTC"][2], names["KHTC"])

    def test_xlsx_read_by_openpyxl(self):
        try:
            import openpyxl
        except ImportError:
            self.skipTest("python3-openpyxl is not installed (apt-get install python3-openpyxl)")
        status, headers, raw = get_bytes(self.daemon, "/api/v1/periods/%s/report?format=xlsx"
                                         % PERIOD)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], XLSX_TYPE)
        wb = openpyxl.load_workbook(io.BytesIO(raw))
        self.assertEqual(wb.sheetnames[:2], ["Tổng hợp", "Đơn vị"])
        self.assertIn("Phụ lục cá nhân", wb.sheetnames)
        ws = wb["Đơn vị"]
        self.assertEqual(ws.freeze_panes, "A2", "the header row is frozen")
        self.assertGreater(ws.column_dimensions["C"].width, 20, "the name column is wide")
        header = [c.value for c in ws[1]]
        rows = {r[1]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(set(rows), {u["code"] for u in self.units})
        ttra = rows["TTRA"]
        self.assertEqual(ttra["Tình trạng báo cáo"], "Trễ hạn")
        self.assertEqual(ttra["Số ngày làm việc trễ"], 4)
        self.assertIsInstance(ttra["Điểm"], (int, float))
        self.assertEqual(ttra["Điểm"], 100)
        self.assertEqual(ttra["TT2 (20 đ)"], 20)
        self.assertEqual(rows["VP"]["Điểm cùng kỳ năm trước"], 80)
        self.assertEqual(ttra["Tên đơn vị"], "Thanh tra Sở")
        totals = {r[0]: r[1:] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
        self.assertEqual(totals["Báo cáo đúng hạn"][0], 2)
        self.assertEqual(totals["Báo cáo trễ hạn"][0], 2)
        self.assertEqual(totals["Chưa báo cáo"][0], len(self.units) - 4)
        people = list(wb["Phụ lục cá nhân"].iter_rows(min_row=2, values_only=True))
        self.assertEqual(sorted(p[1] for p in people),
                         sorted(p["code"] for p in self.report["people"]))
        vp_head = next(p for p in people if p[1] == self.vp_people[0])
        self.assertEqual((vp_head[2], vp_head[3], vp_head[4]), ("Bùi Thị Hà", "VP", 85))

    def test_html_printed_by_chromium_names_every_unit(self):
        status, headers, html = self.daemon.request(
            "GET", "/api/v1/periods/%s/report?format=html" % PERIOD)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                      "BÁO CÁO", "Nơi nhận:", "<svg", "Sở Nông nghiệp và Môi trường"):
            self.assertIn(words, html)
        browser = chromium()
        if not browser or not shutil.which("pdftotext"):
            self.skipTest("chromium or pdftotext is not installed (apt-get install chromium "
                          "poppler-utils)")
        html_path = os.path.join(self.folder, "bao-cao.html")
        pdf_path = os.path.join(self.folder, "bao-cao.pdf")
        with open(html_path, "w", encoding="utf-8") as f:
            f.write(html)
        args = [browser, "--headless", "--disable-gpu", "--no-pdf-header-footer",
                "--user-data-dir=" + os.path.join(self.folder, "profile"),
                "--print-to-pdf=" + pdf_path, "file://" + html_path]
        if os.geteuid() == 0:
            args.append("--no-sandbox")
        run = subprocess.run(args, capture_output=True, timeout=120)
        if run.returncode != 0 or not os.path.exists(pdf_path):
            self.skipTest("chromium cannot run here: %s" % run.stderr.decode()[-300:])
        text = pdf_text(pdf_path)
        for u in self.units:
            self.assertIn(u["code"], text)
            self.assertIn(re.sub(r"\s+", " ", u["name"]), text, u["code"])

    def test_cli_formats_and_pdf(self):
        d = self.daemon
        out = os.path.join(self.folder, "cli.json")
        d.cli_ok("report", "--period", PERIOD, "--format", "json", "--out", out)
        with open(out, encoding="utf-8") as f:
            cli = json.load(f)
        self.assertEqual(cli["totals"], self.report["totals"])
        self.assertEqual(cli["units"], self.report["units"])
        bad = d.cli("report", "--period", PERIOD, "--format", "doc")
        self.assertEqual(bad.returncode, os.EX_USAGE)
        self.assertIn("--format", bad.stderr)
        if not chromium() or not shutil.which("pdftotext"):
            self.skipTest("chromium or pdftotext is not installed")
        pdf = os.path.join(self.folder, "cli.pdf")
        run = d.cli("report", "--period", PERIOD, "--format", "pdf", "--out", pdf, timeout=180)
        if run.returncode != 0:
            self.skipTest("chromium cannot run here: %s" % run.stderr[-300:])
        text = pdf_text(pdf)
        for u in self.units:
            self.assertIn(u["code"], text)

    def test_access_and_bad_format(self):
        d = self.daemon
        status, _, body = d.request("GET", "/api/v1/periods/%s/report" % PERIOD, token="unit:VP")
        self.assertEqual(status, 403, body)
        status, _, _ = d.request("GET", "/api/v1/periods/%s/report" % PERIOD, token="read")
        self.assertEqual(status, 200)
        status, _, body = d.request("GET", "/api/v1/periods/%s/report?format=pdf" % PERIOD)
        self.assertEqual((status, body["error"]["code"]), (400, "bad_format"))
        status, _, body = d.request("GET", "/api/v1/periods/2031-H1/report")
        self.assertEqual(status, 404, body)


if __name__ == "__main__":
    unittest.main()
