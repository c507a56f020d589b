"""test_rule_versions.py — rules with effective dates (`valid = { from, to }`, engine/versions.lua)
as an administrator meets them: `thiduad check` refuses versions of one rule that overlap or
leave a gap within the campaign, with the file and line of the version at fault, and accepts
the ruleset as shipped (LDTT in two versions: Decree 98/2023 until 30/06/2025, Decree
152/2025 from 01/07/2025). Each test edits a temporary copy of rules/2025.
"""

import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import RULES_DIR, Daemon  # noqa: E402

RULES_2025 = os.path.join(RULES_DIR, "2025")
FIRST = 'title "LDTT" (ldtt({ to = "2025-06-30" }, "Nghị định 98/2023/NĐ-CP"))'
SECOND = 'title "LDTT" (ldtt({ from = "2025-07-01" }, "Nghị định 152/2025/NĐ-CP"))'


class RuleVersionsTestCase(unittest.TestCase):
    def setUp(self):
        root = tempfile.mkdtemp(prefix="thidua-versions-")
        self.addCleanup(shutil.rmtree, root, True)
        self.dir = os.path.join(root, "2025")
        shutil.copytree(RULES_2025, self.dir)
        self.d = Daemon(rules=root, start=False)
        self.addCleanup(self.d.close)
        self.d.__enter__()

    def titles_file(self):
        return os.path.join(self.dir, "titles.lua")

    def replace(self, old, new):
        with open(self.titles_file(), encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(text.count(old), 1, "has titles.lua changed? %r" % old)
        with open(self.titles_file(), "w", encoding="utf-8") as f:
            f.write(text.replace(old, new))

    def line_of(self, needle):
        with open(self.titles_file(), encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if needle in line:
                    return n
        self.fail("%r not in titles.lua" % needle)

    def check(self):
        return self.d.cli("check", "--rules", self.dir)

    def refused_at(self, needle, *words):
        r = self.check()
        self.assertEqual(r.returncode, os.EX_CONFIG, r)
        where = r"titles\.lua:%d: " % self.line_of(needle)
        lines = [ln for ln in r.stderr.splitlines() if re.search(where, ln)]
        self.assertTrue(lines, "no problem at %s in:\n%s" % (where, r.stderr))
        for w in words:
            self.assertTrue(any(w in ln for ln in lines), "%r not in %r" % (w, lines))

    def test_the_shipped_versions_pass(self):
        r = self.check()
        self.assertEqual(r.returncode, 0, r)

    def test_overlapping_versions_are_refused_with_file_and_line(self):
        self.replace(SECOND, SECOND.replace("2025-07-01", "2025-06-15"))
        self.refused_at('from = "2025-06-15"', 'title "LDTT"', "chồng lên", "titles.lua:%d" % (
            self.line_of('to = "2025-06-30"')))

    def test_a_gap_between_versions_is_refused(self):
        self.replace(SECOND, SECOND.replace("2025-07-01", "2025-07-05"))
        self.refused_at('from = "2025-07-05"', "khoảng trống", "01/07/2025")

    def test_a_rule_that_starts_after_the_campaign_is_refused(self):
        self.replace(FIRST, FIRST.replace('{ to = "2025-06-30" }',
                                          '{ from = "2025-02-01", to = "2025-06-30" }'))
        self.refused_at('from = "2025-02-01"', "01/02/2025", "01/01/2025")

    def test_a_rule_that_ends_before_the_campaign_is_refused(self):
        self.replace(SECOND, SECOND.replace('{ from = "2025-07-01" }',
                                            '{ from = "2025-07-01", to = "2025-11-30" }'))
        self.refused_at('to = "2025-11-30"', "30/11/2025", "31/12/2025")

    def test_a_second_declaration_without_valid_is_still_declared_twice(self):
        self.replace(SECOND, SECOND.replace('{ from = "2025-07-01" }', "nil"))
        self.refused_at('ldtt(nil,', "khai báo hai lần")


if __name__ == "__main__":
    unittest.main()
