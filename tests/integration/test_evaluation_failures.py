"""test_evaluation_failures.py — a rule that fails at run time on a unit's real facts never
loses the submission (issue 8).

The ruleset is a copy of rules/2025 whose TT5 raises an error when a unit reports exactly
7 exemplary models: it loads, passes its self-tests and evaluates every other report. A
report with 7 is stored (version and audit line), answered 202 with
"evaluation": {"status": "failed", "error": "criteria_tap_the.lua:LINE: ..."}; the status
marks the unit, GET .../evaluation answers 409 evaluation_failed (the evaluation stored
before is shown only as "stale"), the ranking does not use it, /metrics counts it; a kill -9
loses nothing; the next reload (or a restart) with fixed rules evaluates the pair and ends
the failure. A reload whose rules still fail on that pair is accepted with the pair still
failed; one that would break a working pair is refused (test_rules_reload.py).
"""

import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, metric  # noqa: E402
from ruleset_2025 import GOOD_UNIT, EvaluationAsserts, by_key, unit_facts  # noqa: E402
from test_rules_reload import RulesCopy  # noqa: E402

PERIOD = "2025-H1"
VP_REPORT = "/api/v1/periods/2025-H1/units/VP/report"
VP_EVALUATION = "/api/v1/periods/2025-H1/units/VP/evaluation"
STATUS = "/api/v1/periods/2025-H1/status"
RULE_ERROR = r"criteria_tap_the\.lua:\d+: .*bảy điển hình"
FAILED_GAUGE = "thidua_evaluations_failed"
FAILED_COUNTER = "thidua_evaluation_failures_total"


def break_on_seven(rules):
    """TT5 raises an error on exactly 7 exemplary models (and works on any other count)."""
    rules.edit("criteria_tap_the.lua",
               r"(\n)(    if f\.exemplary_models >= 1 then return true end)",
               r'\1    if f.exemplary_models == 7 then error("bảy điển hình: lỗi thử") end\1\2')


class EvaluationFailureTestCase(EvaluationAsserts, unittest.TestCase):
    def setUp(self):
        root = tempfile.mkdtemp(prefix="thidua-rules-")
        self.addCleanup(shutil.rmtree, root, True)
        self.rules = RulesCopy(root)
        break_on_seven(self.rules)
        self.d = Daemon(rules=root)
        self.addCleanup(self.d.close)
        self.d.__enter__()
        self.broken_hash = self.d.rules_hash()

    def request_ok(self, method, path, expect=200, body=None):
        status, _, answer = self.d.request(method, path, body)
        self.assertEqual(status, expect, "%s %s: %r" % (method, path, answer))
        return answer

    def put_failing_report(self):
        """VP reports 7 exemplary models: stored, answered 202 with the rule's file:line."""
        out = self.request_ok("PUT", VP_REPORT, 202, {"facts": unit_facts(exemplary_models=7)})
        self.assertEqual((out["period"], out["unit"]), (PERIOD, "VP"))
        self.assertIsInstance(out["version"], int)
        failed = out["evaluation"]
        self.assertEqual(failed["status"], "failed", out)
        self.assertRegex(failed["error"], RULE_ERROR)
        self.assertNotIn("score", failed, "a failed evaluation carries no score")
        return out

    def versions(self, unit="VP"):
        return [v for (v,) in self.d.db_rows(
            "SELECT version FROM fact_versions WHERE period = ? AND subject = 'unit' AND "
            "code = ? ORDER BY version", (PERIOD, unit))]

    def assertStatusFailed(self, failed, unit="VP"):
        status = self.request_ok("GET", STATUS)
        row = by_key(status["units"], "code")[unit]
        self.assertTrue(row["submitted"], row)
        self.assertEqual(row["evaluation_failed"], failed, row)
        if failed:
            self.assertRegex(row["evaluation_error"], RULE_ERROR)
            self.assertGreaterEqual(status["evaluation_failed"], 1)
        else:
            self.assertNotIn("evaluation_error", row)
        return row

    def reload(self, expect=200):
        return self.request_ok("POST", "/api/v1/admin/reload", expect, b"")


class SubmissionFailureTest(EvaluationFailureTestCase):
    def test_failing_report_is_stored_shown_counted_and_recomputed_by_a_fixed_reload(self):
        self.request_ok("PUT", VP_REPORT, 200, {"facts": GOOD_UNIT})
        before = self.d.metrics()

        out = self.put_failing_report()
        self.assertEqual(out["version"], 2)
        # The facts and the audit line are stored.
        self.assertEqual(self.versions(), [1, 2])
        stored = self.d.db_rows(
            "SELECT facts FROM fact_versions WHERE period = ? AND code = 'VP' AND version = 2",
            (PERIOD,))
        self.assertIn('"exemplary_models":7', stored[0][0])
        self.assertEqual(self.d.db_rows(
            "SELECT count(*) FROM audit WHERE code = 'VP' AND action = 'submit'")[0][0], 2)

        # The evaluation stored before is stale: never served as current.
        status, _, body = self.d.request("GET", VP_EVALUATION, token="read")
        err = self.assertErrorShape(status, body, 409, "GET evaluation of a failed pair")
        self.assertEqual(err["code"], "evaluation_failed")
        self.assertRegex(err["message"], RULE_ERROR)
        self.assertEqual(body["evaluation"]["status"], "failed")
        self.assertEqual(body["evaluation"]["stale"]["score"], 100, "the last good evaluation")
        self.assertNotIn("score", body["evaluation"])
        # So is a member's.
        member = self.request_ok("GET", "/api/v1/people?unit=VP")["people"][0]["code"]
        status, _, body = self.d.request(
            "GET", "/api/v1/periods/2025-H1/people/%s/evaluation" % member)
        self.assertErrorShape(status, body, 409, "GET a member's evaluation")
        ranking = self.request_ok("GET", "/api/v1/periods/2025-H1/ranking")
        vp = by_key(ranking["units"], "code")["VP"]
        self.assertEqual((vp["score"], vp["titles"]), (0, []), "ranking used a stale result")

        self.assertStatusFailed(True)
        after = self.d.metrics()
        self.assertEqual(metric(after, FAILED_GAUGE), 1)
        self.assertEqual(metric(after, FAILED_COUNTER, source="submission") -
                         metric(before, FAILED_COUNTER, source="submission"), 1)

        # Rules that still fail on VP are accepted; VP stays failed, with their error.
        body = self.reload()
        self.assertEqual(body["rules_hash"], self.broken_hash)
        self.assertEqual(body["evaluations_failed"], 1)
        self.assertStatusFailed(True)

        # The fixed rules: reloaded, VP evaluated from its stored facts, the failure gone.
        self.rules.restore()
        body = self.reload()
        fixed = body["rules_hash"]
        self.assertNotEqual(fixed, self.broken_hash)
        self.assertEqual(body["evaluations_failed"], 0)
        e = self.request_ok("GET", VP_EVALUATION)
        self.assertEvaluation(e, PERIOD, "unit", "VP", fixed)
        self.assertEqual(e["score"], 100)
        self.request_ok("GET", "/api/v1/periods/2025-H1/people/%s/evaluation" % member)
        self.assertStatusFailed(False)
        self.assertEqual(metric(self.d.metrics(), FAILED_GAUGE), 0)
        self.assertEqual(self.d.db_rows("SELECT count(*) FROM evaluation_failures")[0][0], 0)
        self.assertEqual(by_key(self.request_ok("GET", "/api/v1/periods/2025-H1/ranking")
                                ["units"], "code")["VP"]["score"], 100)

    def test_a_later_good_report_ends_the_failure(self):
        self.put_failing_report()
        out = self.request_ok("PUT", VP_REPORT, 200, {"facts": GOOD_UNIT})
        self.assertEqual(out["evaluation"]["score"], 100)
        self.assertStatusFailed(False)
        self.assertEqual(metric(self.d.metrics(), FAILED_GAUGE), 0)

    def test_kill9_after_a_failing_report_loses_nothing_and_a_fixed_restart_evaluates_it(self):
        # The first report of VP fails: facts, but no evaluation at all.
        self.put_failing_report()
        status, _, body = self.d.request("GET", VP_EVALUATION)
        self.assertErrorShape(status, body, 409, "GET evaluation")
        self.assertIsNone(body["evaluation"]["stale"])
        self.d.kill9()
        self.d.start()
        self.assertEqual(self.versions(), [1])
        self.assertStatusFailed(True)
        self.assertEqual(metric(self.d.metrics(), FAILED_GAUGE), 1)

        # Fixed on disk while stopped: the restart evaluates the failed pair.
        self.assertEqual(self.d.stop(), 0, self.d.log_tail())
        self.rules.restore()
        self.d.start()
        fixed = self.d.rules_hash()
        self.assertNotEqual(fixed, self.broken_hash)
        e = self.request_ok("GET", VP_EVALUATION)
        self.assertEvaluation(e, PERIOD, "unit", "VP", fixed)
        self.assertStatusFailed(False)

    def test_reload_breaking_a_working_pair_is_refused_while_another_is_failed(self):
        self.put_failing_report()
        self.request_ok("PUT", "/api/v1/periods/2025-H1/units/MT/report", 200,
                        {"facts": unit_facts(exemplary_models=5)})
        self.rules.edit("criteria_tap_the.lua", r"f\.exemplary_models == 7",
                        "f.exemplary_models == 7 or f.exemplary_models == 5")
        body = self.reload(422)
        messages = [d["message"] for d in body["error"]["details"]]
        self.assertTrue(any(re.search(r"unit MT: .*" + RULE_ERROR, m) for m in messages), messages)
        self.assertEqual(self.d.rules_hash(), self.broken_hash)
        self.assertEqual(self.request_ok("GET", "/api/v1/periods/2025-H1/units/MT/evaluation")
                         ["score"], 100)


class ImportFailureTest(EvaluationFailureTestCase):
    def test_import_stores_every_row_and_names_the_failed_ones(self):
        rows = ["period,subject,code,fact,value"]
        for code, models in (("VP", 7), ("MT", 2)):
            for fact, value in unit_facts(exemplary_models=models).items():
                if isinstance(value, bool):
                    value = 1 if value else 0
                rows.append("%s,unit,%s,%s,%s" % (PERIOD, code, fact, value))
        path = os.path.join(self.d.dir, "facts.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        r = self.d.cli("import", "facts", path)
        self.assertEqual(r.returncode, 0, r)
        n = len(rows) - 1
        self.assertIn("%d dòng, %d thay đổi, 0 không đổi, 1 lần đánh giá thất bại" % (n, n), r.stdout)
        failed = [line for line in r.stderr.splitlines() if line.startswith(path + ": dòng ")]
        self.assertEqual(len(failed), 1, r.stderr)
        self.assertRegex(failed[0], r"^%s: dòng 2: .*unit VP .*%s" % (re.escape(path), RULE_ERROR))
        self.assertEqual(self.versions("VP"), [1])
        self.assertEqual(self.versions("MT"), [1])
        self.assertStatusFailed(True)
        self.assertEqual(self.assertStatusFailed(False, unit="MT")["code"], "MT")
        self.assertEqual(self.request_ok("GET", "/api/v1/periods/2025-H1/units/MT/evaluation")
                         ["score"], 100)
        self.assertEqual(metric(self.d.metrics(), FAILED_GAUGE), 1)


if __name__ == "__main__":
    unittest.main()
