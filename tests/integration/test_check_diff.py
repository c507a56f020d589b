"""test_check_diff.py — `thiduad check --diff [--json]`: before a reload, which units and
people the rules on disk would change (score, titles), against the evaluations stored in
the configured database; nothing is written.

A daemon stores evaluations of VP (2025-H1) made by rules/2025; a copy of the rules is then
edited as an administrator would (TT1 worth 20 instead of 15; LDTT from 4 months worked
instead of 6) and `check --diff` must name exactly what changes.
"""

import json
import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import RULES_DIR, Daemon  # noqa: E402
from ruleset_2025 import GOOD_PERSON, GOOD_UNIT  # noqa: E402

RULES_2025 = os.path.join(RULES_DIR, "2025")
PERIOD = "2025-H1"
HEAD, SHORT = "CB0005", "CB0006"  # VP's head; a member who worked 4 months


class CheckDiffTest(unittest.TestCase):
    def setUp(self):
        root = tempfile.mkdtemp(prefix="thidua-diff-")
        self.addCleanup(shutil.rmtree, root, True)
        self.rules = os.path.join(root, "2025")
        shutil.copytree(RULES_2025, self.rules)
        self.d = Daemon(rules=root)
        self.addCleanup(self.d.close)
        self.d.__enter__()
        self.put("/api/v1/periods/%s/units/VP/report" % PERIOD, GOOD_UNIT)
        self.put("/api/v1/periods/%s/people/%s/facts" % (PERIOD, HEAD), GOOD_PERSON)
        self.put("/api/v1/periods/%s/people/%s/facts" % (PERIOD, SHORT),
                 dict(GOOD_PERSON, months_worked=4))
        self.d.stop()

    def put(self, path, facts):
        status, _, body = self.d.request("PUT", path, {"facts": facts})
        self.assertEqual(status, 200, "PUT %s: %r" % (path, body))

    def edit(self, name, pattern, replacement):
        path = os.path.join(self.rules, name)
        with open(path, encoding="utf-8") as f:
            text, n = re.subn(pattern, replacement, f.read())
        self.assertEqual(n, 1, "%s: %r matched %d times" % (name, pattern, n))
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def stored(self):
        return self.d.db_rows("SELECT period, subject, code, score, rules_hash, result "
                              "FROM evaluations ORDER BY period, subject, code")

    def change_rules(self):
        """TT1 15 → 20 points (TT2 20 → 15 so the total stays 100 where the campaign declares
        it); LDTT from 4 months. The ruleset's own tests pin the old numbers: they go."""
        self.edit("criteria_tap_the.lua", r'(criterion "TT1" \{\s*subject = "unit", points = )15\b',
                  r"\g<1>20")
        self.edit("criteria_tap_the.lua", r'(criterion "TT2" \{\s*subject = "unit", points = )20\b',
                  r"\g<1>15")
        self.edit("titles.lua", r"(local LDTT_MIN_MONTHS = )6\b", r"\g<1>4")
        shutil.rmtree(os.path.join(self.rules, "tests"))

    def test_unchanged_rules_change_nothing(self):
        before = self.stored()
        r = self.d.cli_ok("check", "--diff")
        self.assertIn("Quy tắc mới không làm thay đổi đánh giá nào", r.stdout)
        self.assertNotIn("→", r.stdout)
        self.assertEqual(self.stored(), before)

    def test_diff_names_each_change_and_writes_nothing(self):
        before = self.stored()
        self.assertTrue(any(row[2] == "VP" and row[3] == 100 for row in before), before)
        self.change_rules()
        r = self.d.cli_ok("check", "--diff")
        lines = r.stdout.splitlines()
        self.assertIn("%s person %s: điểm 85 → 85; danh hiệu +LDTT" % (PERIOD, SHORT), lines)
        # VP meets TT1 and TT2: 20 + 15 instead of 15 + 20, the same 100; nothing else moves.
        self.assertFalse([l for l in lines if l.startswith("%s unit VP:" % PERIOD)], r.stdout)
        self.assertFalse([l for l in lines if " %s:" % HEAD in l], r.stdout)
        self.assertIn("Quy tắc mới làm thay đổi 1 trong", lines[-1])
        self.assertIn("không ghi gì vào cơ sở dữ liệu", lines[-1])
        self.assertEqual(self.stored(), before, "check --diff wrote to the database")

    def test_score_change_of_a_unit_failing_a_criterion(self):
        """VP fails TT2 (work programme not approved): its score moves with TT2's points."""
        self.d.start()
        self.put("/api/v1/periods/%s/units/VP/report" % PERIOD,
                 dict(GOOD_UNIT, work_programme_approved=False))
        self.d.stop()
        self.change_rules()
        r = self.d.cli_ok("check", "--diff", "--json")
        diff = json.loads(r.stdout)
        by_code = {(c["subject"], c["code"]): c for c in diff["changes"]}
        vp = by_code[("unit", "VP")]
        self.assertEqual((vp["period"], vp["score_before"], vp["score_after"]), (PERIOD, 80, 85))
        self.assertEqual(vp["text"], "%s unit VP: điểm 80 → 85" % PERIOD)
        short = by_code[("person", SHORT)]
        self.assertEqual(short["titles_gained"], ["LDTT"])
        self.assertEqual(short["titles_lost"], [])
        self.assertEqual(diff["periods"], [PERIOD])
        self.assertEqual(diff["changed"], len(diff["changes"]))
        self.assertGreaterEqual(diff["compared"], 3)

    def test_broken_rules_are_refused_with_file_and_line(self):
        self.edit("campaign.lua", r'report_due = "2025-06-15"', 'report_due = "2025-07-15"')
        r = self.d.cli("check", "--diff")
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stderr, r"campaign\.lua:\d+: kỳ \"2025-H1\" \(Sáu tháng đầu năm 2025\): "
                         r"hạn báo cáo report_due \(15/07/2025\) nằm ngoài kỳ")


if __name__ == "__main__":
    unittest.main()
