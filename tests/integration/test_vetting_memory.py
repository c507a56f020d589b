"""test_vetting_memory.py — commands that read the rules (report, remind, eval) remember a
vetting that passed today (store/vettings.c, rules/vetting.c) and do not run the same
self-tests again; any edit to a rule or test file is vetted again, a failing test still
stops the command, and `check` always runs the tests.

What the administrator sees: the debug log line `event=rules_vetting_remembered` on a
command that skipped the self-tests, the rules_vettings table, and the exit status.
"""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import RULES_DIR, Daemon  # noqa: E402

REMEMBERED = "event=rules_vetting_remembered"


class VettingMemoryTest(unittest.TestCase):
    def setUp(self):
        root = tempfile.mkdtemp(prefix="thidua-vetting-")
        self.addCleanup(shutil.rmtree, root, True)
        self.rules = os.path.join(root, "2025")
        shutil.copytree(os.path.join(RULES_DIR, "2025"), self.rules)
        self.d = Daemon(rules=root, start=False, log_level="debug")
        self.addCleanup(self.d.close)
        self.d.__enter__()

    def report(self):
        return self.d.cli("report", "--period", "2025-H1", "--format", "json")

    def vettings(self):
        return self.d.db_rows("SELECT key FROM rules_vettings")

    def write_test(self, name, text):
        with open(os.path.join(self.rules, "tests", name), "w", encoding="utf-8") as f:
            f.write(text)

    def test_a_vetting_is_remembered_until_a_file_changes(self):
        first = self.report()
        self.assertEqual(first.returncode, 0, first)
        self.assertNotIn(REMEMBERED, first.stderr)
        self.assertEqual(len(self.vettings()), 1)

        again = self.report()
        self.assertEqual(again.returncode, 0, again)
        self.assertIn(REMEMBERED, again.stderr)
        self.assertIn("used=yes", again.stderr)
        for r in (self.d.cli("remind", "--dry-run", "--json", "--at", "2025-06-20T08:00"),
                  self.d.cli("eval", "--period", "2025-H1", "--unit", "VP", "--json")):
            self.assertEqual(r.returncode, 0, r)
            self.assertIn(REMEMBERED, r.stderr)

        # A failing self-test added: another vetting, which refuses the rules.
        self.write_test("test_zz_fails.lua",
                        'test "một bài kiểm tra sai" (function(t) t.eq(1, 2, "một là hai") end)\n')
        refused = self.report()
        self.assertEqual(refused.returncode, os.EX_CONFIG, refused)
        self.assertIn("một là hai", refused.stderr)
        self.assertNotIn(REMEMBERED, refused.stderr)
        self.assertEqual(len(self.vettings()), 1)

        # Fixed: vetted once more, then remembered.
        self.write_test("test_zz_fails.lua",
                        'test "một bài kiểm tra đúng" (function(t) t.eq(1, 1, "một") end)\n')
        fixed = self.report()
        self.assertEqual(fixed.returncode, 0, fixed)
        self.assertNotIn(REMEMBERED, fixed.stderr)
        self.assertEqual(len(self.vettings()), 2)
        self.assertIn(REMEMBERED, self.report().stderr)

    def test_check_always_runs_the_tests(self):
        self.assertEqual(self.report().returncode, 0)
        r = self.d.cli_ok("check")
        self.assertRegex(r.stdout, r"[1-9][0-9]* self-tests passed")
        self.assertNotIn(REMEMBERED, r.stderr)


if __name__ == "__main__":
    unittest.main()
