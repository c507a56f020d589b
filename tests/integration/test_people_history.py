"""test_people_history.py — people keep their history (issue 8): a re-import of people.csv
with another unit_code records a move with a date (the optional moved_on column, else the
import's date, never later than the day after the old unit closed); a unit's members in a
period are the people who belonged to it on the period's last day, so a district office
closed on 30/06/2025 keeps its 2025-H1 members after they are moved into the department,
and its H1 evaluation is unchanged by a rules reload or a new submission.

Each test gets a fresh daemon with the demo department (five district offices closed on
30/06/2025, merged into SO).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEMO_PEOPLE, Daemon, read_csv  # noqa: E402
from ruleset_2025 import GOOD_UNIT, person_facts, today_in_vietnam  # noqa: E402

OFFICE = "PTNMT-HX"  # Phòng TN&MT huyện Hòa Xuyên: valid_to 2025-06-30, merged_into SO
PEOPLE_COLUMNS = ["code", "full_name", "unit_code", "position", "is_head", "email", "phone",
                  "hired_on"]


class PeopleHistoryTest(unittest.TestCase):
    def setUp(self):
        self.d = Daemon()
        self.addCleanup(self.d.close)
        self.d.__enter__()
        self.people = read_csv(DEMO_PEOPLE)
        self.office_staff = [p["code"] for p in self.people if p["unit_code"] == OFFICE]
        self.assertGreater(len(self.office_staff), 1, "the demo office has staff")

    # -- helpers -----------------------------------------------------------------------------

    def people_csv(self, moves, moved_on=None, name="people-moved.csv"):
        """The demo people.csv with `moves` {code: new unit} applied; with moved_on, a moved_on
        column carrying that date on the moved rows (empty elsewhere). A moved head is no
        longer head (the new unit has one)."""
        columns = PEOPLE_COLUMNS + (["moved_on"] if moved_on else [])
        lines = [",".join(columns)]
        for p in self.people:
            row = dict(p)
            if row["code"] in moves:
                row["unit_code"], row["is_head"] = moves[row["code"]], "0"
            if moved_on:
                row["moved_on"] = moved_on if p["code"] in moves else ""
            lines.append(",".join('"%s"' % row[c].replace('"', '""') if "," in row[c]
                                  else row[c] for c in columns))
        path = os.path.join(self.d.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def put(self, path, facts):
        status, _, body = self.d.request("PUT", path, {"facts": facts})
        self.assertEqual(status, 200, body)
        return body

    def get(self, path, expected=200):
        status, _, body = self.d.request("GET", path)
        self.assertEqual(status, expected, body)
        return body

    def report_h1(self, unit, people):
        """The unit's H1 report and its people's facts (six months worked)."""
        for code in people:
            self.put("/api/v1/periods/2025-H1/people/%s/facts" % code,
                     person_facts(months_worked=6))
        self.put("/api/v1/periods/2025-H1/units/%s/report" % unit, GOOD_UNIT)

    def evaluation(self, subject, code, period="2025-H1"):
        kind = "units" if subject == "unit" else "people"
        return self.get("/api/v1/periods/%s/%s/%s/evaluation" % (period, kind, code))

    def members(self, unit, period):
        body = self.get("/api/v1/people?unit=%s&period=%s" % (unit, period))
        return sorted(p["code"] for p in body["people"])

    def stays(self, person):
        return [(s["unit_code"], s["since"], s["until"])
                for s in self.get("/api/v1/people/" + person)["memberships"]]

    def reload(self):
        """A rules reload: every stored evaluation recomputed."""
        status, _, body = self.d.request("POST", "/api/v1/admin/reload")
        self.assertEqual(status, 200, body)

    def stored_evaluations(self, period):
        return self.d.db_rows("SELECT subject, code, score, result FROM evaluations "
                              "WHERE period = ? ORDER BY subject, code", (period,))

    # -- the closed district office ----------------------------------------------------------

    def test_closed_office_keeps_its_h1_after_its_staff_move(self):
        self.report_h1(OFFICE, self.office_staff)
        office_before = self.evaluation("unit", OFFICE)
        people_before = {c: self.evaluation("person", c) for c in self.office_staff}
        self.assertEqual(self.members(OFFICE, "2025-H1"), sorted(self.office_staff))

        # The staff move into the department on 01/07/2025, the day after the office closed.
        moves = {code: "SO" for code in self.office_staff}
        out = self.d.cli_ok("import", "people", self.people_csv(moves, "2025-07-01"))
        self.assertIn("%d thay đổi" % len(moves), out.stdout)
        self.assertEqual(self.get("/api/v1/people?unit=" + OFFICE)["people"], [],
                         "nobody is in the office today")

        # A rules reload recomputes every stored evaluation: the office's H1 is the same.
        self.reload()
        self.assertEqual(self.evaluation("unit", OFFICE), office_before)
        for code in self.office_staff:
            self.assertEqual(self.evaluation("person", code), people_before[code], code)
        self.assertEqual(self.members(OFFICE, "2025-H1"), sorted(self.office_staff))
        head = next(p["code"] for p in self.people
                    if p["unit_code"] == OFFICE and p["is_head"] == "1")
        self.assertEqual([s["is_head"] for s in self.get("/api/v1/people/" + head)["memberships"]],
                         [True, False], "the office's head stays its head for H1")

        # So is a new submission of a moved person's H1 facts: the office evaluates them.
        moved = self.office_staff[1]
        self.put("/api/v1/periods/2025-H1/people/%s/facts" % moved, person_facts(months_worked=6))
        self.assertEqual(self.evaluation("unit", OFFICE), office_before)
        self.assertEqual(self.evaluation("person", moved), people_before[moved])
        # ... and a new report of the department's: its H1 has none of them.
        self.put("/api/v1/periods/2025-H1/units/SO/report", GOOD_UNIT)
        department_h1 = self.members("SO", "2025-H1")
        self.assertFalse(set(self.office_staff) & set(department_h1), department_h1)

        # The year is the department's: they belonged to it on 31/12/2025.
        self.assertEqual(self.members(OFFICE, "2025-Y"), [])
        self.assertTrue(set(self.office_staff) <= set(self.members("SO", "2025-Y")))

    def test_reload_after_move_without_moved_on_keeps_h1(self):
        """The import's date would be today; a move out of a closed unit takes effect the day
        after it closed at the latest."""
        self.report_h1(OFFICE, self.office_staff)
        self.reload()  # every unit's H1 evaluated and stored
        before = self.stored_evaluations("2025-H1")
        self.d.cli_ok("import", "people", self.people_csv({c: "SO" for c in self.office_staff}))
        for code in self.office_staff:
            self.assertEqual(self.stays(code), [(OFFICE, None, "2025-07-01"),
                                                ("SO", "2025-07-01", None)], code)
        self.reload()
        self.assertEqual(self.stored_evaluations("2025-H1"), before,
                         "no H1 evaluation of any unit or person changed")

    # -- moves between open units ------------------------------------------------------------

    def test_mid_year_move_is_evaluated_by_the_unit_at_the_period_end(self):
        person = next(p["code"] for p in self.people
                      if p["unit_code"] == "VP" and p["is_head"] == "0")
        self.d.cli_ok("import", "people", self.people_csv({person: "KHTC"}, "2025-03-15"))
        self.assertEqual(self.stays(person), [("VP", None, "2025-03-15"),
                                              ("KHTC", "2025-03-15", None)])
        # Belonged to VP for 2½ months of H1 and to KHTC on 30/06: KHTC evaluates them.
        self.assertNotIn(person, self.members("VP", "2025-H1"))
        self.assertIn(person, self.members("KHTC", "2025-H1"))
        self.put("/api/v1/periods/2025-H1/people/%s/facts" % person, person_facts())
        stored = self.d.db_rows("SELECT code FROM evaluations WHERE period = '2025-H1' AND "
                                "subject = 'unit'")
        self.assertEqual(stored, [("KHTC",)], "the submission re-evaluates KHTC, not VP")
        # VP's unit token no longer writes that person's H1 facts: KHTC's period.
        status, _, body = self.d.request(
            "PUT", "/api/v1/periods/2025-H1/people/%s/facts" % person,
            {"facts": person_facts()}, token="unit:VP")
        self.assertEqual(status, 403, body)

    def test_move_without_moved_on_is_dated_on_the_import(self):
        person = next(p["code"] for p in self.people
                      if p["unit_code"] == "VP" and p["is_head"] == "0")
        self.d.cli_ok("import", "people", self.people_csv({person: "KHTC"}))
        today = today_in_vietnam()
        self.assertEqual(self.stays(person), [("VP", None, today), ("KHTC", today, None)])
        audit = self.d.db_rows("SELECT detail FROM audit WHERE action = 'move' AND code = ?",
                               (person,))
        self.assertEqual(audit, [('{"from":"VP","to":"KHTC","on":"%s"}' % today,)])
        # The same file again changes nothing: no second move.
        out = self.d.cli_ok("import", "people", self.people_csv({person: "KHTC"}))
        self.assertIn("0 thay đổi", out.stdout)
        self.assertEqual(len(self.stays(person)), 2)

    def test_move_before_the_current_stay_is_refused(self):
        person = next(p["code"] for p in self.people
                      if p["unit_code"] == "VP" and p["is_head"] == "0")
        self.d.cli_ok("import", "people", self.people_csv({person: "KHTC"}, "2025-03-15"))
        before = self.d.db_rows("SELECT * FROM memberships ORDER BY id")
        r = self.d.cli("import", "people",
                       self.people_csv({person: "MT"}, "2025-03-01", name="back.csv"))
        self.assertEqual(r.returncode, os.EX_DATAERR, r)
        self.assertRegex(r.stderr, r"dòng \d+, cột moved_on: .*15/03/2025")
        self.assertEqual(self.d.db_rows("SELECT * FROM memberships ORDER BY id"), before)
        self.assertEqual(self.stays(person)[-1], ("KHTC", "2025-03-15", None))

    def test_people_filter_by_period_needs_a_known_period_and_a_unit(self):
        self.get("/api/v1/people?unit=VP&period=2031-H1", expected=404)
        self.get("/api/v1/people?period=2025-H1", expected=400)
        self.get("/api/v1/people/NOPE", expected=404)


if __name__ == "__main__":
    unittest.main()
