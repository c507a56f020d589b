"""test_api_vocabulary.py — one vocabulary for other systems: every identifier is also
given as `code` (or `unit_code`) beside the contract's older name (`unit`, `person`,
`title`), titles have the shape {code, name, ...} everywhere, and every error a client
can cause says a stable English `code` and a Vietnamese `message`. One daemon with the
demo department.
"""

import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, http_request_bytes  # noqa: E402
from ruleset_2025 import GOOD_PERSON, GOOD_UNIT  # noqa: E402

# A Vietnamese message has at least one letter English does not (đ, ư, ơ, or a tone mark).
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợ"
                        r"ùúủũụưứừửữựỳýỷỹỵđ]", re.IGNORECASE)
ERROR_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class VocabularyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.addClassCleanup(cls.d.close)
        cls.d.__enter__()

    def test_writes_name_their_subject_by_code(self):
        status, _, body = self.d.request("PUT", "/api/v1/periods/2025-H1/units/VP/report",
                                         {"facts": GOOD_UNIT})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["unit"], body["subject"], body["code"]), ("VP", "unit", "VP"))
        status, _, body = self.d.request("PUT", "/api/v1/periods/2025-H1/people/CB0005/facts",
                                         {"facts": GOOD_PERSON})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["person"], body["subject"], body["code"]),
                         ("CB0005", "person", "CB0005"))
        status, _, body = self.d.request("PUT", "/api/v1/campaigns/2025/units/VP/registration",
                                         {"titles": ["TTLDXS"]})
        self.assertEqual(status, 200, body)
        self.assertEqual((body["unit"], body["unit_code"]), ("VP", "VP"))

    def test_titles_have_one_shape(self):
        status, _, body = self.d.request("GET", "/api/v1/periods/2025-H1/nominations")
        self.assertEqual(status, 200, body)
        for lst in body["lists"]:
            self.assertEqual(lst["code"], lst["title"])
            self.assertIsInstance(lst["name"], str)
        self.d.request("PUT", "/api/v1/periods/2025-H1/units/MT/report", {"facts": GOOD_UNIT})
        status, _, ev = self.d.request("GET", "/api/v1/periods/2025-H1/units/MT/evaluation")
        for t in ev["titles"] + ev.get("nominations", []):
            self.assertTrue({"code", "name"} <= set(t), t)

    def test_outbox_and_reminders_name_the_unit_by_code(self):
        r = self.d.cli_ok("remind", "--at", "2025-06-19T10:00", "--dry-run", "--json")
        planned = json.loads(r.stdout)
        self.assertTrue(planned)
        for m in planned:
            self.assertEqual(m["unit_code"], m["unit"])
        self.d.cli_ok("remind", "--at", "2025-06-19T10:00")
        status, _, body = self.d.request("GET", "/api/v1/outbox")
        self.assertTrue(body["messages"])
        for m in body["messages"]:
            self.assertEqual(m["unit_code"], m["unit"])

    def assertVietnameseError(self, status, body, expected, what):
        self.assertEqual(status, expected, "%s: %r" % (what, body))
        error = body["error"]
        self.assertRegex(error["code"], ERROR_CODE, what)
        self.assertRegex(error["message"], VIETNAMESE, "%s: %r" % (what, error))

    def test_errors_are_in_vietnamese_with_a_stable_code(self):
        d = self.d
        cases = [
            ("GET", "/api/v1/units", None, None, 401),
            ("GET", "/api/v1/units", None, "thd_" + "A" * 43, 401),
            ("GET", "/api/v1/outbox?status=lost", None, "admin", 400),
            ("GET", "/api/v1/units?limit=0", None, "admin", 400),
            ("GET", "/api/v1/units?cursor=nope", None, "admin", 400),
            ("GET", "/api/v1/units/NOPE", None, "admin", 404),
            ("GET", "/api/v1/people/NOPE", None, "admin", 404),
            ("GET", "/api/v1/people?period=2025-H1", None, "admin", 400),
            ("GET", "/api/v1/periods/2030-H1/status", None, "admin", 404),
            ("GET", "/api/v1/nothing", None, "admin", 404),
            ("POST", "/api/v1/units", b"", "admin", 405),
            ("POST", "/api/v1/admin/reload", b"", "read", 403),
            ("PUT", "/api/v1/periods/2025-H1/units/MT/report", {"facts": GOOD_UNIT}, "read", 403),
            ("PUT", "/api/v1/periods/2025-H1/units/MT/report", {"facts": GOOD_UNIT},
             "unit:VP", 403),
            ("PUT", "/api/v1/periods/2025-H1/units/VP/report", "{", "admin", 400),
            ("PUT", "/api/v1/periods/2025-H1/units/VP/report", "[1]", "admin", 400),
            ("PUT", "/api/v1/periods/2025-H1/units/VP/report", {"facts": {"nope": 1}},
             "admin", 422),
            ("GET", "/api/v1/campaigns/2031/units/VP/registration", None, "admin", 404),
            ("GET", "/api/v1/campaigns/2025/units/TNN/registration", None, "admin", 404),
            ("GET", "/api/v1/campaigns/2025/units/TNN/registration", None, "unit:VP", 403),
        ]
        for method, path, body, token, expected in cases:
            status, _, answer = d.request(method, path, body, token=token)
            self.assertVietnameseError(status, answer, expected, "%s %s" % (method, path))
        # The protocol's own refusals too.
        for raw, expected in ((b"GET / HTTP/1.1\r\n\r\n", 400),
                              (http_request_bytes("GET", "/api/v1/units/%2e%2e"), 400),
                              (b"POST /api/v1/evaluate HTTP/1.1\r\nHost: a\r\n"
                               b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 411)):
            resp = d.raw(raw)
            self.assertVietnameseError(resp.status, resp.json(), expected, raw[:40])


if __name__ == "__main__":
    unittest.main()
