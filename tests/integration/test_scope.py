"""test_scope.py — who reads what, and which periods a unit writes (issue 9, findings 2 and 3).

Personal data by scope (README.md, "Who reads what"; Nghị định 13/2023/NĐ-CP): a `unit:CODE`
token reads its own unit's people and evaluations only — in a period, the unit's members
in that period — and every other unit's people, evaluations and nomination entries are
403 or absent; what every token reads (units, status, ranking, rules, the calendar) names
no person; `/api/v1/rules` shows no server path; a `read` token reads everything.

A closed unit writes only periods in which it exists: PTNMT-HX (closed 30/06/2025) reports
for 2025-H1 but not for 2025-Y (409 `unit_not_in_period` in Vietnamese, nothing stored,
over HTTP and the CSV import), is not ranked for 2025-Y, and its calendar owes no 2025-Y
report.
"""

import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEMO_PEOPLE, SOURCE_DIR, Daemon, read_csv  # noqa: E402
from ruleset_2025 import GOOD_PERSON, GOOD_UNIT  # noqa: E402

DEMO_FACTS = os.path.join(SOURCE_DIR, "etc", "demo", "facts.csv")
PERSON_CODE = re.compile(r"CB\d{4}")
CLOSED = "PTNMT-HX"


def make_token(d, scope):
    """A token of `scope`, kept in d.tokens under the scope's name."""
    name = "it-" + scope.replace(":", "-")
    d.tokens[scope] = d.cli_ok("token", "create", "--name", name, "--scope", scope).stdout.strip()


class ScopeTestCase(unittest.TestCase):
    def get(self, path, token, expect=200):
        status, _, body = self.d.request("GET", path, token=token)
        self.assertEqual(status, expect, "GET %s (%s): %r" % (path, token, body))
        return body

    def assertForbidden(self, path, token, leaked=()):
        """403 in the error shape, a Vietnamese message, and none of `leaked` in the body."""
        body = self.get(path, token, expect=403)
        self.assertEqual(body["error"]["code"], "forbidden", body)
        self.assertIn("chỉ đọc được", body["error"]["message"])
        text = json.dumps(body, ensure_ascii=False)
        for secret in leaked:
            self.assertNotIn(secret, text, "%s (%s) leaks %r" % (path, token, secret))


class PersonalDataByScopeTest(ScopeTestCase):
    """The demo department with its 2025-H1 facts, read by each kind of token."""

    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.addClassCleanup(cls.d.close)
        cls.d.__enter__()
        cls.d.cli_ok("import", "facts", DEMO_FACTS)
        make_token(cls.d, "unit:TTQT")
        make_token(cls.d, "unit:CCTL")  # never reported 2025-H1: reminded
        cls.people = {p["code"]: p for p in read_csv(DEMO_PEOPLE)}
        cls.vp = sorted(c for c, p in cls.people.items() if p["unit_code"] == "VP")
        cls.others = {c: p for c, p in cls.people.items() if p["unit_code"] != "VP"}

    def personal_strings(self, people):
        """What would identify these people in a body: code, name, e-mail, hiring date."""
        out = []
        for code, p in people.items():
            out += [code, p["full_name"], p["email"]]
        return out

    def test_people_a_unit_token_reads_its_own_only(self):
        # Without ?unit= a unit token gets its own unit's people, contacts included.
        body = self.get("/api/v1/people", "unit:VP")
        self.assertEqual(sorted(p["code"] for p in body["people"]), self.vp)
        self.assertTrue(all(p["email"] for p in body["people"]))
        self.assertEqual(len(self.get("/api/v1/people?unit=VP", "unit:VP")["people"]), len(self.vp))
        members = self.get("/api/v1/people?unit=VP&period=2025-H1", "unit:VP")["people"]
        self.assertTrue(members)
        self.assertTrue(all(p["code"] in self.vp for p in members), members)
        # Another unit's people, today or in a period, and one of them by code: 403.
        ttra = {c: p for c, p in self.others.items() if p["unit_code"] == "TTRA"}
        for path in ("/api/v1/people?unit=TTRA", "/api/v1/people?unit=TTRA&period=2025-H1",
                     "/api/v1/people/" + sorted(ttra)[0]):
            self.assertForbidden(path, "unit:VP", self.personal_strings(ttra))
        self.assertEqual(self.get("/api/v1/people/" + self.vp[0], "unit:VP")["unit_code"], "VP")
        # An admin and a read token read everybody.
        for token in ("admin", "read"):
            self.assertEqual(len(self.get("/api/v1/people", token)["people"]), len(self.people))
            self.get("/api/v1/people/" + sorted(ttra)[0], token)

    def test_evaluations_a_unit_token_reads_its_own_only(self):
        # CB0091 (TTQT) was reprimanded in 2025-H1: CN5 says so in its evaluation.
        disciplined = "/api/v1/periods/2025-H1/people/CB0091/evaluation"
        full = self.get(disciplined, "read")
        self.assertIn("khiển trách", json.dumps(full, ensure_ascii=False))
        self.assertForbidden(disciplined, "unit:VP",
                             ["khiển trách", "Nguyễn Thị Quyên", "criteria"])
        self.assertForbidden("/api/v1/periods/2025-H1/units/TTQT/evaluation", "unit:VP",
                             ["criteria", "titles"])
        # Its own unit reads it; VP reads its own unit and people.
        self.assertEqual(self.get(disciplined, "unit:TTQT")["code"], "CB0091")
        self.assertEqual(self.get("/api/v1/periods/2025-H1/units/VP/evaluation",
                                  "unit:VP")["code"], "VP")
        self.assertEqual(self.get("/api/v1/periods/2025-H1/people/%s/evaluation" % self.vp[1],
                                  "unit:VP")["code"], self.vp[1])
        # An unknown code is 404 whoever asks.
        for path in ("/api/v1/periods/2025-H1/people/CB9999/evaluation",
                     "/api/v1/periods/2025-H1/units/NOPE/evaluation",
                     "/api/v1/people/CB9999", "/api/v1/people?unit=NOPE"):
            self.get(path, "unit:VP", expect=404)

    def test_what_every_unit_reads_names_nobody(self):
        everyone = self.personal_strings(self.people)
        for path in ("/api/v1/units", "/api/v1/units/TTRA", "/api/v1/periods/2025-H1/status",
                     "/api/v1/periods/2025-H1/ranking", "/api/v1/rules"):
            body = self.get(path, "unit:VP")
            text = json.dumps(body, ensure_ascii=False)
            names = [s for s in everyone if not PERSON_CODE.fullmatch(s) and s in text]
            self.assertEqual(names, [], "%s names people" % path)
            if path != "/api/v1/units" and not path.startswith("/api/v1/units/"):
                # (a unit's head is named by code only, as the organisation chart does)
                self.assertIsNone(PERSON_CODE.search(text), "%s: %s" % (path, text[:300]))
        status, _, ics = self.d.request("GET", "/api/v1/calendar.ics?unit=TTRA", token=None)
        self.assertEqual(status, 200)
        self.assertEqual([s for s in everyone if s in ics], [])

    def test_rules_show_no_server_path(self):
        for token in ("unit:VP", "read", "admin"):
            status, _, raw = self.d.request("GET", "/api/v1/rules", token=token)
            self.assertEqual(status, 200)
            self.assertNotIn("dir", raw)
            text = json.dumps(raw, ensure_ascii=False)
            for path in (SOURCE_DIR, self.d.dir, os.path.join(SOURCE_DIR, "rules")):
                self.assertNotIn(path, text, token)
            self.assertNotRegex(text, r'"/[a-z]+/', token)

    def test_nominations_a_unit_token_sees_its_own_entries(self):
        def entries(token):
            body = self.get("/api/v1/periods/2025-H1/nominations", token)
            return [e for lst in body["lists"] for e in lst["entries"]]

        everything = entries("read")
        self.assertGreater(len({e.get("unit_code", e["code"]) for e in everything}), 3)
        mine = entries("unit:VP")
        self.assertTrue(mine, "VP's people are on the lists")
        for e in mine:
            self.assertEqual(e["code"] if e["subject"] == "unit" else e["unit_code"], "VP", e)
        self.assertEqual(sorted(json.dumps(e, sort_keys=True) for e in mine),
                         sorted(json.dumps(e, sort_keys=True) for e in everything
                                if (e["code"] if e["subject"] == "unit" else e["unit_code"])
                                == "VP"))

    def test_outbox_by_scope(self):
        self.d.cli_ok("remind", "--at", "2025-06-19T10:00")
        everything = self.get("/api/v1/outbox", "read")["messages"]
        self.assertGreater(len({m["unit"] for m in everything}), 2, "a read token sees all")
        self.assertEqual(len(self.get("/api/v1/outbox", "admin")["messages"]), len(everything))
        cctl = self.get("/api/v1/outbox", "unit:CCTL")["messages"]
        self.assertTrue(cctl)
        self.assertEqual({m["unit"] for m in cctl}, {"CCTL"})
        # Other units' heads, reminded by name, are not in CCTL's view.
        text = json.dumps(cctl, ensure_ascii=False)
        other_heads = {m["recipient"] for m in everything
                       if m["unit"] != "CCTL" and m["role"] == "head"}
        self.assertTrue(other_heads)
        for head in other_heads:
            self.assertNotIn(head, text)
            self.assertNotIn(self.people[head]["full_name"], text)
        status, _, body = self.d.request("GET", "/api/v1/outbox?unit=VP", token="unit:CCTL")
        self.assertEqual(status, 403, body)


class ClosedUnitTest(ScopeTestCase):
    """PTNMT-HX was closed on 30/06/2025 (etc/demo/units.csv) and merged into SO."""

    def setUp(self):
        self.d = Daemon()
        self.addCleanup(self.d.close)
        self.d.__enter__()
        make_token(self.d, "unit:" + CLOSED)
        self.staff = sorted(p["code"] for p in read_csv(DEMO_PEOPLE) if p["unit_code"] == CLOSED)

    def versions(self):
        return self.d.db_rows("SELECT count(*) FROM fact_versions")[0][0]

    def assertNotInPeriod(self, status, body, what):
        self.assertEqual(status, 409, "%s: %r" % (what, body))
        self.assertEqual(body["error"]["code"], "unit_not_in_period", body)
        message = body["error"]["message"]
        for words in (CLOSED, "30/06/2025", "2025-Y", "31/12/2025", "không còn tồn tại"):
            self.assertIn(words, message)

    def test_a_closed_unit_writes_only_periods_it_exists_in(self):
        token = "unit:" + CLOSED
        y_report = "/api/v1/periods/2025-Y/units/%s/report" % CLOSED
        # Its own token, and an admin's, and a correction: 409, before any word on content.
        for method, body, who in (("PUT", {"facts": GOOD_UNIT}, token),
                                  ("PUT", {"facts": {"no_such_fact": 1}}, token),
                                  ("PATCH", {"facts": {"response_plan": True}}, "admin")):
            status, _, out = self.d.request(method, y_report, body, token=who)
            self.assertNotInPeriod(status, out, "%s %s (%s)" % (method, y_report, who))
        # A person it would still evaluate on 31/12 (nobody moved them): 409 too.
        facts = "/api/v1/periods/2025-Y/people/%s/facts" % self.staff[0]
        status, _, out = self.d.request("PUT", facts, {"facts": GOOD_PERSON}, token=token)
        self.assertNotInPeriod(status, out, "PUT " + facts)
        self.assertEqual(self.versions(), 0, "nothing was stored")
        # 2025-H1 ended on the day it closed: that report is its to write.
        status, _, out = self.d.request("PUT", "/api/v1/periods/2025-H1/units/%s/report" % CLOSED,
                                        {"facts": GOOD_UNIT}, token=token)
        self.assertEqual(status, 200, out)
        # It has no 2025-Y evaluation, and it is not ranked for 2025-Y, even after a reload
        # (which evaluates every unit of every period).
        status, _, out = self.d.request("POST", "/api/v1/admin/reload", b"")
        self.assertEqual(status, 200, out)
        out = self.get("/api/v1/periods/2025-Y/units/%s/evaluation" % CLOSED, "admin", expect=404)
        self.assertEqual(out["error"]["code"], "unit_not_in_period")
        ranked_y = [u["code"] for u in self.get("/api/v1/periods/2025-Y/ranking", "read")["units"]]
        self.assertNotIn(CLOSED, ranked_y)
        self.assertIn("VP", ranked_y)
        ranked_h1 = [u["code"] for u in self.get("/api/v1/periods/2025-H1/ranking", "read")["units"]]
        self.assertIn(CLOSED, ranked_h1)

    def test_the_import_refuses_a_closed_units_year(self):
        path = os.path.join(self.d.dir, "facts-hx.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("period,subject,code,fact,value\n"
                    "2025-H1,unit,%s,response_plan,1\n"
                    "2025-Y,unit,%s,response_plan,1\n"
                    "2025-Y,unit,VP,response_plan,1\n" % (CLOSED, CLOSED))
        r = self.d.cli("import", "facts", path)
        self.assertNotEqual(r.returncode, 0, r)
        self.assertRegex(r.stderr, r"row 3\b|dòng 3\b", r)
        self.assertIn("30/06/2025", r.stderr)
        self.assertIn("2025-Y", r.stderr)
        self.assertEqual(self.versions(), 0, "all or nothing: nothing was stored")

    def test_a_closed_unit_owes_no_report_after_it_closed(self):
        status, _, ics = self.d.request("GET", "/api/v1/calendar.ics?unit=" + CLOSED, token=None)
        self.assertEqual(status, 200, ics)
        lines = ics.replace("\r\n ", "").split("\r\n")
        self.assertIn("UID:report-2025-H1-%s@thidua" % CLOSED, lines)
        self.assertNotIn("UID:report-2025-Y-%s@thidua" % CLOSED, lines)
        status, _, ics = self.d.request("GET", "/api/v1/calendar.ics?unit=VP", token=None)
        self.assertIn("UID:report-2025-Y-VP@thidua", ics.replace("\r\n ", "").split("\r\n"))


if __name__ == "__main__":
    unittest.main()
