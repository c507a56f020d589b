"""test_exhaustion.py — no lock-out without a token (issue 9, finding 1, and "Exhaustion").

The attack found: 2,000 sockets that connect and send nothing held all 1,024 connections, so
a fresh `GET /healthz` waited 68 s (for ever if the attacker reopened what was closed); a
slowloris at one header byte a second delayed it 27 s. What closes it, each tested here:

  - a new connection that sends nothing is closed after limits.head_timeout, and a request
    head that has not arrived whole by then is answered 408 (not after the 30 s
    read_timeout);
  - at limits.connections, connections waiting for a request (kept alive, or new and silent)
    are closed oldest first to make room, as nginx reuses them;
  - limits.connections_per_address: one address holds that many at most; past it its own
    oldest idle connection is closed, or the new one answered 503;
  - the descriptor limit is raised at start-up to fit limits.connections;
  - the proof: with both attacks running at once (idle sockets from 40 addresses, reopened
    as soon as they are closed, and a slowloris from another), a fresh client gets /healthz
    within a second, every time.

Attackers come from other loopback addresses (127.0.0.2 and up: Linux routes all of
127.0.0.0/8 to lo), so the fresh client on 127.0.0.1 is a different address, as it would be
on the department's network. Every wait has a bound; only the one-second figure of the issue
decides what counts as served in time.
"""

import errno
import os
import resource
import selectors
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (HOST, Daemon, http_request_bytes, read_response,  # noqa: E402
                     wait_readable)

SERVED_WITHIN = 1.0  # the figure: a fresh client is served within a second
IDLE_SOCKETS = 2000
IDLE_ADDRESSES = 40  # 50 sockets each: under the per-address cap, so the global cap is hit
SLOWLORIS_SOCKETS = 200
SLOWLORIS_ADDRESS = "127.0.0.250"
ATTACK_SECONDS = 14  # past the default head_timeout (10 s): the slowloris is cut and reopens
PROBE_EVERY = 0.5
# The attacker opens all its sockets at once, then reopens what the daemon closes at this
# many a second at most: enough to keep the daemon at its cap, not so many that the churn
# takes the shared machine's CPU from the tests running beside this one.
REOPEN_PER_SECOND = 300


def own_descriptors(wanted):
    """Raises this process's soft descriptor limit to `wanted`; False if the hard one is
    lower."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        return False
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return True


def connect_from(source, port, timeout=5.0):
    """A blocking socket connected to the daemon from the loopback address `source`."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((source, 0))
        s.settimeout(timeout)
        s.connect((HOST, port))
    except BaseException:
        s.close()
        raise
    return s


def open_descriptors(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


class Attack(threading.Thread):
    """Idle sockets and a slowloris against `port`, each reopened as soon as it is closed.

    idle: {source address: count} of sockets that connect and send nothing;
    slow: (source address, count) of sockets that send a request head one byte a second.
    """

    SLOW_HEAD = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "

    def __init__(self, port, idle, slow=None):
        super().__init__(daemon=True)
        self.port, self.idle, self.slow = port, idle, slow
        self.sel = selectors.DefaultSelector()
        self.stop = threading.Event()
        self.closed_by_server = 0
        self.errors = []
        self.to_open = []  # (source, kind) still to open

    def open_one(self, source, kind):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((source, 0))
            rc = s.connect_ex((HOST, self.port))
            if rc not in (0, errno.EINPROGRESS):
                raise OSError(rc, os.strerror(rc))
        except OSError as e:
            s.close()
            if e.errno not in (errno.EADDRNOTAVAIL, errno.ECONNREFUSED):
                self.errors.append(repr(e))
            self.to_open.append((source, kind))
            return
        self.sel.register(s, selectors.EVENT_READ, [source, kind, 0])

    def drop(self, key):
        """The server closed (or refused) a socket: forget it and open another."""
        source, kind, _ = key.data
        self.sel.unregister(key.fileobj)
        key.fileobj.close()
        self.closed_by_server += 1
        self.to_open.append((source, kind))

    def drip(self):
        """One more header byte on every slowloris socket."""
        for key in list(self.sel.get_map().values()):
            if key.data[1] != "slow":
                continue
            sent = key.data[2]
            byte = self.SLOW_HEAD[sent:sent + 1] or b"x"
            try:
                key.fileobj.send(byte)
                key.data[2] = sent + 1
            except (BlockingIOError, OSError):
                pass  # not connected yet, or closed: the selector will tell

    def run(self):
        for source, count in self.idle.items():
            self.to_open.extend([(source, "idle")] * count)
        if self.slow:
            self.to_open.extend([(self.slow[0], "slow")] * self.slow[1])
        next_drip = time.monotonic() + 1.0
        first, self.to_open = self.to_open, []
        for source, kind in first:
            self.open_one(source, kind)
        allowance, last = 0.0, time.monotonic()
        try:
            while not self.stop.is_set():
                now = time.monotonic()
                allowance = min(allowance + (now - last) * REOPEN_PER_SECOND, REOPEN_PER_SECOND)
                last = now
                n = int(allowance)
                allowance -= n
                batch, self.to_open = self.to_open[:n], self.to_open[n:]
                for source, kind in batch:
                    self.open_one(source, kind)
                for key, _ in self.sel.select(timeout=0.1):
                    try:
                        data = key.fileobj.recv(4096)
                    except (BlockingIOError, InterruptedError):
                        continue
                    except OSError:
                        data = b""
                    self.drop(key)  # an answer (408, 503) or EOF: the server let go
                    del data
                if time.monotonic() >= next_drip:
                    next_drip += 1.0
                    self.drip()
        finally:
            for key in list(self.sel.get_map().values()):
                key.fileobj.close()
            self.sel.close()


class LockoutTest(unittest.TestCase):
    def daemon(self, **kw):
        d = Daemon(**kw)
        self.addCleanup(d.close)
        d.__enter__()
        return d

    def assertServedQuickly(self, d, context):
        started = time.monotonic()
        status, _, body = d.request("GET", "/healthz", token=None, timeout=5)
        elapsed = time.monotonic() - started
        self.assertEqual(status, 200, "%s: /healthz -> %d %r" % (context, status, body))
        self.assertLess(elapsed, SERVED_WITHIN, "%s: /healthz took %.2f s" % (context, elapsed))

    # -- the head deadline -----------------------------------------------------------------

    def test_silent_connection_is_closed_after_head_timeout(self):
        d = self.daemon(limits={"head_timeout": 1, "idle_timeout": 60, "read_timeout": 30})
        with d.connect() as s:
            started = time.monotonic()
            self.assertTrue(wait_readable(s, 10), "a silent connection still open after 10 s "
                            "(head_timeout = 1 s)")
            self.assertEqual(s.recv(100), b"", "a silent connection is closed without a word")
            self.assertLess(time.monotonic() - started, 5)

    def test_slow_head_is_408_after_head_timeout(self):
        d = self.daemon(limits={"head_timeout": 1, "read_timeout": 30})
        head = http_request_bytes("GET", "/healthz")
        with d.connect() as s:
            started = time.monotonic()
            for i in range(len(head) - 2):  # never the final blank line
                s.sendall(head[i:i + 1])
                if wait_readable(s, 0.3):
                    break
            resp = read_response(s, timeout=10)
            self.assertIsNotNone(resp, "closed without an answer")
            self.assertEqual(resp.status, 408, resp)
            self.assertEqual(resp.json()["error"]["code"], "request_timeout")
            self.assertLess(time.monotonic() - started, 5, "408 came after read_timeout, not "
                            "head_timeout")

    def test_kept_alive_connection_waits_idle_timeout_not_head_timeout(self):
        d = self.daemon(limits={"head_timeout": 1, "idle_timeout": 60})
        with d.connect() as s:
            s.sendall(http_request_bytes("GET", "/healthz"))
            self.assertEqual(read_response(s).status, 200)
            time.sleep(2)  # longer than head_timeout, far shorter than idle_timeout
            s.sendall(http_request_bytes("GET", "/healthz"))
            resp = read_response(s)
            self.assertIsNotNone(resp, "a kept-alive connection was closed after head_timeout")
            self.assertEqual(resp.status, 200)

    # -- the per-address cap ---------------------------------------------------------------

    def test_one_address_holds_at_most_its_cap(self):
        d = self.daemon(limits={"connections_per_address": 3})
        busy = [connect_from("127.0.0.2", d.port) for _ in range(3)]
        try:
            for s in busy:  # a request started and not finished: not to be closed
                s.sendall(b"GET /healthz HTTP/1.1\r\n")
            with connect_from("127.0.0.2", d.port) as fourth:
                resp = read_response(fourth, timeout=5)
                self.assertIsNotNone(resp, "the fourth connection closed without an answer")
                self.assertEqual(resp.status, 503, resp)
                self.assertEqual(resp.json()["error"]["code"], "too_many_connections")
            self.assertServedQuickly(d, "another address")
            for s in busy:  # the three are still served
                s.sendall(b"Host: x\r\n\r\n")
                self.assertEqual(read_response(s).status, 200)
        finally:
            for s in busy:
                s.close()
        self.assertIn("refusing more from it", d.log)

    def test_an_address_at_its_cap_reuses_its_own_idle_connections(self):
        d = self.daemon(limits={"connections_per_address": 3})
        idle = [connect_from("127.0.0.3", d.port) for _ in range(3)]
        try:
            for s in idle:
                s.sendall(http_request_bytes("GET", "/healthz"))
                self.assertEqual(read_response(s).status, 200)
            with connect_from("127.0.0.3", d.port) as fourth:
                fourth.sendall(http_request_bytes("GET", "/healthz"))
                resp = read_response(fourth, timeout=5)
                self.assertIsNotNone(resp)
                self.assertEqual(resp.status, 200, resp)
            self.assertTrue(wait_readable(idle[0], 5), "the address's oldest idle connection "
                            "was not closed")
            self.assertEqual(idle[0].recv(100), b"")
        finally:
            for s in idle:
                s.close()

    # -- descriptors -----------------------------------------------------------------------

    def test_descriptor_limit_is_raised_at_start(self):
        d = self.daemon(limits={"connections": 1024}, nofile=(256, 4096))
        with open("/proc/%d/limits" % d.proc.pid, encoding="ascii") as f:
            line = next(l for l in f if l.startswith("Max open files"))
        soft = int(line.split()[3])
        self.assertGreaterEqual(soft, 1024 + 64, line)

    def test_descriptor_limit_short_of_the_cap_is_said(self):
        d = self.daemon(limits={"connections": 1024}, nofile=(256, 256))
        self.assertIn("descriptor limit is 256", d.log)
        self.assertServedQuickly(d, "with few descriptors")

    # -- the proof: both attacks at once ---------------------------------------------------

    def test_fresh_client_is_served_within_a_second_under_both_attacks(self):
        if not own_descriptors(IDLE_SOCKETS + SLOWLORIS_SOCKETS + 200):
            self.skipTest("the test process cannot open %d sockets (hard RLIMIT_NOFILE)"
                          % (IDLE_SOCKETS + SLOWLORIS_SOCKETS))
        d = self.daemon()  # the shipped limits: 1,024 connections, 64 per address, 10 s head
        per_address = IDLE_SOCKETS // IDLE_ADDRESSES
        idle = {"127.0.0.%d" % (10 + i): per_address for i in range(IDLE_ADDRESSES)}
        attack = Attack(d.port, idle, (SLOWLORIS_ADDRESS, SLOWLORIS_SOCKETS))
        attack.start()
        slowest, most_fds, probes = 0.0, 0, 0
        try:
            time.sleep(3)  # let the sockets pile up to the cap
            deadline = time.monotonic() + ATTACK_SECONDS
            while time.monotonic() < deadline:
                most_fds = max(most_fds, open_descriptors(d.proc.pid))
                started = time.monotonic()
                try:
                    status, _, body = d.request("GET", "/healthz", token=None, timeout=5)
                except OSError as e:
                    self.fail("probe %d: /healthz failed under attack: %r" % (probes, e))
                elapsed = time.monotonic() - started
                probes += 1
                self.assertEqual(status, 200, body)
                slowest = max(slowest, elapsed)
                self.assertLess(elapsed, SERVED_WITHIN, "probe %d: /healthz took %.2f s under "
                                "attack (%d descriptors open in the daemon)"
                                % (probes, elapsed, most_fds))
                time.sleep(PROBE_EVERY)
        finally:
            attack.stop.set()
            attack.join(30)
        self.assertFalse(attack.errors[:5], attack.errors[:5])
        # The attack did fill the server: 1,024 connections and the daemon's own files.
        self.assertGreaterEqual(most_fds, 1024, "the attack never reached the cap")
        self.assertIn("closing idle ones", d.log)
        self.assertIn("refusing more from it", d.log)
        self.assertTrue(d.running, d.log_tail())
        print("\n  %d probes under %d idle sockets and a %d-socket slowloris: slowest %.3f s; "
              "%d sockets closed by the daemon" % (probes, IDLE_SOCKETS, SLOWLORIS_SOCKETS,
                                                   slowest, attack.closed_by_server),
              file=sys.stderr)
        self.assertServedQuickly(d, "after the attack")


if __name__ == "__main__":
    unittest.main()
