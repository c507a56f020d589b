"""test_corrections.py — correcting facts without losing the others: PATCH …/report and
PATCH …/people/{code}/facts merge the given facts over the latest version (PUT replaces it);
`thiduad import facts` corrects too (a one-row file changes that fact and keeps the rest;
`--replace` replaces); an empty cell is "not given", never false.
"""

import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402

REPORT = "/api/v1/periods/2025-H1/units/MT/report"


class CorrectionsTest(unittest.TestCase):
    def setUp(self):
        self.d = Daemon()
        self.addCleanup(self.d.close)
        self.d.__enter__()
        self.folder = tempfile.mkdtemp(prefix="thidua-facts-")

    def latest(self, subject, code, period="2025-H1"):
        rows = self.d.db_rows("SELECT version, facts FROM fact_versions WHERE period = ? AND "
                              "subject = ? AND code = ? ORDER BY version DESC LIMIT 1",
                              (period, subject, code))
        return (rows[0][0], json.loads(rows[0][1])) if rows else (0, None)

    def send(self, method, path, facts):
        status, _, body = self.d.request(method, path, {"facts": facts})
        self.assertEqual(status, 200, body)
        return body

    def csv(self, rows, header="period,subject,code,fact,value"):
        path = os.path.join(self.folder, "facts.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(header + "\n" + "\n".join(rows) + "\n")
        return path

    def test_patch_merges_put_replaces(self):
        self.send("PUT", REPORT, {"response_plan": True, "tasks_assigned": 10,
                                  "tasks_completed": 9})
        out = self.send("PATCH", REPORT, {"tasks_completed": 10})
        self.assertEqual(out["version"], 2)
        self.assertEqual(self.latest("unit", "MT"),
                         (2, {"response_plan": True, "tasks_assigned": 10, "tasks_completed": 10}))
        self.send("PUT", REPORT, {"tasks_completed": 7})
        self.assertEqual(self.latest("unit", "MT"), (3, {"tasks_completed": 7}))
        # A bad value in a PATCH is refused like in a PUT, and nothing changes.
        status, _, body = self.d.request("PATCH", REPORT, {"facts": {"tasks_completed": -1}})
        self.assertEqual(status, 422, body)
        self.assertEqual(self.latest("unit", "MT")[0], 3)

    def test_patch_person_facts(self):
        person = self.d.db_rows("SELECT code FROM people WHERE unit_code = 'MT' LIMIT 1")[0][0]
        path = "/api/v1/periods/2025-H1/people/%s/facts" % person
        self.send("PUT", path, {"rating": "HTT", "months_worked": 6})  # H1 has 6 months
        self.send("PATCH", path, {"rating": "HTXS"})
        self.assertEqual(self.latest("person", person)[1], {"rating": "HTXS", "months_worked": 6})

    def test_import_corrects_and_replace_replaces(self):
        self.send("PUT", REPORT, {"response_plan": True, "tasks_assigned": 10})
        self.d.cli_ok("import", "facts", self.csv(["2025-H1,unit,MT,tasks_assigned,12"]))
        self.assertEqual(self.latest("unit", "MT"),
                         (2, {"response_plan": True, "tasks_assigned": 12}))
        # The same file again changes nothing.
        r = self.d.cli_ok("import", "facts", self.csv(["2025-H1,unit,MT,tasks_assigned,12"]))
        self.assertIn("0 thay đổi", r.stdout)
        self.d.cli_ok("import", "facts", "--replace",
                      self.csv(["2025-H1,unit,MT,tasks_assigned,11"]))
        self.assertEqual(self.latest("unit", "MT"), (3, {"tasks_assigned": 11}))

    def test_empty_cell_is_not_given(self):
        self.send("PUT", REPORT, {"response_plan": True, "internal_solidarity": True})
        self.d.cli_ok("import", "facts", self.csv(["2025-H1,unit,MT,response_plan,",
                                                   "2025-H1,unit,MT,tasks_assigned,3"]))
        self.assertEqual(self.latest("unit", "MT")[1],
                         {"response_plan": True, "internal_solidarity": True,
                          "tasks_assigned": 3})


if __name__ == "__main__":
    unittest.main()
