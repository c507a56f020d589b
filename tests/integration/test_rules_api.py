"""test_rules_api.py — the rules part of the HTTP API on a running thiduad with the 2025
ruleset and the demo department: unit reports and person facts (stored as versions,
validated with every problem listed, evaluated), evaluations, reporting status, ranking,
nomination lists, the stateless POST /api/v1/evaluate, the rules commands of the CLI
(`import facts`, `eval`, `check`, `test`), and reports surviving kill -9.

Every test runs its own daemon (a fresh database), so none depends on another's reports.
The rules reload is in test_rules_reload.py.
"""

import csv
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEMO_UNITS, RULES_DIR, SOURCE_DIR, Daemon, read_csv)  # noqa: E402
from ruleset_2025 import (EXCELLENT_PERSON, FILE_LINE, GOOD_PERSON, GOOD_UNIT,  # noqa: E402
                          UNIT_POINTS, EvaluationAsserts, by_key, facts_for, months_available,
                          person_facts, today_in_vietnam, unit_facts)

BODY_LIMIT = 16384


def report_path(period, unit):
    return "/api/v1/periods/%s/units/%s/report" % (period, unit)


def facts_path(period, person):
    return "/api/v1/periods/%s/people/%s/facts" % (period, person)


def evaluation_path(period, subject, code):
    kind = "units" if subject == "unit" else "people"
    return "/api/v1/periods/%s/%s/%s/evaluation" % (period, kind, code)


class RulesApiTestCase(EvaluationAsserts, unittest.TestCase):
    """A fresh daemon with the demo department for every test."""

    daemon_args = {}

    def setUp(self):
        args = dict(self.daemon_args)
        args.setdefault("limits", {"body_bytes": BODY_LIMIT})
        self.d = Daemon(**args)
        self.addCleanup(self.d.close)
        self.d.__enter__()
        self.hash = self.d.rules_hash()
        self.assertRegex(self.hash or "", r"^[0-9a-f]{64}$", "no rules are loaded")

    # -- helpers ---------------------------------------------------------------------------

    def get(self, path, token="admin"):
        return self.d.request("GET", path, token=token)

    def get_ok(self, path, token="admin"):
        status, _, body = self.get(path, token)
        self.assertEqual(status, 200, "GET %s: %r" % (path, body))
        return body

    def put_report(self, period, unit, facts, token="admin", note=None, expect=200):
        body = {"facts": facts}
        if note is not None:
            body["note"] = note
        status, _, out = self.d.request("PUT", report_path(period, unit), body, token=token)
        self.assertEqual(status, expect, "PUT %s report of %s: %r" % (period, unit, out))
        return out

    def put_facts(self, period, person, facts, token="admin", expect=200):
        status, _, out = self.d.request("PUT", facts_path(period, person), {"facts": facts},
                                        token=token)
        self.assertEqual(status, expect, "PUT %s facts of %s: %r" % (period, person, out))
        return out

    def evaluation(self, period, subject, code, token="admin"):
        return self.get_ok(evaluation_path(period, subject, code), token)

    def people(self, unit):
        return self.get_ok("/api/v1/people?unit=" + unit)["people"]

    def head_and_staff(self, unit):
        people = self.people(unit)
        heads = [p for p in people if p["is_head"]]
        self.assertEqual(len(heads), 1, "unit %s has no single head: %r" % (unit, people))
        return heads[0], [p for p in people if not p["is_head"]]

    def count(self, table, where="1", params=()):
        return self.d.db_rows("SELECT count(*) FROM %s WHERE %s" % (table, where), params)[0][0]

    def versions(self, period, subject, code):
        return [v for (v,) in self.d.db_rows(
            "SELECT version FROM fact_versions WHERE period = ? AND subject = ? AND code = ? "
            "ORDER BY version", (period, subject, code))]

    def rules_catalog(self):
        return self.get_ok("/api/v1/rules")

    def period_due(self, period):
        periods = by_key(self.rules_catalog()["periods"], "code")
        return periods[period]["report_due"]

    def write_csv(self, name, rows, header=("period", "subject", "code", "fact", "value")):
        path = os.path.join(self.d.dir, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(header)
            w.writerows(rows)
        return path


# ---- reports and facts ---------------------------------------------------------------------


class ReportTest(RulesApiTestCase):
    def test_put_report_keeps_every_version_and_returns_the_evaluation(self):
        first = self.put_report("2025-H1", "VP", GOOD_UNIT, note="Báo cáo sáu tháng đầu năm")
        self.assertEqual(first["version"], 1, first)
        self.assertEqual(first.get("period"), "2025-H1")
        self.assertEqual(first.get("unit"), "VP")
        self.assertIsInstance(first.get("submitted_at"), str, first)
        criteria, titles = self.assertEvaluation(first["evaluation"], "2025-H1", "unit", "VP",
                                                 self.hash)
        self.assertEqual(first["evaluation"]["score"], 100)
        for cid, points in UNIT_POINTS.items():
            self.assertTrue(criteria[cid]["passed"], criteria[cid])
            self.assertEqual(criteria[cid]["points"], points, cid)
        # Members have reported nothing: the unit meets every criterion but no title.
        self.assertFalse(titles["TTLDXS"]["eligible"])
        self.assertTrue(any("Lao động tiên tiến" in r for r in titles["TTLDTT"]["reasons"]),
                        titles["TTLDTT"])

        second = self.put_report("2025-H1", "VP", unit_facts(tasks_completed=15))
        self.assertEqual(second["version"], 2, second)
        criteria, _ = self.assertEvaluation(second["evaluation"], "2025-H1", "unit", "VP",
                                            self.hash)
        self.assertFalse(criteria["TT2"]["passed"])
        self.assertEqual(criteria["TT2"]["points"], 0)
        self.assertIn("15/20", criteria["TT2"]["reason"])
        self.assertEqual(second["evaluation"]["score"], 80)

        # GET answers with the latest version's evaluation.
        got = self.evaluation("2025-H1", "unit", "VP")
        self.assertEvaluation(got, "2025-H1", "unit", "VP", self.hash)
        self.assertEqual(got["score"], 80)
        self.assertEqual(got["criteria"], second["evaluation"]["criteria"])
        self.assertEqual(got["titles"], second["evaluation"]["titles"])

        # Both versions are in the database, each with what was sent.
        rows = self.d.db_rows(
            "SELECT version, facts, note FROM fact_versions WHERE period = '2025-H1' AND "
            "subject = 'unit' AND code = 'VP' ORDER BY version")
        self.assertEqual([r[0] for r in rows], [1, 2])
        self.assertEqual(json.loads(rows[0][1]), GOOD_UNIT)
        self.assertEqual(json.loads(rows[1][1]), unit_facts(tasks_completed=15))
        self.assertEqual(rows[0][2], "Báo cáo sáu tháng đầu năm")
        # The stored evaluation carries the rules hash that made it.
        self.assertEqual(self.d.db_rows(
            "SELECT rules_hash, score FROM evaluations WHERE period = '2025-H1' AND "
            "subject = 'unit' AND code = 'VP'"), [(self.hash, 80)])
        # Another period is another series of versions.
        third = self.put_report("2025-Y", "VP", GOOD_UNIT)
        self.assertEqual(third["version"], 1, third)
        self.assertEqual(self.versions("2025-H1", "unit", "VP"), [1, 2])

    def test_put_person_facts_keeps_versions(self):
        _, staff = self.head_and_staff("VP")
        code = staff[0]["code"]
        out = self.put_facts("2025-Y", code, GOOD_PERSON)
        self.assertEqual(out["version"], 1, out)
        self.assertEvaluation(out["evaluation"], "2025-Y", "person", code, self.hash)
        out = self.put_facts("2025-Y", code, person_facts(initiatives=2))
        self.assertEqual(out["version"], 2, out)
        self.assertEqual(self.versions("2025-Y", "person", code), [1, 2])


class ValidationTest(RulesApiTestCase):
    def assertInvalid(self, status, body, expected_fields, context):
        """A 422 whose details list each expected field exactly once, and nothing else."""
        err = self.assertErrorShape(status, body, 422, context)
        details = err.get("details")
        self.assertIsInstance(details, list, "%s: %r" % (context, body))
        for d in details:
            self.assertIsInstance(d.get("field"), str, d)
            self.assertIsInstance(d.get("message"), str, d)
            self.assertTrue(d["message"], d)
        fields = [d["field"] for d in details]
        self.assertEqual(sorted(fields), sorted(expected_fields),
                         "%s: details %s" % (context, json.dumps(details, ensure_ascii=False)))
        return {d["field"]: d["message"] for d in details}

    def snapshot(self):
        return (self.d.db_rows("SELECT * FROM fact_versions ORDER BY id"),
                self.d.db_rows("SELECT * FROM evaluations ORDER BY period, subject, code"))

    def test_every_problem_of_a_unit_report_in_one_422_and_nothing_stored(self):
        self.put_report("2025-H1", "VP", GOOD_UNIT)
        before_eval = self.evaluation("2025-H1", "unit", "VP")
        before = self.snapshot()
        bad = unit_facts(
            so_can_bo=12,                  # not a fact of the ruleset
            months_worked=6,               # a person's fact, not a unit's
            tasks_completed="20",          # a string for an integer
            response_plan=1,               # a number for a boolean
            internal_solidarity="true",    # a string for a boolean
            tasks_assigned=-1,             # under the minimum 0
            legal_docs_assigned=100001,    # over the maximum
            exemplary_models=1.5,          # not a whole number
            unit_rating="XUAT_SAC",        # not one of HTXS, HTT, HT, KHT
        )
        status, _, body = self.d.request("PUT", report_path("2025-H1", "VP"), {"facts": bad})
        messages = self.assertInvalid(status, body, [
            "facts.so_can_bo", "facts.months_worked", "facts.tasks_completed",
            "facts.response_plan", "facts.internal_solidarity", "facts.tasks_assigned",
            "facts.legal_docs_assigned", "facts.exemplary_models", "facts.unit_rating"],
            "a report with nine problems")
        self.assertIn("so_can_bo", messages["facts.so_can_bo"])
        self.assertIn("-1", messages["facts.tasks_assigned"])
        self.assertIn("HTXS", messages["facts.unit_rating"])
        self.assertEqual(self.snapshot(), before, "a refused report changed the database")
        self.assertEqual(self.versions("2025-H1", "unit", "VP"), [1])
        self.assertEqual(self.evaluation("2025-H1", "unit", "VP"), before_eval)

    def test_every_problem_of_person_facts_in_one_422_and_nothing_stored(self):
        _, staff = self.head_and_staff("VP")
        code = staff[0]["code"]
        before = self.snapshot()
        bad = person_facts(
            months_worked=13,              # over 12
            initiatives=-1,                # under 0
            rating="GIOI",                 # not an enum value
            discipline="khong",            # not an enum value
            responsibility="có",           # a string for a boolean
            obeys_assignment=0,            # a number for a boolean
            tasks_assigned=3,              # a unit's fact
            luong=1,                       # unknown
        )
        status, _, body = self.d.request("PUT", facts_path("2025-Y", code), {"facts": bad})
        messages = self.assertInvalid(status, body, [
            "facts.months_worked", "facts.initiatives", "facts.rating", "facts.discipline",
            "facts.responsibility", "facts.obeys_assignment", "facts.tasks_assigned",
            "facts.luong"], "person facts with eight problems")
        self.assertIn("12", messages["facts.months_worked"])
        self.assertEqual(self.snapshot(), before, "refused facts changed the database")
        self.assertEqual(self.versions("2025-Y", "person", code), [])

    def test_badly_shaped_submissions(self):
        self.put_report("2025-H1", "MT", GOOD_UNIT)
        before = self.snapshot()
        before_eval = self.evaluation("2025-H1", "unit", "MT")
        path = report_path("2025-H1", "MT")
        # Well-formed JSON of the wrong shape: 422, each problem listed.
        for body, fields in (
                ({"facts": []}, ["facts"]),
                ({"facts": "response_plan=1"}, ["facts"]),
                ({"facts": 3}, ["facts"]),
                ({"facts": None}, ["facts"]),
                ({"note": "chỉ có ghi chú"}, ["facts"]),
                ({"facts": GOOD_UNIT, "period": "2025-H1"}, ["period"]),
                ({"facts": GOOD_UNIT, "note": 5}, ["note"]),
                ({"facts": {"bogus": 1}, "extra": True}, ["facts.bogus", "extra"]),
                ({"facts": [], "a": 1, "b": 2}, ["facts", "a", "b"])):
            status, _, out = self.d.request("PUT", path, body)
            self.assertInvalid(status, out, fields, json.dumps(body, ensure_ascii=False))
        # Not JSON, or JSON that is not an object: 400.
        for raw in (b'{"facts": {"response_plan": true}', b"", b"facts=1", b"[]", b'"facts"',
                    b"\xff\xfe{}", b"null", b'{"facts": {"response_plan": tru}}'):
            status, _, out = self.d.request("PUT", path, raw,
                                            headers={"Content-Type": "application/json"})
            self.assertErrorShape(status, out, 400, repr(raw))
        # A body over limits.body_bytes: 413.
        big = json.dumps({"facts": GOOD_UNIT, "note": "x" * (BODY_LIMIT + 10)})
        status, _, out = self.d.request("PUT", path, big)
        self.assertErrorShape(status, out, 413, "a %d-byte report" % len(big))
        # The same for a person's facts.
        _, staff = self.head_and_staff("MT")
        ppath = facts_path("2025-H1", staff[0]["code"])
        status, _, out = self.d.request("PUT", ppath, {"facts": [1]})
        self.assertInvalid(status, out, ["facts"], "person facts as a list")
        status, _, out = self.d.request("PUT", ppath, b"{", headers={})
        self.assertErrorShape(status, out, 400, "person facts not JSON")
        status, _, out = self.d.request("PUT", ppath, {"facts": {}, "note": "y" * BODY_LIMIT})
        self.assertErrorShape(status, out, 413, "person facts over the limit")

        self.assertEqual(self.snapshot(), before, "a refused submission changed the database")
        self.assertEqual(self.evaluation("2025-H1", "unit", "MT"), before_eval)


    def test_bytes_after_the_json_body_are_400(self):
        # A body is one JSON value: whatever follows it (a stray brace from a template, a
        # second document, a truncated-then-retried write) makes the body malformed, and a
        # malformed body must change nothing (the API's contract: 400, "a bad request ... changes
        # nothing"). Reading only the first value stores what the client did not send.
        path = report_path("2025-H1", "MT")
        before = self.snapshot()
        for raw in (b'{"facts": {}}}', b'{"facts": {}} {"facts": {"response_plan": true}}',
                    b'{"facts": {}}garbage'):
            status, _, out = self.d.request("PUT", path, raw,
                                            headers={"Content-Type": "application/json"})
            self.assertEqual(status, 400,
                             "PUT %s with body %r -> %d (expected 400 malformed_json); the "
                             "bytes after the first JSON value were ignored and the report "
                             "was stored as version %r" % (path, raw, status,
                                                           (out or {}).get("version")))
        status, _, out = self.d.request("POST", "/api/v1/evaluate",
                                        b'{"subject": "person", "facts": {}}]')
        self.assertEqual(status, 400, "POST /api/v1/evaluate with a trailing ']' -> %d" % status)
        self.assertEqual(self.snapshot(), before, "a malformed body changed the database")


class NotFoundAndScopeTest(RulesApiTestCase):
    def test_unknown_period_unit_or_person_is_404(self):
        _, staff = self.head_and_staff("VP")
        person = staff[0]["code"]
        cases = []
        for period in ("2025-X", "2030-Y", "2024-H1", "2025-H3", "2025"):
            cases += [("PUT", report_path(period, "VP"), {"facts": GOOD_UNIT}),
                      ("PUT", facts_path(period, person), {"facts": GOOD_PERSON}),
                      ("GET", evaluation_path(period, "unit", "VP"), None),
                      ("GET", evaluation_path(period, "person", person), None),
                      ("GET", "/api/v1/periods/%s/status" % period, None),
                      ("GET", "/api/v1/periods/%s/ranking" % period, None),
                      ("GET", "/api/v1/periods/%s/nominations" % period, None)]
        for unit in ("NOPE", "vp", "CB0005"):
            cases += [("PUT", report_path("2025-H1", unit), {"facts": GOOD_UNIT}),
                      ("GET", evaluation_path("2025-H1", "unit", unit), None)]
        for code in ("NOPE", "VP", "cb0005"):
            cases += [("PUT", facts_path("2025-Y", code), {"facts": GOOD_PERSON}),
                      ("GET", evaluation_path("2025-Y", "person", code), None)]
        for method, path, body in cases:
            for token in ("admin", "unit:VP"):
                status, _, out = self.d.request(method, path, body, token=token)
                self.assertErrorShape(status, out, 404, "%s %s (%s)" % (method, path, token))
        self.assertEqual(self.count("fact_versions"), 0)

    def test_scopes_of_the_tokens(self):
        vp_head, vp_staff = self.head_and_staff("VP")
        _, mt_staff = self.head_and_staff("MT")
        # A unit token writes its own unit's report and its own people's facts…
        out = self.put_report("2025-H1", "VP", GOOD_UNIT, token="unit:VP")
        self.assertEqual(out["version"], 1)
        for p in (vp_head, vp_staff[0]):
            out = self.put_facts("2025-H1", p["code"], GOOD_PERSON, token="unit:VP")
            self.assertEqual(out["version"], 1, p)
        # …and nothing of another unit.
        status, _, out = self.d.request("PUT", report_path("2025-H1", "MT"),
                                        {"facts": GOOD_UNIT}, token="unit:VP")
        self.assertErrorShape(status, out, 403, "unit:VP writes MT's report")
        status, _, out = self.d.request("PUT", facts_path("2025-H1", mt_staff[0]["code"]),
                                        {"facts": GOOD_PERSON}, token="unit:VP")
        self.assertErrorShape(status, out, 403, "unit:VP writes an MT person's facts")
        # The read token reads but cannot write.
        for path, body in ((report_path("2025-H1", "VP"), {"facts": GOOD_UNIT}),
                           (facts_path("2025-H1", vp_staff[0]["code"]), {"facts": GOOD_PERSON})):
            status, _, out = self.d.request("PUT", path, body, token="read")
            self.assertErrorShape(status, out, 403, "read token: PUT " + path)
        for token in ("read", "unit:VP"):
            status, _, out = self.d.request("POST", "/api/v1/admin/reload", b"", token=token)
            self.assertErrorShape(status, out, 403, token + " reloads the rules")
        # No token, or a made-up one: 401, for reads and writes alike.
        for method, path, body in (
                ("PUT", report_path("2025-H1", "VP"), {"facts": GOOD_UNIT}),
                ("PUT", facts_path("2025-H1", vp_staff[0]["code"]), {"facts": GOOD_PERSON}),
                ("GET", evaluation_path("2025-H1", "unit", "VP"), None),
                ("GET", evaluation_path("2025-H1", "person", vp_head["code"]), None),
                ("GET", "/api/v1/periods/2025-H1/status", None),
                ("GET", "/api/v1/periods/2025-H1/ranking", None),
                ("GET", "/api/v1/periods/2025-H1/nominations", None),
                ("POST", "/api/v1/evaluate", {"subject": "person", "facts": GOOD_PERSON}),
                ("POST", "/api/v1/admin/reload", None)):
            for token in (None, "thd_" + "Q" * 43):
                status, _, out = self.d.request(method, path, body, token=token)
                self.assertErrorShape(status, out, 401, "%s %s with token %r" % (
                    method, path, token))
        # Only the accepted writes are stored.
        self.assertEqual(self.count("fact_versions"), 3)
        self.assertEqual(self.count("fact_versions", "code = 'MT' OR code = ?",
                                    (mt_staff[0]["code"],)), 0)
        # An admin and a read token read every unit; a unit token reads its own unit's
        # evaluation, and what names no person (status, ranking), but not another unit's
        # evaluation (personal data: README.md, "Who reads what"; test_scope.py has more).
        for token in ("read", "unit:VP", "admin"):
            for path in (evaluation_path("2025-H1", "unit", "VP"),
                         "/api/v1/periods/2025-H1/status", "/api/v1/periods/2025-H1/ranking",
                         "/api/v1/periods/2025-H1/nominations"):
                self.get_ok(path, token)
        for token in ("read", "admin"):
            self.get_ok(evaluation_path("2025-H1", "unit", "MT"), token)
        status, _, out = self.d.request("GET", evaluation_path("2025-H1", "unit", "MT"),
                                        token="unit:VP")
        self.assertErrorShape(status, out, 403, "unit:VP reads MT's evaluation")


# ---- titles over HTTP ----------------------------------------------------------------------


class PersonTitlesTest(RulesApiTestCase):
    def test_person_titles_follow_the_rules(self):
        _, staff = self.head_and_staff("VP")
        code = staff[0]["code"]
        out = self.put_facts("2025-Y", code, GOOD_PERSON, token="unit:VP")
        criteria, titles = self.assertEvaluation(out["evaluation"], "2025-Y", "person", code,
                                                 self.hash)
        self.assertTrue(titles["LDTT"]["eligible"], titles["LDTT"])
        self.assertEqual(titles["LDTT"]["reasons"], [])
        self.assertFalse(titles["CSTDCS"]["eligible"])
        self.assertEqual(out["evaluation"]["score"], 85)
        for cid in ("CN1", "CN3", "CN4", "CN5", "CN6"):
            self.assertTrue(criteria[cid]["passed"], criteria[cid])
        self.assertFalse(criteria["CN2"]["passed"])
        self.assertFalse(criteria["CN7"].get("applicable", False), "CN7 is for heads only")

        got = self.evaluation("2025-Y", "person", code)
        self.assertEvaluation(got, "2025-Y", "person", code, self.hash)
        self.assertEqual((got["score"], got["titles"]),
                         (out["evaluation"]["score"], out["evaluation"]["titles"]))

        # Five months of work: not LDTT, and the reason says why.
        self.put_facts("2025-Y", code, person_facts(months_worked=5))
        got = self.evaluation("2025-Y", "person", code)
        _, titles = self.assertEvaluation(got, "2025-Y", "person", code, self.hash)
        self.assertFalse(titles["LDTT"]["eligible"])
        self.assertTrue(any("6 tháng" in r for r in titles["LDTT"]["reasons"]),
                        titles["LDTT"]["reasons"])
        self.assertEqual(got["score"], 85, "months worked are not a criterion")

        # Disciplined: CN5 fails, and with it LDTT.
        self.put_facts("2025-Y", code, person_facts(discipline="khien_trach"))
        got = self.evaluation("2025-Y", "person", code)
        criteria, titles = self.assertEvaluation(got, "2025-Y", "person", code, self.hash)
        self.assertFalse(criteria["CN5"]["passed"])
        self.assertFalse(titles["LDTT"]["eligible"])
        self.assertTrue(any("CN5" in r for r in titles["LDTT"]["reasons"]), titles["LDTT"])
        self.assertEqual(got["score"], 65)

        # Rated HTXS with an initiative: LDTT and CSTDCS, 100 points.
        self.put_facts("2025-Y", code, EXCELLENT_PERSON)
        got = self.evaluation("2025-Y", "person", code)
        _, titles = self.assertEvaluation(got, "2025-Y", "person", code, self.hash)
        self.assertTrue(titles["LDTT"]["eligible"])
        self.assertTrue(titles["CSTDCS"]["eligible"], titles["CSTDCS"])
        self.assertEqual(got["score"], 100)

        # Nothing reported: every criterion fails, as unreported.
        other = staff[1]["code"]
        got = self.evaluation("2025-Y", "person", other)
        criteria, titles = self.assertEvaluation(got, "2025-Y", "person", other, self.hash)
        self.assertEqual(got["score"], 0)
        self.assertFalse(titles["LDTT"]["eligible"])
        self.assertTrue(all("Chưa báo cáo" in criteria[c]["reason"]
                            for c in ("CN1", "CN2", "CN3", "CN4", "CN5", "CN6")), criteria)

    def report_whole_unit(self, unit, period, head_facts=GOOD_PERSON):
        """Good facts for every member of `unit`; the first staff member is CSTDCS."""
        head, staff = self.head_and_staff(unit)
        self.put_facts(period, head["code"], head_facts, token="unit:VP")
        for i, p in enumerate(staff):
            # CB0017, hired 01/10/2025, has 3 months in the year, not 6 (facts_for).
            self.put_facts(period, p["code"],
                           facts_for(p, period, EXCELLENT_PERSON if i == 0 else GOOD_PERSON),
                           token="unit:VP")
        return head, staff

    def test_head_is_ldtt_only_when_the_unit_is_ttldxs(self):
        head, staff = self.report_whole_unit("VP", "2025-Y")
        # The unit has not reported: not TTLDXS, so its head fails CN7 and is not LDTT.
        got = self.evaluation("2025-Y", "person", head["code"])
        criteria, titles = self.assertEvaluation(got, "2025-Y", "person", head["code"],
                                                 self.hash)
        self.assertTrue(criteria["CN7"].get("applicable", True))
        self.assertFalse(criteria["CN7"]["passed"])
        self.assertFalse(titles["LDTT"]["eligible"])

        # A report that makes the unit TTLDXS: the head is LDTT.
        out = self.put_report("2025-Y", "VP", GOOD_UNIT, token="unit:VP")
        _, unit_titles = self.assertEvaluation(out["evaluation"], "2025-Y", "unit", "VP",
                                               self.hash)
        self.assertTrue(unit_titles["TTLDXS"]["eligible"], unit_titles["TTLDXS"])
        self.assertTrue(unit_titles["TTLDTT"]["eligible"], unit_titles["TTLDTT"])
        got = self.evaluation("2025-Y", "person", head["code"])
        criteria, titles = self.assertEvaluation(got, "2025-Y", "person", head["code"],
                                                 self.hash)
        self.assertTrue(criteria["CN7"]["passed"], criteria["CN7"])
        self.assertTrue(titles["LDTT"]["eligible"], titles["LDTT"])
        self.assertEqual(got["score"], 85, "CN7 is worth no points")

        # Rated HTT, the unit is TTLDTT but not TTLDXS: the head loses LDTT, staff keep it.
        out = self.put_report("2025-Y", "VP", unit_facts(unit_rating="HTT"), token="unit:VP")
        _, unit_titles = self.assertEvaluation(out["evaluation"], "2025-Y", "unit", "VP",
                                               self.hash)
        self.assertFalse(unit_titles["TTLDXS"]["eligible"])
        self.assertTrue(unit_titles["TTLDTT"]["eligible"], unit_titles["TTLDTT"])
        got = self.evaluation("2025-Y", "person", head["code"])
        criteria, titles = self.assertEvaluation(got, "2025-Y", "person", head["code"],
                                                 self.hash)
        self.assertFalse(criteria["CN7"]["passed"])
        self.assertFalse(titles["LDTT"]["eligible"])
        self.assertTrue(any("CN7" in r for r in titles["LDTT"]["reasons"]),
                        titles["LDTT"]["reasons"])
        for p in staff[:3]:
            _, t = self.assertEvaluation(self.evaluation("2025-Y", "person", p["code"]),
                                         "2025-Y", "person", p["code"], self.hash)
            self.assertTrue(t["LDTT"]["eligible"], "%s: %r" % (p["code"], t["LDTT"]))

        # TTLDXS again: the head is LDTT again.
        self.put_report("2025-Y", "VP", GOOD_UNIT, token="unit:VP")
        _, titles = self.assertEvaluation(self.evaluation("2025-Y", "person", head["code"]),
                                          "2025-Y", "person", head["code"], self.hash)
        self.assertTrue(titles["LDTT"]["eligible"])

    # A person hired after a period ended is not among the unit's members for that period
    # (evaluation.c counts members hired by the period's end), so no evaluation of them
    # exists. Asking for one, or storing their facts, must get an answer, not a server error
    # or an acknowledgement of facts that never count.

    def person_hired_after(self, unit, date):
        late = [p for p in self.people(unit) if p.get("hired_on") and p["hired_on"] > date]
        self.assertTrue(late, "the demo data has someone in %s hired after %s" % (unit, date))
        return late[0]["code"]

    def test_evaluation_of_a_person_not_yet_hired_in_the_period(self):
        code = self.person_hired_after("VP", "2025-06-30")
        path = evaluation_path("2025-H1", "person", code)
        status, _, body = self.get(path)
        self.assertLess(status, 500,
                        "GET %s -> %d %r: a person hired after the period ended gets a server "
                        "error; expected 404 (not on the staff in that period) or 200"
                        % (path, status, body))
        if status != 200:
            self.assertErrorShape(status, body, 404, path)
        # The same person's evaluation for the year, when they were on the staff, is served.
        self.evaluation("2025-Y", "person", code)

    def test_facts_of_a_person_not_yet_hired_in_the_period(self):
        code = self.person_hired_after("VP", "2025-06-30")
        path = facts_path("2025-H1", code)
        status, _, body = self.d.request("PUT", path, {"facts": GOOD_PERSON})
        if status == 200:
            self.assertIsNotNone(
                body.get("evaluation"),
                "PUT %s -> 200 with \"evaluation\": null: the facts were stored (version %r) "
                "but never count, as the person is not a member of the unit for that period; "
                "expected them refused (422/409, nothing stored) or evaluated"
                % (path, body.get("version")))
        else:
            self.assertTrue(400 <= status < 500, (status, body))
            self.assertEqual(self.versions("2025-H1", "person", code), [])


# ---- status, ranking, nominations ------------------------------------------------------------


class PeriodListsTest(RulesApiTestCase):
    def expected_units(self, due):
        """Units expected to report: every unit but the department, open on the due date."""
        return sorted(u["code"] for u in read_csv(DEMO_UNITS)
                      if u["kind"] != "department" and u["valid_from"] <= due
                      and (not u["valid_to"] or u["valid_to"] >= due))

    def test_status(self):
        today = today_in_vietnam()
        for period in ("2025-H1", "2025-Y"):
            due = self.period_due(period)
            status = self.get_ok("/api/v1/periods/%s/status" % period)
            self.assertEqual(status["period"], period)
            self.assertEqual(status["due"], due)
            units = by_key(status["units"], "code")
            self.assertEqual(sorted(units), self.expected_units(due), period)
            for code, u in units.items():
                self.assertLessEqual({"code", "name", "submitted", "submitted_at", "late"},
                                     set(u), u)
                self.assertIs(u["submitted"], False, u)
                self.assertIsNone(u["submitted_at"], u)
                # Not submitted: late once the due date has passed.
                self.assertIs(u["late"], today > due, u)
        # The district offices closed on 30/06/2025 report for the first half only.
        h1 = {u["code"] for u in self.get_ok("/api/v1/periods/2025-H1/status")["units"]}
        year = {u["code"] for u in self.get_ok("/api/v1/periods/2025-Y/status")["units"]}
        self.assertIn("PTNMT-HX", h1)
        self.assertNotIn("PTNMT-HX", year)
        self.assertNotIn("SO", h1 | year)

        # A report over HTTP now; paper reports imported with the date they arrived.
        due = self.period_due("2025-H1")
        out = self.put_report("2025-H1", "VP", GOOD_UNIT, token="unit:VP")
        vp_date = out["submitted_at"][:10]
        self.assertIn(vp_date, (today, today_in_vietnam()), out)
        self.assertIs(out.get("late"), vp_date > due, out)
        rows = [("2025-H1", "unit", "MT", "response_plan", "1", "2025-06-10"),
                ("2025-H1", "unit", "KHTC", "response_plan", "1", "2025-06-20"),
                ("2025-H1", "unit", "TNN", "response_plan", "1", due)]
        path = self.write_csv("paper.csv", rows, header=(
            "period", "subject", "code", "fact", "value", "submitted_at"))
        self.d.cli_ok("import", "facts", path)
        status = self.get_ok("/api/v1/periods/2025-H1/status", token="read")
        units = by_key(status["units"], "code")
        self.assertEqual(sorted(units), self.expected_units(due))
        for code, at, late in (("VP", vp_date, vp_date > due), ("MT", "2025-06-10", False),
                               ("KHTC", "2025-06-20", True), ("TNN", due, False)):
            u = units[code]
            self.assertIs(u["submitted"], True, u)
            self.assertIsInstance(u["submitted_at"], str, u)
            self.assertIs(u["late"], late, u)
            if at:
                self.assertTrue(u["submitted_at"].startswith(at), u)
        for code in set(units) - {"VP", "MT", "KHTC", "TNN"}:
            self.assertIs(units[code]["submitted"], False, units[code])
        # A second version does not move the submission date.
        self.put_report("2025-H1", "MT", unit_facts(tasks_completed=19))
        units = by_key(self.get_ok("/api/v1/periods/2025-H1/status")["units"], "code")
        self.assertTrue(units["MT"]["submitted_at"].startswith("2025-06-10"), units["MT"])
        self.assertIs(units["MT"]["late"], False)
        # The other period is untouched.
        year = self.get_ok("/api/v1/periods/2025-Y/status")
        self.assertFalse(any(u["submitted"] for u in year["units"]), year)

    def test_ranking(self):
        self.put_report("2025-H1", "KHTC", unit_facts(response_plan=False, discipline_violations=2))
        self.put_report("2025-H1", "MT", unit_facts(response_plan=False))
        self.put_report("2025-H1", "VP", GOOD_UNIT)
        self.put_report("2025-H1", "TNN", unit_facts(tasks_completed=3))
        ranking = self.get_ok("/api/v1/periods/2025-H1/ranking", token="read")
        self.assertEqual(ranking.get("period"), "2025-H1")
        rows = ranking["units"]
        codes = [r["code"] for r in rows]
        due = self.period_due("2025-H1")
        self.assertEqual(sorted(codes), self.expected_units(due),
                         "every unit expected to report is ranked, once")
        scores = [r["score"] for r in rows]
        self.assertEqual(scores, sorted(scores, reverse=True), rows)
        self.assertEqual(codes[:4], ["VP", "MT", "TNN", "KHTC"], rows)
        self.assertEqual(scores[:4], [100, 85, 80, 70], rows)
        self.assertTrue(all(s == 0 for s in scores[4:]), rows)
        # Equal scores share a rank; a rank is 1 + the number of units scoring more.
        for r in rows:
            if "rank" in r:
                self.assertEqual(r["rank"], 1 + sum(s > r["score"] for s in scores), r)
        # A better report moves a unit up.
        self.put_report("2025-H1", "KHTC", GOOD_UNIT)
        rows = self.get_ok("/api/v1/periods/2025-H1/ranking")["units"]
        codes = [r["code"] for r in rows]
        self.assertLess(codes.index("KHTC"), codes.index("MT"), rows)
        self.assertEqual([r["score"] for r in rows[:4]], [100, 100, 85, 80], rows)
        self.assertEqual(set(codes[:2]), {"VP", "KHTC"})
        # Ranking follows the stored evaluations: the same as GET evaluation.
        for r in rows[:4]:
            self.assertEqual(r["score"], self.evaluation("2025-H1", "unit", r["code"])["score"])

    def test_nominations(self):
        catalog = self.rules_catalog()
        declared = {t["code"]: t for t in catalog["titles"] + catalog["nominations"]}
        self.assertEqual(set(declared), {"LDTT", "CSTDCS", "TTLDTT", "TTLDXS", "GIAY_KHEN",
                                         "BANG_KHEN"})

        def lists(period):
            body = self.get_ok("/api/v1/periods/%s/nominations" % period, token="read")
            self.assertEqual(body.get("period"), period)
            out = by_key(body["lists"], "title")
            self.assertEqual(set(out), set(declared))
            for code, lst in out.items():
                self.assertIsInstance(lst["decided_by"], str)
                self.assertTrue(lst["decided_by"], lst)
                self.assertEqual(lst["decided_by"], declared[code]["decided_by"], code)
                self.assertIsInstance(lst["entries"], list)
                for e in lst["entries"]:
                    self.assertLessEqual({"subject", "code", "name", "reasons"}, set(e), e)
                    self.assertIn(e["subject"], ("unit", "person"))
                    self.assertIsInstance(e["name"], str)
                    self.assertTrue(e["name"], e)
                    self.assertIsInstance(e["reasons"], list)
            return out

        self.assertTrue(all(not lst["entries"] for lst in lists("2025-Y").values()),
                        "nobody is listed before any report")

        head, staff = self.head_and_staff("VP")
        names = {p["code"]: p["full_name"] for p in [head] + staff}
        self.put_facts("2025-Y", head["code"], GOOD_PERSON)
        self.put_facts("2025-Y", staff[0]["code"], dict(EXCELLENT_PERSON,
                                                        previous_year_cstdcs=True))
        for p in staff[1:]:
            self.put_facts("2025-Y", p["code"], facts_for(p, "2025-Y", GOOD_PERSON))
        # CB0017, hired 01/10/2025, worked 3 months: a member, not LDTT.
        hired_late = {p["code"] for p in staff if months_available(p["hired_on"], "2025-Y") < 6}
        self.assertEqual(hired_late, {"CB0017"})
        self.put_report("2025-Y", "VP", dict(GOOD_UNIT, previous_year_ttldxs=True))
        # An MT member with good facts whose unit has not reported: LDTT all the same.
        _, mt_staff = self.head_and_staff("MT")
        self.put_facts("2025-Y", mt_staff[0]["code"], GOOD_PERSON)

        got = lists("2025-Y")
        ldtt = by_key(got["LDTT"]["entries"], "code")
        self.assertEqual(set(ldtt), (set(names) - hired_late) | {mt_staff[0]["code"]})
        for code, e in ldtt.items():
            self.assertEqual(e["subject"], "person", e)
            if code in names:
                self.assertEqual(e["name"], names[code], e)
        self.assertEqual([e["code"] for e in got["CSTDCS"]["entries"]], [staff[0]["code"]])
        for title in ("TTLDTT", "TTLDXS"):
            self.assertEqual([(e["subject"], e["code"]) for e in got[title]["entries"]],
                             [("unit", "VP")], title)
            self.assertEqual(got[title]["entries"][0]["name"], "Văn phòng Sở")
        giay = {(e["subject"], e["code"]) for e in got["GIAY_KHEN"]["entries"]}
        self.assertEqual(giay, {("unit", "VP")},
                         "Giấy khen: TTLDTT with an exemplary model; the person with an "
                         "initiative is CSTDCS, and one achievement gets one form")
        bang = {(e["subject"], e["code"]) for e in got["BANG_KHEN"]["entries"]}
        self.assertEqual(bang, {("unit", "VP"), ("person", staff[0]["code"])},
                         "Bằng khen: two years running")

        # The six-month period lists titles but no commendation (decided at year end).
        for p in [head] + staff:
            if p["hired_on"] <= "2025-06-30":
                self.put_facts("2025-H1", p["code"], dict(EXCELLENT_PERSON,
                                                          previous_year_cstdcs=True))
        self.put_report("2025-H1", "VP", dict(GOOD_UNIT, previous_year_ttldxs=True))
        h1 = lists("2025-H1")
        self.assertEqual([e["code"] for e in h1["TTLDXS"]["entries"]], ["VP"])
        self.assertIn(head["code"], {e["code"] for e in h1["CSTDCS"]["entries"]})
        self.assertEqual(h1["GIAY_KHEN"]["entries"], [])
        self.assertEqual(h1["BANG_KHEN"]["entries"], [])
        # The unit lost TTLDXS: off the TTLDXS and BANG_KHEN lists, still on TTLDTT.
        self.put_report("2025-Y", "VP", dict(GOOD_UNIT, unit_rating="HTT",
                                             previous_year_ttldxs=True))
        got = lists("2025-Y")
        self.assertEqual(got["TTLDXS"]["entries"], [])
        self.assertEqual([e["code"] for e in got["TTLDTT"]["entries"]], ["VP"])
        self.assertNotIn(("unit", "VP"), {(e["subject"], e["code"])
                                          for e in got["BANG_KHEN"]["entries"]})
        self.assertNotIn(head["code"], {e["code"] for e in got["LDTT"]["entries"]},
                         "the head of a unit that is not TTLDXS is not LDTT (CN7)")


# ---- POST /api/v1/evaluate -------------------------------------------------------------------


class EvaluateTest(RulesApiTestCase):
    def counts(self):
        return {t: self.count(t) for t in ("fact_versions", "evaluations", "audit")}

    def evaluate(self, body, expect=200, token="admin"):
        status, _, out = self.d.request("POST", "/api/v1/evaluate", body, token=token)
        self.assertEqual(status, expect, "POST /api/v1/evaluate %s: %r" % (
            json.dumps(body, ensure_ascii=False)[:300], out))
        return out

    def test_stateless_evaluation_stores_nothing(self):
        self.put_report("2025-H1", "VP", GOOD_UNIT)  # something stored already
        before = self.counts()

        out = self.evaluate({"subject": "person", "facts": GOOD_PERSON}, token="read")
        self.assertEqual(out.get("subject"), "person")
        titles = by_key(out["titles"], "code")
        self.assertTrue(titles["LDTT"]["eligible"], titles)
        self.assertEqual(out["score"], 85)
        self.assertEqual(out["rules_hash"], self.hash)
        out = self.evaluate({"subject": "person", "period": "2025-Y",
                             "facts": person_facts(months_worked=5)})
        titles = by_key(out["titles"], "code")
        self.assertFalse(titles["LDTT"]["eligible"])
        self.assertTrue(any("6 tháng" in r for r in titles["LDTT"]["reasons"]), titles)
        # A head alone has no unit: not TTLDXS, so not LDTT.
        out = self.evaluate({"subject": "person", "is_head": True, "facts": GOOD_PERSON})
        self.assertFalse(by_key(out["titles"], "code")["LDTT"]["eligible"])

        members = [{"code": "H", "is_head": True, "facts": GOOD_PERSON},
                   {"code": "A", "facts": EXCELLENT_PERSON}] + [
            {"code": "S%d" % i, "facts": GOOD_PERSON} for i in range(8)]
        out = self.evaluate({"subject": "unit", "period": "2025-Y", "facts": GOOD_UNIT,
                             "members": members}, token="unit:VP")
        self.assertEqual(out.get("subject"), "unit")
        self.assertEqual(out["score"], 100)
        self.assertEqual(out["rules_hash"], self.hash)
        self.assertTrue(by_key(out["titles"], "code")["TTLDXS"]["eligible"], out["titles"])
        got = by_key(out["members"], "code")
        self.assertEqual(set(got), {m["code"] for m in members})
        self.assertTrue(by_key(got["H"]["titles"], "code")["LDTT"]["eligible"],
                        "the head of a TTLDXS unit is LDTT")
        self.assertTrue(by_key(got["A"]["titles"], "code")["CSTDCS"]["eligible"])

        out = self.evaluate({"subject": "unit", "period": "2025-Y",
                             "facts": unit_facts(unit_rating="HTT"), "members": members})
        self.assertFalse(by_key(out["titles"], "code")["TTLDXS"]["eligible"])
        self.assertTrue(by_key(out["titles"], "code")["TTLDTT"]["eligible"])
        head = by_key(out["members"], "code")["H"]
        self.assertFalse(by_key(head["titles"], "code")["LDTT"]["eligible"],
                         "the head of a unit that is not TTLDXS is not LDTT")
        # Fewer than 70 % LDTT: neither title.
        weak = members[:2] + [{"code": "W%d" % i, "facts": person_facts(rating="HT")}
                              for i in range(5)]
        out = self.evaluate({"subject": "unit", "facts": GOOD_UNIT, "members": weak})
        titles = by_key(out["titles"], "code")
        self.assertFalse(titles["TTLDTT"]["eligible"])
        self.assertTrue(any("70%" in r for r in titles["TTLDTT"]["reasons"]), titles)

        self.assertEqual(self.counts(), before, "POST /api/v1/evaluate stored something")

    def test_bad_requests_are_422_and_store_nothing(self):
        before = self.counts()
        cases = [
            ({"subject": "unit", "facts": unit_facts(tasks_assigned="many", bogus=1)},
             {"facts.tasks_assigned", "facts.bogus"}),
            ({"subject": "person", "facts": person_facts(months_worked=13, rating="A")},
             {"facts.months_worked", "facts.rating"}),
            ({"subject": "person", "facts": GOOD_UNIT}, {"facts." + k for k in GOOD_UNIT}),
            ({"subject": "unit", "facts": GOOD_UNIT,
              "members": [{"facts": GOOD_PERSON}, {"facts": {"rating": "X"}}, 7]},
             {"members[1].facts.rating", "members[2].facts"}),
            ({"subject": "team", "facts": {}}, {"subject"}),
            ({"facts": GOOD_PERSON}, {"subject"}),
            ({"subject": "person", "facts": []}, {"facts"}),
            ({"subject": "person", "period": "2031-Y", "facts": GOOD_PERSON}, {"period"}),
        ]
        for body, fields in cases:
            out = self.evaluate(body, expect=422)
            err = self.assertErrorShape(422, out, 422, json.dumps(body)[:200])
            got = {d["field"] for d in err["details"]}
            self.assertLessEqual(fields, got, "details %r" % err["details"])
            self.assertEqual(len(err["details"]), len(got), "a problem listed twice: %r" % err)
        status, _, out = self.d.request("POST", "/api/v1/evaluate", b'{"subject": ')
        self.assertErrorShape(status, out, 400, "not JSON")
        big = {"subject": "unit", "facts": GOOD_UNIT,
               "members": [{"facts": GOOD_PERSON}] * (BODY_LIMIT // 100)}
        status, _, out = self.d.request("POST", "/api/v1/evaluate", big)
        self.assertErrorShape(status, out, 413, "over the body limit")
        self.assertEqual(self.counts(), before)


# ---- the command line --------------------------------------------------------------------


class CliTest(RulesApiTestCase):
    def test_import_facts(self):
        _, staff = self.head_and_staff("MT")
        person = staff[0]["code"]
        def cell(value, yes, no):
            if isinstance(value, bool):
                return yes if value else no
            return str(value)

        rows = [("2025-H1", "unit", "MT", k, cell(v, "1", "0")) for k, v in GOOD_UNIT.items()]
        rows += [("2025-H1", "person", person, k, cell(v, "có", "không"))
                 for k, v in GOOD_PERSON.items()]
        good = self.write_csv("facts.csv", rows)
        r = self.d.cli_ok("import", "facts", good)
        self.assertRegex(r.stdout, r"\b%d dòng, %d thay đổi\b" % (len(rows), len(rows)), r)
        # Evaluations appear over HTTP, from the daemon that did not import them.
        e = self.evaluation("2025-H1", "unit", "MT", token="read")
        self.assertEvaluation(e, "2025-H1", "unit", "MT", self.hash)
        self.assertEqual(e["score"], 100)
        e = self.evaluation("2025-H1", "person", person)
        _, titles = self.assertEvaluation(e, "2025-H1", "person", person, self.hash)
        self.assertEqual(e["score"], 85)
        self.assertTrue(titles["LDTT"]["eligible"])
        status = by_key(self.get_ok("/api/v1/periods/2025-H1/status")["units"], "code")
        self.assertTrue(status["MT"]["submitted"])
        self.assertEqual(self.versions("2025-H1", "unit", "MT"), [1])
        # The same file again: nothing changes.
        r = self.d.cli_ok("import", "facts", good)
        self.assertRegex(r.stdout, r"\b0 thay đổi\b", r)
        self.assertEqual(self.versions("2025-H1", "unit", "MT"), [1])
        self.assertEqual(self.versions("2025-H1", "person", person), [1])
        # One value changed: one new version, and the evaluation follows.
        rows[0] = ("2025-H1", "unit", "MT", "response_plan", "0")
        r = self.d.cli_ok("import", "facts", self.write_csv("facts2.csv", rows))
        self.assertRegex(r.stdout, r"\b%d thay đổi\b" % len(GOOD_UNIT), r)  # MT's rows
        self.assertEqual(self.versions("2025-H1", "unit", "MT"), [1, 2])
        self.assertEqual(self.evaluation("2025-H1", "unit", "MT")["score"], 85)
        # The demo department's facts import as a whole.
        r = self.d.cli_ok("import", "facts", os.path.join(SOURCE_DIR, "etc", "demo",
                                                          "facts.csv"))
        self.assertRegex(r.stdout, r"\b[1-9]\d* thay đổi\b", r)

    def test_import_of_a_file_with_bad_rows_stores_nothing(self):
        _, staff = self.head_and_staff("VP")
        person = staff[0]["code"]
        rows = [
            ("2025-H1", "unit", "VP", "response_plan", "1"),                # row 2: good
            ("2025-H1", "unit", "VP", "so_can_bo", "12"),                   # row 3: fact
            ("2025-H1", "unit", "VP", "tasks_assigned", "nhiều"),           # row 4: value
            ("2025-H1", "unit", "NOPE", "response_plan", "1"),              # row 5: code
            ("2025-X", "unit", "VP", "tasks_completed", "3"),               # row 6: period
            ("2025-H1", "person", person, "months_worked", "13"),           # row 7: value
            ("2025-H1", "person", person, "rating", "GIOI"),                # row 8: value
            ("2025-H1", "person", "CB9999", "rating", "HTT"),               # row 9: code
            ("2025-H1", "unit", "VP", "restructuring_on_time", "maybe"),    # row 10: value
        ]
        before = (self.count("fact_versions"), self.count("evaluations"))
        bad = self.write_csv("bad.csv", rows)
        r = self.d.cli("import", "facts", bad)
        self.assertEqual(r.returncode, os.EX_DATAERR, r)
        for row, column in ((3, "fact"), (4, "value"), (5, "code"), (6, "period"), (7, "value"),
                            (8, "value"), (9, "code"), (10, "value")):
            self.assertRegex(r.stderr, r"(?m)\bdòng %d, cột %s: \S" % (row, column), r)
        self.assertNotRegex(r.stderr, r"\bdòng 2\b", r)
        self.assertEqual((self.count("fact_versions"), self.count("evaluations")), before)
        self.assertEqual(self.versions("2025-H1", "unit", "VP"), [])
        status = by_key(self.get_ok("/api/v1/periods/2025-H1/status")["units"], "code")
        self.assertFalse(status["VP"]["submitted"])
        # A missing column is named too.
        r = self.d.cli("import", "facts", self.write_csv(
            "nocol.csv", [("2025-H1", "unit", "VP", "response_plan")],
            header=("period", "subject", "code", "fact")))
        self.assertEqual(r.returncode, os.EX_DATAERR, r)
        self.assertRegex(r.stderr, r"dòng 1, cột value: ", r)
        self.assertEqual(self.count("fact_versions"), before[0])

    def test_eval_prints_json_evaluations(self):
        self.put_report("2025-H1", "VP", GOOD_UNIT)
        head, staff = self.head_and_staff("VP")
        self.put_facts("2025-H1", staff[0]["code"], GOOD_PERSON)
        r = self.d.cli_ok("eval", "--period", "2025-H1", "--json")
        items = json.loads(r.stdout)
        self.assertIsInstance(items, list)
        for e in items:
            self.assertEvaluation(e, "2025-H1", e["subject"], e["code"], self.hash)
        units = {e["code"]: e for e in items if e["subject"] == "unit"}
        people = {e["code"]: e for e in items if e["subject"] == "person"}
        self.assertEqual(units["VP"]["score"], 100)
        self.assertLessEqual(set(self.period_units("2025-H1")), set(units))
        self.assertEqual(people[staff[0]["code"]]["score"], 85)
        self.assertIn(head["code"], people)
        # It says the same as the daemon.
        self.assertEqual(units["VP"]["criteria"],
                         self.evaluation("2025-H1", "unit", "VP")["criteria"])
        # One unit: that unit and its people.
        r = self.d.cli_ok("eval", "--period", "2025-H1", "--unit", "VP", "--json")
        items = json.loads(r.stdout)
        self.assertEqual([e["code"] for e in items if e["subject"] == "unit"], ["VP"])
        self.assertIn(staff[0]["code"], {e["code"] for e in items if e["subject"] == "person"})
        for args in (("--period", "2025-X"), ("--period", "2025-H1", "--unit", "NOPE")):
            r = self.d.cli("eval", *args, "--json")
            self.assertNotEqual(r.returncode, 0, r)

    def period_units(self, period):
        return [u["code"] for u in self.get_ok("/api/v1/periods/%s/status" % period)["units"]]

    def test_check_and_test_commands(self):
        r = self.d.cli("check")
        self.assertEqual(r.returncode, 0, r)
        self.assertIn(self.hash, r.stdout, "check prints the hash the daemon serves")
        r = self.d.cli("test", "--rules", os.path.join(RULES_DIR, "2025"))
        self.assertEqual(r.returncode, 0, r)
        last = r.stdout.strip().splitlines()[-1]
        m = re.fullmatch(r"(\d+) passed, 0 failed", last)
        self.assertIsNotNone(m, "last line %r" % last)
        self.assertGreater(int(m.group(1)), 0)

        broken = tempfile.mkdtemp(prefix="thidua-rules-")
        self.addCleanup(shutil.rmtree, broken, True)
        shutil.rmtree(broken)
        shutil.copytree(os.path.join(RULES_DIR, "2025"), broken)
        with open(os.path.join(broken, "titles.lua"), "a", encoding="utf-8") as f:
            f.write('\ntitle "HONG" { subject = "person", name = "Hỏng"\n')  # no closing brace
        r = self.d.cli("check", "--rules", broken)
        self.assertEqual(r.returncode, os.EX_CONFIG, r)
        self.assertRegex(r.stderr, r"titles\.lua:\d+: \S", r)
        r = self.d.cli("test", "--rules", broken)
        self.assertNotEqual(r.returncode, 0, r)
        # The daemon is unaffected: it never looked at the broken copy.
        self.assertEqual(self.d.rules_hash(), self.hash)
        self.assertTrue(FILE_LINE.search(r.stderr + r.stdout), r)


# ---- durability ------------------------------------------------------------------------------


class ReportWriter(threading.Thread):
    """PUTs reports in a loop on one keep-alive connection until the daemon goes away.

    Records (unit, version, tasks_completed) for every 200; never raises."""

    UNITS = ("VP", "MT", "KHTC", "TNN")

    def __init__(self, daemon):
        super().__init__(daemon=True)
        self.d = daemon
        self.acked = []
        self.problems = []
        self.ended = None

    def run(self):
        conn = self.d.connection(timeout=15)
        n = 0
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                unit = self.UNITS[n % len(self.UNITS)]
                # Alternately 100 and 80 points (15 of 20 tasks is under TT2's 80 %).
                done = 20 - 5 * ((n // len(self.UNITS)) % 2)
                n += 1
                try:
                    status, _, body = self.d.request(
                        "PUT", report_path("2025-H1", unit),
                        {"facts": unit_facts(tasks_completed=done)}, conn=conn)
                except Exception as e:  # the daemon was killed: the expected end
                    self.ended = repr(e)
                    return
                if status != 200:
                    self.problems.append("PUT %s -> %d %r" % (unit, status, body))
                    return
                self.acked.append((unit, body["version"], done))
            self.problems.append("the daemon still answered after 60 s")
        finally:
            conn.close()


class DurabilityTest(RulesApiTestCase):
    def test_kill9_loses_no_acknowledged_report(self):
        writer = ReportWriter(self.d)
        writer.start()
        deadline = time.monotonic() + 30
        while len(writer.acked) < 40 and writer.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        self.d.kill9()
        writer.join(30)
        self.assertFalse(writer.is_alive())
        self.assertEqual(writer.problems, [])
        self.assertGreaterEqual(len(writer.acked), 40, "too few reports before the kill")
        acked = list(writer.acked)

        self.d.start()
        stored = {}
        for unit, version, facts in self.d.db_rows(
                "SELECT code, version, facts FROM fact_versions WHERE period = '2025-H1' "
                "AND subject = 'unit'"):
            stored[(unit, version)] = json.loads(facts)
        for unit, version, done in acked:
            self.assertIn((unit, version), stored,
                          "%s version %d was acknowledged, then lost to kill -9" % (unit, version))
            self.assertEqual(stored[(unit, version)]["tasks_completed"], done)
        for unit in ReportWriter.UNITS:
            versions = sorted(v for (u, v) in stored if u == unit)
            self.assertEqual(versions, list(range(1, len(versions) + 1)), unit)
            # The stored evaluation is that of the latest version (committed together).
            latest = stored[(unit, versions[-1])]
            e = self.evaluation("2025-H1", "unit", unit)
            self.assertEqual(e["score"], 100 if latest["tasks_completed"] == 20 else 80, unit)
            # And the daemon takes the next version after the restart.
            out = self.put_report("2025-H1", unit, GOOD_UNIT)
            self.assertEqual(out["version"], versions[-1] + 1)
        self.assertEqual(self.d.stop(), 0, self.d.log_tail())


if __name__ == "__main__":
    unittest.main()
