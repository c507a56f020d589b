"""test_reload_off_loop.py — issue 9, finding 4: a rules reload does not hold the serving loop.

A generated province (bench/gen_province.py) is imported and its rules changed, so a reload
recomputes every stored evaluation of the open period. While POST /api/v1/admin/reload runs:
- GET /healthz and a stored GET …/evaluation answer within a second each (the reload loads
  and recomputes in a thread with its own database connection, daemon/reload.c);
- a report PUT meanwhile is held, not refused and not lost: it is answered after the swap,
  and its evaluation carries the new rules' hash;
the reload itself answers 200 once it is done (the connection waits, the loop does not), and
every stored evaluation then carries the new hash. SIGHUP reloads the same way.

Latencies are printed (figures, not only a pass).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import RULES_DIR, SOURCE_DIR, Daemon, wait_until  # noqa: E402
from ruleset_2025 import unit_facts  # noqa: E402

UNITS, PER_UNIT = 150, 20
PERIOD = "2025-H1"
STORED = "/api/v1/periods/2025-H1/units/P02/evaluation"
REPORT = "/api/v1/periods/2025-H1/units/P01/report"


class Probe:
    """Asks GET `path` over and over on fresh connections while it runs; keeps each wait."""

    def __init__(self, daemon, path, token=None):
        self.d, self.path, self.token = daemon, path, token
        self.waits, self.failures = [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                status = self.d.request("GET", self.path, token=self.token, timeout=60)[0]
                if status != 200:
                    self.failures.append(status)
            except Exception as e:  # noqa: BLE001 — a refused or dropped probe is a finding
                self.failures.append(repr(e))
            self.waits.append(time.monotonic() - started)
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=70)
        return False


class ReloadOffLoopTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="thidua-offloop-")
        cls.rules = os.path.join(cls.root, "rules")
        shutil.copytree(os.path.join(RULES_DIR, "2025"), os.path.join(cls.rules, "2025"))
        prov = os.path.join(cls.root, "prov")
        subprocess.run([sys.executable, os.path.join(SOURCE_DIR, "bench", "gen_province.py"),
                        prov, "--units", str(UNITS), "--per-unit", str(PER_UNIT), "--period",
                        PERIOD], check=True, stdout=subprocess.DEVNULL)
        cls.d = Daemon(demo=False, rules=cls.rules, start=False)
        cls.d.__enter__()
        for what in ("units", "people", "facts"):
            cls.d.cli_ok("import", what, os.path.join(prov, what + ".csv"), timeout=300)
        cls.d.start()

    @classmethod
    def tearDownClass(cls):
        cls.d.__exit__(None, None, None)
        shutil.rmtree(cls.root, ignore_errors=True)

    def change_rules(self, mark):
        with open(os.path.join(self.rules, "2025", "campaign.lua"), "a", encoding="utf-8") as f:
            f.write("\n-- %s\n" % mark)

    def stored_hashes(self):
        return {row[0] for row in self.d.db_rows(
            "SELECT DISTINCT rules_hash FROM evaluations WHERE period = ?", (PERIOD,))}

    def test_the_loop_serves_while_a_province_reloads(self):
        self.change_rules("reload over HTTP")
        put = {}

        def put_during_reload():
            time.sleep(0.3)
            started = time.monotonic()
            put["answer"] = self.d.request("PUT", REPORT, {"facts": unit_facts()}, timeout=120)
            put["took"] = time.monotonic() - started

        writer = threading.Thread(target=put_during_reload, daemon=True)
        with Probe(self.d, "/healthz") as health, Probe(self.d, STORED, "admin") as stored:
            started = time.monotonic()
            writer.start()
            status, _, body = self.d.request("POST", "/api/v1/admin/reload", b"", timeout=300)
            took = time.monotonic() - started
            writer.join(120)
        print("\n  province reload (%d units x %d) answered %d in %.2f s; meanwhile /healthz: "
              "%d answers, slowest %.3f s; stored evaluation: %d answers, slowest %.3f s; "
              "PUT answered in %.2f s" % (
                  UNITS, PER_UNIT, status, took, len(health.waits), max(health.waits),
                  len(stored.waits), max(stored.waits), put.get("took", -1)), file=sys.stderr)
        self.assertEqual(status, 200, body)
        self.assertGreater(body["recomputed"], UNITS * PER_UNIT / 2)
        self.assertEqual(health.failures, [])
        self.assertEqual(stored.failures, [])
        self.assertLess(max(health.waits), 1.0, "/healthz waited on the reload")
        self.assertLess(max(stored.waits), 1.0, "a stored evaluation waited on the reload")
        self.assertGreater(len(health.waits), 3, "too few probes: the reload was too short")
        # The write sent meanwhile was held, then evaluated by the new rules.
        p_status, _, p_body = put["answer"]
        self.assertIn(p_status, (200, 201), p_body)
        self.assertEqual(p_body["evaluation"]["rules_hash"], body["rules_hash"])
        self.assertEqual(self.stored_hashes(), {body["rules_hash"]})
        self.assertEqual(self.d.rules_hash(), body["rules_hash"])

    def test_sighup_reloads_off_the_loop(self):
        before = self.d.rules_hash()
        self.change_rules("reload by SIGHUP")
        with Probe(self.d, "/healthz") as health:
            self.d.proc.send_signal(signal.SIGHUP)
            wait_until(lambda: self.d.rules_hash() != before, timeout=120)
        print("\n  SIGHUP reload: /healthz %d answers, slowest %.3f s" % (
            len(health.waits), max(health.waits)), file=sys.stderr)
        self.assertEqual(health.failures, [])
        self.assertLess(max(health.waits), 1.0, "/healthz waited on the reload")
        self.assertEqual(self.stored_hashes(), {self.d.rules_hash()})


if __name__ == "__main__":
    unittest.main()
