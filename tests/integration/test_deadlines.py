"""test_deadlines.py — a deadline that falls on a day off ends at the end of the next working
day (Bộ luật Dân sự 2015, Điều 148): the 2025-H1 report is due on Sunday 15/06/2025, so a
report dated Monday 16/06 is on time and one dated Tuesday 17/06 is late, in the status and
in what /api/v1/rules says of the period.
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402


class DeadlineTest(unittest.TestCase):
    def test_sunday_due_date_moves_to_monday(self):
        with Daemon() as d:
            folder = tempfile.mkdtemp(prefix="thidua-facts-")
            path = os.path.join(folder, "facts.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("period,subject,code,fact,value,submitted_at\n"
                        "2025-H1,unit,MT,response_plan,1,2025-06-16\n"
                        "2025-H1,unit,KHTC,response_plan,1,2025-06-17\n")
            d.cli_ok("import", "facts", path)
            status, _, body = d.request("GET", "/api/v1/periods/2025-H1/status")
            self.assertEqual(status, 200, body)
            self.assertEqual(body["due"], "2025-06-15")
            self.assertEqual(body["effective_due"], "2025-06-16")
            units = {u["code"]: u for u in body["units"]}
            self.assertTrue(units["MT"]["submitted"])
            self.assertFalse(units["MT"]["late"], "Monday 16/06 is within the deadline")
            self.assertTrue(units["KHTC"]["late"], "Tuesday 17/06 is late")
            status, _, rules = d.request("GET", "/api/v1/rules")
            h1 = [p for p in rules["periods"] if p["code"] == "2025-H1"][0]
            self.assertEqual((h1["report_due"], h1["effective_due"]), ("2025-06-15", "2025-06-16"))


if __name__ == "__main__":
    unittest.main()
