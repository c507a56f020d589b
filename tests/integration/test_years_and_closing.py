"""test_years_and_closing.py — campaign years side by side, and closed periods kept as records.

Years: the daemon's rules root holds a copy of rules/2025 and, once added, a small 2026
ruleset. Adding 2026 and changing it never changes a 2025 result (same bytes, same hash);
each period is answered and checked by its own year's rules; a broken year refuses the whole
reload and the years in service keep serving.

Closing: `POST /api/v1/periods/{P}/close` (admin) and `thiduad period close`; every write to a
closed period gets 409 `period_closed` (PUT, PATCH, the facts import), a rules change
recomputes the open periods and not the closed one (also across a restart), reopening needs
a reason, and both are in the audit log with who did them.
"""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402
from ruleset_2025 import GOOD_PERSON, GOOD_UNIT, EvaluationAsserts  # noqa: E402
from test_rules_reload import RulesCopy  # noqa: E402

H1_VP = "/api/v1/periods/2025-H1/units/VP"
Y_VP = "/api/v1/periods/2025-Y/units/VP"


def ruleset_2026(points):
    """A small 2026 campaign: one fact, one criterion worth `points`."""
    return (
        'campaign { year = 2026, name = "Phong trào thi đua 2026", periods = {\n'
        '  ["2026-H1"] = { from = "2026-01-01", to = "2026-06-30", report_due = "2026-06-15" },\n'
        '  ["2026-Y"] = { from = "2026-01-01", to = "2026-12-31", report_due = "2026-11-15" },\n'
        '} }\n'
        'fact "so_sang_kien" { subject = "unit", type = "integer", min = 0, max = 100,\n'
        '  label = "Số sáng kiến" }\n'
        'criterion "K1" { subject = "unit", points = %d, title = "Có sáng kiến",\n'
        '  check = function(_, f) return (f.so_sang_kien or 0) > 0 end }\n' % points)


class Setup(EvaluationAsserts, unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="thidua-years-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.rules = RulesCopy(self.root)
        self.d = Daemon(rules=self.root)
        self.addCleanup(self.d.close)
        self.d.__enter__()

    def call(self, method, path, body=None, token="admin", expect=200):
        status, _, answer = self.d.request(method, path, body, token=token)
        self.assertEqual(status, expect, "%s %s: %r" % (method, path, answer))
        return answer

    def raw(self, path):
        return self.d.raw_get(path)

    def write_2026(self, text):
        os.makedirs(os.path.join(self.root, "2026"), exist_ok=True)
        with open(os.path.join(self.root, "2026", "campaign.lua"), "w", encoding="utf-8") as f:
            f.write(text)


class YearsSideBySideTest(Setup):
    def test_a_second_year_leaves_the_first_untouched(self):
        self.call("PUT", H1_VP + "/report", {"facts": GOOD_UNIT})
        before = self.raw(H1_VP + "/evaluation")
        hash_2025 = self.d.rules_hash()

        self.write_2026(ruleset_2026(10))
        body = self.call("POST", "/api/v1/admin/reload", b"")
        self.assertEqual([y["year"] for y in body["years"]], [2025, 2026])
        self.assertEqual(body["recomputed"], 0, "adding 2026 redoes no 2025 result")
        self.assertEqual(self.raw(H1_VP + "/evaluation"), before)
        health = self.call("GET", "/healthz")
        self.assertEqual(health["rules"]["2025"], hash_2025)
        self.assertNotEqual(health["rules"]["2026"], hash_2025)

        # Each period is checked and evaluated by its own year's rules.
        e = self.call("PUT", "/api/v1/periods/2026-H1/units/VP/report",
                      {"facts": {"so_sang_kien": 2}})["evaluation"]
        self.assertEqual(e["score"], 10)
        self.assertEqual(e["rules_hash"], health["rules"]["2026"])
        err = self.call("PUT", "/api/v1/periods/2026-H1/units/VP/report",
                        {"facts": GOOD_UNIT}, expect=422)
        self.assertIn("response_plan", str(err["error"]["details"]))
        self.call("PUT", H1_VP + "/report", {"facts": {"so_sang_kien": 2}}, expect=422)

        # Changing 2026 recomputes 2026 only.
        self.write_2026(ruleset_2026(20))
        body = self.call("POST", "/api/v1/admin/reload", b"")
        self.assertEqual(self.raw(H1_VP + "/evaluation"), before)
        self.assertEqual(self.d.db_rows(
            "SELECT DISTINCT rules_hash FROM evaluations WHERE period LIKE '2025-%'"),
            [(hash_2025,)])
        self.assertEqual(self.call("GET", "/api/v1/periods/2026-H1/units/VP/evaluation")["score"],
                         20)

        # The catalog of each year; the newest by default.
        self.assertEqual(self.call("GET", "/api/v1/rules?year=2025")["rules_hash"], hash_2025)
        self.assertEqual(self.call("GET", "/api/v1/rules")["campaign"]["year"], 2026)
        self.call("GET", "/api/v1/rules?year=2019", expect=404)

        # A broken 2026 refuses the reload; both years keep serving.
        self.write_2026(ruleset_2026(20) + 'criterion "K2" {\n')
        err = self.call("POST", "/api/v1/admin/reload", b"", expect=422)
        self.assertIn("2026/campaign.lua:", str(err["error"]["details"]))
        self.assertEqual(self.raw(H1_VP + "/evaluation"), before)
        self.assertEqual(self.call("GET", "/api/v1/periods/2026-H1/units/VP/evaluation")["score"],
                         20)

        # The command line sees both years too.
        self.write_2026(ruleset_2026(20))
        out = self.d.cli_ok("test")
        self.assertIn("# %s" % os.path.join(self.root, "2025"), out.stdout)
        self.assertIn("# %s" % os.path.join(self.root, "2026"), out.stdout)
        out = self.d.cli_ok("eval", "--period", "2026-H1", "--unit", "VP", "--json")
        self.assertIn('"score":20', out.stdout)

    def test_a_period_declared_by_two_years_is_refused(self):
        self.write_2026(ruleset_2026(10).replace('["2026-Y"]', '["2025-Y"]'))
        err = self.call("POST", "/api/v1/admin/reload", b"", expect=422)
        self.assertIn("2025-Y", str(err["error"]["details"]))
        r = self.d.cli("check")
        self.assertEqual(r.returncode, os.EX_CONFIG, r)
        self.assertIn("2025-Y", r.stderr)


class ClosedPeriodTest(Setup):
    def test_a_closed_period_is_a_record(self):
        people = self.call("GET", "/api/v1/people?unit=VP")["people"]
        person = [p for p in people if not p["is_head"]][0]["code"]
        self.call("PUT", H1_VP + "/report", {"facts": GOOD_UNIT})
        self.call("PUT", Y_VP + "/report", {"facts": GOOD_UNIT})
        h1_before = self.raw(H1_VP + "/evaluation")
        versions = self.d.db_rows("SELECT count(*) FROM fact_versions")[0][0]

        self.call("POST", "/api/v1/periods/2025-H1/close", {"reason": "Tổng kết 6 tháng"},
                  token="unit:VP", expect=403)
        self.call("POST", "/api/v1/periods/2025-Q9/close", expect=404)
        closed = self.call("POST", "/api/v1/periods/2025-H1/close",
                           {"reason": "Tổng kết 6 tháng"})
        self.assertTrue(closed["closed"])
        self.assertEqual(closed["closed_by"], "it-admin")
        err = self.call("POST", "/api/v1/periods/2025-H1/close", expect=409)
        self.assertEqual(err["error"]["code"], "period_closed")

        # Every write is refused, before any word on its content.
        for method, path, body, token in (
                ("PUT", H1_VP + "/report", {"facts": GOOD_UNIT}, "unit:VP"),
                ("PATCH", H1_VP + "/report", {"facts": {"response_plan": False}}, "admin"),
                ("PUT", "/api/v1/periods/2025-H1/people/%s/facts" % person,
                 {"facts": GOOD_PERSON}, "admin"),
                ("PUT", H1_VP + "/report", {"facts": {"no_such_fact": 1}}, "admin")):
            err = self.call(method, path, body, token=token, expect=409)
            self.assertEqual(err["error"]["code"], "period_closed", (method, path))
            self.assertIn("2025-H1", err["error"]["message"])
        facts_csv = os.path.join(self.d.dir, "correction.csv")
        with open(facts_csv, "w", encoding="utf-8") as f:
            f.write("period,subject,code,fact,value\n2025-H1,unit,VP,response_plan,0\n")
        r = self.d.cli("import", "facts", facts_csv)
        self.assertNotEqual(r.returncode, 0, r)
        self.assertIn("khoá sổ", r.stderr)
        self.assertEqual(self.d.db_rows("SELECT count(*) FROM fact_versions")[0][0], versions)

        # A rules change recomputes 2025-Y, not the closed 2025-H1 — also across a restart.
        self.rules.set_tt1_points(25)
        new_hash = self.call("POST", "/api/v1/admin/reload", b"")["rules_hash"]
        self.assertEqual(self.raw(H1_VP + "/evaluation"), h1_before)
        self.assertEqual(self.call("GET", Y_VP + "/evaluation")["rules_hash"], new_hash)
        self.rules.restore()
        self.rules.set_tt1_points(30)
        self.d.restart()
        self.assertEqual(self.raw(H1_VP + "/evaluation"), h1_before)
        self.assertNotEqual(self.call("GET", Y_VP + "/evaluation")["rules_hash"], new_hash)

        # Reopening needs a reason; then writes are taken again.
        err = self.call("POST", "/api/v1/periods/2025-H1/reopen", expect=422)
        self.assertEqual(err["error"]["details"][0]["field"], "reason")
        self.call("POST", "/api/v1/periods/2025-H1/reopen", {"reason": "Sửa số liệu VP"})
        self.call("POST", "/api/v1/periods/2025-H1/reopen", {"reason": "lần nữa"}, expect=409)
        self.call("PATCH", H1_VP + "/report", {"facts": {"response_plan": False}})
        audit = self.d.db_rows("SELECT actor, action, detail FROM audit WHERE entity = 'period' "
                               "AND code = '2025-H1' ORDER BY id")
        self.assertEqual([(a, b) for a, b, _ in audit],
                         [("it-admin", "close"), ("it-admin", "reopen")])
        self.assertIn("Sửa số liệu VP", audit[1][2])

    def test_the_command_line_closes_and_reopens(self):
        self.call("PUT", Y_VP + "/report", {"facts": GOOD_UNIT})
        out = self.d.cli_ok("period", "close", "2025-Y", "--reason", "Tổng kết năm")
        self.assertIn("2025-Y", out.stdout)
        err = self.call("PUT", Y_VP + "/report", {"facts": GOOD_UNIT}, expect=409)
        self.assertEqual(err["error"]["code"], "period_closed")
        r = self.d.cli("period", "reopen", "2025-Y")
        self.assertEqual(r.returncode, os.EX_USAGE, r)
        self.assertIn("--reason", r.stderr)
        r = self.d.cli("period", "close", "2031-Y")
        self.assertEqual(r.returncode, os.EX_DATAERR, r)
        self.d.cli_ok("period", "reopen", "2025-Y", "--reason", "Bổ sung hồ sơ")
        self.call("PUT", Y_VP + "/report", {"facts": GOOD_UNIT})
        self.assertEqual(self.d.db_rows("SELECT actor, action FROM audit WHERE entity = 'period'"),
                         [("cli", "close"), ("cli", "reopen")])


if __name__ == "__main__":
    unittest.main()
