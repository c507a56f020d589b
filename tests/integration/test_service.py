"""test_service.py — thiduad as an administrator runs it (issue 12, first part): --help and
--version, the exit statuses (sysexits.h), the configuration refused with file:line.

Each test runs the real binary; the daemons are the harness's, on loopback with a real
SQLite file."""

import os
import re
import subprocess
import unittest

from harness import Daemon, SOURCE_DIR, THIDUAD


def run(*args, cwd=None):
    return subprocess.run([THIDUAD] + list(args), cwd=cwd, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60,
                          encoding="utf-8", errors="replace")


class HelpAndVersionTest(unittest.TestCase):
    COMMANDS = ("serve", "check", "test", "db", "import", "eval", "remind", "outbox", "period",
                "report", "token")

    def test_help_lists_every_command_and_option(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")
        listed = {m.group(1) for m in re.finditer(r"^  ([a-z]+)\b", r.stdout, re.M)}
        for command in self.COMMANDS:
            self.assertIn(command, listed)
        self.assertEqual(run("help").stdout, r.stdout)
        self.assertEqual(run("-h").stdout, r.stdout)
        # Every option the help names is one the parser takes (the two read one table).
        options = re.findall(r"^  (?:-\w, )?\s*--([a-z-]+)( [A-Z]+)?", r.stdout, re.M)
        self.assertGreaterEqual(len(options), 20)
        for name, argument in options:
            words = ["--" + name] + (["x"] if argument else []) + ["help"]
            if name == "version":
                continue
            h = run(*words)
            self.assertEqual(h.returncode, 0, (words, h.stderr))
        self.assertIn("exit status", r.stdout)

    def test_version_names_the_commit_and_libraries(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.match(r"thiduad (\d+\.\d+\.\d+) \(commit ([0-9a-f]{7,}(-dirty)?|unknown)\)\n",
                     r.stdout)
        self.assertTrue(m, r.stdout)
        head = subprocess.run(["git", "-C", SOURCE_DIR, "rev-parse", "HEAD"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, encoding="utf-8")
        if head.returncode == 0:  # built from a checkout: the commit it was built from
            self.assertTrue(head.stdout.startswith(m.group(2).split("-")[0]), (head.stdout, m))
        for library in (r"SQLite 3\.\d+", r"Lua 5\.4", r"libevent 2\.", r"libcurl \d+\."):
            self.assertRegex(r.stdout, library)
        self.assertEqual(run("version").stdout, r.stdout)


class ExitStatusTest(unittest.TestCase):
    def test_usage(self):
        for words in ((), ("nonsense",), ("--no-such-option", "check"), ("db",),
                      ("db", "backup"), ("token", "create")):
            r = run(*words)
            self.assertEqual(r.returncode, os.EX_USAGE, (words, r.stderr))
            self.assertIn("--help", r.stderr)

    def test_config_error_is_not_a_crash(self):
        with Daemon(start=False, init_db=False) as d:
            d.write_config("return { listen = 8080 }\n")
            for words in (("check",), ("serve",), ("db", "init")):
                r = d.cli(*words)
                self.assertEqual(r.returncode, os.EX_CONFIG, r)
                self.assertIn("thiduad.conf", r.stderr)

    def test_old_schema_and_broken_rules_are_configuration(self):
        with Daemon(start=False) as d:
            d.db_exec("PRAGMA user_version = 3")
            r = d.cli("serve", timeout=30)
            self.assertEqual(r.returncode, os.EX_CONFIG, r)
            self.assertIn("db migrate", r.stderr)
            r = d.cli("outbox", "list")
            self.assertEqual(r.returncode, os.EX_CONFIG, r)
        with Daemon(start=False) as d:
            broken = os.path.join(d.dir, "rules")
            os.makedirs(os.path.join(broken, "2025"))
            with open(os.path.join(broken, "2025", "campaign.lua"), "w") as f:
                f.write("campaign {\n")
            with open(d.config_path, encoding="utf-8") as f:
                d.write_config(f.read().replace('rules = "%s"' % d.rules, 'rules = "rules"'))
            for words in (("check",), ("serve",)):
                r = d.cli(*words, timeout=60)
                self.assertEqual(r.returncode, os.EX_CONFIG, r)

    def test_bad_input_file(self):
        with Daemon(start=False) as d:
            path = os.path.join(d.dir, "units.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("code,name\nX,\n")
            r = d.cli("import", "units", path)
            self.assertEqual(r.returncode, os.EX_DATAERR, r)


class ConfigurationTest(unittest.TestCase):
    def test_unknown_key_and_zone_refused_by_check_and_serve(self):
        with Daemon(start=False) as d:
            with open(d.config_path, encoding="utf-8") as f:
                good = f.read()
            for bad, where, words in (
                    (good.replace('"database"', "databse").replace("database =", "databse ="),
                     "databse:", ("có phải \"database\"?",)),
                    (good.replace("Asia/Ho_Chi_Minh", "Asia/Hanoi_City"), "timezone:",
                     ("Asia/Hanoi_City", "múi giờ"))):
                d.write_config(bad)
                line = next(i for i, text in enumerate(bad.split("\n"), 1)
                            if where.rstrip(":") in text)
                for command in ("check", "serve"):
                    r = d.cli(command)
                    self.assertEqual(r.returncode, os.EX_CONFIG, r)
                    self.assertIn("%s:%d: %s" % (d.config_path, line, where), r.stderr)
                    for word in words:
                        self.assertIn(word, r.stderr)
            d.write_config(good)
            d.cli_ok("check")

    def test_dates_in_the_configured_zone(self):
        """A paper report's date is 08:00 in the configured zone (Paris: +02:00 in June),
        not +07:00 whatever the configuration says; lateness is judged on that local day."""
        with Daemon(config_extra={"timezone": "Europe/Paris"}) as d:
            path = os.path.join(d.dir, "facts.csv")
            with open(path, "w", encoding="utf-8") as f:
                f.write("period,subject,code,fact,value,submitted_at\n"
                        "2025-H1,unit,MT,response_plan,1,2025-06-16\n"
                        "2025-H1,unit,KHTC,response_plan,1,2025-06-17\n")
            d.cli_ok("import", "facts", path)
            status, _, body = d.request("GET", "/api/v1/periods/2025-H1/status")
            self.assertEqual(status, 200, body)
            units = {u["code"]: u for u in body["units"]}
            self.assertEqual(units["MT"]["submitted_at"], "2025-06-16T08:00:00+02:00")
            self.assertEqual(units["KHTC"]["submitted_at"], "2025-06-17T08:00:00+02:00")
            self.assertFalse(units["MT"]["late"])
            self.assertTrue(units["KHTC"]["late"])
            rows = d.db_rows("SELECT at FROM audit ORDER BY id DESC LIMIT 1")
            self.assertRegex(rows[0][0], r"\+0[12]:00$")  # now, in Paris


if __name__ == "__main__":
    unittest.main()
