"""test_openapi.py — GET /api/v1/openapi.json against the daemon that serves it: every
route is called for real (a demo department with facts, registrations and reminders), and
each real answer — the successes and the errors — is validated against the schema the
document gives for that operation, status and media type (python3-jsonschema, draft
2020-12, which OpenAPI 3.1 uses). Every operation of the document must have been called
with a success; every GET's HEAD must be it without the body, and its ETag must give 304.
(tests/unit/test_openapi.c checks the document against the route tables.)
"""

import json
import os
import sys
import unittest

from jsonschema import Draft202012Validator, RefResolver

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_DIR, Daemon, http_request_bytes, wait_until  # noqa: E402
from ruleset_2025 import GOOD_PERSON, GOOD_UNIT  # noqa: E402

DEMO_FACTS = os.path.join(SOURCE_DIR, "etc", "demo", "facts.csv")
METHODS = ("get", "put", "patch", "post", "delete")

P1, PY = "2025-H1", "2025-Y"
REPORT = "/api/v1/periods/{period}/units/{code}/report"
FACTS = "/api/v1/periods/{period}/people/{code}/facts"
REGISTRATION = "/api/v1/campaigns/{year}/units/{code}/registration"

# (method, template, path, body, token, status): in order, as a client would go.
CALLS = [
    ("GET", "/healthz", "/healthz", None, None, 200),
    ("GET", "/metrics", "/metrics", None, "read", 200),
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", None, None, 200),
    ("GET", "/api/v1/units", "/api/v1/units?limit=3", None, "read", 200),
    ("GET", "/api/v1/units", "/api/v1/units", None, "unit:VP", 200),
    ("GET", "/api/v1/units/{code}", "/api/v1/units/SO", None, "read", 200),
    ("GET", "/api/v1/people", "/api/v1/people?unit=VP&period=2025-H1&limit=4", None, "admin",
     200),
    ("GET", "/api/v1/people", "/api/v1/people", None, "unit:VP", 200),
    ("GET", "/api/v1/people/{code}", "/api/v1/people/CB0005", None, "admin", 200),
    ("PUT", REPORT, "/api/v1/periods/2025-H1/units/VP/report",
     {"facts": GOOD_UNIT, "note": "Báo cáo sáu tháng"}, "unit:VP", 200),
    ("PATCH", REPORT, "/api/v1/periods/2025-H1/units/VP/report",
     {"facts": {"exemplary_models": 2}}, "admin", 200),
    ("PUT", FACTS, "/api/v1/periods/2025-H1/people/CB0005/facts", {"facts": GOOD_PERSON},
     "unit:VP", 200),
    ("PATCH", FACTS, "/api/v1/periods/2025-H1/people/CB0005/facts",
     {"facts": {"initiatives": 1}}, "admin", 200),
    ("GET", "/api/v1/periods/{period}/units/{code}/evaluation",
     "/api/v1/periods/2025-H1/units/VP/evaluation", None, "read", 200),
    ("GET", "/api/v1/periods/{period}/people/{code}/evaluation",
     "/api/v1/periods/2025-H1/people/CB0005/evaluation", None, "unit:VP", 200),
    ("GET", "/api/v1/periods/{period}/status", "/api/v1/periods/2025-H1/status", None, "read",
     200),
    ("GET", "/api/v1/periods/{period}/ranking", "/api/v1/periods/2025-H1/ranking", None,
     "read", 200),
    ("PUT", REGISTRATION, "/api/v1/campaigns/2025/units/VP/registration",
     {"titles": ["TTLDXS"], "people": {"CB0005": ["LDTT", "CSTDCS"]}}, "unit:VP", 200),
    ("GET", REGISTRATION, "/api/v1/campaigns/2025/units/VP/registration", None, "read", 200),
    ("GET", "/api/v1/periods/{period}/nominations", "/api/v1/periods/2025-H1/nominations",
     None, "admin", 200),
    ("GET", "/api/v1/periods/{period}/nominations",
     "/api/v1/periods/2025-H1/nominations?format=csv", None, "read", 200),
    ("GET", "/api/v1/periods/{period}/report", "/api/v1/periods/2025-H1/report", None, "read",
     200),
    ("GET", "/api/v1/periods/{period}/report", "/api/v1/periods/2025-H1/report?format=csv",
     None, "admin", 200),
    ("GET", "/api/v1/periods/{period}/report", "/api/v1/periods/2025-H1/report?format=html",
     None, "admin", 200),
    ("GET", "/api/v1/periods/{period}/report", "/api/v1/periods/2025-H1/report?format=xlsx",
     None, "admin", 200),
    ("POST", "/api/v1/evaluate", "/api/v1/evaluate",
     {"subject": "unit", "facts": GOOD_UNIT,
      "members": [{"facts": GOOD_PERSON, "is_head": True}]}, "read", 200),
    ("POST", "/api/v1/evaluate", "/api/v1/evaluate",
     {"subject": "person", "period": "2025-H1", "facts": GOOD_PERSON}, "unit:VP", 200),
    ("GET", "/api/v1/rules", "/api/v1/rules", None, "read", 200),
    ("GET", "/api/v1/rules", "/api/v1/rules?year=2025", None, "unit:VP", 200),
    ("POST", "/api/v1/admin/reload", "/api/v1/admin/reload", None, "admin", 200),
    ("POST", "/api/v1/periods/{period}/close", "/api/v1/periods/2025-H1/close",
     {"reason": "Đã tổng hợp xong"}, "admin", 200),
    ("PUT", REPORT, "/api/v1/periods/2025-H1/units/VP/report", {"facts": GOOD_UNIT},
     "admin", 409),
    ("POST", "/api/v1/periods/{period}/close", "/api/v1/periods/2025-H1/close", None,
     "admin", 409),
    ("POST", "/api/v1/periods/{period}/reopen", "/api/v1/periods/2025-H1/reopen",
     {"reason": "Sửa số liệu của Văn phòng"}, "admin", 200),
    ("POST", "/api/v1/periods/{period}/reopen", "/api/v1/periods/2025-H1/reopen",
     {"reason": "lần nữa"}, "admin", 409),
    ("GET", "/api/v1/outbox", "/api/v1/outbox?limit=2", None, "admin", 200),
    ("GET", "/api/v1/outbox", "/api/v1/outbox?status=queued&unit=VP", None, "unit:VP", 200),
    ("GET", "/api/v1/calendar.ics", "/api/v1/calendar.ics", None, None, 200),
    ("GET", "/api/v1/calendar.ics", "/api/v1/calendar.ics?unit=TNN", None, None, 200),
    # The errors a client meets, each in the shape its operation documents.
    ("GET", "/api/v1/units", "/api/v1/units", None, None, 401),
    ("GET", "/api/v1/units", "/api/v1/units", None, "thd_" + "A" * 43, 401),
    ("GET", "/api/v1/units", "/api/v1/units?limit=0", None, "admin", 400),
    ("GET", "/api/v1/units", "/api/v1/units?cursor=nope", None, "admin", 400),
    ("POST", "/api/v1/units", "/api/v1/units", b"", "admin", 405),
    ("GET", "/api/v1/units/{code}", "/api/v1/units/NOPE", None, "admin", 404),
    ("GET", "/api/v1/units/{code}", "/api/v1/units/%2e%2e", None, "admin", 400),
    ("GET", "/api/v1/people", "/api/v1/people?period=2025-H1", None, "admin", 400),
    ("GET", "/api/v1/people", "/api/v1/people?unit=MT", None, "unit:VP", 403),
    ("GET", "/api/v1/people/{code}", "/api/v1/people/NOPE", None, "admin", 404),
    ("PUT", REPORT, "/api/v1/periods/2025-H1/units/VP/report", {"facts": {"nope": 1}},
     "admin", 422),
    ("PUT", REPORT, "/api/v1/periods/2025-H1/units/VP/report", "{", "admin", 400),
    ("PUT", REPORT, "/api/v1/periods/2025-H1/units/MT/report", {"facts": GOOD_UNIT},
     "unit:VP", 403),
    ("PUT", REPORT, "/api/v1/periods/2030-H1/units/VP/report", {"facts": GOOD_UNIT},
     "admin", 404),
    ("PATCH", FACTS, "/api/v1/periods/2025-H1/people/NOPE/facts", {"facts": GOOD_PERSON},
     "admin", 404),
    ("GET", "/api/v1/periods/{period}/units/{code}/evaluation",
     "/api/v1/periods/2025-H1/units/MT/evaluation", None, "unit:VP", 403),
    ("GET", "/api/v1/periods/{period}/people/{code}/evaluation",
     "/api/v1/periods/2025-H1/people/NOPE/evaluation", None, "admin", 404),
    ("GET", "/api/v1/periods/{period}/status", "/api/v1/periods/2030-H1/status", None,
     "admin", 404),
    ("GET", "/api/v1/periods/{period}/nominations",
     "/api/v1/periods/2025-H1/nominations?format=pdf", None, "admin", 400),
    ("GET", "/api/v1/periods/{period}/report", "/api/v1/periods/2025-H1/report", None,
     "unit:VP", 403),
    ("GET", REGISTRATION, "/api/v1/campaigns/2025/units/TNN/registration", None, "admin",
     404),
    ("PUT", REGISTRATION, "/api/v1/campaigns/2025/units/VP/registration",
     {"titles": ["NOPE"]}, "admin", 422),
    ("POST", "/api/v1/evaluate", "/api/v1/evaluate", {"subject": "tree"}, "admin", 422),
    ("POST", "/api/v1/admin/reload", "/api/v1/admin/reload", None, "read", 403),
    ("GET", "/api/v1/outbox", "/api/v1/outbox?status=lost", None, "admin", 400),
    ("GET", "/api/v1/outbox", "/api/v1/outbox?unit=MT", None, "unit:VP", 403),
    ("GET", "/api/v1/audit", "/api/v1/audit?limit=2", None, "admin", 200),
    ("GET", "/api/v1/audit", "/api/v1/audit?limit=0", None, "admin", 400),
    ("GET", "/api/v1/audit", "/api/v1/audit?cursor=not-a-cursor", None, "admin", 400),
    ("GET", "/api/v1/audit", "/api/v1/audit", None, "read", 403),
    ("GET", "/api/v1/calendar.ics", "/api/v1/calendar.ics?unit=NOPE", None, None, 404),
    ("PUT", "/healthz", "/healthz", b"", None, 405),
    # What the web console reads (README, "The web console"), and its files.
    ("GET", "/api/v1/me", "/api/v1/me", None, "unit:VP", 200),
    ("GET", "/api/v1/me", "/api/v1/me", None, None, 401),
    ("GET", REPORT, "/api/v1/periods/2025-H1/units/VP/report", None, "unit:VP", 200),
    ("GET", REPORT, "/api/v1/periods/2025-H1/units/MT/report", None, "unit:VP", 403),
    ("GET", FACTS, "/api/v1/periods/2025-H1/people/CB0005/facts", None, "read", 200),
    ("GET", FACTS, "/api/v1/periods/2025-H1/people/NOPE/facts", None, "admin", 404),
    ("GET", "/api/v1/reminders", "/api/v1/reminders?at=2025-06-19T10:00", None, "unit:VP", 200),
    ("GET", "/api/v1/reminders", "/api/v1/reminders?at=19/06/2025", None, "admin", 400),
    ("POST", "/api/v1/outbox/{id}/retry", "/api/v1/outbox/{cancelled}/retry", None, "admin",
     200),
    ("POST", "/api/v1/outbox/{id}/retry", "/api/v1/outbox/{cancelled}/retry", None, "admin",
     409),
    ("POST", "/api/v1/outbox/{id}/retry", "/api/v1/outbox/999999/retry", None, "admin", 404),
    ("POST", "/api/v1/outbox/{id}/retry", "/api/v1/outbox/1/retry", None, "read", 403),
    ("GET", "/", "/", None, None, 302),
    ("GET", "/console", "/console/", None, None, 200),
    ("GET", "/console/{file}", "/console/style.css", None, None, 200),
    ("GET", "/console/{file}", "/console/nope.exe", None, None, 404),
    ("GET", "/console/{dir}/{file}", "/console/js/api.js", None, None, 200),
    ("GET", "/console/{dir}/{sub}/{file}", "/console/js/pages/rules.js", None, None, 200),
]


class OpenApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.addClassCleanup(cls.d.close)
        cls.d.__enter__()
        cls.d.cli_ok("import", "facts", DEMO_FACTS)
        cls.d.cli_ok("remind", "--at", "2025-06-19T10:00")
        # The daemon sends them a few at a time: the outbox is read once it has (a GET and
        # the HEAD after it must see the same messages).
        wait_until(lambda: cls.d.db_rows(
            "SELECT count(*) FROM outbox WHERE status = 'queued'")[0][0] == 0,
            what="the reminders sent")
        status, headers, cls.doc = cls.d.request("GET", "/api/v1/openapi.json", token=None)
        assert status == 200, cls.doc
        cls.resolver = RefResolver("", cls.doc)

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            node = self.resolver.resolve(node["$ref"])[1]
        return node

    def documented_response(self, method, template, status):
        operations = self.doc["paths"][template]
        if status == 405:  # the path's other methods document it
            operation = next(operations[m] for m in METHODS if m in operations)
        else:
            operation = operations[method.lower()]
        responses = operation["responses"]
        self.assertIn(str(status), responses,
                      "%s %s: %d is not documented" % (method, template, status))
        return self.resolve(responses[str(status)])

    def check_answer(self, method, template, path, status, headers, raw):
        what = "%s %s -> %d" % (method, path, status)
        response = self.documented_response(method, template, status)
        media = (headers.get("Content-Type") or "").split(";")[0].strip()
        if status == 304:
            self.assertEqual(raw, b"", what)
            return
        self.assertIn(media, response.get("content", {}), what)
        schema = response["content"][media]["schema"]
        if media == "application/json":
            body = json.loads(raw.decode("utf-8"))
            errors = sorted(Draft202012Validator(schema, resolver=self.resolver).iter_errors(body),
                            key=lambda e: list(e.path))
            self.assertEqual(errors and ["%s at %s" % (e.message[:300], list(e.path))
                                         for e in errors[:5]], [], what)

    def exchange(self, method, path, body, token, headers=None):
        conn = self.d.connection()
        try:
            hdrs = dict(headers or {})
            bearer = self.d.bearer(token)
            if bearer:
                hdrs["Authorization"] = "Bearer " + bearer
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode("utf-8")
            elif isinstance(body, str):
                body = body.encode("utf-8")
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            conn.close()

    def test_every_route_answers_as_documented(self):
        succeeded = set()
        # A failed message, for the retry: the reminders of setUpClass went out on the log
        # channel, which does not fail, so one is marked as a gateway would have left it.
        cancelled = str(self.d.db_rows("SELECT min(id) FROM outbox")[0][0])
        self.d.db_exec("UPDATE outbox SET status = 'failed', last_error = 'gateway down' "
                       "WHERE id = ?", (int(cancelled),))
        for method, template, path, body, token, expected in CALLS:
            path = path.replace("{cancelled}", cancelled)
            if path == "/api/v1/units/%2e%2e":  # http.client would not send it as it is
                resp = self.d.raw(http_request_bytes(method, path,
                                                     token=self.d.bearer(token)))
                status, headers, raw = resp.status, resp.headers, resp.body
                headers = {k.title(): v for k, v in headers.items()}
            else:
                status, headers, raw = self.exchange(method, path, body, token)
            self.assertEqual(status, expected, "%s %s: %r" % (method, path, raw[:300]))
            self.check_answer(method, template, path, status, headers, raw)
            if status < 300 or status == 302:  # "/" answers by sending the browser on
                succeeded.add((method.lower(), template))
            if method == "GET" and status == 200:
                self.check_head_and_304(template, path, token, headers, raw)
        described = {(m, p) for p, ops in self.doc["paths"].items() for m in METHODS
                     if m in ops}
        self.assertEqual(described - succeeded, set(), "operations never called with success")

    def check_head_and_304(self, template, path, token, headers, raw):
        status, head_headers, head_raw = self.exchange("HEAD", path, None, token)
        self.assertEqual(status, 200, "HEAD " + path)
        self.assertEqual(head_raw, b"", "HEAD " + path)
        if template not in ("/metrics", "/api/v1/calendar.ics", "/api/v1/periods/{period}/report"):
            # (those three say the moment they were made: their bytes move with the clock)
            self.assertEqual(int(head_headers["Content-Length"]), len(raw), "HEAD " + path)
            status, h304, raw304 = self.exchange("GET", path, None, token,
                                                 {"If-None-Match": headers["ETag"]})
            self.assertEqual(status, 304, "If-None-Match on " + path)
            self.check_answer("GET", template, path, 304, h304, raw304)

    def test_the_document_is_served_as_written(self):
        with open(os.path.join(SOURCE_DIR, "core", "http", "openapi.json"), "rb") as f:
            written = f.read()
        status, _, raw = self.exchange("GET", "/api/v1/openapi.json", None, None)
        self.assertEqual(status, 200)
        self.assertEqual(raw, written)
        self.assertTrue(self.doc["openapi"].startswith("3.1."))
        for name, schema in self.doc["components"]["schemas"].items():
            Draft202012Validator.check_schema(schema)


if __name__ == "__main__":
    unittest.main()
