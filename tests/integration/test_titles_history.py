"""test_titles_history.py — conditions spanning years read the titles of past years by
themselves: those imported for the years before the system (`thiduad import titles`) and
the stored year-end results of an earlier year served by the system.

- `import titles`: every problem as `row N, column X`, nothing written; a year the system
  rates itself is refused; a good file recomputes the open periods of later years, so a
  person CSTDCS in 2024 and 2025 is proposed for the Minister's Bằng khen without declaring
  last year in a fact.
- Years side by side: a 2026 rule reading `ctx:held("LDTT", 1)` finds the LDTT of the
  stored 2025-Y evaluation.
"""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402
from ruleset_2025 import EXCELLENT_PERSON, GOOD_PERSON, EvaluationAsserts  # noqa: E402
from test_rules_reload import RulesCopy  # noqa: E402

RULES_2026 = (
    'campaign { year = 2026, name = "Phong trào thi đua 2026", periods = {\n'
    '  ["2026-Y"] = { from = "2026-01-01", to = "2026-12-31", report_due = "2026-11-15" },\n'
    '} }\n'
    'fact "so_thang" { subject = "person", type = "integer", min = 0, max = 12,\n'
    '  label = "Số tháng công tác" }\n'
    'criterion "K1" { subject = "person", points = 10, title = "Năm trước đạt Lao động tiên tiến",\n'
    '  check = function(_, _, ctx) return ctx:held("LDTT", 1) end }\n')


class HistoryTest(EvaluationAsserts, unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="thidua-history-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.rules = RulesCopy(self.root)
        self.d = Daemon(rules=self.root)
        self.addCleanup(self.d.close)
        self.d.__enter__()
        people = self.call("GET", "/api/v1/people?unit=VP")["people"]
        self.staff = [p["code"] for p in people if not p["is_head"]][0]

    def call(self, method, path, body=None, expect=200):
        status, _, answer = self.d.request(method, path, body)
        self.assertEqual(status, expect, "%s %s: %r" % (method, path, answer))
        return answer

    def write_csv(self, name, text):
        path = os.path.join(self.d.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def bang_khen(self, period="2025-Y"):
        e = self.call("GET", "/api/v1/periods/%s/people/%s/evaluation" % (period, self.staff))
        return {n["code"]: n["eligible"] for n in e.get("nominations", [])}.get("BANG_KHEN")

    def test_imported_titles_make_two_years(self):
        self.call("PUT", "/api/v1/periods/2025-Y/people/%s/facts" % self.staff,
                  {"facts": dict(EXCELLENT_PERSON, months_worked=12)})
        self.assertFalse(self.bang_khen(), "CSTDCS this year only")

        bad = self.write_csv("bad.csv", "year,subject,code,title\n"
                             "2025,person,%s,CSTDCS\n"
                             "2024,person,NO-SUCH,CSTDCS\n"
                             "2024,person,%s,HUAN_CHUONG\n"
                             "24,unit,VP,TTLDXS\n" % (self.staff, self.staff))
        r = self.d.cli("import", "titles", bad)
        self.assertEqual(r.returncode, os.EX_DATAERR, r)
        for where in ("dòng 2, cột year", "dòng 3, cột code", "dòng 4, cột title",
                      "dòng 5, cột year"):
            self.assertIn(where, r.stderr)
        self.assertIn("năm 2025 do hệ thống chấm điểm", r.stderr)
        self.assertEqual(self.d.db_rows("SELECT count(*) FROM titles_awarded")[0][0], 0)

        good = self.write_csv("good.csv", "year,subject,code,title\n"
                              "2024,person,%s,LDTT\n2024,person,%s,CSTDCS\n" % (
                                  self.staff, self.staff))
        out = self.d.cli_ok("import", "titles", good)
        self.assertIn("2 thay đổi", out.stdout)
        self.assertTrue(self.bang_khen(), "CSTDCS in 2024 and 2025: proposed, with no fact")
        self.d.cli_ok("import", "titles", good)  # twice: nothing new
        self.assertEqual(self.d.db_rows("SELECT count(*) FROM titles_awarded")[0][0], 2)
        audit = self.d.db_rows("SELECT actor, action FROM audit WHERE entity = 'titles'")
        self.assertEqual(audit, [("cli", "import"), ("cli", "import")])

    def test_next_year_reads_the_stored_year_end(self):
        self.call("PUT", "/api/v1/periods/2025-Y/people/%s/facts" % self.staff,
                  {"facts": dict(GOOD_PERSON, months_worked=12)})
        e = self.call("GET", "/api/v1/periods/2025-Y/people/%s/evaluation" % self.staff)
        self.assertTrue({t["code"]: t["eligible"] for t in e["titles"]}["LDTT"])
        os.makedirs(os.path.join(self.root, "2026"))
        with open(os.path.join(self.root, "2026", "campaign.lua"), "w", encoding="utf-8") as f:
            f.write(RULES_2026)
        self.call("POST", "/api/v1/admin/reload", b"")
        e = self.call("PUT", "/api/v1/periods/2026-Y/people/%s/facts" % self.staff,
                      {"facts": {"so_thang": 12}})["evaluation"]
        self.assertEqual(e["score"], 10, e)
        # Someone without a 2025 LDTT does not pass.
        other = [p["code"] for p in self.call("GET", "/api/v1/people?unit=VP")["people"]
                 if p["code"] != self.staff and not p["is_head"]][0]
        e = self.call("PUT", "/api/v1/periods/2026-Y/people/%s/facts" % other,
                      {"facts": {"so_thang": 12}})["evaluation"]
        self.assertEqual(e["score"], 0, e)


if __name__ == "__main__":
    unittest.main()
