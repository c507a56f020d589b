"""test_lifecycle.py — the daemon's life cycle: SIGTERM under load and with requests in
flight, the connection cap, kill -9 and restart, `db backup`, `db migrate`, `db init`, and
start-up failures (no schema, a broken config file). Each test runs its own daemon.
"""

import os
import signal
import socket
import sqlite3
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEMO_PEOPLE, JSON_TYPE, Daemon, IncompleteResponse,  # noqa: E402
                     check_sanitizers, http_request_bytes, read_response, wait_readable)


def sqlite_rows(path, sql):
    """Runs a query on a database file, read-only."""
    conn = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def wait_for(predicate, timeout=20.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("timed out waiting for " + what)


class LoadClient(threading.Thread):
    """Requests in a loop on a keep-alive connection until the daemon stops answering.

    Records every response and every way a connection ended; never raises."""

    PATHS = ("/api/v1/units", "/api/v1/people", "/api/v1/units/VP")
    EXPECT = {"/api/v1/units": ("units", 16), "/api/v1/people": ("people", 150)}

    def __init__(self, daemon, token, term_sent, people=150):
        super().__init__(daemon=True)
        self.d, self.token, self.term_sent = daemon, token, term_sent
        # A unit token reads its own unit's people only (README.md, "Who reads what").
        self.EXPECT = dict(self.EXPECT, **{"/api/v1/people": ("people", people)})
        self.statuses = []
        self.problems = []  # things that must not happen
        self.dropped_before_term = 0
        self.finished = threading.Event()

    def run(self):
        try:
            self.loop()
        except Exception as e:  # report, never hang the test
            self.problems.append("client crashed: %r" % e)
        finally:
            self.finished.set()

    def loop(self):
        sock, n = None, 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if sock is None:
                try:
                    sock = self.d.connect(timeout=15)
                except OSError:
                    return  # refused: the listener is gone
            path = self.PATHS[n % len(self.PATHS)]
            n += 1
            try:
                sock.sendall(http_request_bytes("GET", path, token=self.token))
                resp = read_response(sock, timeout=30)
            except IncompleteResponse as e:
                self.problems.append("%s: %s" % (path, e))
                resp = None
            except (BrokenPipeError, ConnectionResetError):
                resp = None  # closed before our request was taken: a client retries
            except socket.timeout as e:
                self.problems.append("%s: %s" % (path, e))
                resp = None
            if resp is None:
                if not self.term_sent.is_set():
                    self.dropped_before_term += 1
                sock.close()
                sock = None
                continue
            self.check(path, resp)
            if resp.headers.get("connection", "").lower() == "close":
                sock.close()
                sock = None
        self.problems.append("still being served after 60 s")

    def check(self, path, resp):
        self.statuses.append(resp.status)
        if resp.status not in (200, 503):
            self.problems.append("%s -> %d %r" % (path, resp.status, resp.body[:200]))
            return
        if resp.headers.get("content-type") != JSON_TYPE:
            self.problems.append("%s -> content-type %r" % (path, resp.headers))
        try:
            body = resp.json()
        except ValueError as e:
            self.problems.append("%s -> %d, body not JSON (%s): %r" % (
                path, resp.status, e, resp.body[:200]))
            return
        if resp.status == 503:
            if not isinstance(body.get("error", {}).get("code"), str):
                self.problems.append("%s -> 503 without the error shape: %r" % (path, body))
            if not self.term_sent.is_set():
                self.problems.append("%s -> 503 before SIGTERM" % path)
        elif path in self.EXPECT:
            key, count = self.EXPECT[path]
            if len(body.get(key, ())) != count:
                self.problems.append("%s -> %d %s" % (path, len(body.get(key, ())), key))


class SigtermTest(unittest.TestCase):
    def test_sigterm_under_load(self):
        with Daemon(limits={"shutdown_grace": 5}) as d:
            term_sent = threading.Event()
            clients = [LoadClient(d, d.tokens[t], term_sent, 13 if t == "unit:VP" else 150)
                       for t in ("admin", "read", "unit:VP", "admin")]
            for c in clients:
                c.start()
            try:
                wait_for(lambda: all(len(c.statuses) >= 10 for c in clients)
                         or any(c.finished.is_set() for c in clients), 30, "the load to build")
                term_sent.set()
                rc = d.stop(timeout=5 + 25)
                for c in clients:
                    c.join(30)
                    self.assertFalse(c.is_alive(), "a client is still running")
            finally:
                term_sent.set()
            problems = [p for c in clients for p in c.problems]
            self.assertEqual(problems, [], "\n".join(problems[:20]) + "\n" + d.log_tail())
            self.assertEqual(sum(c.dropped_before_term for c in clients), 0,
                             "connections dropped before SIGTERM")
            self.assertTrue(all(200 in c.statuses for c in clients))
            self.assertEqual(rc, 0, d.log_tail())
            self.assertNotIn("grace expired", d.log, "requests were cut off, not finished")

    def test_request_half_sent_at_sigterm_is_answered(self):
        with Daemon(limits={"shutdown_grace": 10}) as d:
            req = http_request_bytes("GET", "/api/v1/units", token=d.tokens["read"])
            health = http_request_bytes("GET", "/healthz")
            with d.connect() as s1, d.connect() as s2, d.connect() as barrier:
                # Served once each, so both are accepted connections, not backlog entries.
                for s in (s1, s2):
                    s.sendall(health)
                    self.assertEqual(read_response(s).status, 200)
                s1.sendall(req[:20])
                s2.sendall(health[:10])
                # A full round trip sent after the halves: once it is answered, the event
                # loop has read what was waiting on s1 and s2 before it.
                barrier.sendall(health)
                self.assertEqual(read_response(barrier).status, 200)
                d.proc.send_signal(signal.SIGTERM)
                wait_for(lambda: "SIGTERM" in d.log, 20, "the daemon to log SIGTERM")
                self.assertIsNone(d.proc.poll(), "exited with a request in flight")
                s1.sendall(req[20:])
                s2.sendall(health[10:])
                r1, r2 = read_response(s1), read_response(s2)
                # Served (200) or told the server is stopping (503), in full, and closed.
                self.assertIsNotNone(r1, "the in-flight request got no answer")
                self.assertIn(r1.status, (200, 503), r1)
                self.assertEqual(r1.headers.get("content-type"), JSON_TYPE)
                if r1.status == 200:
                    self.assertEqual(len(r1.json()["units"]), 16)
                else:
                    self.assertIsInstance(r1.json()["error"]["code"], str)
                self.assertEqual(r1.headers.get("connection", "").lower(), "close")
                self.assertIsNotNone(r2, "the in-flight /healthz got no answer")
                self.assertEqual(r2.status, 200, r2)
                self.assertIn(r2.json()["status"], ("stopping", "ok"))
            self.assertEqual(d.wait(30), 0, d.log_tail())
            self.assertNotIn("grace expired", d.log)

    def test_idle_keep_alive_connections_do_not_hold_shutdown(self):
        # Grace and idle timeout far longer than the wait below: only closing idle
        # connections at once lets the daemon exit in time.
        with Daemon(limits={"shutdown_grace": 120, "idle_timeout": 120}) as d:
            socks = []
            try:
                for _ in range(3):
                    s = d.connect()
                    socks.append(s)
                    s.sendall(http_request_bytes("GET", "/healthz"))
                    self.assertEqual(read_response(s).status, 200)
                self.assertEqual(d.stop(timeout=60), 0, d.log_tail())
            finally:
                for s in socks:
                    s.close()
            self.assertNotIn("grace expired", d.log)


class ConnectionLimitTest(unittest.TestCase):
    def test_third_connection_waits_while_both_slots_are_busy(self):
        with Daemon(limits={"connections": 2}) as d:
            token = d.tokens["read"]
            first, second = d.connect(), d.connect()
            third = None
            try:
                # Both slots are taken for sure once each has been served; then each starts
                # a request it has not finished, so neither may be closed to make room.
                for s in (first, second):
                    s.sendall(http_request_bytes("GET", "/healthz"))
                    self.assertEqual(read_response(s).status, 200)
                    s.sendall(b"GET /api/v1/units/TTRA HTTP/1.1\r\n")
                # Give the daemon a moment to read them: until then they look idle, and a
                # client arriving would be answered 503 rather than wait.
                time.sleep(0.5)
                # The third is not refused (it waits in the backlog) ...
                third = d.connect()
                third.sendall(http_request_bytes("GET", "/api/v1/units/VP", token=token))
                # ... and not served while both slots are busy.
                self.assertFalse(wait_readable(third, 1.0),
                                 "a third connection was served past limits.connections = 2")
                # The second finishes its request and is served; it then waits, kept alive,
                # and is closed to make room for the third.
                second.sendall(b"Host: x\r\nAuthorization: Bearer %s\r\n\r\n" % token.encode())
                self.assertEqual(read_response(second).status, 200)
                resp = read_response(third, timeout=20)
                self.assertIsNotNone(resp, "the waiting connection was dropped")
                self.assertEqual(resp.status, 200, resp)
                self.assertEqual(resp.json()["code"], "VP")
                self.assertTrue(wait_readable(second, 5), "the idle second connection was "
                                "not closed to make room for the third")
                self.assertEqual(second.recv(100), b"")
                # The first, busy all along, was not touched.
                first.sendall(b"Host: x\r\nAuthorization: Bearer %s\r\n\r\n" % token.encode())
                self.assertEqual(read_response(first).status, 200)
            finally:
                for s in (first, second, third):
                    if s:
                        s.close()
            # Slots come back: new clients are served once the others left.
            for _ in range(4):
                status, _, _ = d.request("GET", "/healthz", token=None)
                self.assertEqual(status, 200)
            self.assertEqual(d.stop(), 0, d.log_tail())

    def test_idle_connections_make_room_oldest_first(self):
        # nginx's connection reuse: at the cap, a connection waiting for a request with
        # nothing owed is closed to make room, the oldest first.
        with Daemon(limits={"connections": 2, "idle_timeout": 120}) as d:
            first, second = d.connect(), d.connect()
            try:
                for s in (first, second):
                    s.sendall(http_request_bytes("GET", "/healthz"))
                    self.assertEqual(read_response(s).status, 200)
                started = time.monotonic()
                status, _, body = d.request("GET", "/healthz", token=None, timeout=5)
                self.assertEqual(status, 200, body)
                self.assertLess(time.monotonic() - started, 1.0,
                                "a third client waited behind two idle connections")
                self.assertTrue(wait_readable(first, 5), "the oldest idle connection stays")
                self.assertEqual(first.recv(100), b"", "the oldest idle connection stays")
                second.sendall(http_request_bytes("GET", "/healthz"))
                self.assertEqual(read_response(second).status, 200,
                                 "the newer idle connection was closed")
            finally:
                first.close()
                second.close()
            self.assertIn("closing idle ones", d.log)


class DurabilityTest(unittest.TestCase):
    def test_kill9_loses_nothing_the_cli_acknowledged(self):
        with Daemon() as d:
            # Written through the CLI while the daemon runs.
            extra = os.path.join(d.dir, "extra_units.csv")
            with open(extra, "w", encoding="utf-8", newline="") as f:
                f.write("code,name,parent_code,kind,email,phone,valid_from,valid_to\n"
                        "BQLDA,Ban Quản lý dự án đầu tư xây dựng,SO,unit,bqlda@x.vn,"
                        "0912345678,2025-01-01,\n")
            r = d.cli_ok("import", "units", extra)
            self.assertIn("1 thay đổi", r.stdout)
            new_token = d.cli_ok("token", "create", "--name", "after-start",
                                 "--scope", "read").stdout.strip()
            d.kill9()
            d.start()
            status, _, body = d.request("GET", "/api/v1/units")
            self.assertEqual(status, 200, body)
            self.assertEqual(len(body["units"]), 17)
            status, _, unit = d.request("GET", "/api/v1/units/BQLDA")
            self.assertEqual(status, 200, unit)
            self.assertEqual(unit["name"], "Ban Quản lý dự án đầu tư xây dựng")
            self.assertEqual(unit["phone"], "+84912345678")
            status, _, body = d.request("GET", "/api/v1/people")
            self.assertEqual(len(body["people"]), 150)
            for scope in ("admin", "read", "unit:VP"):
                status, _, _ = d.request("GET", "/api/v1/units/VP", token=scope)
                self.assertEqual(status, 200, scope)
            status, _, body = d.request("GET", "/api/v1/units/VP", token=new_token)
            self.assertEqual(status, 200, body)
            # And once more, killed without ever being asked to stop.
            d.kill9()
            d.start()
            status, _, body = d.request("GET", "/api/v1/people?unit=VP", token=new_token)
            self.assertEqual(status, 200, body)
            self.assertEqual(len(body["people"]), 13)
            self.assertEqual(d.stop(), 0, d.log_tail())


class DatabaseCommandsTest(unittest.TestCase):
    def test_backup_of_a_live_database(self):
        with Daemon() as d:
            backup = os.path.join(d.dir, "backup", "copy.db")
            os.mkdir(os.path.dirname(backup))
            r = d.cli("db", "backup", backup)
            self.assertEqual(r.returncode, 0, r)
            self.assertTrue(os.path.exists(backup))
            self.assertEqual(sqlite_rows(backup, "PRAGMA integrity_check"), [("ok",)])
            self.assertEqual(sqlite_rows(backup, "PRAGMA user_version"),
                             sqlite_rows(d.database, "PRAGMA user_version"))
            self.assertEqual(sqlite_rows(backup, "SELECT count(*) FROM units"), [(16,)])
            self.assertEqual(sqlite_rows(backup, "SELECT count(*) FROM people"), [(150,)])
            self.assertEqual(sqlite_rows(backup, "SELECT count(*) FROM tokens"), [(3,)])
            self.assertEqual(sqlite_rows(backup, "SELECT name FROM units WHERE code = 'KHTC'"),
                             [("Phòng Kế hoạch, Tài chính",)])
            # The daemon serves on, unaffected.
            status, _, body = d.request("GET", "/api/v1/units")
            self.assertEqual((status, len(body["units"])), (200, 16))
            # A backup is a database the daemon can run on.
            self.assertEqual(d.stop(), 0, d.log_tail())
            with open(d.config_path, encoding="utf-8") as f:
                config = f.read()
            self.assertIn('"thidua.db"', config)
            d.write_config(config.replace('"thidua.db"', '"backup/copy.db"'))
            d.start()
            self.assertIn("copy.db", d.log)
            status, _, body = d.request("GET", "/api/v1/people?unit=VP")
            self.assertEqual((status, len(body["people"])), (200, 13))

    def test_migrate_on_a_current_database_changes_nothing(self):
        with Daemon(start=False) as d:
            query = ("SELECT type, name, sql FROM sqlite_master ORDER BY name")
            schema = sqlite_rows(d.database, query)
            version = sqlite_rows(d.database, "PRAGMA user_version")[0][0]
            self.assertGreaterEqual(version, 2)
            data = [sqlite_rows(d.database, "SELECT * FROM %s ORDER BY 1" % t)
                    for t in ("units", "people", "tokens", "audit")]
            r = d.cli("db", "migrate")
            self.assertEqual(r.returncode, 0, r)
            self.assertEqual(sqlite_rows(d.database, "PRAGMA user_version"), [(version,)])
            self.assertEqual(sqlite_rows(d.database, query), schema)
            self.assertEqual([sqlite_rows(d.database, "SELECT * FROM %s ORDER BY 1" % t)
                              for t in ("units", "people", "tokens", "audit")], data)
            d.start()
            status, _, body = d.request("GET", "/healthz", token=None)
            self.assertEqual(body["schema_version"], version)

    def test_init_refuses_an_existing_database(self):
        with Daemon(start=False) as d:
            r = d.cli("db", "init")
            self.assertNotEqual(r.returncode, 0, r)
            self.assertIn("migrate", r.stderr)
            self.assertEqual(sqlite_rows(d.database, "SELECT count(*) FROM people"), [(150,)])

    def test_serve_on_an_uninitialised_database_says_to_run_db_init(self):
        with Daemon(init_db=False, start=False) as d:
            r = d.cli("serve", timeout=30)
            self.assertNotEqual(r.returncode, 0, r)
            self.assertIn("thiduad db init", r.stderr, r)
            # And nothing listens.
            with self.assertRaises(OSError):
                socket.create_connection(("127.0.0.1", d.port), timeout=2).close()
            # Other commands that need the schema say the same.
            r = d.cli("import", "people", DEMO_PEOPLE)
            self.assertNotEqual(r.returncode, 0, r)
            self.assertIn("thiduad db init", r.stderr, r)


class BadConfigTest(unittest.TestCase):
    """A config that does not load stops every command before it starts.

    Under ASan the failed start must not leak either: each test checks the sanitizer
    report last, so a leak and a wrong message show as separate failures."""

    def setUp(self):
        self.reports = []

    def tearDown(self):
        for stderr in self.reports:
            check_sanitizers(stderr, "thiduad serve with a bad config")

    def serve_fails(self, d, text):
        d.write_config(text)
        r = d.cli("serve", timeout=30, sanitizers=False)
        self.reports.append(r.stderr)
        self.assertNotEqual(r.returncode, 0, r)
        self.assertNotIn("serving http://", r.stderr, r)
        return r.stderr

    def test_syntax_error_names_file_and_line(self):
        with Daemon(start=False) as d:
            err = self.serve_fails(d, 'return {\n  listen = "127.0.0.1:%d",\n'
                                      '  database = = "thidua.db",\n}\n' % d.port)
            self.assertRegex(err, r"thiduad\.conf:3:", err)

    def test_runtime_error_names_file_and_line(self):
        with Daemon(start=False) as d:
            # The config runs with no libraries: `os` is nil.
            err = self.serve_fails(d, '-- comment\nreturn {\n  listen = "127.0.0.1:%d",\n'
                                      '  database = os.getenv("HOME"),\n}\n' % d.port)
            self.assertRegex(err, r"thiduad\.conf:4:", err)

    def test_bad_values_name_the_file_and_field(self):
        with Daemon(start=False) as d:
            cases = {
                'return { listen = 8080 }': "listen",
                'return { listen = "nowhere" }': "listen",
                'return { limits = { connections = 0 } }': "connections",
                'return { log_level = "loud" }': "log_level",
            }
            for text, field in cases.items():
                err = self.serve_fails(d, text + "\n")
                self.assertIn("thiduad.conf", err, text)
                self.assertIn(field, err, text)


if __name__ == "__main__":
    unittest.main()
