"""faults.py — what the fault tests in tests/faults/ share: the integration harness (a real
`thiduad serve` on loopback with a real SQLite file, tests/integration/harness.py), a unit
report the 2025 ruleset accepts, and a Submitter thread that sends reports in a loop and
keeps every version the daemon acknowledged.

An acknowledgement is a 200 or 202 answer to PUT …/report: the daemon says the version is
stored. Whatever happens next (kill -9, a full disk, a locked database), each acknowledged
version must be found afterwards with the facts that were sent.
"""

import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "integration"))
from harness import Daemon, check_sanitizers, wait_until  # noqa: E402,F401
from ruleset_2025 import GOOD_UNIT  # noqa: E402

PERIOD = "2025-H1"
ACKNOWLEDGED = (200, 202)


def report_path(unit):
    return "/api/v1/periods/%s/units/%s/report" % (PERIOD, unit)


def facts_for(n):
    """A report that differs from the one before it (tasks done), so every version is new."""
    return dict(GOOD_UNIT, tasks_assigned=100000, tasks_completed=n % 100000)


def stored_versions(d, unit):
    """{version: facts} of a unit's report for PERIOD, read from the database file."""
    rows = d.db_rows("SELECT version, facts FROM fact_versions WHERE period = ? AND "
                     "subject = 'unit' AND code = ?", (PERIOD, unit))
    return {version: json.loads(facts) for version, facts in rows}


def missing_acknowledged(d, acknowledged):
    """The acknowledged (unit, version, facts) not found as stored: [] when none is lost."""
    lost = []
    by_unit = {}
    for unit, version, facts in acknowledged:
        stored = by_unit.setdefault(unit, stored_versions(d, unit))
        if stored.get(version) != facts:
            lost.append((unit, version, facts, stored.get(version)))
    return lost


class Submitter(threading.Thread):
    """PUTs reports for one unit in a loop, on fresh connections, until stop() or until the
    daemon is gone. acknowledged: [(unit, version, facts)]; answers: every status seen
    (None for a connection that failed)."""

    def __init__(self, d, unit, start_at=0, timeout=15.0):
        super().__init__(daemon=True)
        self.d, self.unit, self.n, self.timeout = d, unit, start_at, timeout
        self.acknowledged, self.answers, self.bodies = [], [], []
        self._halt = threading.Event()

    def stop(self):
        self._halt.set()

    def run(self):
        failures = 0
        while not self._halt.is_set() and failures < 3:
            self.n += 1
            facts = facts_for(self.n)
            try:
                status, _, body = self.d.request("PUT", report_path(self.unit),
                                                 body={"facts": facts}, timeout=self.timeout)
            except (OSError, AssertionError) as e:  # refused, reset, cut short: daemon gone
                self.answers.append(None)
                self.bodies.append(repr(e))
                failures += 1
                continue
            failures = 0
            self.answers.append(status)
            if status in ACKNOWLEDGED:
                self.acknowledged.append((self.unit, body["version"], facts))
            else:
                self.bodies.append(body)


def log_lines_after(d, mark, levels=("warn", "error")):
    """The daemon's log lines past character `mark` (len(d.log) taken earlier) whose level is
    one of `levels` (logfmt: level=warn), the access log's lines left out (a 5xx is logged
    at warn there, which says what was answered, not why)."""
    return [line for line in d.log[mark:].splitlines()
            if any(" level=%s " % level in line for level in levels) and " method=" not in line]


def assert_error_answer(test, status, body, what):
    """A refusal the client can act on: not 2xx, JSON {"error": {"code", "message"}}."""
    test.assertFalse(200 <= status < 300, "%s was acknowledged (%d): %r" % (what, status, body))
    test.assertIsInstance(body, dict, "%s: %d with a body that is not JSON" % (what, status))
    error = body.get("error") or {}
    test.assertTrue(error.get("code") and error.get("message"), "%s: %r" % (what, body))
