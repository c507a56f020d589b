"""test_service.py — thiduad as an administrator runs it (issue 12, first part): --help and
--version, the exit statuses (sysexits.h), the configuration refused with file:line.

Each test runs the real binary; the daemons are the harness's, on loopback with a real
SQLite file."""

import http.client
import json
import os
import re
import signal
import sqlite3
import subprocess
import time
import unittest

from harness import Daemon, SOURCE_DIR, THIDUAD, wait_until


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


def logfmt(line):
    """The fields of one logfmt line as a dict (quoted values unescaped)."""
    fields = {}
    for m in re.finditer(r'(\w+)=("(?:[^"\\]|\\.)*"|\S*)', line):
        value = m.group(2)
        if value.startswith('"'):
            value = re.sub(r'\\(.)', lambda e: {"n": "\n"}.get(e.group(1), e.group(1)),
                           value[1:-1])
        fields[m.group(1)] = value
    return fields


def access_lines(log):
    return [logfmt(line) for line in log.splitlines() if " method=" in line]


class LogTest(unittest.TestCase):
    def test_one_logfmt_line_per_request(self):
        with Daemon() as d:
            d.request("GET", "/api/v1/units")
            d.request("GET", "/api/v1/units", token=None)
            d.request("GET", "/api/v1/nowhere", token="read")
            d.request("GET", "/healthz?x=1", token=None)
            lines = wait_until(lambda: len(access_lines(d.log)) >= 4 and access_lines(d.log))
            seen = [(f["method"], f["path"], f["status"], f["token"]) for f in lines]
            self.assertEqual(seen[-4:], [("GET", "/api/v1/units", "200", "it-admin"),
                                         ("GET", "/api/v1/units", "401", "-"),
                                         ("GET", "/api/v1/nowhere", "404", "-"),
                                         ("GET", "/healthz", "200", "-")])
            for f in lines[-4:]:
                self.assertRegex(f["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")
                self.assertEqual(f["level"], "info")
                self.assertGreater(int(f["bytes"]), 0)
                self.assertGreaterEqual(float(f["ms"]), 0)
                self.assertNotIn("query", f)  # debug only
            before = len(access_lines(d.log))
            body = json_bytes(d, "/api/v1/units")
            # The access log is written a batch at a time, a few times a second.
            wait_until(lambda: len(access_lines(d.log)) > before)
            self.assertEqual(int(access_lines(d.log)[-1]["bytes"]), len(body))

    def test_debug_shows_the_query_and_client(self):
        with Daemon(log_level="debug") as d:
            d.request("GET", "/api/v1/people?unit=VP", token="read")
            f = wait_until(lambda: [x for x in access_lines(d.log) if x["path"] ==
                                    "/api/v1/people"])[-1]
            self.assertEqual((f["level"], f["query"], f["remote"]), ("info", "unit=VP",
                                                                     "127.0.0.1"))
            self.assertIn("agent", f)

    def test_priority_prefix_under_systemd(self):
        """With JOURNAL_STREAM naming stderr (as systemd sets it), lines start with <6>, <4>
        (sd-daemon) and carry no time of their own."""
        with Daemon(start=False) as d:
            path = os.path.join(d.dir, "journal.log")
            with open(path, "wb") as out:
                st = os.fstat(out.fileno())
                env = dict(os.environ, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino))
                proc = subprocess.Popen([THIDUAD, "serve", "-c", d.config_path], cwd=d.dir,
                                        stdout=subprocess.DEVNULL, stderr=out, env=env)
                try:
                    wait_until(lambda: "serving http" in read(path))
                    d.request("GET", "/healthz", token=None)
                    wait_until(lambda: "method=GET" in read(path))
                finally:
                    proc.send_signal(signal.SIGTERM)
                    self.assertEqual(proc.wait(30), 0)
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
            self.assertTrue(lines)
            for line in lines:
                self.assertRegex(line, r"^<[3467]>level=(debug|info|warn|error) ")
                self.assertNotIn("time=", line)
            self.assertTrue(any(line.startswith("<6>level=info method=GET path=/healthz "
                                                "status=200 ") for line in lines), lines)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def json_bytes(d, path):
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    conn.request("GET", path, headers={"Authorization": "Bearer " + d.tokens["admin"]})
    body = conn.getresponse().read()
    conn.close()
    return body


class AuditTest(unittest.TestCase):
    def entries(self, d, **query):
        q = "&".join("%s=%s" % kv for kv in query.items())
        status, _, body = d.request("GET", "/api/v1/audit" + ("?" + q if q else ""))
        self.assertEqual(status, 200, body)
        return body

    def test_acts_are_logged_and_audited_with_who(self):
        with Daemon() as d:
            status, _, body = d.request("POST", "/api/v1/periods/2025-H1/close",
                                        {"reason": "Hết kỳ"})
            self.assertEqual(status, 200, body)
            status, _, body = d.request("POST", "/api/v1/periods/2025-H1/reopen",
                                        {"reason": "Sửa số liệu"})
            self.assertEqual(status, 200, body)
            status, _, body = d.request("POST", "/api/v1/admin/reload", b"")
            self.assertEqual(status, 200, body)
            d.proc.send_signal(signal.SIGHUP)
            wait_until(lambda: self.entries(d)["entries"][0]["actor"] == "SIGHUP",
                       what="the SIGHUP reload in the audit log")
            page = self.entries(d)
            acts = [(e["actor"], e["action"], e["entity"]) for e in page["entries"][:4]]
            self.assertEqual(acts, [("SIGHUP", "reload", "rules"), ("it-admin", "reload", "rules"),
                                    ("it-admin", "reopen", "period"),
                                    ("it-admin", "close", "period")])
            reload = page["entries"][1]
            self.assertEqual(reload["detail"]["result"], "loaded")
            self.assertEqual(reload["detail"]["rules_hash"], d.rules_hash())
            self.assertEqual(page["entries"][2]["detail"], {"reason": "Sửa số liệu"})
            self.assertRegex(page["entries"][0]["at"], r"\+07:00$")
            # the token made at set-up, by the command line
            self.assertIn(("cli", "create", "token", "it-admin"),
                          [(e["actor"], e["action"], e["entity"], e["code"])
                           for e in page["entries"]])
            events = [logfmt(line) for line in d.log.splitlines() if "event=audit" in line]
            self.assertEqual([(e["actor"], e["action"]) for e in events],
                             [("it-admin", "close"), ("it-admin", "reopen"),
                              ("it-admin", "reload"), ("SIGHUP", "reload")])
            # the command line reads the same log
            r = d.cli_ok("audit", "--limit", "2", "--json")
            cli = json.loads(r.stdout)
            self.assertEqual(cli["entries"], page["entries"][:2])
            self.assertEqual(cli["total"], page["total"])
            r = d.cli_ok("audit", "--limit", "3")
            self.assertEqual(len(r.stdout.splitlines()), 3)
            self.assertIn("SIGHUP", r.stdout.splitlines()[0])
            self.assertEqual(d.cli("audit", "--limit", "0").returncode, os.EX_USAGE)

    def test_pages_and_access(self):
        with Daemon() as d:
            total = self.entries(d)["total"]
            self.assertGreater(total, 30)  # the demo's units and people were imported
            seen, cursor = [], None
            while True:
                page = self.entries(d, limit=7, **({"cursor": cursor} if cursor else {}))
                self.assertEqual(page["total"], total)
                seen += [e["id"] for e in page["entries"]]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            self.assertEqual(len(seen), total)
            self.assertEqual(seen, sorted(set(seen), reverse=True))
            for query in ("limit=0", "limit=x", "limit=1001", "cursor=abc"):
                status, _, body = d.request("GET", "/api/v1/audit?" + query)
                self.assertEqual(status, 400, (query, body))
            for token in ("read", "unit:VP"):
                self.assertEqual(d.request("GET", "/api/v1/audit", token=token)[0], 403)
            self.assertEqual(d.request("GET", "/api/v1/audit", token=None)[0], 401)


class TokenTest(unittest.TestCase):
    def test_list_revoke_unique_and_last_use(self):
        with Daemon() as d:
            r = d.cli_ok("token", "list")
            lines = r.stdout.splitlines()
            self.assertEqual(lines[0].split()[0], "tên")
            rows = {line.split()[0]: line for line in lines[1:]}
            self.assertEqual(set(rows), {"it-admin", "it-read", "it-unit-VP"})
            self.assertRegex(rows["it-read"], r"it-read +read +\d\d/\d\d/\d{4} \d\d:\d\d +chưa dùng")
            # a name is one live token's
            r = d.cli("token", "create", "--name", "it-read", "--scope", "admin")
            self.assertEqual(r.returncode, os.EX_DATAERR, r)
            self.assertIn("đã có token tên \"it-read\"", r.stderr)
            self.assertEqual(d.db_rows("SELECT count(*) FROM tokens WHERE name = 'it-read'")[0][0], 1)
            # revoked: refused from the next request on, by the running daemon
            self.assertEqual(d.request("GET", "/api/v1/units", token="read")[0], 200)
            r = d.cli_ok("token", "revoke", "it-read")
            self.assertIn("đã thu hồi", r.stdout)
            status, _, body = d.request("GET", "/api/v1/units", token="read")
            self.assertEqual(status, 401, body)
            r = d.cli("token", "revoke", "it-read")
            self.assertEqual(r.returncode, os.EX_DATAERR, r)
            self.assertNotIn("it-read", d.cli_ok("token", "list").stdout)
            audit = d.db_rows("SELECT actor, action, code FROM audit WHERE entity = 'token' "
                              "ORDER BY id DESC LIMIT 1")
            self.assertEqual(audit, [("cli", "revoke", "it-read")])
            # the name is free again
            d.cli_ok("token", "create", "--name", "it-read", "--scope", "read")
            # last use: noted by the daemon, written at most once a minute and on stopping
            self.assertEqual(d.request("GET", "/api/v1/units", token="unit:VP")[0], 200)
            self.assertEqual(d.stop(), 0)
            tokens = {t["name"]: t for t in json.loads(d.cli_ok("token", "list", "--json").stdout)}
            self.assertRegex(tokens["it-unit-VP"]["last_used_at"] or "", r"^\d{4}-.*\+07:00$")
            self.assertGreaterEqual(tokens["it-unit-VP"]["last_used_at"],
                                    tokens["it-unit-VP"]["created_at"])
            self.assertIsNone(tokens["it-read"]["last_used_at"])
            self.assertEqual(tokens["it-read"]["scope"], "read")


class BackupRestoreUpgradeTest(unittest.TestCase):
    """README, "Backup, restore and upgrade", step by step."""

    def test_backup_restore_and_upgrade(self):
        with Daemon() as d:
            status, _, body = d.request("PUT", "/api/v1/periods/2025-H1/units/VP/report",
                                        {"facts": {"response_plan": True}, "note": "trước"})
            self.assertIn(status, (200, 202), body)
            backup = os.path.join(d.dir, "thidua-backup.db")
            # while serving; the file is the operator's alone
            r = d.cli_ok("db", "backup", backup)
            self.assertEqual(os.stat(backup).st_mode & 0o777, 0o600)
            self.assertEqual(os.listdir(d.dir).count("thidua-backup.db"), 1)
            before = os.path.getmtime(backup), os.path.getsize(backup)
            r = d.cli("db", "backup", backup)
            self.assertEqual(r.returncode, os.EX_CANTCREAT, r)
            self.assertIn("--force", r.stderr)
            self.assertEqual((os.path.getmtime(backup), os.path.getsize(backup)), before)
            self.assertFalse([f for f in os.listdir(d.dir) if ".tmp-" in f])
            os.chmod(backup, 0o644)
            d.cli_ok("db", "backup", backup, "--force")
            self.assertEqual(os.stat(backup).st_mode & 0o777, 0o600)

            # after the backup: a token the restore will undo
            late = d.cli_ok("token", "create", "--name", "sau-sao-luu", "--scope", "read")
            late = late.stdout.strip()
            self.assertEqual(d.request("GET", "/api/v1/units", token=late)[0], 200)

            # restore: stop, put the copy in place without the old WAL, check, start
            self.assertEqual(d.stop(), 0)
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(d.database + suffix):
                    os.remove(d.database + suffix)
            with open(backup, "rb") as src, open(d.database, "wb") as dst:
                dst.write(src.read())
            d.cli_ok("db", "migrate")
            d.cli_ok("check")
            d.start()
            self.assertEqual(d.request("GET", "/api/v1/units", token=late)[0], 401)
            status, _, body = d.request("GET", "/api/v1/periods/2025-H1/units/VP/evaluation")
            self.assertEqual(status, 200, body)
            status, _, body = d.request("GET", "/api/v1/periods/2025-H1/status")
            self.assertTrue({u["code"]: u for u in body["units"]}["VP"]["submitted"])

            # upgrade: the same backup at the schema before this build's (8: no last use, names
            # not unique), with two live tokens of one name
            self.assertEqual(d.stop(), 0)
            old = sqlite3.connect(backup)
            outlines = d.db_rows("SELECT code, outline FROM evaluations ORDER BY code")
            old.executescript("DROP TABLE rules_vettings; DROP INDEX evaluations_outline; "
                              "DROP INDEX tokens_live_name; "
                              "ALTER TABLE tokens DROP COLUMN last_used_at; "
                              "DROP INDEX fact_versions_first; "
                              "ALTER TABLE evaluations DROP COLUMN outline; "
                              "PRAGMA user_version = 8;")
            old.execute("INSERT INTO tokens (name, scope, hash, created_at) VALUES "
                        "('it-read', 'read', 'x', '2025-01-01T00:00:00+07:00')")
            old.commit()
            old.close()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(d.database + suffix):
                    os.remove(d.database + suffix)
            with open(backup, "rb") as src, open(d.database, "wb") as dst:
                dst.write(src.read())
            r = d.cli("serve")
            self.assertEqual(r.returncode, os.EX_CONFIG, r)
            self.assertIn("db migrate", r.stderr)
            r = d.cli_ok("db", "migrate")
            self.assertIn("schema version 8 -> 11", r.stdout)
            # the outlines the report reads are made for the evaluations stored before,
            # equal to what this build writes with each evaluation
            self.assertTrue(outlines)
            made = d.db_rows("SELECT code, outline FROM evaluations ORDER BY code")
            self.assertEqual([(c, json.loads(o)) for c, o in made],
                             [(c, json.loads(o)) for c, o in outlines])
            names = [row[0] for row in d.db_rows(
                "SELECT name FROM tokens WHERE revoked_at IS NULL ORDER BY id")]
            self.assertEqual(len(names), len(set(names)))
            self.assertIn("it-read", names)
            self.assertTrue(any(re.fullmatch(r"it-read-\d+", n) for n in names), names)
            d.start()
            self.assertEqual(d.request("GET", "/api/v1/units", token="read")[0], 200)


if __name__ == "__main__":
    unittest.main()
