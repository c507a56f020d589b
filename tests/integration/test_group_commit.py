"""test_group_commit.py — submissions that arrive together are stored together: one
transaction and one commit (one fsync) for the group, each client answered only once it is
durable (http/writes.c).

What a department would check: many units sending their reports at the same moment are all
stored, each with its own version, its own evaluation and an audit line in its own token's
name; far fewer commits than submissions are made (the daemon's metrics count them); a
report with a wrong fact is refused alone, the others of its group stored; the same unit
written twice at once gets two versions, each answer carrying the evaluation its own facts
made; answers stay whole after a restart.
"""

import json
import os
import shutil
import socket
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (HOST, Daemon, http_request_bytes, metric, read_response,  # noqa: E402
                     wait_until)
from ruleset_2025 import unit_facts  # noqa: E402

PERIOD = "2025-H1"
# The demo's units below the department (etc/demo/units.csv).
UNITS = ["VP", "TTRA", "KHTC", "QLDD", "MT", "TNN", "VPDKDD", "TTQT", "TTCNTT", "CCTL",
         "PTNMT-HX", "PTNMT-TK"]


def report_path(unit):
    return "/api/v1/periods/%s/units/%s/report" % (PERIOD, unit)


class GroupCommitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.d.__enter__()
        known = {row[0] for row in cls.d.db_rows("SELECT code FROM units")}
        cls.units = [u for u in UNITS if u in known]
        assert len(cls.units) >= 8, "the demo has fewer units than this test needs: %r" % known

    @classmethod
    def tearDownClass(cls):
        cls.d.close()

    def send_together(self, requests):
        """Sends every request on its own connection before reading any answer; returns the
        answers in the same order."""
        socks = []
        try:
            for method, path, token, body in requests:
                s = socket.create_connection((HOST, self.d.port), timeout=60)
                socks.append(s)
                s.sendall(http_request_bytes(method, path, self.d.bearer(token),
                                             {"Content-Type": "application/json"},
                                             json.dumps(body).encode("utf-8")))
            return [read_response(s, 60) for s in socks]
        finally:
            for s in socks:
                s.close()

    def commits(self):
        m = self.d.metrics()
        return (metric(m, "thidua_write_groups_total", outcome="committed"),
                metric(m, "thidua_grouped_submissions_total", outcome="committed"))

    def test_1_reports_sent_together_share_commits(self):
        groups_before, subs_before = self.commits()
        requests = [("PUT", report_path(u), "unit:VP" if u == "VP" else "admin",
                     {"facts": unit_facts(exemplary_models=i), "note": "gửi cùng lúc"})
                    for i, u in enumerate(self.units)]
        answers = self.send_together(requests)
        for unit, r in zip(self.units, answers):
            self.assertEqual(r.status, 200, (unit, r))
            body = r.json()
            self.assertEqual(body["unit"], unit)
            self.assertGreaterEqual(body["version"], 1)
            self.assertEqual(body["evaluation"]["code"], unit)
        groups, subs = self.commits()
        n = len(self.units)
        self.assertEqual(subs - subs_before, n)
        # Sent before any answer was read: they share commits (at most half as many).
        self.assertLessEqual(groups - groups_before, n // 2,
                             "%d submissions took %d commits" % (n, groups - groups_before))
        # Each is stored, as sent, with an audit line in its own token's name.
        for i, unit in enumerate(self.units):
            rows = self.d.db_rows(
                "SELECT facts, submitted_by FROM fact_versions WHERE period = ? AND "
                "subject = 'unit' AND code = ? ORDER BY version DESC LIMIT 1", (PERIOD, unit))
            self.assertEqual(json.loads(rows[0][0])["exemplary_models"], i)
            who = "it-unit-VP" if unit == "VP" else "it-admin"
            self.assertEqual(rows[0][1], who)
            audit = self.d.db_rows(
                "SELECT actor FROM audit WHERE entity = 'unit' AND code = ? AND action = "
                "'submit' ORDER BY id DESC LIMIT 1", (unit,))
            self.assertEqual(audit, [(who,)])
            stored = self.d.db_rows(
                "SELECT count(*) FROM evaluations WHERE period = ? AND subject = 'unit' AND "
                "code = ?", (PERIOD, unit))
            self.assertEqual(stored, [(1,)])

    def test_2_a_wrong_report_is_refused_alone(self):
        bad = self.units[3]
        before = self.d.db_rows("SELECT count(*) FROM fact_versions WHERE code = ?", (bad,))
        requests = []
        for u in self.units[:6]:
            facts = unit_facts(tasks_completed=-5) if u == bad else unit_facts()
            requests.append(("PUT", report_path(u), "admin",
                             {"facts": facts, "ghi_chu": "x"} if u == bad else {"facts": facts}))
        answers = self.send_together(requests)
        for unit, r in zip(self.units[:6], answers):
            if unit != bad:
                self.assertEqual(r.status, 200, (unit, r))
                continue
            self.assertEqual(r.status, 422, r)
            fields = {d["field"] for d in r.json()["error"]["details"]}
            # Every problem in one answer: the body's shape and the rules' word on the facts.
            self.assertIn("ghi_chu", fields)
            self.assertIn("facts.tasks_completed", fields)
        after = self.d.db_rows("SELECT count(*) FROM fact_versions WHERE code = ?", (bad,))
        self.assertEqual(before, after, "nothing of the refused report is stored")

    def test_2b_a_wrong_fact_sends_its_group_round_again(self):
        # Facts are checked by the rule process that evaluates their units: a wrong fact
        # stores nothing of its group, is refused, and the others are stored as the next one.
        bad = self.units[2]
        m = self.d.metrics()
        again_before = metric(m, "thidua_write_groups_total", outcome="checked_again")
        before = self.d.db_rows("SELECT count(*) FROM fact_versions WHERE code = ?", (bad,))
        units = self.units[:8]
        requests = [("PUT", report_path(u), "admin",
                     {"facts": unit_facts(tasks_completed=-5 if u == bad else 7)})
                    for u in units]
        answers = self.send_together(requests)
        for unit, r in zip(units, answers):
            if unit == bad:
                self.assertEqual(r.status, 422, r)
                fields = [d["field"] for d in r.json()["error"]["details"]]
                self.assertEqual(fields, ["facts.tasks_completed"])
            else:
                self.assertEqual(r.status, 200, (unit, r))
                rows = self.d.db_rows(
                    "SELECT facts FROM fact_versions WHERE period = ? AND subject = 'unit' AND "
                    "code = ? AND version = ?", (PERIOD, unit, r.json()["version"]))
                self.assertEqual(json.loads(rows[0][0])["tasks_completed"], 7)
        after = self.d.db_rows("SELECT count(*) FROM fact_versions WHERE code = ?", (bad,))
        self.assertEqual(before, after)
        # The wrong one's group (however many it held) stored nothing once.
        again = metric(self.d.metrics(), "thidua_write_groups_total", outcome="checked_again")
        self.assertGreaterEqual(again - again_before, 1)

    def test_3_one_unit_twice_at_once_gets_two_versions(self):
        unit = self.units[1]
        clean, disciplined = unit_facts(), unit_facts(discipline_violations=2)
        answers = self.send_together([("PUT", report_path(unit), "admin", {"facts": clean}),
                                      ("PUT", report_path(unit), "admin", {"facts": disciplined})])
        for r in answers:
            self.assertEqual(r.status, 200, r)
        by_version = sorted((r.json() for r in answers), key=lambda b: b["version"])
        self.assertEqual(by_version[1]["version"], by_version[0]["version"] + 1)
        scores = [r.json()["evaluation"]["score"] for r in answers]  # clean, disciplined
        # Each answer's evaluation is the one its own facts made.
        self.assertGreater(scores[0], scores[1], scores)
        latest = by_version[1]
        rows = self.d.db_rows(
            "SELECT facts FROM fact_versions WHERE period = ? AND subject = 'unit' AND code = ? "
            "AND version = ?", (PERIOD, unit, latest["version"]))
        sent = disciplined if latest["evaluation"]["score"] == scores[1] else clean
        self.assertEqual(json.loads(rows[0][0]), sent)
        stored = self.d.db_rows(
            "SELECT score FROM evaluations WHERE period = ? AND subject = 'unit' AND code = ?",
            (PERIOD, unit))
        self.assertEqual(stored, [(latest["evaluation"]["score"],)])

    def test_4_acknowledged_reports_survive_a_kill(self):
        requests = [("PUT", report_path(u), "admin",
                     {"facts": unit_facts(exemplary_models=40 + i)})
                    for i, u in enumerate(self.units)]
        answers = self.send_together(requests)
        versions = {}
        for unit, r in zip(self.units, answers):
            self.assertEqual(r.status, 200, (unit, r))
            versions[unit] = r.json()["version"]
        self.d.kill9()
        self.d.start()
        for i, unit in enumerate(self.units):
            rows = self.d.db_rows(
                "SELECT facts FROM fact_versions WHERE period = ? AND subject = 'unit' AND "
                "code = ? AND version = ?", (PERIOD, unit, versions[unit]))
            self.assertEqual(len(rows), 1, unit)
            self.assertEqual(json.loads(rows[0][0])["exemplary_models"], 40 + i)

    def test_5_the_log_is_checkpointed_off_the_loop(self):
        # The daemon's commits only append to the write-ahead log; a thread of its own copies
        # it into the database file (store/checkpointer.c) within a second or so: the main
        # file alone, copied without its log, holds what was acknowledged.
        unit = self.units[0]
        status, _, body = self.d.request("PUT", report_path(unit),
                                         {"facts": unit_facts(exemplary_models=77)})
        self.assertEqual(status, 200, body)
        version = body["version"]
        copy = os.path.join(self.d.dir, "main-only.db")

        def in_main_file():
            shutil.copyfile(self.d.database, copy)
            conn = sqlite3.connect(copy)
            try:
                return conn.execute(
                    "SELECT count(*) FROM fact_versions WHERE code = ? AND version = ?",
                    (unit, version)).fetchone()[0] == 1
            finally:
                conn.close()
        wait_until(in_main_file, timeout=10, what="the version in the database file itself")


if __name__ == "__main__":
    unittest.main()
