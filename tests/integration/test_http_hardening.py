"""test_http_hardening.py — regressions for the HTTP defects a review found (fixed in 117adfd):

  - a client that pipelines requests without reading the answers: reading stops once about
    1 MiB of answers waits, so the daemon's memory stays bounded, and every request it took
    is answered once the client reads;
  - a half-closed client (shutdown(SHUT_WR) right after its request) still gets its whole
    answer;
  - out of descriptors (EMFILE): the listener pauses instead of spinning on accept (and
    logging each failure), and serves again once descriptors are free;
  - a too-long ?unit= is 404, not everybody; a repeated Transfer-Encoding is refused;
  - a token that may not write gets 403 before any word on the content (422).

Each test starts its own daemon (demo data) on loopback. Every socket has a timeout and
every wait a bound, so a regression fails instead of hanging; the bounds decide only when to
give up, never what counts as fast enough.
"""

import json
import os
import select
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (HOST, REQUEST_TIMEOUT, Daemon, http_request_bytes,  # noqa: E402
                     read_response)
from ruleset_2025 import GOOD_PERSON  # noqa: E402

MIB = 1 << 20
PIPELINE_CAP = 64 * MIB  # sending this much without blocking means the daemon never stopped
RSS_CAP_KB = 150 * 1024
DRAIN_WAIT = 2.0  # a send buffer that does not drain for this long: the daemon stopped reading


def rss_kb(pid):
    """VmRSS of a process, in kB."""
    with open("/proc/%d/status" % pid, encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


def small_socket(port, rcvbuf=4096, sndbuf=None, timeout=REQUEST_TIMEOUT):
    """A TCP socket to the daemon with a small receive buffer (set before connecting)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if sndbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
        s.settimeout(timeout)
        s.connect((HOST, port))
    except BaseException:
        s.close()
        raise
    return s


def read_to_eof(sock, timeout=REQUEST_TIMEOUT):
    """Everything the peer sends until it closes; fails on a reset or after `timeout`."""
    data = bytearray()
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("no EOF within %.0f s after %d bytes" % (timeout, len(data)))
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            raise AssertionError("connection reset after %d bytes: %r" % (
                len(data), bytes(data[:300])))
        if not chunk:
            return bytes(data)
        data.extend(chunk)


def split_responses(data):
    """Splits bytes holding whole responses (with Content-Length) into (head, body) pairs;
    fails if the data ends inside a response."""
    out = []
    while data:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            raise AssertionError("a cut head: %r" % data[:300])
        head = data[:end].decode("iso-8859-1")
        length = None
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        if length is None:
            raise AssertionError("no Content-Length in %r" % head)
        body = data[end + 4:end + 4 + length]
        if len(body) != length:
            raise AssertionError("a cut body: %d of %d bytes after %r" % (
                len(body), length, head))
        out.append((head, body))
        data = data[end + 4 + length:]
    return out


class HttpHardeningTest(unittest.TestCase):
    def daemon(self, **kw):
        d = Daemon(**kw)
        self.addCleanup(d.close)
        d.__enter__()
        return d

    def assertServes(self, d, context):
        status, _, body = d.request("GET", "/healthz", token=None)
        self.assertEqual(status, 200, "%s: /healthz -> %d %r" % (context, status, body))
        self.assertEqual(body["status"], "ok", context)

    # -- a client that sends and never reads -----------------------------------------------

    def test_pipelining_without_reading_is_bounded(self):
        # Under ASan, freed memory waits in a quarantine (256 MB by default) and counts in
        # RSS: keep it small, so RSS measures what the daemon holds. Other builds ignore it.
        old = os.environ.get("ASAN_OPTIONS")
        os.environ["ASAN_OPTIONS"] = (old + ":" if old else "") + "quarantine_size_mb=16"
        try:
            d = self.daemon()
        finally:
            if old is None:
                del os.environ["ASAN_OPTIONS"]
            else:
                os.environ["ASAN_OPTIONS"] = old
        req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        batch = req * 1024
        pid = d.proc.pid
        with small_socket(d.port, rcvbuf=4096) as s:
            s.setblocking(False)
            sent, offset, next_rss = 0, 0, 4 * MIB
            stopped = False
            while sent < PIPELINE_CAP:
                try:
                    n = s.send(batch[offset:])
                except BlockingIOError:
                    # Would block: either the daemon is busy or it stopped reading. Only a
                    # send buffer that does not drain at all for a while means it stopped.
                    _, writable, _ = select.select([], [s], [], DRAIN_WAIT)
                    if not writable:
                        stopped = True
                        break
                    continue
                sent += n
                offset = (offset + n) % len(batch)
                if sent >= next_rss:  # fail early rather than let a regression eat the host
                    next_rss += 4 * MIB
                    rss = rss_kb(pid)
                    self.assertLess(rss, RSS_CAP_KB,
                                    "the daemon holds %d MB after %d MiB of unread pipelined "
                                    "requests" % (rss // 1024, sent // MIB))
            self.assertTrue(stopped, "sent %d MiB of pipelined requests without reading an "
                            "answer and the daemon never stopped reading" % (sent // MIB))
            self.assertLess(sent, PIPELINE_CAP // 4, "the daemon took %d MiB before it stopped "
                            "reading" % (sent // MIB))
            rss = rss_kb(pid)
            self.assertLess(rss, RSS_CAP_KB, "the daemon holds %d MB with %d MiB of unread "
                            "pipelined requests" % (rss // 1024, sent // MIB))

            # Now read: every request sent whole is answered, in full.
            whole = sent // len(req)
            self.assertGreater(whole, 0)
            s.setblocking(True)
            buf = bytearray()
            for i in range(whole):
                resp = read_response(s, buffer=buf)
                self.assertIsNotNone(resp, "the connection closed after %d of %d answers"
                                     % (i, whole))
                self.assertEqual(resp.status, 200, "answer %d: %r" % (i, resp))
                if i == 0 or i == whole - 1:
                    self.assertEqual(resp.json()["status"], "ok")
            self.assertEqual(bytes(buf), b"", "bytes past the last answer")
            # The connection still serves: the rest of a cut last request (or a new one)
            # gets its answer.
            s.sendall(req[sent % len(req):])
            resp = read_response(s, buffer=buf)
            self.assertIsNotNone(resp, "the connection closed after the answers")
            self.assertEqual(resp.status, 200, resp)
        self.assertServes(d, "after the pipelining client")

    # -- half-closed clients ---------------------------------------------------------------

    def test_half_closed_client_gets_the_whole_answer(self):
        d = self.daemon()
        with small_socket(d.port, rcvbuf=4096) as s:
            s.sendall(http_request_bytes("GET", "/api/v1/people", token=d.tokens["read"]))
            s.shutdown(socket.SHUT_WR)
            data = read_to_eof(s)
        responses = split_responses(data)
        self.assertEqual(len(responses), 1, [h for h, _ in responses])
        head, body = responses[0]
        self.assertTrue(head.startswith("HTTP/1.1 200"), head)
        self.assertGreater(len(body), 20000, "expected a large answer")
        self.assertEqual(len(json.loads(body.decode("utf-8"))["people"]), 150)

    def test_half_closed_client_gets_every_pipelined_answer(self):
        d = self.daemon()
        token = d.tokens["read"]
        data = (http_request_bytes("GET", "/api/v1/people", token=token)
                + http_request_bytes("GET", "/api/v1/units/VP", token=token)
                + http_request_bytes("GET", "/api/v1/people", token=token))
        with small_socket(d.port, rcvbuf=4096) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            got = read_to_eof(s)
        responses = split_responses(got)
        self.assertEqual([h.split("\r\n")[0] for h, _ in responses], ["HTTP/1.1 200 OK"] * 3)
        self.assertEqual(responses[0][1], responses[2][1])

    # -- out of descriptors ----------------------------------------------------------------

    def test_emfile_pauses_the_listener(self):
        d = self.daemon(limits={"connections": 1000}, nofile=40)
        clients = []
        try:
            for _ in range(60):
                clients.append(socket.create_connection((HOST, d.port), timeout=REQUEST_TIMEOUT))
            deadline = time.monotonic() + 10
            while "accept failed" not in d.log and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertIn("accept failed", d.log,
                          "60 connections on 40 descriptors and no accept failed:\n"
                          + d.log_tail())
            time.sleep(1.0)  # while it is out of descriptors: a spinning listener logs on
            self.assertTrue(d.running, "the daemon died:\n" + d.log_tail())
        finally:
            for c in clients:
                c.close()
        # Once the clients are gone, their descriptors come back and it serves again.
        deadline = time.monotonic() + 15
        while True:
            try:
                status, _, _ = d.request("GET", "/healthz", token=None, timeout=2)
                if status == 200:
                    break
            except OSError:
                pass
            self.assertLess(time.monotonic(), deadline,
                            "no /healthz answer after the clients left:\n" + d.log_tail())
            time.sleep(0.1)
        failures = d.log.count("accept failed")
        self.assertLess(failures, 200, "%d \"accept failed\" lines: the listener spins on "
                        "EMFILE" % failures)
        self.assertServes(d, "after EMFILE")

    # -- request parsing -------------------------------------------------------------------

    def test_too_long_unit_filter_is_404(self):
        d = self.daemon()
        status, _, body = d.request("GET", "/api/v1/people?unit=" + "A" * 100, token="read")
        self.assertEqual(status, 404, "a 100-character ?unit= -> %d (%d people)" % (
            status, len((body or {}).get("people", [])) if isinstance(body, dict) else -1))
        self.assertEqual(body["error"]["code"], "unit_not_found")

    def test_repeated_transfer_encoding_is_refused(self):
        d = self.daemon()
        smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        data = (b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                b"Transfer-Encoding: identity\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
                + smuggled)
        with d.connect() as s:
            s.sendall(data)
            buf = bytearray()
            resp = read_response(s, buffer=buf)
            self.assertIsNotNone(resp, "closed without an answer")
            self.assertIn(resp.status, (400, 411),
                          "Transfer-Encoding: chunked, then identity -> %r" % resp)
            # Nothing of the body is read as a request of its own.
            s.settimeout(REQUEST_TIMEOUT)
            try:
                rest = bytes(buf) + s.recv(65536)
            except ConnectionResetError:
                rest = bytes(buf)
            self.assertEqual(rest, b"", "more after the refusal: %r" % rest[:300])
        self.assertServes(d, "after the refusal")

    # -- authorisation before content ------------------------------------------------------

    def test_read_token_gets_403_before_422(self):
        d = self.daemon()
        path = "/api/v1/periods/2025-H1/people/CB0017/facts"  # hired 2025-10-01
        status, _, body = d.request("PUT", path, {"facts": GOOD_PERSON}, token="read")
        self.assertEqual(status, 403, "read token: PUT %s -> %d %r" % (path, status, body))
        # The content answer is for those who may write: the unit's own token.
        status, _, body = d.request("PUT", path, {"facts": GOOD_PERSON}, token="unit:VP")
        self.assertEqual(status, 422, "unit:VP: PUT %s -> %d %r" % (path, status, body))


if __name__ == "__main__":
    unittest.main()
