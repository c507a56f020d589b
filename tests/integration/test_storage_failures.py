"""test_storage_failures.py — a write the database refuses is answered with why, logged with
why, and /healthz says the store cannot be written (issue 9, finding 10):

  - another process holds the database's lock past the busy timeout: 503 database_locked
    with Retry-After (it was 503 "busy");
  - the database file cannot be written (mode 0444, the daemon without CAP_DAC_OVERRIDE, as
    any daemon not running as root): 503 database_read_only (it was 500 rule_error),
    /healthz 503 with store.writable false (it said ok);
  - the database file is moved away under the daemon: /healthz says so (SQLite in WAL mode
    keeps writing into the moved file; see the issue note);
  - the disk is full (a 3 MiB tmpfs, mounted where the machine allows it, else skipped with
    the reason): 507 disk_full (it was 503 busy, with no reason logged), /healthz 503
    disk_full; once space is freed, writes and /healthz come back.

Each case leaves nothing stored and a log line naming the failure; reads keep working.
"""

import ctypes
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon, START_TIMEOUT  # noqa: E402
from ruleset_2025 import unit_facts  # noqa: E402

VP_REPORT = "/api/v1/periods/2025-H1/units/VP/report"
TMPFS_SIZE = "3m"
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE = 1


def drop_dac_override():
    """preexec_fn: the daemon runs without CAP_DAC_OVERRIDE, so file modes bind it even as
    root (a daemon under its own user is bound by them anyway)."""
    if ctypes.CDLL(None, use_errno=True).prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0):
        raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


class UnprivilegedDaemon(Daemon):
    """A Daemon whose `serve` has no CAP_DAC_OVERRIDE, ready once it serves (its /healthz
    may well answer 503: that is what the test looks at)."""

    def _serve_limits(self):
        return drop_dac_override

    def _wait_ready(self):
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and self.proc.poll() is None:
            if re.search(r"serving http://", self.log):
                return True
            time.sleep(0.02)
        return False


class StorageFailureTest(unittest.TestCase):
    def versions(self, d):
        return d.db_rows("SELECT count(*) FROM fact_versions")[0][0]

    def assertRefused(self, d, status, body, expect_status, code):
        self.assertEqual(status, expect_status, str(body)[:300])
        self.assertEqual(body["error"]["code"], code, body)
        self.assertIn("không có gì được lưu", body["error"]["message"])
        self.assertRegex(d.log, r"store: PUT %s refused \(%s\): " % (VP_REPORT, code))

    def assertHealth(self, d, writable, code=None):
        status, _, body = d.request("GET", "/healthz", token=None)
        self.assertEqual(status, 200 if writable else 503, body)
        self.assertEqual(body["store"]["writable"], writable, body)
        if not writable:
            self.assertEqual(body["status"], "store_unwritable", body)
            self.assertEqual(body["store"]["error"], code, body)

    def test_locked_database(self):
        with Daemon() as d:
            holder = sqlite3.connect(d.database, isolation_level=None, timeout=1)
            try:
                holder.execute("BEGIN EXCLUSIVE")
                status, headers, body = d.request("PUT", VP_REPORT, {"facts": unit_facts()})
                self.assertRefused(d, status, body, 503, "database_locked")
                self.assertEqual(headers.get("Retry-After"), "5")
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            status, _, body = d.request("PUT", VP_REPORT, {"facts": unit_facts()})
            self.assertEqual(status, 200, str(body)[:300])

    def test_read_only_database(self):
        with UnprivilegedDaemon(start=False) as d:
            os.chmod(d.database, 0o444)
            d.start()
            self.assertHealth(d, False, "database_read_only")
            before = self.versions(d)
            status, _, body = d.request("PUT", VP_REPORT, {"facts": unit_facts()})
            self.assertRefused(d, status, body, 503, "database_read_only")
            self.assertEqual(self.versions(d), before)
            status, _, body = d.request("GET", "/api/v1/units")
            self.assertEqual(status, 200, "reads keep working")

    def test_database_moved_away(self):
        with Daemon() as d:
            self.assertHealth(d, True)
            os.rename(d.database, d.database + ".moved")
            self.assertHealth(d, False, "database_read_only")
            os.rename(d.database + ".moved", d.database)
            self.assertHealth(d, True)

    def test_disk_full(self):
        mnt = tempfile.mkdtemp(prefix="thidua-full-")
        self.addCleanup(os.rmdir, mnt)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + TMPFS_SIZE, "tmpfs", mnt],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            self.skipTest("cannot mount a small tmpfs here: %s" % r.stdout.decode().strip())
        self.addCleanup(subprocess.run, ["umount", "-l", mnt])
        database = os.path.join(mnt, "thidua.db")
        with Daemon(config_extra={"database": database}) as d:
            d.database = database
            self.assertHealth(d, True)
            filler = os.path.join(mnt, "filler")
            with open(filler, "wb") as f:
                try:
                    while True:
                        f.write(b"\0" * 65536)
                        f.flush()
                except OSError:
                    pass
            before = self.versions(d)
            refused = None
            for i in range(200):  # the WAL may still have room for a few
                status, _, body = d.request("PUT", VP_REPORT, {
                    "facts": unit_facts(), "note": "%d " % i + "ghi chú " * 400})
                if status != 200:
                    refused = (status, body)
                    break
                before += 1
            self.assertIsNotNone(refused, "the disk never filled")
            self.assertRefused(d, refused[0], refused[1], 507, "disk_full")
            self.assertEqual(self.versions(d), before, "nothing of the refused one is stored")
            self.assertHealth(d, False, "disk_full")
            os.unlink(filler)
            status, _, body = d.request("PUT", VP_REPORT, {"facts": unit_facts()})
            self.assertEqual(status, 200, str(body)[:300])
            self.assertHealth(d, True)


if __name__ == "__main__":
    unittest.main()
