"""test_request_smuggling.py — a request head with more than one reading is refused (issue 9,
finding 6).

The attack found: a NUL at the start of a header line, or a bare CR inside a value, made the
rest of the head vanish, so its Content-Length was never seen and the body ran as a second
request. Each ambiguous head below carries a body that is itself a whole request (a GET of a
unit, which would answer 200 with the unit if it ran); the daemon must answer the head with
400 (411 for a transfer coding), close the connection, and never answer the smuggled one.
The unit tests (tests/unit/test_http_parse.c) cover the parser case by case; this checks
what a client on the wire sees.
"""

import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import REQUEST_TIMEOUT, Daemon, read_response  # noqa: E402

START = b"POST /api/v1/evaluate HTTP/1.1\r\nHost: 127.0.0.1\r\n"


def smuggled(token):
    return (b"GET /api/v1/units/VP HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
            b"\r\n" % token.encode())


class RequestSmugglingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.d.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.d.close()

    def assertRefusedAndClosed(self, data, statuses=(400,)):
        with self.d.connect() as s:
            s.sendall(data)
            buf = bytearray()
            resp = read_response(s, buffer=buf)
            self.assertIsNotNone(resp, "closed without an answer: %r" % data)
            self.assertIn(resp.status, statuses, "%r -> %r" % (data, resp))
            self.assertEqual(resp.headers.get("connection"), "close", resp)
            if resp.status == 400:
                self.assertEqual(resp.json()["error"]["code"], "malformed_request")
            # Nothing more: the smuggled request is not answered, the connection ends.
            s.settimeout(REQUEST_TIMEOUT)
            rest = bytes(buf)
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    rest += chunk
            except ConnectionResetError:
                pass
            except socket.timeout:
                self.fail("the connection stayed open after %r" % resp)
            self.assertEqual(rest, b"", "more after the refusal of %r: %r" % (data, rest[:300]))
        status, _, body = self.d.request("GET", "/healthz", token=None)
        self.assertEqual(status, 200, body)

    def ambiguous(self, fields):
        """START, then `fields` (bytes ending in CRLF), the blank line, and a smuggled
        request as the body."""
        return START + fields + b"\r\n" + smuggled(self.d.tokens["read"])

    def length(self):
        return b"%d" % len(smuggled(self.d.tokens["read"]))

    def test_nul_at_the_start_of_a_header_line(self):
        self.assertRefusedAndClosed(self.ambiguous(b"X: a\r\n\x00Content-Length: "
                                                   + self.length() + b"\r\n"))

    def test_nul_inside_a_value(self):
        self.assertRefusedAndClosed(self.ambiguous(b"X: a\x00b\r\nContent-Length: "
                                                   + self.length() + b"\r\n"))

    def test_bare_cr_inside_a_value(self):
        self.assertRefusedAndClosed(self.ambiguous(b"X: a\rContent-Length: "
                                                   + self.length() + b"\r\n"))

    def test_bare_lf_ending_a_line(self):
        self.assertRefusedAndClosed(self.ambiguous(b"X: a\nContent-Length: "
                                                   + self.length() + b"\r\n"))

    def test_signed_content_length(self):
        self.assertRefusedAndClosed(self.ambiguous(b"Content-Length: +" + self.length()
                                                   + b"\r\n"))
        self.assertRefusedAndClosed(START + b"Content-Length: +2\r\n\r\n{}")

    def test_two_content_lengths(self):
        n = self.length()
        self.assertRefusedAndClosed(self.ambiguous(b"Content-Length: " + n + b"\r\nContent-Length: "
                                                   + n + b"\r\n"))

    def test_transfer_encoding_with_content_length(self):
        self.assertRefusedAndClosed(self.ambiguous(b"Transfer-Encoding: identity\r\n"
                                                   b"Content-Length: " + self.length() + b"\r\n"))

    def test_space_before_colon_and_folded_lines(self):
        self.assertRefusedAndClosed(self.ambiguous(b"Content-Length : " + self.length()
                                                   + b"\r\n"))
        self.assertRefusedAndClosed(self.ambiguous(b"X: a\r\n Content-Length: " + self.length()
                                                   + b"\r\n"))

    def test_two_hosts(self):
        self.assertRefusedAndClosed(self.ambiguous(b"Host: evil\r\nContent-Length: "
                                                   + self.length() + b"\r\n"))

    def test_message_says_what_was_wrong(self):
        with self.d.connect() as s:
            s.sendall(START + b"Content-Length: +2\r\n\r\n{}")
            resp = read_response(s)
        self.assertIn("Content-Length", resp.json()["error"]["message"])


if __name__ == "__main__":
    unittest.main()
