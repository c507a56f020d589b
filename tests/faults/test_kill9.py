"""test_kill9.py — kill -9 under concurrent submissions loses nothing acknowledged.

Twenty rounds: the daemon serves four clients, each sending its unit's report in a loop
(each on a fresh connection), and is killed with SIGKILL at a moment that differs each round
(as a power cut would: no chance to finish anything). After every restart every version the
daemon had answered 200/202 for is in the database with the facts that were sent, the
database passes its integrity check, and the next report of each unit gets a version above
every acknowledged one (no version number handed out twice).
"""

import random
import time
import unittest

from faults import Daemon, Submitter, missing_acknowledged, stored_versions, wait_until

ROUNDS = 20
UNITS = ("VP", "KHTC", "TTRA", "SO")


class KillNineTest(unittest.TestCase):
    def test_acknowledged_reports_survive_twenty_kills(self):
        rng = random.Random(9)  # the same moments on every run
        acknowledged = []
        with Daemon() as d:
            for round_no in range(ROUNDS):
                if round_no:
                    d.start()
                clients = [Submitter(d, unit, start_at=1000 * round_no) for unit in UNITS]
                for c in clients:
                    c.start()
                # Kill once the clients are writing, at a moment that moves round to round.
                wait_until(lambda: sum(len(c.acknowledged) for c in clients) >= 2, 30,
                           "the first reports of round %d" % round_no)
                time.sleep(rng.uniform(0.0, 0.4))
                d.kill9()
                for c in clients:
                    c.join(30)
                    self.assertFalse(c.is_alive(), "a client still runs after the kill")
                    unexpected = [a for a in c.answers if a not in (None, 200, 202)]
                    self.assertEqual(unexpected, [], "round %d %s: %r" % (
                        round_no, c.unit, c.bodies[:3]))
                    acknowledged += c.acknowledged
                lost = missing_acknowledged(d, acknowledged)
                self.assertEqual(lost, [], "round %d: acknowledged and lost" % round_no)
                self.assertEqual(d.db_rows("PRAGMA integrity_check"), [("ok",)])
            d.start()
            lost = missing_acknowledged(d, acknowledged)
            self.assertEqual(lost, [], "acknowledged and lost after %d kills" % ROUNDS)
            for unit in UNITS:
                highest = max(v for u, v, _ in acknowledged if u == unit)
                status, _, body = d.request("PUT", "/api/v1/periods/2025-H1/units/%s/report"
                                            % unit, body={"facts": {"response_plan": True}})
                self.assertEqual(status, 200, body)
                self.assertGreater(body["version"], highest, unit)
                self.assertEqual(max(stored_versions(d, unit)), body["version"])
            self.assertEqual(d.stop(), 0, d.log_tail())
            print("kill -9: %d rounds, %d reports acknowledged, none lost" % (
                ROUNDS, len(acknowledged)))


if __name__ == "__main__":
    unittest.main()
