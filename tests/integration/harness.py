"""harness.py — runs a real `thiduad` on loopback for the integration tests.

A test makes a `Daemon` (a context manager); it gets its own temporary folder holding a
config file, a fresh database (`db init`), the demo units and people (optional), three
API tokens (admin, read, unit:VP) and a running `thiduad serve` answering /healthz:

    from harness import Daemon

    with Daemon(limits={"read_timeout": 1}) as d:
        status, headers, body = d.request("GET", "/api/v1/units")          # admin token
        status, headers, body = d.request("GET", "/api/v1/units", token="read")
        status, headers, body = d.request("GET", "/api/v1/units", token=None)  # no header
        result = d.cli("import", "units", "some.csv")  # same config; .returncode/.stdout/.stderr
        d.stop()        # SIGTERM; returns the exit code
        d.restart()     # serve again on the same database
        d.rules_hash()  # the active rules hash from /healthz
        d.db_rows("SELECT count(*) FROM fact_versions")  # read-only SQL on its database
        d.db_exec("UPDATE outbox SET next_try = ?", ("2025-01-01T00:00",))  # a write

Everything the harness starts is stopped when the `with` block ends (also on failure), and
the temporary folder is removed. The daemon's stderr goes to a file (`d.log` reads it), so
a chatty daemon never blocks on a full pipe; failures quote its tail.

Environment: THIDUAD is the binary (default: build/thiduad under the source tree),
THIDUA_SOURCE_DIR the repository root (default: two folders up from this file). Whatever
ASAN_OPTIONS/UBSAN_OPTIONS the caller exports is passed through to every process.

Below the Daemon are small protocol helpers for tests that need more control than
http.client gives: `read_response` reads exactly one response from a raw socket and tells
a complete response from a cut one, `parse_metrics` reads Prometheus text.

The peers a daemon's notification channels talk to, each in a thread on loopback: SmtpSink
(an aiosmtpd server keeping every message it accepts; needs python3-aiosmtpd, imported only
when one is started), HttpSink (an HTTP server answering through a function of the test's),
HangingServer (accepts connections and never answers); wait_until polls a condition.

Only the Python standard library (and aiosmtpd for SmtpSink), loopback addresses and
temporary folders are used.
"""

import atexit
import csv
import email
import email.policy
import http.client
import http.server
import json
import os
import re
import resource
import select
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import weakref

# Absolute, because every command runs with the temporary folder as its working directory.
SOURCE_DIR = os.path.abspath(os.environ.get("THIDUA_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
THIDUAD = os.path.abspath(os.environ.get("THIDUAD") or os.path.join(SOURCE_DIR, "build",
                                                                    "thiduad"))
DEMO_UNITS = os.path.join(SOURCE_DIR, "etc", "demo", "units.csv")
DEMO_PEOPLE = os.path.join(SOURCE_DIR, "etc", "demo", "people.csv")
RULES_DIR = os.path.join(SOURCE_DIR, "rules")
PLUGINS_DIR = os.path.join(SOURCE_DIR, "plugins")
WEB_DIR = os.path.join(SOURCE_DIR, "web")
# A sanitizer build (scripts/build asan puts it in build-asan/): rules' deadlines scaled.
SANITIZED = "asan" in os.path.basename(os.path.dirname(THIDUAD))
EVAL_DEADLINE = 5 if SANITIZED else 1    # seconds (limits.eval_deadline; 1 is the default)
LOAD_DEADLINE = 300 if SANITIZED else 60  # seconds (limits.load_deadline; 60 is the default)

HOST = "127.0.0.1"
JSON_TYPE = "application/json; charset=utf-8"

# Generous bounds: they only decide when to give up, never what counts as fast enough.
START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0
CLI_TIMEOUT = 60.0 * (4 if SANITIZED else 1)
REQUEST_TIMEOUT = 15.0 * (4 if SANITIZED else 1)


def free_port():
    """A TCP port on 127.0.0.1 that nobody listens on right now (bind port 0, ask, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def lua_literal(value, indent="  "):
    """Renders a Python value (None, bool, int, float, str, list, dict) as a Lua literal."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return '"' + "".join(
            c if c not in '"\\\n\r' and ord(c) >= 0x20 else "\\%03d" % ord(c) for c in value
        ) + '"'
    inner = indent + "  "
    if isinstance(value, (list, tuple)):
        items = [inner + lua_literal(v, inner) + ",\n" for v in value]
    elif isinstance(value, dict):
        items = []
        for k, v in value.items():
            key = k if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k) else "[%s]" % lua_literal(k)
            items.append("%s%s = %s,\n" % (inner, key, lua_literal(v, inner)))
    else:
        raise TypeError("no Lua literal for %r" % (value,))
    return "{\n" + "".join(items) + indent + "}"


def read_csv(path):
    """The rows of a CSV file as dicts (UTF-8, BOM allowed)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


_SANITIZER_REPORT = re.compile(
    r"ERROR: (AddressSanitizer|LeakSanitizer)|\.[ch]:\d+:\d+: runtime error: |"
    r"WARNING: \w*Sanitizer")


def check_sanitizers(text, what):
    """Fails when an ASan/UBSan/LSan report shows in a process's stderr (ASan builds)."""
    m = _SANITIZER_REPORT.search(text or "")
    if m:
        start = max(0, m.start() - 200)
        raise AssertionError("%s: sanitizer report:\n%s" % (what, text[start:start + 3000]))


class CliResult:
    """What a finished `thiduad` command did."""

    def __init__(self, args, returncode, stdout, stderr):
        self.args, self.returncode, self.stdout, self.stderr = args, returncode, stdout, stderr

    def __repr__(self):
        return "thiduad %s -> exit %s\n--- stdout\n%s--- stderr\n%s" % (
            " ".join(self.args), self.returncode, self.stdout, self.stderr)


# ---- raw HTTP ------------------------------------------------------------------------------


class IncompleteResponse(Exception):
    """The peer closed (or reset) the connection in the middle of a response."""

    def __init__(self, received, why):
        super().__init__("incomplete response after %d bytes (%s): %r" % (
            len(received), why, bytes(received[:200])))
        self.received = bytes(received)


class Response:
    """One parsed HTTP response: status, reason, headers (names lower-cased), body bytes."""

    def __init__(self, status, reason, headers, body):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return "<HTTP %d %s %r>" % (self.status, self.reason, self.body[:200])


def read_response(sock, timeout=REQUEST_TIMEOUT, buffer=None):
    """Reads exactly one response from `sock`.

    Returns a Response; None when the peer closed before sending a single byte (a keep-alive
    connection closed under us, which a client may retry); raises IncompleteResponse when the
    connection ended part-way, socket.timeout when nothing complete arrived in `timeout`.
    `buffer` (a bytearray) carries bytes read past this response over to the next call, for
    pipelined requests.
    """
    data = buffer if buffer is not None else bytearray()
    deadline = time.monotonic() + timeout

    def more():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("no complete response within %.0f s; got %r" % (
                timeout, bytes(data[:200])))
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError) as e:
            if not data:
                return None
            raise IncompleteResponse(data, repr(e))
        if not chunk:
            if not data:
                return None
            raise IncompleteResponse(data, "EOF")
        data.extend(chunk)
        return True

    while b"\r\n\r\n" not in data:
        if more() is None:
            return None
    head_end = data.index(b"\r\n\r\n")
    head = bytes(data[:head_end]).decode("iso-8859-1")
    lines = head.split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3}) ?(.*)$", lines[0])
    if not m:
        raise IncompleteResponse(data, "bad status line %r" % lines[0])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(m.group(1))
    if status == 100:  # an interim response: skip it and read the real one
        del data[:head_end + 4]
        return read_response(sock, max(0.1, deadline - time.monotonic()), data)
    length = int(headers.get("content-length", "0"))
    while len(data) < head_end + 4 + length:
        if more() is None:
            raise IncompleteResponse(data, "EOF in body")
    body = bytes(data[head_end + 4:head_end + 4 + length])
    del data[:head_end + 4 + length]
    return Response(status, m.group(2), headers, body)


def http_request_bytes(method, path, token=None, headers=None, body=b""):
    """The bytes of an HTTP/1.1 request, for raw sockets."""
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: %s" % HOST]
    if token:
        lines.append("Authorization: Bearer %s" % token)
    for name, value in (headers or {}).items():
        lines.append("%s: %s" % (name, value))
    if body and not any(k.lower() == "content-length" for k in (headers or {})):
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body


def wait_readable(sock, timeout):
    """True when `sock` has something to read (data or EOF) within `timeout` seconds."""
    readable, _, _ = select.select([sock], [], [], timeout)
    return bool(readable)


_METRIC_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text format -> {(name, ((label, value), ...)): float}; labels sorted.

    Raises ValueError on a line that is neither a comment nor a sample."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _METRIC_LINE.match(line)
        if not m:
            raise ValueError("not a Prometheus sample: %r" % line)
        labels = tuple(sorted(_LABEL.findall(m.group(2) or "")))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def metric(samples, name, **labels):
    """The value of one sample from parse_metrics' result (0.0 when absent)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# ---- the daemon ----------------------------------------------------------------------------

_live = weakref.WeakSet()


@atexit.register
def _kill_leftovers():
    """Last resort: no daemon outlives the test process, whatever happened."""
    for d in list(_live):
        d.close(check=False)


class Daemon:
    """A `thiduad` with its own config, database and tokens in a temporary folder.

    Arguments (all optional):
      limits        dict merged over the config's `limits` table (e.g. {"body_bytes": 2048})
      config_extra  dict of further top-level config fields
      init_db       run `db init` (default True)
      demo          import etc/demo/units.csv and people.csv (default True; needs init_db)
      tokens        create the admin, read and unit:VP tokens (default True; unit:VP only
                    with demo)
      start         start `serve` on entering the `with` block (default True)
      log_level     the config's log_level (default "info")
      rules         the config's `rules` folder (default: the repository's rules/)
      nofile        RLIMIT_NOFILE for `serve` only: a number (soft and hard), e.g. 40 to make it
                    run out of descriptors, or a (soft, hard) pair (default None: inherited);
                    the CLI set-up is not limited

    Attributes: dir (the temporary folder), config_path, database, port, base_url,
    tokens (dict: "admin", "read", "unit:VP" -> token), proc (the serve process or None).
    """

    def __init__(self, limits=None, config_extra=None, init_db=True, demo=True, tokens=True,
                 start=True, log_level="info", rules=RULES_DIR, nofile=None):
        self.limits = {
            "body_bytes": 1048576, "header_bytes": 16384, "head_timeout": 10, "read_timeout": 30,
            "write_timeout": 30, "idle_timeout": 60, "connections": 1024,
            "connections_per_address": 64, "shutdown_grace": 10,
        }
        if SANITIZED:
            # ASan and UBSan make the rules run several times slower: their deadlines are
            # scaled, so a loaded machine does not kill a rule that is merely instrumented.
            self.limits.update(eval_deadline=EVAL_DEADLINE, load_deadline=LOAD_DEADLINE)
        self.limits.update(limits or {})
        self.config_extra = dict(config_extra or {})
        self.init_db, self.demo, self.want_tokens = init_db, demo, tokens
        self.autostart, self.log_level, self.rules = start, log_level, rules
        self.nofile = nofile
        self.dir = None
        self.proc = None
        self.port = None
        self.tokens = {}
        self.runs = 0
        self._log_file = None
        self.log_path = None

    # -- set-up and tear-down ----------------------------------------------------------------

    def __enter__(self):
        try:
            self.setup()
            if self.autostart:
                self.start()
        except BaseException:
            self.close(check=False)
            raise
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close(check=exc_type is None)
        return False

    def setup(self):
        """Makes the folder and config; initialises and fills the database as asked."""
        self.dir = tempfile.mkdtemp(prefix="thidua-it-")
        _live.add(self)
        self.config_path = os.path.join(self.dir, "thiduad.conf")
        self.database = os.path.join(self.dir, "thidua.db")
        self.port = free_port()
        self.write_config()
        if self.init_db:
            self.cli_ok("db", "init")
            if self.demo:
                self.cli_ok("import", "units", DEMO_UNITS)
                self.cli_ok("import", "people", DEMO_PEOPLE)
            if self.want_tokens:
                scopes = ["admin", "read"] + (["unit:VP"] if self.demo else [])
                for scope in scopes:
                    name = "it-" + scope.replace(":", "-")
                    r = self.cli_ok("token", "create", "--name", name, "--scope", scope)
                    self.tokens[scope] = r.stdout.strip()

    def write_config(self, text=None):
        """Writes the config file: `text` as is, or the one built from this Daemon's settings."""
        if text is None:
            config = {
                "listen": "%s:%d" % (HOST, self.port),
                "database": "thidua.db",  # relative: resolved against the config's folder
                "rules": self.rules,
                "plugins": PLUGINS_DIR,
                "web": WEB_DIR,
                "timezone": "Asia/Ho_Chi_Minh",
                "log_level": self.log_level,
                "limits": self.limits,
            }
            config.update(self.config_extra)
            text = "-- written by tests/integration/harness.py\nreturn " + lua_literal(
                config, "") + "\n"
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write(text)

    def close(self, check=True):
        """Stops whatever still runs and removes the folder.

        A daemon still running gets SIGTERM (SIGKILL if it lingers), so that an ASan build
        reports leaks; with `check`, such a report fails the test."""
        report = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(STOP_TIMEOUT)
            try:
                check_sanitizers(self.log, "thiduad serve")
            except AssertionError as e:
                report = e
        if self._log_file:
            self._log_file.close()
            self._log_file = None
        if self.dir and os.environ.get("THIDUA_KEEP_TMP") != "1":
            shutil.rmtree(self.dir, ignore_errors=True)
        _live.discard(self)
        self.dir = None
        if report and check:
            raise report

    # -- the command line --------------------------------------------------------------------

    def cli(self, *args, timeout=CLI_TIMEOUT, config=True, sanitizers=True):
        """Runs `thiduad ARGS -c CONFIG` to completion; returns a CliResult.

        A command still running after `timeout` seconds is killed and fails the test; so does
        a sanitizer report on its stderr, unless `sanitizers` is False (then call
        check_sanitizers(result.stderr, ...) yourself once the behaviour is checked)."""
        argv = [THIDUAD] + list(args) + (["-c", self.config_path] if config else [])
        try:
            p = subprocess.run(argv, cwd=self.dir, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise AssertionError("thiduad %s still running after %.0f s (killed)\n%s" % (
                " ".join(args), timeout, (e.stderr or b"").decode("utf-8", "replace")))
        result = CliResult(list(args), p.returncode, p.stdout.decode("utf-8", "replace"),
                           p.stderr.decode("utf-8", "replace"))
        if sanitizers:
            check_sanitizers(result.stderr, "thiduad " + " ".join(args))
        return result

    def cli_ok(self, *args, **kw):
        """cli() that must exit 0."""
        r = self.cli(*args, **kw)
        if r.returncode != 0:
            raise AssertionError("command failed: %r" % r)
        return r

    # -- serve -------------------------------------------------------------------------------

    @property
    def base_url(self):
        return "http://%s:%d" % (HOST, self.port)

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    @property
    def log(self):
        """The stderr of the current (or last) serve run."""
        if not self.log_path or not os.path.exists(self.log_path):
            return ""
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def log_tail(self, lines=40):
        return "\n".join(self.log.splitlines()[-lines:])

    def start(self, attempts=3):
        """Starts `serve`, waits for its "serving http://" line and a 200 from /healthz.

        If the port was taken between free_port() and bind (another test grabbed it), picks
        another port and tries again."""
        assert not self.running, "already running"
        for attempt in range(attempts):
            self.runs += 1
            self.log_path = os.path.join(self.dir, "serve-%d.log" % self.runs)
            if self._log_file:
                self._log_file.close()
            self._log_file = open(self.log_path, "wb")
            self.proc = subprocess.Popen([THIDUAD, "serve", "-c", self.config_path],
                                         cwd=self.dir, stdin=subprocess.DEVNULL,
                                         stdout=self._log_file, stderr=self._log_file,
                                         preexec_fn=self._serve_limits())
            if self._wait_ready():
                return self
            if "cannot listen" in self.log and attempt + 1 < attempts:
                self.port = free_port()
                self.write_config()
                continue
            break
        raise AssertionError("thiduad serve did not come up (exit %s):\n%s" % (
            self.proc.poll(), self.log_tail()))

    def _serve_limits(self):
        """The preexec_fn for `serve`: applies `nofile`, or None when there is nothing to do."""
        if self.nofile is None:
            return None
        pair = self.nofile if isinstance(self.nofile, tuple) else (self.nofile, self.nofile)
        soft, hard = int(pair[0]), int(pair[1])

        def apply():
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        return apply

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            m = re.search(r"serving http://[^\s:]+:(\d+)", self.log)
            if m:
                assert int(m.group(1)) == self.port, "serving on %s, config says %d" % (
                    m.group(1), self.port)
                try:
                    status, _, _ = self.request("GET", "/healthz", token=None, timeout=2)
                    if status == 200:
                        return True
                except OSError:
                    pass
            time.sleep(0.02)
        self.proc.kill()
        self.proc.wait()
        return False

    def stop(self, timeout=STOP_TIMEOUT):
        """SIGTERM; waits for the process to end and returns its exit code.

        A daemon still running after `timeout` seconds is killed and fails the test."""
        assert self.proc is not None, "not started"
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def wait(self, timeout=STOP_TIMEOUT):
        """Waits for the serve process to end; returns its exit code (kills it after timeout).

        Fails on a sanitizer report in the log (ASan builds report leaks at exit)."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("thiduad serve still running %.0f s after SIGTERM:\n%s" % (
                timeout, self.log_tail()))
        check_sanitizers(self.log, "thiduad serve")
        return rc

    def kill9(self):
        """SIGKILL, as a power cut would; waits until the process is gone."""
        assert self.proc is not None, "not started"
        self.proc.kill()
        self.proc.wait(STOP_TIMEOUT)

    def restart(self):
        """Stops (SIGTERM, must exit 0) if running, then starts again on the same database."""
        if self.running:
            rc = self.stop()
            assert rc == 0, "thiduad serve exited %s on SIGTERM:\n%s" % (rc, self.log_tail())
        return self.start()

    # -- HTTP --------------------------------------------------------------------------------

    def bearer(self, token):
        """The token string for `token`: a key of self.tokens, a literal token, or None."""
        if token is None:
            return None
        return self.tokens.get(token, token)

    def connection(self, timeout=REQUEST_TIMEOUT):
        """An http.client connection to the daemon (keep-alive; close it yourself)."""
        return http.client.HTTPConnection(HOST, self.port, timeout=timeout)

    def request(self, method, path, body=None, token="admin", headers=None,
                timeout=REQUEST_TIMEOUT, conn=None):
        """One HTTP request; returns (status, headers, body).

        token: "admin" (default), "read", "unit:VP" (the tokens made at set-up), any other
        string (sent as is), or None (no Authorization header).
        body: dict/list (sent as JSON), str or bytes.
        The returned headers are an http.client.HTTPMessage (case-insensitive look-up). The
        body is parsed JSON when the response says application/json (an AssertionError if it
        does not parse), otherwise text.
        conn: an open http.client connection to reuse (keep-alive); by default a fresh one.
        """
        hdrs = {}
        bearer = self.bearer(token)
        if bearer is not None:
            hdrs["Authorization"] = "Bearer " + bearer
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        elif isinstance(body, str):
            body = body.encode("utf-8")
        hdrs.update(headers or {})
        own = conn is None
        if own:
            conn = self.connection(timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            raw = resp.read()
            status, rheaders = resp.status, resp.headers
        finally:
            if own:
                conn.close()
        ctype = rheaders.get("Content-Type", "")
        if ctype.startswith("application/json"):
            try:
                parsed = json.loads(raw.decode("utf-8"))
            except ValueError as e:
                raise AssertionError("%s %s -> %d with a body that is not JSON (%s): %r" % (
                    method, path, status, e, raw[:300]))
        else:
            parsed = raw.decode("utf-8", "replace")
        return status, rheaders, parsed

    def connect(self, timeout=REQUEST_TIMEOUT):
        """A raw TCP socket connected to the daemon."""
        return socket.create_connection((HOST, self.port), timeout=timeout)

    def raw(self, data, timeout=REQUEST_TIMEOUT):
        """Sends raw bytes on a new connection and reads one response (see read_response)."""
        with self.connect(timeout) as s:
            s.sendall(data)
            return read_response(s, timeout)

    def raw_get(self, path, token="admin"):
        """GET path; the body's bytes exactly as sent (asserting 200)."""
        conn = self.connection()
        try:
            conn.request("GET", path, headers={"Authorization": "Bearer " + self.tokens[token]})
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 200:
                raise AssertionError("GET %s: %d %r" % (path, resp.status, body))
            return body
        finally:
            conn.close()

    def metrics(self, token="admin"):
        """GET /metrics, parsed (see parse_metrics)."""
        status, _, text = self.request("GET", "/metrics", token=token)
        assert status == 200, "GET /metrics -> %d: %r" % (status, text)
        return parse_metrics(text)

    def rules_hash(self):
        """The active rules hash, as GET /healthz reports it."""
        status, _, body = self.request("GET", "/healthz", token=None)
        assert status == 200, "GET /healthz -> %d: %r" % (status, body)
        return body["rules_hash"]

    # -- the database ------------------------------------------------------------------------

    def db_rows(self, sql, params=()):
        """Runs a query on the daemon's database file, read-only (safe while it serves)."""
        conn = sqlite3.connect("file:%s?mode=ro" % self.database, uri=True, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def db_exec(self, sql, params=()):
        """Runs one writing statement on the daemon's database (tests that must move time,
        e.g. a retry's next_try); returns the number of rows changed."""
        conn = sqlite3.connect(self.database, timeout=30)
        try:
            with conn:
                return conn.execute(sql, params).rowcount
        finally:
            conn.close()


# ---- peers: the servers a daemon's channels talk to ------------------------------------------
#
# Each runs in a thread of the test process, on 127.0.0.1, and is a context manager:
#
#     with SmtpSink() as smtp:                 # aiosmtpd; smtp.url is "smtp://127.0.0.1:PORT"
#         ...; mails = smtp.wait_for(3)        # [{"mail_from", "rcpt_tos", "data", "message"}]
#     with HttpSink(respond) as hook:          # respond(request) -> (status, headers, body)
#         ...; hook.requests                   # [{"method", "path", "headers", "body"}]
#     with HangingServer() as hang:            # accepts connections, never says a word
#         ...; hang.accepted


def wait_until(predicate, timeout=20.0, what="a condition", interval=0.05):
    """Polls predicate() until it returns something true (returned) or fails the test."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(interval)


class SmtpSink:
    """An SMTP server (aiosmtpd's Controller, in a thread) that keeps what it accepts.

    reject: {address: "550 5.1.1 ..."}: RCPT TO those addresses gets that reply; every other
    recipient is accepted. hold (an attribute, 0 by default): seconds to wait before answering
    DATA, once the message is kept (a sender killed meanwhile never sees the 250). Each message
    is kept as {"mail_from", "rcpt_tos", "data" (bytes), "message" (email.message.EmailMessage,
    policy.default: headers decoded)}."""

    def __init__(self, reject=None):
        self.reject = dict(reject or {})
        self.hold = 0  # seconds to wait, once a message is kept, before answering its DATA
        self.port = None
        self.received = []
        self._lock = threading.Lock()
        self._controller = None

    @property
    def url(self):
        return "smtp://%s:%d" % (HOST, self.port)

    def __enter__(self):
        import asyncio

        from aiosmtpd.controller import Controller  # only the tests that mail need it
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if address in sink.reject:
                    return sink.reject[address]
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                sink._keep(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
                if sink.hold:
                    await asyncio.sleep(sink.hold)
                return "250 Message accepted for delivery"

        for attempt in range(3):
            self.port = free_port()
            self._controller = Controller(Handler(), hostname=HOST, port=self.port)
            try:
                self._controller.start()
                return self
            except Exception:  # the port was taken meanwhile
                if attempt == 2:
                    raise
        return self

    def __exit__(self, *exc):
        if self._controller:
            self._controller.stop()
            self._controller = None
        return False

    def _keep(self, mail_from, rcpt_tos, data):
        message = email.message_from_bytes(data, policy=email.policy.default)
        with self._lock:
            self.received.append({"mail_from": mail_from, "rcpt_tos": rcpt_tos, "data": data,
                                  "message": message})

    def messages(self):
        with self._lock:
            return list(self.received)

    def wait_for(self, count, timeout=20.0):
        """The messages once at least `count` arrived (fails the test after timeout)."""
        return wait_until(lambda: len(self.received) >= count and self.messages(), timeout,
                          "%d message(s) at the SMTP sink (got %d)" % (count, len(self.received)))


class HttpSink:
    """An HTTP server in a thread: respond(request) -> (status, {header: value}, body bytes
    or a dict/list sent as JSON); every request is kept as {"method", "path", "headers"
    (a dict, names lower-cased), "body" (bytes)}, in arrival order."""

    def __init__(self, respond):
        self.respond = respond
        self.requests = []
        self._lock = threading.Lock()
        self._server = self._thread = None
        self.port = None

    @property
    def url(self):
        return "http://%s:%d" % (HOST, self.port)

    def __enter__(self):
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = {"method": self.command, "path": self.path, "body": body,
                           "headers": {k.lower(): v for k, v in self.headers.items()}}
                with sink._lock:
                    sink.requests.append(request)
                try:
                    status, headers, out = sink.respond(request)
                except Exception as e:  # a bug in the test's responder: a 599 says so
                    status, headers, out = 599, {}, repr(e).encode("utf-8")
                if isinstance(out, (dict, list)):
                    out = json.dumps(out).encode("utf-8")
                    headers = dict({"Content-Type": "application/json"}, **(headers or {}))
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = _any

        self._server = http.server.ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        return False

    def taken(self):
        with self._lock:
            return list(self.requests)


class HangingServer:
    """A TCP server that accepts every connection and never sends or closes anything (an
    SMTP server stuck before its greeting). `accepted` counts the connections."""

    def __init__(self):
        self.accepted = 0
        self._socks = []
        self._listener = None
        self._stop = threading.Event()
        self.port = None

    @property
    def smtp_url(self):
        return "smtp://%s:%d" % (HOST, self.port)

    def __enter__(self):
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind((HOST, 0))
        self._listener.listen(128)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._run, daemon=True).start()
        return self

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self._socks.append(conn)
            self.accepted += 1

    def __exit__(self, *exc):
        self._stop.set()
        for s in self._socks:
            s.close()
        self._listener.close()
        return False
