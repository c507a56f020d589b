"""ruleset_2025.py — facts of the 2025 ruleset (rules/2025/facts.lua) that the rules tests
submit over HTTP, and small helpers shared by test_rules_api.py and test_rules_reload.py.

The facts mirror the ruleset's own tests (rules/2025/tests/): a unit meeting TT1–TT6 rated
HTXS scores 100; a person meeting CN1 and CN3–CN6 who worked the whole year is LDTT and
scores 85 (no initiative, so CN2 fails and there is no CSTDCS). A person hired during the
period reports no more months than the hiring date leaves (facts_for).
"""

import datetime
import re

# A unit meeting every collective criterion (100 points), rated HTXS.
GOOD_UNIT = {
    "response_plan": True, "work_programme_approved": True,
    "tasks_assigned": 20, "tasks_completed": 20,
    "legal_docs_assigned": 2, "legal_docs_completed": 2,
    "restructuring_on_time": True, "discipline_violations": 0,
    "exemplary_models": 1, "internal_solidarity": True, "unit_rating": "HTXS",
}
UNIT_CRITERIA = ["TT1", "TT2", "TT3", "TT4", "TT5", "TT6"]
UNIT_TITLES = ["TTLDTT", "TTLDXS"]
UNIT_POINTS = {"TT1": 15, "TT2": 20, "TT3": 20, "TT4": 15, "TT5": 15, "TT6": 15}

# A person meeting CN1 and CN3–CN6 who worked 6 months of 2025 (enough for LDTT, and
# possible in the six-month period too, which has only 6: months_worked counts the months
# up to the period's end): LDTT, not CSTDCS, 85 points.
GOOD_PERSON = {
    "rating": "HTT", "months_worked": 6, "initiatives": 0,
    "responsibility": True, "obeys_assignment": True, "movement_participation": True,
    "discipline": "none",
}
# The same with an initiative and HTXS: also CSTDCS, 100 points.
EXCELLENT_PERSON = dict(GOOD_PERSON, rating="HTXS", initiatives=1)
PERSON_CRITERIA = ["CN1", "CN2", "CN3", "CN4", "CN5", "CN6", "CN7"]
PERSON_TITLES = ["LDTT", "CSTDCS"]

EVALUATION_KEYS = {"period", "subject", "code", "score", "rules_hash", "criteria", "titles"}
CRITERION_KEYS = {"id", "title", "passed", "points", "reason"}
TITLE_KEYS = {"code", "name", "eligible", "reasons"}

FILE_LINE = re.compile(r"[\w./+-]+\.lua:\d+: \S")

# Vietnam has kept UTC+7 without daylight saving since 1975: the daemon's local date.
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))


def today_in_vietnam():
    return datetime.datetime.now(VIETNAM).date().isoformat()


def unit_facts(**changes):
    return dict(GOOD_UNIT, **changes)


def person_facts(**changes):
    return dict(GOOD_PERSON, **changes)


def months_available(hired_on, period):
    """The months from the hiring date, or the period's start if later, to the period's end
    (a month begun counts whole), as rules/2025/facts.lua bounds months_worked."""
    start, end = "2025-01-01", ("2025-06-30" if period.endswith("H1") else "2025-12-31")
    first = max(hired_on or start, start)
    if first > end:
        return 0
    return (int(end[:4]) * 12 + int(end[5:7])) - (int(first[:4]) * 12 + int(first[5:7])) + 1


def facts_for(person, period, facts):
    """facts with months_worked cut to what `person` ({hired_on}) can have in `period`."""
    months = min(facts["months_worked"], months_available(person.get("hired_on"), period))
    return dict(facts, months_worked=months)


def by_key(items, key):
    """A list of dicts as {item[key]: item}; fails on a duplicate key."""
    out = {}
    for item in items:
        assert item[key] not in out, "%s %r listed twice in %r" % (key, item[key], items)
        out[item[key]] = item
    return out


class EvaluationAsserts:
    """Mixin for unittest.TestCase: the public shape of an evaluation."""

    def assertEvaluation(self, e, period, subject, code, rules_hash=None):
        """Checks the shape and the arithmetic; returns (criteria by id, titles by code)."""
        what = "%s %s %s" % (period, subject, code)
        self.assertIsInstance(e, dict, what)
        self.assertLessEqual(EVALUATION_KEYS, set(e), "%s: %r" % (what, e))
        self.assertEqual((e["period"], e["subject"], e["code"]), (period, subject, code), what)
        if rules_hash is not None:
            self.assertEqual(e["rules_hash"], rules_hash, what)
        self.assertRegex(e["rules_hash"], r"^[0-9a-f]{64}$", what)
        self.assertIsInstance(e["criteria"], list, what)
        self.assertIsInstance(e["titles"], list, what)
        for c in e["criteria"]:
            self.assertLessEqual(CRITERION_KEYS, set(c), "%s: %r" % (what, c))
            self.assertIsInstance(c["id"], str)
            self.assertIsInstance(c["title"], str)
            self.assertTrue(c["title"], c)
            self.assertIsInstance(c["passed"], bool, c)
            self.assertIsInstance(c["points"], (int, float), c)
            if c["passed"]:
                self.assertIsNone(c["reason"], "%s: a passed criterion has a reason: %r" % (
                    what, c))
            else:
                self.assertEqual(c["points"], 0, "%s: a failed criterion scores: %r" % (what, c))
                if c.get("applicable", True):
                    self.assertIsInstance(c["reason"], str, "%s: no reason: %r" % (what, c))
                    self.assertTrue(c["reason"], c)
        self.assertEqual(e["score"], sum(c["points"] for c in e["criteria"]),
                         "%s: the score is not the sum of the criteria's points" % what)
        for t in e["titles"]:
            self.assertLessEqual(TITLE_KEYS, set(t), "%s: %r" % (what, t))
            self.assertIsInstance(t["code"], str)
            self.assertIsInstance(t["name"], str)
            self.assertIsInstance(t["eligible"], bool, t)
            self.assertIsInstance(t["reasons"], list, t)
            self.assertTrue(all(isinstance(r, str) and r for r in t["reasons"]), t)
            if not t["eligible"]:
                self.assertTrue(t["reasons"], "%s: %s refused without a reason" % (
                    what, t["code"]))
        criteria, titles = by_key(e["criteria"], "id"), by_key(e["titles"], "code")
        if subject == "unit":
            self.assertEqual(list(criteria), UNIT_CRITERIA, what)
            self.assertEqual(list(titles), UNIT_TITLES, what)
        else:
            self.assertEqual(list(criteria), PERSON_CRITERIA, what)
            self.assertEqual(list(titles), PERSON_TITLES, what)
        return criteria, titles

    def assertErrorShape(self, status, body, expected_status, context=""):
        self.assertEqual(status, expected_status, "%s: %r" % (context, body))
        self.assertIsInstance(body, dict, "%s: %r" % (context, body))
        err = body.get("error")
        self.assertIsInstance(err, dict, "%s: %r" % (context, body))
        self.assertIsInstance(err.get("code"), str, context)
        self.assertTrue(err["code"], context)
        self.assertIsInstance(err.get("message"), str, context)
        self.assertTrue(err["message"], context)
        return err
