"""test_rules_reload.py — replacing the rules of a running thiduad: POST /api/v1/admin/reload
and SIGHUP with a good change (new hash, stored evaluations recomputed and stamped with it),
refused changes (a syntax error, a title cycle, a failing self-test: 422 with `file:line:`
messages, the previous rules keep serving), and reloads while requests are running.

Each test runs its own daemon on a temporary copy of rules/2025 that the test edits.
"""

import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import JSON_TYPE, RULES_DIR, SANITIZED, Daemon  # noqa: E402
from ruleset_2025 import (GOOD_PERSON, GOOD_UNIT, EvaluationAsserts, by_key,  # noqa: E402
                          unit_facts)

RULES_2025 = os.path.join(RULES_DIR, "2025")
WAIT = 30.0  # bound on waiting for a signal's effect; never a performance figure
# bound on one reload's answer (a sanitizer makes the rules several times slower); a hang
# still fails, with the daemon's log and its processes
RELOAD_TIMEOUT = 240 if SANITIZED else 60



def processes_of(daemon):
    """The daemon and its descendants, each with its state and where in the kernel it
    waits (/proc): what a reload that does not answer is stuck on."""
    rows, parents = [], {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open("/proc/%s/wchan" % name) as f:
                    wchan = f.read()
                parents[int(name)] = (int(fields[1]), fields[0], wchan)
            except OSError:
                continue
    family = {daemon.proc.pid} if daemon.proc else set()
    for _ in range(4):
        family |= {pid for pid, (ppid, _, _) in parents.items() if ppid in family}
    for pid in sorted(family):
        if pid in parents:
            ppid, state, wchan = parents[pid]
            rows.append("pid %d ppid %d state %s waits in %s" % (pid, ppid, state, wchan or "-"))
    return "\n".join(rows)


VP_REPORT = "/api/v1/periods/2025-H1/units/VP/report"
VP_EVALUATION = "/api/v1/periods/2025-H1/units/VP/evaluation"


class RulesCopy:
    """A copy of rules/2025 in `root`/2025 (the daemon's `rules` is `root`), and the edits
    an administrator would make to it."""

    TT1 = re.compile(r'(criterion "TT1" \{\s*subject = "unit", points = )15\b')

    def __init__(self, root):
        self.dir = os.path.join(root, "2025")
        self.restore()

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def read(self, name):
        with open(self.path(name), encoding="utf-8") as f:
            return f.read()

    def write(self, name, text):
        with open(self.path(name), "w", encoding="utf-8") as f:
            f.write(text)

    def edit(self, name, pattern, replacement):
        text, n = re.subn(pattern, replacement, self.read(name))
        assert n == 1, "%s: %r matched %d times; has the ruleset changed?" % (name, pattern, n)
        self.write(name, text)

    def restore(self):
        """The ruleset as it is in the repository."""
        if os.path.exists(self.dir):
            shutil.rmtree(self.dir)
        shutil.copytree(RULES_2025, self.dir)

    def set_tt1_points(self, points):
        """A good change: TT1 is worth `points` instead of 15, with the tests to match.

        The campaign declares the collective total (total_points.unit, 100), which the
        loader holds the criteria to, so the total follows TT1 there too. The ruleset's own
        tests pin the plan's points (a unit meeting TT1–TT6 scores 100), so whoever changes
        TT1's points changes them too: here the collective criteria's test file gives way to
        one checking the new points, and any other test's full unit score becomes the new
        total."""
        self.edit("criteria_tap_the.lua", self.TT1, r"\g<1>%d" % points)
        self.edit("campaign.lua", r"(total_points = \{ unit = )100\b", r"\g<1>%d" % (85 + points))
        os.remove(self.path("tests", "test_criteria_tap_the.lua"))
        for name in os.listdir(self.path("tests")):
            if name.endswith(".lua"):
                text = self.read(os.path.join("tests", name))
                self.write(os.path.join("tests", name),
                           re.sub(r"\b(unit\.score, )100\b", r"\g<1>%d" % (85 + points), text))
        facts = ", ".join("%s = %s" % (k, ("true" if v else "false") if isinstance(v, bool)
                                       else ('"%s"' % v if isinstance(v, str) else v))
                          for k, v in GOOD_UNIT.items())
        self.write(os.path.join("tests", "test_diem_tt1.lua"), (
            'test "TT1 được %d điểm" (function(t)\n'
            '  local r = t.evaluate_unit {\n'
            '    unit = { code = "U1", facts = { %s } }, members = {} }.unit\n'
            '  t.eq(r.criteria.TT1.points, %d, "điểm TT1")\n'
            '  t.eq(r.score, %d, "tổng điểm")\n'
            'end)\n') % (points, facts, points, 85 + points))

    def break_syntax(self):
        """A criterion left half-written at the end of a file."""
        with open(self.path("criteria_tap_the.lua"), "a", encoding="utf-8") as f:
            f.write('\ncriterion "TT7" {\n  subject = "unit", points = 5,\n')
        return r"criteria_tap_the\.lua:\d+: "

    def break_cycle(self):
        """LDTT made to come after CSTDCS, which comes after LDTT."""
        self.edit("titles.lua", r'(?s)(local function ldtt\(.*?after = )\{\s*\}', r'\1{ "CSTDCS" }')
        return r"titles\.lua:\d+: .*(LDTT.*CSTDCS|CSTDCS.*LDTT)"

    def break_selftest(self):
        """A self-test that fails."""
        self.write(os.path.join("tests", "test_zz_hong.lua"),
                   'test "LDTT cần 13 tháng" (function(t)\n'
                   '  local r = t.evaluate_person { facts = { months_worked = 12 } }\n'
                   '  t.eq(r.titles.LDTT, true, "12 tháng là đủ")\n'
                   'end)\n')
        return r"test_zz_hong\.lua:\d+: "


class ReloadTestCase(EvaluationAsserts, unittest.TestCase):
    def setUp(self):
        root = tempfile.mkdtemp(prefix="thidua-rules-")
        self.addCleanup(shutil.rmtree, root, True)
        self.rules = RulesCopy(root)
        self.d = Daemon(rules=root)
        self.addCleanup(self.d.close)
        self.d.__enter__()
        self.hash0 = self.d.rules_hash()
        self.assertRegex(self.hash0 or "", r"^[0-9a-f]{64}$")

    def reload(self, expect):
        # The answer comes when the reload is done (off the serving loop): under a
        # sanitizer on a loaded machine (rule processes run at a lower priority than the
        # clients hammering the daemon) that can outlast the usual request timeout.
        try:
            status, headers, body = self.d.request("POST", "/api/v1/admin/reload", b"",
                                                    timeout=RELOAD_TIMEOUT)
        except (socket.timeout, TimeoutError):
            self.fail("POST /api/v1/admin/reload: no answer in %d s\n%s\n%s" % (
                RELOAD_TIMEOUT, self.d.log_tail(60), processes_of(self.d)))
        self.assertEqual(status, expect, "POST /api/v1/admin/reload: %r" % (body,))
        self.assertEqual(headers.get("Content-Type"), JSON_TYPE)
        return body

    def get_ok(self, path, token="admin"):
        status, _, body = self.d.request("GET", path, token=token)
        self.assertEqual(status, 200, "GET %s: %r" % (path, body))
        return body

    def put_ok(self, path, facts, token="admin"):
        status, _, body = self.d.request("PUT", path, {"facts": facts}, token=token)
        self.assertEqual(status, 200, "PUT %s: %r" % (path, body))
        return body

    def stored_hashes(self):
        return {h for (h,) in self.d.db_rows("SELECT DISTINCT rules_hash FROM evaluations")}

    def refused_messages(self, body, pattern):
        """The 422 of a refused reload: messages with `file:line:` matching `pattern`."""
        err = self.assertErrorShape(422, body, 422, "refused reload")
        details = err.get("details")
        self.assertIsInstance(details, list, body)
        self.assertTrue(details, "a refused reload says why: %r" % body)
        messages = [d.get("message") for d in details]
        self.assertTrue(all(isinstance(m, str) and m for m in messages), details)
        self.assertTrue(any(re.search(pattern, m) for m in messages),
                        "no message matches %r: %r" % (pattern, messages))
        return messages


class ReloadTest(ReloadTestCase):
    def raw_get(self, path):
        return self.d.raw_get(path)

    def test_equal_results_are_equal_bytes(self):
        """An evaluation is the same bytes from the API, after a reload of the same rules
        (a new Lua state) and from `thiduad eval --json`: keys in a stable order."""
        self.put_ok(VP_REPORT, GOOD_UNIT)
        before = self.raw_get(VP_EVALUATION)
        self.assertEqual(self.reload(200)["rules_hash"], self.hash0)
        after = self.raw_get(VP_EVALUATION)
        self.assertEqual(before, after)
        self.assertTrue(before.startswith(b'{"period":"2025-H1","subject":"unit","code":"VP",'),
                        before[:120])
        out = self.d.cli_ok("eval", "--period", "2025-H1", "--unit", "VP", "--json",
                            "--rules", self.rules.dir)
        items = [line.rstrip(",") for line in out.stdout.splitlines()]
        self.assertTrue(before.decode("utf-8") in items,
                        "thiduad eval --json does not write the API's text for VP")

    def test_a_good_change_is_loaded_and_stored_evaluations_recomputed(self):
        _, staff = self.head_and_staff("VP")
        person = staff[0]["code"]
        self.put_ok(VP_REPORT, GOOD_UNIT)
        self.put_ok("/api/v1/periods/2025-H1/people/%s/facts" % person, GOOD_PERSON)
        self.put_ok("/api/v1/periods/2025-Y/units/MT/report", unit_facts(response_plan=False))
        self.assertEqual(self.stored_hashes(), {self.hash0})

        # Reloading the same files: the same hash.
        body = self.reload(200)
        self.assertEqual(body["rules_hash"], self.hash0)

        self.rules.set_tt1_points(25)
        body = self.reload(200)
        new = body["rules_hash"]
        self.assertRegex(new, r"^[0-9a-f]{64}$")
        self.assertNotEqual(new, self.hash0)
        self.assertEqual(self.d.rules_hash(), new, "/healthz shows the new hash")

        e = self.get_ok(VP_EVALUATION)
        criteria, _ = self.assertEvaluation(e, "2025-H1", "unit", "VP", new)
        self.assertEqual(criteria["TT1"]["points"], 25)
        self.assertEqual(e["score"], 110)
        e = self.get_ok("/api/v1/periods/2025-H1/people/%s/evaluation" % person)
        self.assertEvaluation(e, "2025-H1", "person", person, new)
        e = self.get_ok("/api/v1/periods/2025-Y/units/MT/evaluation")
        self.assertEvaluation(e, "2025-Y", "unit", "MT", new)
        self.assertEqual(e["score"], 85, "TT1 failed: 110 - 25")
        # Every stored evaluation was recomputed with the new rules.
        self.assertGreater(self.d.db_rows("SELECT count(*) FROM evaluations")[0][0], 0)
        self.assertEqual(self.stored_hashes(), {new})
        # The lists say so too.
        ranking = self.get_ok("/api/v1/periods/2025-H1/ranking")
        self.assertEqual(ranking.get("rules_hash", new), new)
        self.assertEqual(by_key(ranking["units"], "code")["VP"]["score"], 110)
        tt1 = by_key(self.get_ok("/api/v1/rules")["criteria"], "id")["TT1"]
        self.assertEqual(tt1["points"], 25)
        # New reports are evaluated with the new rules.
        out = self.put_ok(VP_REPORT, GOOD_UNIT)
        self.assertEqual(out["version"], 2)
        self.assertEqual((out["evaluation"]["rules_hash"], out["evaluation"]["score"]),
                         (new, 110))

        # Back to the repository's rules: back to the first hash and scores.
        self.rules.restore()
        self.assertEqual(self.reload(200)["rules_hash"], self.hash0)
        self.assertEqual(self.d.rules_hash(), self.hash0)
        self.assertEqual(self.get_ok(VP_EVALUATION)["score"], 100)
        self.assertEqual(self.stored_hashes(), {self.hash0})

    def test_a_refused_change_leaves_the_previous_rules_serving(self):
        self.put_ok(VP_REPORT, GOOD_UNIT)
        before = self.d.db_rows("SELECT * FROM evaluations ORDER BY period, subject, code")
        for name, breaker in (("a syntax error", self.rules.break_syntax),
                              ("a title cycle", self.rules.break_cycle),
                              ("a failing self-test", self.rules.break_selftest)):
            with self.subTest(name):
                self.rules.restore()
                pattern = breaker()
                body = self.reload(422)
                self.refused_messages(body, pattern)
                self.assertEqual(self.d.rules_hash(), self.hash0, name)
                # Reads and writes go on with the previous rules.
                e = self.get_ok(VP_EVALUATION, token="read")
                self.assertEvaluation(e, "2025-H1", "unit", "VP", self.hash0)
                self.assertEqual(e["score"], 100)
                self.assertEqual(self.d.db_rows(
                    "SELECT * FROM evaluations ORDER BY period, subject, code"), before, name)
                out = self.put_ok("/api/v1/periods/2025-H1/units/MT/report",
                                  unit_facts(tasks_completed=15))
                self.assertEqual((out["evaluation"]["rules_hash"], out["evaluation"]["score"]),
                                 (self.hash0, 80), name)
                before = self.d.db_rows(
                    "SELECT * FROM evaluations ORDER BY period, subject, code")
                status = self.get_ok("/api/v1/periods/2025-H1/status")
                self.assertTrue(by_key(status["units"], "code")["MT"]["submitted"])
                # `thiduad check` says the same of the broken folder.
                r = self.d.cli("check", "--rules", self.rules.dir)
                self.assertEqual(r.returncode, os.EX_CONFIG, r)
                self.assertRegex(r.stderr, pattern, r)
        self.rules.restore()
        self.assertEqual(self.reload(200)["rules_hash"], self.hash0)

    def test_rules_that_fail_on_stored_facts_are_not_half_loaded(self):
        # A change that passes the load checks and self-tests but raises an error on facts
        # already stored (here: VP reported 7 exemplary models, the new TT5 breaks above 5).
        # The reload must not leave new rules serving beside evaluations it could not
        # recompute: either it is refused like any failed load (422 naming file:line, the
        # previous rules keep serving), or every stored evaluation carries the new hash.
        self.put_ok(VP_REPORT, unit_facts(exemplary_models=7))
        self.rules.edit("criteria_tap_the.lua",
                        r"(\n)(    if f\.exemplary_models >= 1 then return true end)",
                        r'\1    if f.exemplary_models > 5 then error("quá nhiều điển hình") end'
                        r"\1\2")
        status, _, body = self.d.request("POST", "/api/v1/admin/reload", b"")
        served = self.d.rules_hash()
        stored = self.stored_hashes()
        if status == 422:
            self.refused_messages(body, r"criteria_tap_the\.lua:\d+: .*quá nhiều điển hình")
            self.assertEqual(served, self.hash0)
        else:
            self.assertEqual(
                stored, {served},
                "POST /api/v1/admin/reload -> %d %r: the new rules (%s) serve, but stored "
                "evaluations still carry %s: re-evaluating VP's stored report failed (see the "
                "log), yet the reload reported success and GET .../evaluation serves results "
                "of rules no longer in force. Expected 422 with the criteria_tap_the.lua:LINE "
                "error and the previous rules kept.\n%s" % (
                    status, body, served[:12], sorted(h[:12] for h in stored),
                    self.d.log_tail(4)))

    def test_sighup_reloads(self):
        self.put_ok(VP_REPORT, GOOD_UNIT)
        self.rules.set_tt1_points(25)
        self.d.proc.send_signal(signal.SIGHUP)
        new = self.wait_for_hash(lambda h: h != self.hash0, "SIGHUP to load the change")
        e = self.get_ok(VP_EVALUATION)
        self.assertEvaluation(e, "2025-H1", "unit", "VP", new)
        self.assertEqual(e["score"], 110)
        self.assertEqual(self.stored_hashes(), {new})

        # A broken change on SIGHUP: refused, logged, the rules in force keep serving.
        refusals = self.d.log.count("refused")
        self.rules.break_syntax()
        self.d.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + WAIT
        while self.d.log.count("refused") == refusals and time.monotonic() < deadline:
            time.sleep(0.02)
        self.assertGreater(self.d.log.count("refused"), refusals, self.d.log_tail())
        self.assertRegex(self.d.log, r"criteria_tap_the\.lua:\d+: ")
        self.assertTrue(self.d.running)
        self.assertEqual(self.d.rules_hash(), new)
        self.assertEqual(self.get_ok(VP_EVALUATION)["rules_hash"], new)

        self.rules.restore()
        self.d.proc.send_signal(signal.SIGHUP)
        self.wait_for_hash(lambda h: h == self.hash0, "SIGHUP to restore the rules")
        self.assertEqual(self.get_ok(VP_EVALUATION)["score"], 100)
        self.assertEqual(self.d.stop(), 0, self.d.log_tail())

    # -- helpers ---------------------------------------------------------------------------

    def head_and_staff(self, unit):
        people = self.get_ok("/api/v1/people?unit=" + unit)["people"]
        heads = [p for p in people if p["is_head"]]
        return heads[0], [p for p in people if not p["is_head"]]

    def wait_for_hash(self, predicate, what):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            h = self.d.rules_hash()
            if predicate(h):
                return h
            time.sleep(0.02)
        self.fail("timed out waiting for %s\n%s" % (what, self.d.log_tail()))


class Hammer(threading.Thread):
    """GET evaluation / PUT report on one keep-alive connection until told to stop.

    Every answer must be a complete JSON 200 whose evaluation is that of rules in `scores`
    (rules hash -> the score a GOOD_UNIT report gets from them). Never raises."""

    def __init__(self, daemon, unit, scores, stop):
        super().__init__(daemon=True)
        self.d, self.unit, self.scores, self.stop_event = daemon, unit, scores, stop
        self.done = 0
        self.problems = []

    def run(self):
        conn = self.d.connection(timeout=30)
        report = "/api/v1/periods/2025-H1/units/%s/report" % self.unit
        evaluation = "/api/v1/periods/2025-H1/units/%s/evaluation" % self.unit
        n = 0
        try:
            while not self.stop_event.is_set() and not self.problems:
                put = n % 2 == 0
                n += 1
                try:
                    if put:
                        status, headers, body = self.d.request(
                            "PUT", report, {"facts": GOOD_UNIT}, conn=conn)
                    else:
                        status, headers, body = self.d.request("GET", evaluation, conn=conn)
                except Exception as e:  # connection errors, cut or non-JSON bodies
                    self.problems.append("%s %s: %r" % ("PUT" if put else "GET", self.unit, e))
                    return
                self.check(put, status, headers, body)
                self.done += 1
        finally:
            conn.close()

    def check(self, put, status, headers, body):
        what = "%s %s" % ("PUT" if put else "GET", self.unit)
        if status != 200 or headers.get("Content-Type") != JSON_TYPE:
            self.problems.append("%s -> %d %r %r" % (what, status, headers.get("Content-Type"),
                                                     body))
            return
        e = body.get("evaluation") if put else body
        if not isinstance(e, dict) or e.get("code") != self.unit:
            self.problems.append("%s -> no evaluation: %r" % (what, body))
            return
        expected = self.scores.get(e.get("rules_hash"))
        if expected is None:
            self.problems.append("%s -> rules_hash %r of no rules loaded" % (
                what, e.get("rules_hash")))
        elif e.get("score") != expected:
            self.problems.append("%s -> score %r with rules %s (expected %d)" % (
                what, e.get("score"), e["rules_hash"][:12], expected))


class ReloadUnderLoadTest(ReloadTestCase):
    def test_reloads_while_requests_run(self):
        # Learn the hash of the changed rules first, so the clients can check every answer.
        self.rules.set_tt1_points(25)
        hash25 = self.reload(200)["rules_hash"]
        self.rules.restore()
        self.assertEqual(self.reload(200)["rules_hash"], self.hash0)
        scores = {self.hash0: 100, hash25: 110}

        stop = threading.Event()
        hammers = [Hammer(self.d, unit, scores, stop) for unit in ("VP", "MT", "VP")]
        for h in hammers:
            h.start()
        try:
            steps = [("TT1 25", self.rules.set_tt1_points, 25, 200, hash25),
                     ("syntax error", self.rules.break_syntax, None, 422, hash25),
                     ("original", None, None, 200, self.hash0),
                     ("title cycle", self.rules.break_cycle, None, 422, self.hash0),
                     ("TT1 25", self.rules.set_tt1_points, 25, 200, hash25),
                     ("failing self-test", self.rules.break_selftest, None, 422, hash25),
                     ("original", None, None, 200, self.hash0),
                     ("TT1 25", self.rules.set_tt1_points, 25, 200, hash25)]
            for name, change, arg, expect, expect_hash in steps:
                # Let the clients make progress between reloads.
                marks = [h.done for h in hammers]
                deadline = time.monotonic() + WAIT
                while (any(h.done < m + 5 and h.is_alive() for h, m in zip(hammers, marks))
                       and time.monotonic() < deadline):
                    time.sleep(0.005)
                if expect == 200:
                    self.rules.restore()
                if change:
                    change(*([arg] if arg is not None else []))
                body = self.reload(expect)
                if expect == 200:
                    self.assertEqual(body["rules_hash"], expect_hash, name)
                else:
                    self.refused_messages(body, r"\.lua:\d+: ")
                self.assertEqual(self.d.rules_hash(), expect_hash, name)
        finally:
            stop.set()
            for h in hammers:
                h.join(WAIT)
        self.assertFalse(any(h.is_alive() for h in hammers), "a client is stuck")
        problems = [p for h in hammers for p in h.problems]
        self.assertEqual(problems, [], "\n".join(problems[:10]) + "\n" + self.d.log_tail())
        self.assertTrue(all(h.done > 0 for h in hammers))
        # The last rules loaded stamp every stored evaluation.
        self.assertEqual(self.stored_hashes(), {hash25})
        self.assertEqual(self.get_ok(VP_EVALUATION)["score"], 110)
        self.assertEqual(self.d.stop(), 0, self.d.log_tail())


if __name__ == "__main__":
    unittest.main()
