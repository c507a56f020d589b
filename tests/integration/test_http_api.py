"""test_http_api.py — the HTTP API of a running thiduad, endpoint by endpoint, and the
protocol limits it promises (400, 401, 404, 405, 408, 411, 413, 431), keep-alive and
/metrics. One daemon with the demo department serves the whole file; limits are set small
so the limit tests stay fast: body 2048 bytes, headers 4096 bytes, read_timeout 1 s.
"""

import json
import os
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEMO_PEOPLE, DEMO_UNITS, JSON_TYPE, Daemon, http_request_bytes,  # noqa: E402
                     metric, read_csv, read_response, wait_readable)

UNIT_FIELDS = {"code", "name", "parent_code", "kind", "email", "phone", "valid_from", "valid_to",
               "merged_into", "head", "people"}
PERSON_FIELDS = {"code", "full_name", "unit_code", "position", "is_head", "email", "phone",
                 "hired_on"}


def schema_version(path):
    conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def e164(national):
    """The demo files hold Vietnamese national numbers (0xxxxxxxxx)."""
    assert national.startswith("0"), national
    return "+84" + national[1:]


def or_none(text):
    return text if text != "" else None


class HttpApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon(limits={"body_bytes": 2048, "header_bytes": 4096, "read_timeout": 1})
        cls.addClassCleanup(cls.d.close)
        cls.d.__enter__()
        cls.units_csv = read_csv(DEMO_UNITS)
        cls.people_csv = read_csv(DEMO_PEOPLE)

    # -- helpers ---------------------------------------------------------------------------

    def get(self, path, token="admin", **kw):
        return self.d.request("GET", path, token=token, **kw)

    def assertJsonError(self, status, headers, body, expected_status, context=""):
        """The error shape of the contract: {"error": {"code": str, "message": str}}."""
        self.assertEqual(status, expected_status, "%s: %r" % (context, body))
        self.assertEqual(headers.get("Content-Type"), JSON_TYPE, context)
        self.assertIsInstance(body, dict, context)
        self.assertIn("error", body, context)
        err = body["error"]
        self.assertIsInstance(err.get("code"), str, context)
        self.assertTrue(err["code"], context)
        self.assertIsInstance(err.get("message"), str, context)
        self.assertTrue(err["message"], context)

    def assertRawJsonError(self, resp, expected_status, context=""):
        self.assertIsNotNone(resp, "%s: the connection closed without a response" % context)
        self.assertEqual(resp.status, expected_status, "%s: %r" % (context, resp))
        self.assertEqual(resp.headers.get("content-type"), JSON_TYPE, context)
        body = resp.json()
        self.assertIsInstance(body.get("error", {}).get("code"), str, context)
        self.assertIsInstance(body["error"].get("message"), str, context)

    def assertClosedAfter(self, sock, context=""):
        """The server closes the connection (EOF or reset) after its error response."""
        sock.settimeout(10)
        try:
            self.assertEqual(sock.recv(1), b"", "%s: expected the connection closed" % context)
        except ConnectionResetError:
            pass

    # -- endpoints -------------------------------------------------------------------------

    def test_healthz_needs_no_token(self):
        status, headers, body = self.get("/healthz", token=None)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("Content-Type"), JSON_TYPE)
        self.assertEqual(body["status"], "ok")
        self.assertIn("rules_hash", body)
        self.assertIsInstance(body["schema_version"], int)
        self.assertGreaterEqual(body["schema_version"], 2)
        self.assertEqual(body["schema_version"], schema_version(self.d.database))

    def test_units_list_matches_the_demo_file(self):
        status, headers, body = self.get("/api/v1/units")
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("Content-Type"), JSON_TYPE)
        units = {u["code"]: u for u in body["units"]}
        self.assertEqual(len(body["units"]), 16)
        self.assertEqual(set(units), {row["code"] for row in self.units_csv})
        for row in self.units_csv:
            u = units[row["code"]]
            self.assertLessEqual(UNIT_FIELDS, set(u), u)
            self.assertEqual(u["name"], row["name"])  # Vietnamese, byte for byte
            self.assertEqual(u["parent_code"], or_none(row["parent_code"]))
            self.assertEqual(u["kind"], row["kind"])
            self.assertEqual(u["email"], row["email"])
            self.assertEqual(u["phone"], e164(row["phone"]))
            self.assertRegex(u["phone"], r"^\+84\d{9,10}$")
            self.assertEqual(u["valid_from"], or_none(row["valid_from"]))
            self.assertEqual(u["valid_to"], or_none(row["valid_to"]))
            self.assertEqual(u["merged_into"], or_none(row["merged_into"]))
        self.assertEqual(units["KHTC"]["name"], "Phòng Kế hoạch, Tài chính")

    def test_unit_by_code(self):
        status, headers, vp = self.get("/api/v1/units/VP")
        self.assertEqual(status, 200, vp)
        self.assertEqual(headers.get("Content-Type"), JSON_TYPE)
        self.assertLessEqual(UNIT_FIELDS | {"children"}, set(vp))
        self.assertEqual(vp["code"], "VP")
        self.assertEqual(vp["name"], "Văn phòng Sở")
        self.assertEqual(vp["parent_code"], "SO")
        self.assertEqual(vp["kind"], "office")
        self.assertEqual(vp["phone"], "+84962344386")
        self.assertIsNone(vp["valid_to"])
        self.assertIsNone(vp["merged_into"])
        members = [p for p in self.people_csv if p["unit_code"] == "VP"]
        self.assertEqual(vp["people"], len(members))
        self.assertEqual(vp["head"], [p["code"] for p in members if p["is_head"] == "1"][0])
        self.assertEqual(vp["children"], [])

        status, _, so = self.get("/api/v1/units/SO")
        self.assertEqual(status, 200, so)
        self.assertIsNone(so["parent_code"])
        self.assertEqual(sorted(so["children"]),
                         sorted(r["code"] for r in self.units_csv if r["parent_code"] == "SO"))

        status, _, hx = self.get("/api/v1/units/PTNMT-HX")
        self.assertEqual(status, 200, hx)
        self.assertEqual(hx["name"], "Phòng Tài nguyên và Môi trường huyện Hòa Xuyên")
        self.assertEqual(hx["valid_to"], "2025-06-30")
        self.assertEqual(hx["merged_into"], "SO")

    def test_unknown_unit_is_404(self):
        for path in ("/api/v1/units/NOPE", "/api/v1/units/%E1%BA%A0"):
            status, headers, body = self.get(path)
            self.assertJsonError(status, headers, body, 404, path)
        # An encoded '/' is no code: 400 (test_http_caching.py has the other refusals).
        status, headers, body = self.get("/api/v1/units/a%2Fb")
        self.assertJsonError(status, headers, body, 400, "/api/v1/units/a%2Fb")

    def test_people_all(self):
        status, headers, body = self.get("/api/v1/people")
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("Content-Type"), JSON_TYPE)
        people = {p["code"]: p for p in body["people"]}
        self.assertEqual(len(body["people"]), 150)
        for row in self.people_csv:
            p = people[row["code"]]
            self.assertLessEqual(PERSON_FIELDS, set(p), p)
            self.assertEqual(p["full_name"], row["full_name"])
            self.assertEqual(p["unit_code"], row["unit_code"])
            self.assertEqual(p["position"], row["position"])
            self.assertIs(p["is_head"], row["is_head"] == "1")
            self.assertEqual(p["email"], row["email"])
            self.assertEqual(p["phone"], e164(row["phone"]))
            self.assertEqual(p["hired_on"], row["hired_on"])
        self.assertEqual(people["CB0001"]["full_name"], "Trần Bích Hằng")

    def test_people_filtered_by_unit(self):
        for code in ("VP", "SO", "PTNMT-AT"):
            status, _, body = self.get("/api/v1/people?unit=" + code)
            self.assertEqual(status, 200, body)
            got = sorted(p["code"] for p in body["people"])
            expected = sorted(r["code"] for r in self.people_csv if r["unit_code"] == code)
            self.assertEqual(got, expected, code)
            self.assertTrue(all(p["unit_code"] == code for p in body["people"]))
            self.assertEqual(sum(p["is_head"] for p in body["people"]), 1, code)
        # The query value is percent-decoded ("V%50" is "VP").
        status, _, body = self.get("/api/v1/people?unit=V%50")
        self.assertEqual(status, 200, body)
        self.assertEqual(len(body["people"]), 13)

    def test_people_of_unknown_unit_is_404(self):
        status, headers, body = self.get("/api/v1/people?unit=NOPE")
        self.assertJsonError(status, headers, body, 404)

    def test_unknown_path_is_404(self):
        # "/" sends a browser to the web console (test_console_api).
        for path in ("/api/v1/nothing", "/console/nothing.js", "/api/v2/units", "/api/v1/units/VP/extra",
                     "/healthz/x"):
            status, headers, body = self.get(path)
            self.assertJsonError(status, headers, body, 404, path)

    def test_head_answers_like_get_without_a_body(self):
        conn = self.d.connection(10)
        try:
            conn.request("GET", "/api/v1/units/VP", headers={"Authorization": "Bearer " + self.d.bearer("admin")})
            got = conn.getresponse()
            get_body = got.read()
            conn.request("HEAD", "/api/v1/units/VP", headers={"Authorization": "Bearer " + self.d.bearer("admin")})
            head = conn.getresponse()
            self.assertEqual(head.status, 200)
            self.assertEqual(head.read(), b"")
            self.assertEqual(int(head.getheader("Content-Length")), len(get_body))
            self.assertEqual(head.getheader("Content-Type"), JSON_TYPE)
            # The connection is still in step: the next request gets its own answer.
            conn.request("GET", "/healthz")
            after = conn.getresponse()
            self.assertEqual(after.status, 200)
            self.assertEqual(json.loads(after.read())["status"], "ok")
        finally:
            conn.close()

    def test_wrong_method_is_405_with_allow(self):
        for method, path in (("POST", "/api/v1/units"), ("DELETE", "/api/v1/units/VP"),
                             ("PUT", "/healthz"), ("POST", "/metrics")):
            status, headers, body = self.d.request(method, path, body=b"")
            self.assertJsonError(status, headers, body, 405, "%s %s" % (method, path))
            allow = [m.strip() for m in (headers.get("Allow") or "").split(",")]
            self.assertIn("GET", allow, "%s %s: Allow = %r" % (method, path, headers.get("Allow")))
            self.assertNotIn(method, allow)

    # -- authentication --------------------------------------------------------------------

    def test_auth(self):
        for path in ("/api/v1/units", "/api/v1/units/VP", "/api/v1/people?unit=VP", "/metrics"):
            status, headers, body = self.get(path, token=None)
            self.assertJsonError(status, headers, body, 401, path + " without a token")
            status, headers, body = self.get(path, token="thd_" + "A" * 43)
            self.assertJsonError(status, headers, body, 401, path + " with a made-up token")
            status, headers, body = self.get(
                path, token=None, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
            self.assertJsonError(status, headers, body, 401, path + " with Basic auth")
            # A real token with one character changed.
            real = self.d.tokens["read"]
            forged = real[:-1] + ("A" if real[-1] != "A" else "B")
            status, headers, body = self.get(path, token=forged)
            self.assertJsonError(status, headers, body, 401, path + " with a forged token")
            for scope in ("read", "admin", "unit:VP"):
                status, _, body = self.get(path, token=scope)
                self.assertEqual(status, 200, "%s with the %s token: %r" % (path, scope, body))

    # -- protocol errors and limits --------------------------------------------------------

    def test_malformed_request_line_is_400(self):
        for data in (b"GARBAGE\r\n\r\n",
                     b"GET /healthz\r\nHost: x\r\n\r\n",
                     b"GET healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                     b"GET /healthz HTTP/1.1\r\nno colon here\r\n\r\n",
                     b"GET /healthz HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                     b"GET /healthz HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n"):
            with self.d.connect() as s:
                s.sendall(data)
                resp = read_response(s)
                self.assertRawJsonError(resp, 400, repr(data))
                self.assertClosedAfter(s, repr(data))

    def test_conflicting_content_lengths_are_400(self):
        # RFC 9112 section 6.3: differing Content-Length values make the framing invalid;
        # the server must answer 400 and close. Taking either value lets the rest of the
        # bytes be read as a second, smuggled request.
        smuggled = http_request_bytes("GET", "/api/v1/units/VP", token=self.d.tokens["read"])
        data = (b"POST /api/v1/units HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n"
                b"Content-Length: 0\r\n\r\n" % len(smuggled)) + smuggled
        with self.d.connect() as s:
            s.sendall(data)
            buf = bytearray()
            resp = read_response(s, buffer=buf)
            self.assertIsNotNone(resp, "no answer")
            self.assertEqual(resp.status, 400,
                             "two different Content-Length headers were accepted (answered %d); "
                             "the bytes after the head are then parsed as a request of their own"
                             % resp.status)
            self.assertRawJsonError(resp, 400, "conflicting Content-Length")
            self.assertClosedAfter(s, "conflicting Content-Length")

    def test_body_over_limit_is_413_before_the_body_is_read(self):
        # Only the head is sent: the answer must come from Content-Length alone.
        with self.d.connect() as s:
            s.sendall(http_request_bytes("POST", "/api/v1/units", token=self.d.tokens["admin"],
                                         headers={"Content-Type": "application/json",
                                                  "Content-Length": "10000000"}))
            resp = read_response(s)
            self.assertRawJsonError(resp, 413, "Content-Length 10000000, no body sent")
            self.assertClosedAfter(s)
        # A body just over the limit, sent in full.
        body = b'{"x":"' + b"a" * 2100 + b'"}'
        status, headers, parsed = self.d.request("POST", "/api/v1/units", body=body)
        self.assertJsonError(status, headers, parsed, 413, "a %d-byte body" % len(body))
        # Up to the limit is not 413 (the route then answers: 405, as it takes no POST).
        status, _, parsed = self.d.request("POST", "/api/v1/units", body=b"a" * 2048)
        self.assertNotEqual(status, 413, parsed)

    def test_huge_headers_are_431(self):
        cases = {
            "one huge header": http_request_bytes("GET", "/healthz",
                                                  headers={"X-Big": "a" * 20000}),
            "headers just over the limit": http_request_bytes(
                "GET", "/healthz", headers={"X-Big": "a" * 4100}),
            "many small headers": http_request_bytes(
                "GET", "/healthz", headers={"X-H%d" % i: "v" for i in range(100)}),
        }
        for name, data in cases.items():
            with self.d.connect() as s:
                try:
                    s.sendall(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the server may answer and close before taking it all
                resp = read_response(s)
                self.assertRawJsonError(resp, 431, name)
        # Headers under the limit are fine.
        resp = self.d.raw(http_request_bytes("GET", "/healthz", headers={"X-Big": "a" * 3000}))
        self.assertEqual(resp.status, 200, resp)

    def test_chunked_body_is_411(self):
        with self.d.connect() as s:
            s.sendall(http_request_bytes(
                "POST", "/api/v1/units", token=self.d.tokens["admin"],
                headers={"Transfer-Encoding": "chunked", "Content-Type": "application/json"})
                + b"2\r\n{}\r\n0\r\n\r\n")
            resp = read_response(s)
            self.assertRawJsonError(resp, 411, "chunked")
            self.assertClosedAfter(s)

    def test_slow_client_gets_408_and_others_are_served_meanwhile(self):
        half_head = http_request_bytes("GET", "/api/v1/units",
                                       token=self.d.tokens["read"])[:-2]  # no blank line
        half_body = http_request_bytes("POST", "/api/v1/units", token=self.d.tokens["read"],
                                       headers={"Content-Length": "100"}) + b'{"a":'
        stalled = []
        try:
            for data in (half_head, half_body):
                s = self.d.connect()
                stalled.append(s)
                s.sendall(data)
            # While both stall, the daemon answers everybody else.
            for _ in range(3):
                status, _, body = self.get("/api/v1/units", token="read")
                self.assertEqual(status, 200, body)
                self.assertEqual(len(body["units"]), 16)
            for s, name in zip(stalled, ("stalled in the head", "stalled in the body")):
                resp = read_response(s, timeout=20)
                self.assertRawJsonError(resp, 408, name)
                self.assertClosedAfter(s, name)
        finally:
            for s in stalled:
                s.close()
        status, _, _ = self.get("/healthz", token=None)
        self.assertEqual(status, 200)

    # -- connections -----------------------------------------------------------------------

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        conn = self.d.connection()
        try:
            status, headers, body = self.d.request("GET", "/api/v1/units/VP", conn=conn)
            self.assertEqual(status, 200, body)
            self.assertNotEqual((headers.get("Connection") or "").lower(), "close")
            local = conn.sock.getsockname()
            # Idle for longer than read_timeout (1 s): idle_timeout (60 s) is what applies.
            self.assertFalse(wait_readable(conn.sock, 1.5), "the idle connection was closed")
            status, _, body = self.d.request("GET", "/api/v1/people?unit=VP", conn=conn)
            self.assertEqual(status, 200, body)
            self.assertIsNotNone(conn.sock, "the server closed the keep-alive connection")
            self.assertEqual(conn.sock.getsockname(), local, "a new connection was opened")
        finally:
            conn.close()

    def test_pipelined_requests_are_answered_in_order(self):
        token = self.d.tokens["read"]
        data = (http_request_bytes("GET", "/api/v1/units/VP", token=token)
                + http_request_bytes("GET", "/api/v1/units/NOPE", token=token)
                + http_request_bytes("GET", "/healthz"))
        with self.d.connect() as s:
            s.sendall(data)
            buf = bytearray()
            first, second, third = (read_response(s, buffer=buf) for _ in range(3))
        self.assertEqual((first.status, second.status, third.status), (200, 404, 200))
        self.assertEqual(first.json()["code"], "VP")
        self.assertIn("error", second.json())
        self.assertEqual(third.json()["status"], "ok")

    def test_connection_close_and_http10_are_honoured(self):
        for data in (http_request_bytes("GET", "/healthz", headers={"Connection": "close"}),
                     b"GET /healthz HTTP/1.0\r\n\r\n"):
            with self.d.connect() as s:
                s.sendall(data)
                resp = read_response(s)
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(resp.headers.get("connection", "").lower(), "close")
                self.assertClosedAfter(s, repr(data))

    # -- metrics ---------------------------------------------------------------------------

    def test_metrics_count_requests_by_route_and_status(self):
        before = self.d.metrics()
        for _ in range(3):
            self.assertEqual(self.get("/api/v1/units", token="read")[0], 200)
        self.assertEqual(self.get("/api/v1/units", token=None)[0], 401)
        self.assertEqual(self.get("/api/v1/units/VP")[0], 200)
        self.assertEqual(self.get("/api/v1/units/KHTC")[0], 200)
        self.assertEqual(self.get("/api/v1/units/NOPE")[0], 404)
        self.assertEqual(self.get("/healthz", token=None)[0], 200)
        self.assertEqual(self.get("/no/such/thing-xyz")[0], 404)
        status, _, text = self.get("/metrics")
        self.assertEqual(status, 200, text)
        after = self.d.metrics()

        def delta(route, status):
            name = "thidua_http_requests_total"
            return (metric(after, name, route=route, status=str(status))
                    - metric(before, name, route=route, status=str(status)))

        self.assertEqual(delta("/api/v1/units", 200), 3)
        self.assertEqual(delta("/api/v1/units", 401), 1)
        self.assertEqual(delta("/api/v1/units/{code}", 200), 2)  # the route, not the path
        self.assertEqual(delta("/api/v1/units/{code}", 404), 1)
        self.assertEqual(delta("/healthz", 200), 1)
        self.assertEqual(delta("/metrics", 200), 2)  # the scrape above and the `before` one
        # Unknown paths are counted, but not under their own label (bounded cardinality).
        unknown = sum(v for (name, labels), v in after.items()
                      if name == "thidua_http_requests_total" and ("status", "404") in labels
                      and not dict(labels)["route"].startswith("/api/"))
        unknown_before = sum(v for (name, labels), v in before.items()
                             if name == "thidua_http_requests_total"
                             and ("status", "404") in labels
                             and not dict(labels)["route"].startswith("/api/"))
        self.assertEqual(unknown - unknown_before, 1)
        self.assertNotIn("thing-xyz", text)

        # A histogram per route whose +Inf bucket holds every request of that route.
        for route in ("/api/v1/units", "/api/v1/units/{code}"):
            inf = metric(after, "thidua_http_request_duration_seconds_bucket", route=route,
                         le="+Inf")
            count = metric(after, "thidua_http_request_duration_seconds_count", route=route)
            total = sum(v for (name, labels), v in after.items()
                        if name == "thidua_http_requests_total" and ("route", route) in labels)
            self.assertEqual(inf, count, route)
            self.assertEqual(count, total, route)
            buckets = sorted(((float(dict(labels)["le"]), v) for (name, labels), v in after.items()
                              if name == "thidua_http_request_duration_seconds_bucket"
                              and ("route", route) in labels), key=lambda b: b[0])
            values = [v for _, v in buckets]
            self.assertEqual(values, sorted(values), "buckets must be cumulative: %r" % buckets)
        self.assertGreater(metric(after, "thidua_database_bytes"), 0)


if __name__ == "__main__":
    unittest.main()
