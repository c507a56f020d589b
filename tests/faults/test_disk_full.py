"""test_disk_full.py — the database's file system fills up: the daemon is given a 24 MiB
tmpfs (mounted by this test; skipped, saying why, where mounting is not permitted), the
space is taken by a filler file, and reports are sent until one is refused. Then:

- the refusal is an error status (not 2xx) with a JSON error, and a log line;
- the daemon keeps serving reads (units, the stored evaluation, /healthz answers);
- once space is freed, reports are stored again without a restart;
- after kill -9 and a restart, every acknowledged version is there and the database passes
  its integrity check.

The exact code of the refusal is issue 9 finding 10's (today 503 "busy"); it is printed,
not asserted.
"""

import os
import shutil
import subprocess
import tempfile
import unittest

from faults import (Daemon, assert_error_answer, facts_for, log_lines_after,
                    missing_acknowledged, report_path)

SIZE = "24m"
MAX_REPORTS = 3000


def mount_small_fs():
    """A fresh folder with a SIZE tmpfs on it; (folder, None) or (None, why not)."""
    if os.geteuid() != 0:
        return None, "not root: cannot mount a size-limited file system"
    folder = tempfile.mkdtemp(prefix="thidua-full-")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % SIZE, "tmpfs",
                        folder], capture_output=True, text=True)
    if r.returncode != 0:
        os.rmdir(folder)
        return None, "mount -t tmpfs not permitted here: %s" % r.stderr.strip()
    return folder, None


def fill(folder):
    """Takes every free byte of folder's file system with one file; returns its path."""
    path = os.path.join(folder, "filler")
    block = b"\0" * 65536
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(block)
        except OSError:
            pass
        try:
            while True:
                f.write(b"\0" * 512)
        except OSError:
            pass
    return path


class DiskFullTest(unittest.TestCase):
    def setUp(self):
        self.folder, why = mount_small_fs()
        if not self.folder:
            print("test_disk_full: skipped: " + why)
            self.skipTest(why)

    def tearDown(self):
        if self.folder:
            if subprocess.run(["umount", self.folder]).returncode != 0:
                subprocess.run(["umount", "-l", self.folder])
            shutil.rmtree(self.folder, ignore_errors=True)

    def test_full_disk_refuses_clearly_serves_reads_and_loses_nothing(self):
        database = os.path.join(self.folder, "thidua.db")
        with Daemon(config_extra={"database": database}) as d:
            d.database = database
            acknowledged = []
            n = 0
            filler = fill(self.folder)
            mark = len(d.log)
            while True:
                n += 1
                self.assertLess(n, MAX_REPORTS, "%d reports stored on a full disk" % n)
                status, _, body = d.request("PUT", report_path("VP"),
                                            body={"facts": facts_for(n)})
                if status not in (200, 202):
                    break
                acknowledged.append(("VP", body["version"], facts_for(n)))
            assert_error_answer(self, status, body, "a report on a full disk")
            print("disk full: refused with %d %s after %d reports stored on the full disk" % (
                status, body["error"]["code"], len(acknowledged)))
            self.assertTrue(log_lines_after(d, mark), "no log line says why:\n" + d.log_tail())

            # Still serving reads, on the same full disk.
            self.assertIsNone(d.proc.poll(), "the daemon died:\n" + d.log_tail())
            status, _, body = d.request("GET", "/api/v1/units")
            self.assertEqual((status, len(body["units"])), (200, 16))
            status, _, body = d.request("GET", "/api/v1/periods/2025-H1/units/VP/evaluation")
            self.assertEqual(status, 200, body)
            status, _, body = d.request("GET", "/healthz", token=None)
            self.assertIn(status, (200, 503), body)  # 503 once /healthz reports the store
            status, _, body = d.request("PUT", report_path("VP"), body={"facts": facts_for(0)})
            assert_error_answer(self, status, body, "a second report on a full disk")

            # Space again: stored again, without a restart.
            os.unlink(filler)
            status, _, body = d.request("PUT", report_path("VP"), body={"facts": facts_for(-1)})
            self.assertEqual(status, 200, body)
            acknowledged.append(("VP", body["version"], facts_for(-1)))

            d.kill9()
            d.start()
            self.assertEqual(missing_acknowledged(d, acknowledged), [])
            self.assertEqual(d.db_rows("PRAGMA integrity_check"), [("ok",)])
            self.assertEqual(d.stop(), 0, d.log_tail())


if __name__ == "__main__":
    unittest.main()
