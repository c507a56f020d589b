"""test_months_worked.py — the months a person reports against the hiring date and the period
(rules/2025/facts.lua, fact_check "months_within_employment"), through every way facts come
in: PUT and PATCH of a person's facts, and the facts import. Also the leave the law counts as
work (leave_months_counted) in the LDTT title, with the decree each period cites (the two
versions of LDTT, rules/2025/titles.lua). A real daemon with the demo organisation: CB0017
(Hồ Minh Sơn, VP) was hired on 01/10/2025; CB0008 long before 2025.
"""

import csv
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402
from ruleset_2025 import EvaluationAsserts, by_key, person_facts  # noqa: E402

HIRED_1_OCTOBER = "CB0017"
HIRED_LONG_AGO = "CB0008"


def facts_path(period, person):
    return "/api/v1/periods/%s/people/%s/facts" % (period, person)


class MonthsWorkedTestCase(EvaluationAsserts, unittest.TestCase):
    def setUp(self):
        self.d = Daemon()
        self.addCleanup(self.d.close)
        self.d.__enter__()

    def put(self, period, person, facts, method="PUT"):
        return self.d.request(method, facts_path(period, person), {"facts": facts},
                              token="unit:VP")

    def refused(self, status, body):
        """The 422's details as {field: message}."""
        self.assertErrorShape(status, body, 422)
        return {d["field"]: d["message"] for d in body["error"]["details"]}

    def versions(self, period, person):
        return self.d.db_rows("SELECT version FROM fact_versions WHERE period = ? AND "
                              "subject = 'person' AND code = ?", (period, person))

    def titles(self, body):
        return by_key(body["evaluation"]["titles"], "code")

    def test_twelve_months_from_a_hiring_on_1_october_is_refused(self):
        status, _, body = self.put("2025-Y", HIRED_1_OCTOBER, person_facts(months_worked=12))
        messages = self.refused(status, body)
        self.assertEqual(set(messages), {"facts.months_worked"}, messages)
        message = messages["facts.months_worked"]
        self.assertIn("12 tháng", message)
        self.assertIn("01/10/2025", message, "names the hiring date, dd/mm/yyyy")
        self.assertIn("3 tháng", message, "says how many months there are")
        self.assertEqual(self.versions("2025-Y", HIRED_1_OCTOBER), [], "nothing stored")
        # A correction (PATCH) of the months alone is judged the same way.
        status, _, body = self.put("2025-Y", HIRED_1_OCTOBER, {"months_worked": 4}, "PATCH")
        self.assertIn("01/10/2025", self.refused(status, body)["facts.months_worked"])

    def test_three_months_from_1_october_are_taken_and_are_not_ldtt(self):
        status, _, body = self.put("2025-Y", HIRED_1_OCTOBER, person_facts(months_worked=3))
        self.assertEqual(status, 200, body)
        ldtt = self.titles(body)["LDTT"]
        self.assertFalse(ldtt["eligible"])
        self.assertTrue(any("dưới 6 tháng" in r for r in ldtt["reasons"]), ldtt)

    def test_six_month_period_has_six_months(self):
        status, _, body = self.put("2025-H1", HIRED_LONG_AGO, person_facts(months_worked=12))
        message = self.refused(status, body)["facts.months_worked"]
        self.assertIn("6 tháng", message)
        self.assertIn("30/06/2025", message)
        status, _, body = self.put("2025-H1", HIRED_LONG_AGO, person_facts(months_worked=6))
        self.assertEqual(status, 200, body)

    def test_leave_counted_as_work_is_added_and_bounded_too(self):
        # 4 months at work and 3 of maternity leave: 7 months, LDTT, and the reason says so,
        # citing the decree in force at the end of the year.
        status, _, body = self.put("2025-Y", HIRED_LONG_AGO,
                                   person_facts(months_worked=4, leave_months_counted=3))
        self.assertEqual(status, 200, body)
        ldtt = self.titles(body)["LDTT"]
        self.assertTrue(ldtt["eligible"], ldtt)
        self.assertTrue(any("3 tháng nghỉ" in r and "152/2025/NĐ-CP" in r
                            for r in ldtt["reasons"]), ldtt)
        # In the six-month period, which ends on 30/06/2025, Decree 98/2023 is cited.
        status, _, body = self.put("2025-H1", HIRED_LONG_AGO,
                                   person_facts(months_worked=4, leave_months_counted=2))
        self.assertEqual(status, 200, body)
        ldtt = self.titles(body)["LDTT"]
        self.assertTrue(any("98/2023/NĐ-CP" in r for r in ldtt["reasons"]), ldtt)
        # Leave counts against the same months: 3 + 1 from 1 October is one too many.
        status, _, body = self.put("2025-Y", HIRED_1_OCTOBER,
                                   person_facts(months_worked=3, leave_months_counted=1))
        message = self.refused(status, body)["facts.months_worked"]
        self.assertIn("1 tháng nghỉ", message)
        self.assertIn("01/10/2025", message)

    def test_the_import_refuses_it_on_its_row(self):
        path = os.path.join(self.d.dir, "facts.csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(("period", "subject", "code", "fact", "value"))
            w.writerow(("2025-Y", "person", HIRED_1_OCTOBER, "rating", "HTT"))
            w.writerow(("2025-Y", "person", HIRED_1_OCTOBER, "months_worked", "12"))
        r = self.d.cli("import", "facts", path)
        self.assertNotEqual(r.returncode, 0, r)
        self.assertRegex(r.stderr, r"dòng 3, cột value: .*12 tháng.*01/10/2025", r.stderr)
        self.assertEqual(self.versions("2025-Y", HIRED_1_OCTOBER), [], "nothing stored")


if __name__ == "__main__":
    unittest.main()
