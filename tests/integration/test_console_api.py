"""test_console_api.py — what the web console serves and the API routes it added (issue 11),
against a running thiduad:

- the static files of web/: types, ETag and 304, Cache-Control, the Content-Security-Policy
  of pages, `/` sending to `/console/`, and nothing outside web/ reachable;
- GET …/units/{code}/report and …/people/{code}/facts: the latest version and its history
  (who, when), with the evaluations' readers (a unit token: its own);
- GET …/status says whether the period is closed;
- POST /api/v1/outbox/{id}/retry (admin) and GET /api/v1/reminders?at= (`remind
  --dry-run` over HTTP, nothing queued; a unit token sees its own unit's);
- GET /api/v1/me: the token's name and scope;
- GET /api/v1/rules: when each year was loaded, and the problems of the last refused reload
  until a reload takes.
"""

import os
import re
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import RULES_DIR, SOURCE_DIR, Daemon  # noqa: E402
from ruleset_2025 import GOOD_UNIT  # noqa: E402

WEB_DIR = os.path.join(SOURCE_DIR, "web")


class ConsoleApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rules_root = tempfile.mkdtemp(prefix="thidua-rules-")
        shutil.copytree(os.path.join(RULES_DIR, "2025"), os.path.join(cls.rules_root, "2025"))
        cls.addClassCleanup(shutil.rmtree, cls.rules_root, True)
        cls.d = Daemon(rules=cls.rules_root, config_extra={"web": WEB_DIR})
        cls.addClassCleanup(cls.d.close)
        cls.d.__enter__()

    # -- static files ------------------------------------------------------------------

    def test_console_page_headers(self):
        status, headers, body = self.d.request("GET", "/console/", token=None)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        with open(os.path.join(WEB_DIR, "index.html"), encoding="utf-8") as f:
            self.assertEqual(body, f.read())
        csp = headers["Content-Security-Policy"]
        self.assertIn("default-src 'none'", csp)
        self.assertIn("script-src 'self'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertIn("no-cache", headers["Cache-Control"])
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        etag = headers["ETag"]
        self.assertRegex(etag, r'^"[0-9a-f]{32}"$')
        status, headers, body = self.d.request("GET", "/console/index.html", token=None,
                                               headers={"If-None-Match": etag})
        self.assertEqual(status, 304)
        self.assertEqual(body, "")
        self.assertEqual(headers["ETag"], etag)

    def test_types_of_modules_and_styles(self):
        status, headers, _ = self.d.request("GET", "/console/js/api.js", token=None)
        self.assertEqual((status, headers["Content-Type"]), (200, "text/javascript; charset=utf-8"))
        self.assertNotIn("Content-Security-Policy", headers)
        status, headers, _ = self.d.request("GET", "/console/style.css", token=None)
        self.assertEqual((status, headers["Content-Type"]), (200, "text/css; charset=utf-8"))

    def test_root_redirects_to_console(self):
        status, headers, _ = self.d.request("GET", "/", token=None)
        self.assertEqual(status, 302)
        self.assertEqual(headers["Location"], "/console/")

    def test_nothing_outside_web(self):
        for path in ("/console/../README.md", "/console/..%2fREADME.md", "/console/%2e%2e/x.js",
                     "/console/.hidden.js", "/console/js/../../README.md", "/console/README.md",
                     "/console/js/nope.js", "/console/a/b/c/d.js", "/console/js/pages/../../../README.md"):
            resp = self.d.raw(("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                               % path).encode())
            self.assertIn(resp.status, (400, 404), path)
            self.assertNotIn(b"thiduad", resp.body, path)

    def test_me_says_the_scope(self):
        status, _, body = self.d.request("GET", "/api/v1/me", token="unit:VP")
        self.assertEqual((status, body), (200, {"name": "it-unit-VP", "scope": "unit",
                                               "unit": "VP"}))
        status, _, body = self.d.request("GET", "/api/v1/me")
        self.assertEqual((body["scope"], body["unit"]), ("admin", None))
        status, _, _ = self.d.request("GET", "/api/v1/me", token=None)
        self.assertEqual(status, 401)

    # -- a report's versions -----------------------------------------------------------

    def test_report_versions_and_readers(self):
        path = "/api/v1/periods/2025-H1/units/VP/report"
        status, _, body = self.d.request("GET", path, token="unit:VP")
        self.assertEqual(status, 200, body)
        self.assertEqual((body["version"], body["facts"], body["versions"]), (0, {}, []))
        for facts in (dict(GOOD_UNIT, tasks_completed=10), GOOD_UNIT):
            status, _, put = self.d.request("PUT", path, {"facts": facts, "note": "lần"},
                                            token="unit:VP")
            self.assertEqual(status, 200, put)
        status, _, body = self.d.request("GET", path, token="unit:VP")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["version"], 2)
        self.assertEqual(body["facts"], GOOD_UNIT)
        self.assertEqual([v["version"] for v in body["versions"]], [1, 2])
        self.assertEqual({v["submitted_by"] for v in body["versions"]}, {"it-unit-VP"})
        self.assertRegex(body["versions"][0]["submitted_at"], r"^\d{4}-\d\d-\d\dT")
        status, _, _ = self.d.request("GET", "/api/v1/periods/2025-H1/units/MT/report",
                                      token="unit:VP")
        self.assertEqual(status, 403)
        status, _, _ = self.d.request("GET", "/api/v1/periods/2025-H1/units/NOPE/report")
        self.assertEqual(status, 404)
        status, _, people = self.d.request("GET", "/api/v1/people?unit=MT")
        other = people["people"][0]["code"]
        status, _, _ = self.d.request("GET", "/api/v1/periods/2025-H1/people/%s/facts" % other,
                                      token="unit:VP")
        self.assertEqual(status, 403)
        status, _, body = self.d.request("GET", "/api/v1/periods/2025-H1/people/%s/facts" % other,
                                         token="read")
        self.assertEqual((status, body["subject"], body["code"]), (200, "person", other))

    def test_status_says_closed(self):
        status, _, body = self.d.request("GET", "/api/v1/periods/2025-Y/status", token="unit:VP")
        self.assertEqual((status, body["closed"]), (200, False))
        status, _, body = self.d.request("POST", "/api/v1/periods/2025-Y/close", {"reason": "x"})
        self.assertEqual(status, 200, body)
        try:
            status, _, body = self.d.request("GET", "/api/v1/periods/2025-Y/status",
                                             token="unit:VP")
            self.assertEqual((status, body["closed"]), (200, True))
        finally:
            self.d.request("POST", "/api/v1/periods/2025-Y/reopen", {"reason": "test"})

    # -- outbox and reminders ------------------------------------------------------------

    def test_reminders_dry_run_and_retry(self):
        before = self.d.db_rows("SELECT count(*) FROM outbox")[0][0]
        status, _, body = self.d.request("GET", "/api/v1/reminders?at=2025-06-19T10:00")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["at"], "2025-06-19T10:00")
        units = {m["unit"] for m in body["messages"]}
        self.assertGreater(len(units), 3)
        self.assertTrue(any("16/06/2025" in m["text"] for m in body["messages"]))
        self.assertEqual(self.d.db_rows("SELECT count(*) FROM outbox")[0][0], before)
        status, _, mine = self.d.request("GET", "/api/v1/reminders?at=2025-06-19T10:00",
                                         token="unit:VP")
        self.assertEqual(status, 200)
        self.assertTrue(all(m["unit"] == "VP" for m in mine["messages"]), mine)
        status, _, _ = self.d.request("GET", "/api/v1/reminders?at=19/06/2025")
        self.assertEqual(status, 400)

        self.d.cli_ok("remind", "--at", "2025-06-19T10:00")
        row = self.d.db_rows("SELECT id FROM outbox ORDER BY id LIMIT 1")[0][0]
        self.d.db_exec("UPDATE outbox SET status = 'failed', attempts = 5, "
                       "last_error = 'smtp: 550' WHERE id = ?", (row,))
        status, _, _ = self.d.request("POST", "/api/v1/outbox/%d/retry" % row, token="read")
        self.assertEqual(status, 403)
        status, _, body = self.d.request("POST", "/api/v1/outbox/%d/retry" % row)
        self.assertEqual(status, 200, body)
        self.assertIn(body["status"], ("queued", "sending", "sent"))
        status, _, body = self.d.request("POST", "/api/v1/outbox/%d/retry" % row)
        self.assertIn(status, (200, 409), body)  # sent again already, or queued: not failed
        status, _, _ = self.d.request("POST", "/api/v1/outbox/999999/retry")
        self.assertEqual(status, 404)

    # -- rules -------------------------------------------------------------------------

    def test_rules_loaded_at_and_last_refusal(self):
        status, _, body = self.d.request("GET", "/api/v1/rules")
        self.assertEqual(status, 200)
        self.assertIsNone(body["last_refused"])
        self.assertRegex(body["years"][0]["loaded_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
        criteria = os.path.join(self.rules_root, "2025", "criteria_tap_the.lua")
        with open(criteria, encoding="utf-8") as f:
            good = f.read()
        try:
            with open(criteria, "w", encoding="utf-8") as f:
                f.write(good + "\nthis is not lua\n")
            status, _, body = self.d.request("POST", "/api/v1/admin/reload", timeout=120)
            self.assertEqual(status, 422, body)
            status, _, body = self.d.request("GET", "/api/v1/rules", token="read")
            refused = body["last_refused"]
            self.assertRegex(refused["at"], r"^\d{4}-\d\d-\d\dT")
            self.assertTrue(any(re.search(r"criteria_tap_the\.lua:\d+:", p)
                                for p in refused["problems"]), refused)
        finally:
            with open(criteria, "w", encoding="utf-8") as f:
                f.write(good)
        status, _, body = self.d.request("POST", "/api/v1/admin/reload", timeout=120)
        self.assertEqual(status, 200, body)
        status, _, body = self.d.request("GET", "/api/v1/rules")
        self.assertIsNone(body["last_refused"])


if __name__ == "__main__":
    unittest.main()
