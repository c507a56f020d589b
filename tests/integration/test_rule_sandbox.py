"""test_rule_sandbox.py — issue 9, finding 4: one rule cannot stall the daemon.

A backtracking pattern (`('x'):rep(40000):find('(.-)*x')`) spends its time inside one C call,
where the instruction budget never looks. Every evaluation runs in a throwaway process that
is killed at the wall-clock deadline (1 s, core/rules/process.c), so:
- a report whose facts make a rule spin is stored, its unit marked failed with the deadline's
  words, and the daemon answers /healthz and stored evaluations meanwhile and after;
- a reload whose new rules spin on stored facts is refused and the previous rules keep serving;
- a group of submissions held by a spinning rule does not hold the loop: GETs answer meanwhile;
- rule processes that answered are collected while the daemon is idle (none left defunct).

The latency of /healthz while the rule spins is printed (a figure, not only a pass).
"""

import os
import shutil
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import RULES_DIR, Daemon  # noqa: E402
from ruleset_2025 import unit_facts  # noqa: E402

RULES_2025 = os.path.join(RULES_DIR, "2025")
VP_REPORT = "/api/v1/periods/2025-H1/units/VP/report"
VP_EVALUATION = "/api/v1/periods/2025-H1/units/VP/evaluation"
VPDKDD_REPORT = "/api/v1/periods/2025-H1/units/VPDKDD/report"
VPDKDD_EVALUATION = "/api/v1/periods/2025-H1/units/VPDKDD/evaluation"
# What a kill at the deadline says of the rule that was running (TT1's check).
NAMES_TT1 = r"quá thời hạn 1000 ms và đã bị dừng khi đang chạy quy tắc khai báo tại " \
    r"criteria_tap_the\.lua:\d+"
SPIN_TASKS = 37  # the figure that makes TT1 spin in the hostile ruleset
TT1_CHECK = 'check = function(_, f)\n    local gap = unreported(f, { "response_plan" })'
SPIN = ("check = function(_, f)\n"
        "    if f.tasks_assigned == %d then ('x'):rep(40000):find('(.-)*x') end\n"
        '    local gap = unreported(f, { "response_plan" })' % SPIN_TASKS)


class HealthProbe:
    """Asks GET /healthz (or `path` with `token`) over and over on fresh connections while
    it runs; keeps the slowest answer."""

    def __init__(self, daemon, path="/healthz", token=None):
        self.d, self.worst, self.count, self.failures = daemon, 0.0, 0, []
        self.path, self.token = path, token
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                status, _, _ = self.d.request("GET", self.path, token=self.token, timeout=30)
                if status != 200:
                    self.failures.append(status)
            except Exception as e:  # noqa: BLE001 — a refused or dropped probe is a finding
                self.failures.append(repr(e))
            self.worst = max(self.worst, time.monotonic() - started)
            self.count += 1
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=40)
        return False


class SpinningRuleTest(unittest.TestCase):
    # The deadline itself is under test: 1 s even in a sanitizer build (the harness scales
    # the default there), so a spinning rule holds nothing for longer.
    DEADLINE = 1

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="thidua-spin-")
        self.rules = os.path.join(self.root, "2025")
        shutil.copytree(RULES_2025, self.rules)
        self.d = Daemon(rules=self.root, limits={"eval_deadline": self.DEADLINE})
        self.d.__enter__()

    def tearDown(self):
        self.d.__exit__(None, None, None)
        shutil.rmtree(self.root, ignore_errors=True)

    def make_tt1_spin(self):
        path = os.path.join(self.rules, "criteria_tap_the.lua")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(text.count(TT1_CHECK), 1, "TT1's check has changed; update the test")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(TT1_CHECK, SPIN))

    def put_vp(self, tasks):
        started = time.monotonic()
        status, _, body = self.d.request(
            "PUT", VP_REPORT, {"facts": unit_facts(tasks_assigned=tasks, tasks_completed=tasks)},
            timeout=60)
        return status, body, time.monotonic() - started

    def test_a_spinning_rule_is_stopped_and_the_daemon_keeps_serving(self):
        self.make_tt1_spin()
        status, body = self.d.request("POST", "/api/v1/admin/reload", b"")[::2]
        self.assertEqual(status, 200, body)
        with HealthProbe(self.d) as probe:
            status, body, took = self.put_vp(SPIN_TASKS)
        print("\n  PUT with a spinning rule answered in %.2f s; /healthz meanwhile: %d answers, "
              "slowest %.2f s" % (took, probe.count, probe.worst), file=sys.stderr)
        # Stored (202: the facts are kept, the evaluation failed) with the deadline's words.
        self.assertEqual(status, 202, body)
        self.assertEqual(body["version"], 1)
        self.assertRegex(str(body), NAMES_TT1)
        self.assertLess(took, 10.0, "the spinning rule was not stopped at its deadline")
        self.assertEqual(probe.failures, [])
        self.assertLess(probe.worst, 3.0, "/healthz waited on the spinning rule")
        # The daemon keeps evaluating: other figures evaluate at once.
        status, body, took = self.put_vp(20)
        self.assertIn(status, (200, 201), body)
        self.assertLess(took, 3.0)
        status, _, body = self.d.request("GET", VP_EVALUATION)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["score"], 100)

    def test_a_reload_spinning_on_stored_facts_is_refused(self):
        status, body, _ = self.put_vp(SPIN_TASKS)
        self.assertIn(status, (200, 201), body)
        before = self.d.request("GET", VP_EVALUATION)[2]
        self.make_tt1_spin()
        started = time.monotonic()
        with HealthProbe(self.d) as probe:
            status, _, body = self.d.request("POST", "/api/v1/admin/reload", b"", timeout=120)
        took = time.monotonic() - started
        print("\n  reload spinning on a stored report refused in %.2f s; /healthz meanwhile: "
              "%d answers, slowest %.2f s" % (took, probe.count, probe.worst), file=sys.stderr)
        self.assertEqual(status, 422, body)
        self.assertRegex(str(body), NAMES_TT1)
        self.assertLess(took, 20.0)
        self.assertEqual(probe.failures, [])
        after = self.d.request("GET", VP_EVALUATION)[2]
        self.assertEqual(after["rules_hash"], before["rules_hash"], "the old rules must serve")
        self.assertEqual(self.d.request("GET", "/healthz", token=None)[0], 200)

    def test_a_recompute_fails_only_the_unit_whose_rule_spins(self):
        """A reload evaluates the stored units in batches, several to a process: the process
        killed on VP's spinning rule takes no other unit's evaluation with it."""
        self.make_tt1_spin()
        self.assertEqual(self.d.request("POST", "/api/v1/admin/reload", b"")[0], 200)
        self.assertEqual(self.put_vp(SPIN_TASKS)[0], 202)  # stored, VP failed
        status, _, body = self.d.request(
            "PUT", VPDKDD_REPORT, {"facts": unit_facts(tasks_assigned=20, tasks_completed=20)})
        self.assertIn(status, (200, 201), body)
        # New rules (a changed comment): every stored unit of the open period is redone.
        with open(os.path.join(self.rules, "campaign.lua"), "a", encoding="utf-8") as f:
            f.write("\n-- changed\n")
        status, _, body = self.d.request("POST", "/api/v1/admin/reload", b"", timeout=60)
        self.assertEqual(status, 200, body)
        self.assertEqual(body["evaluations_failed"], 1, body)
        status, _, vp = self.d.request("GET", VP_EVALUATION)
        self.assertEqual(status, 409, vp)
        self.assertRegex(str(vp), NAMES_TT1)
        status, _, other = self.d.request("GET", VPDKDD_EVALUATION)
        self.assertEqual(status, 200, other)
        self.assertEqual(other["rules_hash"], body["rules_hash"])


class ConfiguredDeadlineTest(SpinningRuleTest):
    """limits.eval_deadline in thiduad.conf is the deadline a spinning rule is stopped at."""

    DEADLINE = 0.3

    def test_a_spinning_rule_is_stopped_and_the_daemon_keeps_serving(self):
        self.make_tt1_spin()
        self.assertEqual(self.d.request("POST", "/api/v1/admin/reload", b"")[0], 200)
        status, body, took = self.put_vp(SPIN_TASKS)
        self.assertEqual(status, 202, body)
        self.assertIn("quá thời hạn 300 ms và đã bị dừng", str(body))

    test_a_reload_spinning_on_stored_facts_is_refused = None
    test_a_recompute_fails_only_the_unit_whose_rule_spins = None


class GroupOffTheLoopTest(SpinningRuleTest):
    """A group of submissions is stored on a thread of its own with a connection of its own
    (daemon/writer.c): while its rule process works, here a rule spinning until its 3 s
    deadline, the loop goes on answering /healthz and stored evaluations (it used to wait
    for the whole group: every GET as slow as the slowest submission)."""

    DEADLINE = 3

    def test_the_loop_answers_while_a_group_is_stored(self):
        self.make_tt1_spin()
        self.assertEqual(self.d.request("POST", "/api/v1/admin/reload", b"")[0], 200)
        status, _, body = self.d.request("GET", VPDKDD_EVALUATION)
        self.assertEqual(status, 200, body)
        with HealthProbe(self.d) as health, \
                HealthProbe(self.d, VPDKDD_EVALUATION, token="admin") as stored:
            status, body, took = self.put_vp(SPIN_TASKS)
        print("\n  a group held %.2f s by a spinning rule; meanwhile /healthz: %d answers, "
              "slowest %.3f s; a stored evaluation: %d answers, slowest %.3f s"
              % (took, health.count, health.worst, stored.count, stored.worst), file=sys.stderr)
        self.assertEqual(status, 202, body)  # stored; the unit's evaluation failed
        self.assertGreater(took, 2.5, "the group did not hold its rule's deadline")
        for probe in (health, stored):
            self.assertEqual(probe.failures, [])
            self.assertGreaterEqual(probe.count, 10)
            self.assertLess(probe.worst, 1.0, "a GET waited for the group being stored")

    test_a_spinning_rule_is_stopped_and_the_daemon_keeps_serving = None
    test_a_reload_spinning_on_stored_facts_is_refused = None
    test_a_recompute_fails_only_the_unit_whose_rule_spins = None


def zombie_children(pid):
    """The daemon's children that have exited and not been collected (state Z)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, encoding="utf-8", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if int(fields[1]) == pid and fields[0] == "Z":
            found.append(int(entry))
    return found


class RuleProcessesAreCollectedTest(unittest.TestCase):
    """Rule processes the daemon forks itself (the rules' checks at start and at a reload)
    are not waited for when they answer; they must still be collected while the daemon is
    idle, not left in `ps` as <defunct> thiduad entries until the next rule process."""

    def assert_none_defunct(self, d, when):
        deadline = time.monotonic() + 5
        while zombie_children(d.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(zombie_children(d.proc.pid), [], "defunct rule processes " + when)

    def test_no_rule_process_is_left_defunct(self):
        with Daemon() as d:
            self.assert_none_defunct(d, "after the start")
            status, body = d.request("POST", "/api/v1/admin/reload", b"")[::2]
            self.assertEqual(status, 200, body)
            self.assert_none_defunct(d, "after a reload")
            status, _, body = d.request(
                "PUT", VP_REPORT, {"facts": unit_facts(tasks_assigned=20, tasks_completed=20)})
            self.assertIn(status, (200, 201), body)
            self.assert_none_defunct(d, "after a report")

if __name__ == "__main__":
    unittest.main()
