"""test_http_caching.py — what a client that caches and a proxy that normalises rely on:
every GET answered 200 carries a strong ETag and Cache-Control, If-None-Match gives 304
without a body until the data changes, HEAD is the GET without its body, 405 lists HEAD
beside GET, and paths are percent-decoded before routing (an encoded '/', NUL or dot
segment refused with 400). One daemon with the demo department.
"""

import http.client
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, http_request_bytes  # noqa: E402
from ruleset_2025 import GOOD_PERSON, GOOD_UNIT  # noqa: E402

CACHE_CONTROL = "private, no-cache"


class CachingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.d.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.d.__exit__(None, None, None)

    def exchange(self, method, path, headers=None, token="admin"):
        """(status, headers, body bytes) on a fresh connection."""
        conn = self.d.connection()
        try:
            hdrs = {"Authorization": "Bearer " + self.d.bearer(token)} if token else {}
            hdrs.update(headers or {})
            conn.request(method, path, headers=hdrs)
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            conn.close()

    def test_every_kind_of_get_has_a_strong_etag_and_cache_control(self):
        for path, token in (("/api/v1/units", "admin"), ("/api/v1/units/VP", "read"),
                            ("/healthz", None), ("/metrics", "admin"),
                            ("/api/v1/calendar.ics", None), ("/api/v1/rules", "admin")):
            status, headers, body = self.exchange("GET", path, token=token)
            self.assertEqual(status, 200, path)
            etag = headers.get("ETag") or ""
            self.assertRegex(etag, r'^"[0-9a-f]{32}"$', path)
            self.assertEqual(headers.get("Cache-Control"), CACHE_CONTROL, path)

    def test_if_none_match_gives_304_without_a_body(self):
        status, headers, body = self.exchange("GET", "/api/v1/units/VP")
        etag = headers["ETag"]
        for sent in (etag, "W/" + etag, '"other", ' + etag, "*"):
            status, h304, body304 = self.exchange("GET", "/api/v1/units/VP",
                                                  {"If-None-Match": sent})
            self.assertEqual(status, 304, "If-None-Match: %s" % sent)
            self.assertEqual(body304, b"")
            self.assertEqual(h304["ETag"], etag)
            self.assertEqual(h304.get("Cache-Control"), CACHE_CONTROL)
        status, _, again = self.exchange("GET", "/api/v1/units/VP", {"If-None-Match": '"other"'})
        self.assertEqual(status, 200)
        self.assertEqual(again, body)

    def test_304_keeps_a_keep_alive_connection_in_step(self):
        conn = self.d.connection()
        try:
            auth = {"Authorization": "Bearer " + self.d.bearer("admin")}
            conn.request("GET", "/api/v1/units", headers=auth)
            first = conn.getresponse()
            first.read()
            conn.request("GET", "/api/v1/units",
                         headers=dict(auth, **{"If-None-Match": first.headers["ETag"]}))
            second = conn.getresponse()
            self.assertEqual((second.status, second.read()), (304, b""))
            conn.request("GET", "/healthz")
            third = conn.getresponse()
            self.assertEqual(third.status, 200)
            self.assertIn(b'"status":"ok"', third.read())
        finally:
            conn.close()

    def test_the_etag_changes_when_the_data_does(self):
        path = "/api/v1/periods/2025-H1/units/KHTC/evaluation"
        status, _, _ = self.d.request("PUT", "/api/v1/periods/2025-H1/units/KHTC/report",
                                      {"facts": GOOD_UNIT})
        self.assertEqual(status, 200)
        status, headers, body = self.exchange("GET", path)
        self.assertEqual(status, 200)
        before = headers["ETag"]
        self.assertEqual(self.exchange("GET", path, {"If-None-Match": before})[0], 304)
        status, _, _ = self.d.request("PATCH", "/api/v1/periods/2025-H1/units/KHTC/report",
                                      {"facts": {"exemplary_models": 0, "response_plan": False}})
        self.assertEqual(status, 200)
        status, headers, _ = self.exchange("GET", path, {"If-None-Match": before})
        self.assertEqual(status, 200, "a changed evaluation is sent again")
        self.assertNotEqual(headers["ETag"], before)

    def same_second_pair(self, path):
        """Two GETs of path. The report carries the second it was made (generated_at): a
        pair that straddles a second is taken again, since its bytes differ by right."""
        for _ in range(5):
            a = self.exchange("GET", path)
            b = self.exchange("GET", path)
            made = [re.search(rb'"generated_at":"([^"]*)"', x[2]) for x in (a, b)]
            if not made[0] or not made[1] or made[0].group(1) == made[1].group(1):
                break
        return a, b

    def test_equal_results_are_equal_bytes(self):
        """Two GETs of the same thing, and the same stateless evaluation twice (each runs
        the rules afresh, through Lua tables), give the same bytes and the same tag; so
        does every GET after a restart (a new process: Lua's string hashes are seeded
        anew, so an order taken from a table's iteration would show here)."""
        self.d.request("PUT", "/api/v1/periods/2025-H1/units/VP/report", {"facts": GOOD_UNIT})
        self.d.request("PUT", "/api/v1/periods/2025-H1/people/CB0005/facts",
                       {"facts": GOOD_PERSON})
        paths = ["/api/v1/units", "/api/v1/units/VP", "/api/v1/people?unit=VP",
                 "/api/v1/people/CB0005", "/api/v1/periods/2025-H1/units/VP/evaluation",
                 "/api/v1/periods/2025-H1/people/CB0005/evaluation",
                 "/api/v1/periods/2025-H1/status", "/api/v1/periods/2025-H1/ranking",
                 "/api/v1/periods/2025-H1/nominations", "/api/v1/rules",
                 "/api/v1/periods/2025-H1/report?format=json"]
        # (calendar.ics is left out: its DTSTAMP is the moment it is made, RFC 5545.)
        first = {}
        for path in paths:
            a, b = self.same_second_pair(path)
            self.assertEqual(a[0], 200, path)
            self.assertEqual(a[2], b[2], path)
            self.assertEqual(a[1]["ETag"], b[1]["ETag"], path)
            first[path] = a
        answers = [self.d.request("POST", "/api/v1/evaluate",
                                  {"subject": "person", "facts": GOOD_PERSON})
                   for _ in range(3)]
        self.assertEqual(answers[0][0], 200)
        self.assertTrue(all(a[2] == answers[0][2] for a in answers))
        self.d.restart()
        for path in paths:
            if path.endswith("report?format=json") or path == "/api/v1/rules":
                continue  # carry when they were made: the report's generated_at, the rules'
                # loaded_at (a restart loads them again)
            status, headers, body = self.exchange("GET", path)
            self.assertEqual(body, first[path][2], "%s after a restart" % path)
            self.assertEqual(headers["ETag"], first[path][1]["ETag"], path)

    def test_errors_and_writes_carry_no_etag(self):
        status, headers, _ = self.exchange("GET", "/api/v1/units/NOPE")
        self.assertEqual(status, 404)
        self.assertIsNone(headers.get("ETag"))
        status, headers, _ = self.exchange("GET", "/api/v1/units", token=None)
        self.assertEqual(status, 401)
        self.assertIsNone(headers.get("ETag"))

    def test_head_is_the_get_without_its_body(self):
        for path, token in (("/api/v1/units", "admin"), ("/api/v1/people?unit=VP", "read"),
                            ("/api/v1/calendar.ics", None), ("/metrics", "admin")):
            _, gh, gbody = self.exchange("GET", path, token=token)
            status, hh, hbody = self.exchange("HEAD", path, token=token)
            self.assertEqual(status, 200, path)
            self.assertEqual(hbody, b"", path)
            self.assertEqual(int(hh["Content-Length"]), len(gbody), path)
            if path != "/metrics":  # the request counters move between the two
                self.assertEqual(hh["ETag"], gh["ETag"], path)

    def test_405_allow_lists_head_beside_get(self):
        status, headers, body = self.exchange("POST", "/api/v1/units")
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "GET, HEAD")
        status, headers, body = self.exchange("DELETE",
                                              "/api/v1/periods/2025-H1/units/VP/report")
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "PUT, PATCH, GET, HEAD")
        status, headers, _ = self.exchange(
            "DELETE", "/api/v1/campaigns/2025/units/VP/registration")
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "PUT, GET, HEAD")

    def test_paths_are_percent_decoded_before_routing(self):
        # %56%50 is "VP": the same unit as /api/v1/units/VP, byte for byte.
        status, _, plain = self.exchange("GET", "/api/v1/units/VP")
        status, _, encoded = self.exchange("GET", "/api/v1/units/%56%50")
        self.assertEqual(status, 200)
        self.assertEqual(encoded, plain)
        status, _, body = self.exchange("GET", "/api/%76%31/units")
        self.assertEqual(status, 200)
        # A code with a Vietnamese letter decodes to UTF-8 and is looked up as such: no unit.
        status, _, body = self.exchange("GET", "/api/v1/units/V%C3%9D")
        self.assertEqual(status, 404)
        self.assertIn(b'"unit_not_found"', body)

    def test_unsafe_encodings_are_400(self):
        for path, code in (("/api/v1/units/%2e%2e", "invalid_path"),
                           ("/api/v1/units/..", "invalid_path"),
                           ("/api/v1/units/%2E", "invalid_path"),
                           ("/api/v1/units/%2e%2e/../metrics", "invalid_path"),
                           ("/api/v1/units/V%2FP", "invalid_path"),
                           ("/api/v1/units/V%2fP", "invalid_path"),
                           ("/api/v1/units/V%00P", "invalid_path"),
                           ("/api/v1/units/V%0aP", "invalid_path"),
                           ("/api/v1/units/V%zzP", "invalid_path"),
                           ("/api/v1/units/VP%", "invalid_path"),
                           ("/api/v1/units/V%C3", "invalid_utf8")):
            # Sent raw: http.client would not send "/.." as it is either, but a client may.
            resp = self.d.raw(http_request_bytes("GET", path, token=self.d.bearer("admin")))
            self.assertEqual(resp.status, 400, path)
            error = resp.json()["error"]
            self.assertEqual(error["code"], code, path)
            self.assertRegex(error["message"], "đường dẫn", path)


if __name__ == "__main__":
    unittest.main()
