"""test_response_cache.py — GET …/evaluation answered from memory (http/response_cache.h,
and the token cache of domain/tokens.c) never shows what is no longer true:

- a submission through the API is seen by the next GET (this process's commit);
- facts imported by `thiduad import` in another process are seen by the next GET;
- a token revoked by `thiduad token revoke` is refused on its next request;
- a unit token never receives what was kept for an admin token (another unit's answer);
- the kept answer is byte for byte what the daemon makes, with the same ETag, and 304s.
"""
import csv
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402
from ruleset_2025 import GOOD_UNIT  # noqa: E402

PERIOD = "2025-H1"
EVAL = "/api/v1/periods/%s/units/%%s/evaluation" % PERIOD


class ResponseCacheTest(unittest.TestCase):
    def setUp(self):
        self.d = Daemon()
        self.d.__enter__()
        self.addCleanup(self.d.close)

    def get(self, code, token="admin", headers=None):
        conn = self.d.connection()
        try:
            h = dict(headers or {})
            bearer = self.d.bearer(token)
            if bearer:
                h["Authorization"] = "Bearer " + bearer
            conn.request("GET", EVAL % code, headers=h)
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            conn.close()

    def score(self, code, token="admin"):
        status, _, body = self.d.request("GET", EVAL % code, token=token)
        self.assertEqual(status, 200, body)
        return body["score"]

    def test_a_submission_is_seen_at_once(self):
        self.d.request("PUT", "/api/v1/periods/%s/units/VP/report" % PERIOD, {"facts": GOOD_UNIT})
        full = self.score("VP")
        self.assertEqual(self.score("VP"), full)  # kept now
        worse = dict(GOOD_UNIT, tasks_completed=10)
        status, _, body = self.d.request("PUT", "/api/v1/periods/%s/units/VP/report" % PERIOD,
                                         {"facts": worse})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.score("VP"), body["evaluation"]["score"])
        self.assertLess(self.score("VP"), full)

    def test_an_import_in_another_process_is_seen_at_once(self):
        self.d.request("PUT", "/api/v1/periods/%s/units/VP/report" % PERIOD, {"facts": GOOD_UNIT})
        before = self.score("VP")
        self.assertEqual(self.score("VP"), before)
        path = os.path.join(self.d.dir, "facts.csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["period", "subject", "code", "fact", "value"])
            w.writerow([PERIOD, "unit", "VP", "tasks_completed", "10"])
        self.d.cli_ok("import", "facts", path)
        self.assertLess(self.score("VP"), before)

    def test_a_revoked_token_is_refused_on_its_next_request(self):
        self.assertEqual(self.get("VP", token="read")[0], 200)
        self.assertEqual(self.get("VP", token="read")[0], 200)  # the token is known now
        names = [t for t in self.d.cli_ok("token", "list").stdout.split() if "read" in t]
        self.assertTrue(names)
        self.d.cli_ok("token", "revoke", names[0])
        self.assertEqual(self.get("VP", token="read")[0], 401)

    def test_a_unit_token_does_not_get_what_was_kept_for_an_admin(self):
        self.d.request("PUT", "/api/v1/periods/%s/units/MT/report" % PERIOD, {"facts": GOOD_UNIT})
        self.assertEqual(self.get("MT")[0], 200)
        self.assertEqual(self.get("MT")[0], 200)
        self.assertEqual(self.get("MT", token="unit:VP")[0], 403)

    def test_kept_answers_are_the_made_ones_and_revalidate(self):
        self.d.request("PUT", "/api/v1/periods/%s/units/VP/report" % PERIOD, {"facts": GOOD_UNIT})
        first = self.get("VP")
        second = self.get("VP")
        self.assertEqual(first[2], second[2])
        self.assertEqual(first[1]["ETag"], second[1]["ETag"])
        self.d.restart()  # a new process makes it afresh: the same bytes
        third = self.get("VP")
        self.assertEqual(third[2], first[2])
        status, headers, body = self.get("VP", headers={"If-None-Match": first[1]["ETag"]})
        self.assertEqual((status, body), (304, b""))
        self.assertEqual(self.get("VP", headers={"If-None-Match": first[1]["ETag"]})[0], 304)


if __name__ == "__main__":
    unittest.main()
