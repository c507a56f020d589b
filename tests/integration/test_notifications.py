"""test_notifications.py — reminders, the outbox and the channel plugins, end to end, with
real peers on loopback (an aiosmtpd SMTP server, HTTP servers speaking eSMS and a signed
webhook, a TCP server that never answers):

- `remind --dry-run --json` over the demo at chosen moments: the steps and their exact
  send_at (quiet hours, weekends, a holiday, a deadline on a Saturday or Sunday moved to the
  next working day), the Vietnamese texts, escalation to the head and the Office, and a unit
  that has reported everything is no longer reminded;
- queueing (twice queues nothing new), `outbox list`, `cancel`, `retry` and the states they
  refuse;
- email through SMTP (RFC 2047 subject, base64 UTF-8 body, X-Thidua-Key), a 5xx recipient;
- SMS through an eSMS gateway (HTTP 500 retried under the same RequestId, CodeResult 104
  failing at once, 99 retried, unaccented text, national phone numbers, segments, the API key
  masked in errors);
- the webhook's HMAC signature, checked by the receiver (a ruleset copy whose reminder lists
  "webhook", since the 2025 reminder does not);
- the running daemon: due messages go out within seconds; kill -9 while sends hang, then a
  restart delivers each message once; a send cut after DATA is sent again with the same
  X-Thidua-Key and Message-ID;
- `thiduad check` on bad channel configurations (never showing a secret), and hostile plugins
  (an endless loop, a memory hog, os.execute).

The retries of a message whose first attempt failed (next_try about 60 s ahead) are driven by
moving next_try into the past in the database, then `remind --send` again: `outbox retry`
only takes failed or cancelled messages.
"""

import collections
import datetime
import hashlib
import hmac
import importlib.util
import json
import math
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import unicodedata
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEMO_PEOPLE, DEMO_UNITS, PLUGINS_DIR, RULES_DIR, Daemon,  # noqa: E402
                     HangingServer, HttpSink, SmtpSink, check_sanitizers, metric, read_csv,
                     wait_until)
from ruleset_2025 import GOOD_PERSON, GOOD_UNIT, VIETNAM  # noqa: E402

NEEDS_SMTP = unittest.skipUnless(importlib.util.find_spec("aiosmtpd"),
                                 "python3-aiosmtpd is not installed (scripts/deps)")

# ---- the demo department, as the reminders should see it -----------------------------------

UNITS = {u["code"]: u for u in read_csv(DEMO_UNITS)}
PEOPLE = read_csv(DEMO_PEOPLE)
HEADS = {p["unit_code"]: p for p in PEOPLE if p["is_head"] == "1"}
OFFICE = "VP"
# Every unit but the department reports; the district offices closed on 30/06/2025 owe the
# half-year report only.
H1_UNITS = {c for c, u in UNITS.items() if u["kind"] != "department"}
Y_UNITS = {c for c in H1_UNITS if not UNITS[c]["valid_to"]}

H1_LABEL = "Sáu tháng đầu năm 2025"
H1_SUBJECT = "Nhắc báo cáo thi đua " + H1_LABEL
NOT_SENT = "chưa gửi báo cáo kết quả thực hiện phong trào thi đua"


def vn_now(seconds=0):
    """The daemon's local time (Asia/Ho_Chi_Minh) `seconds` from now, as the outbox writes
    next_try: YYYY-MM-DDTHH:MM:SS."""
    at = datetime.datetime.now(VIETNAM) + datetime.timedelta(seconds=seconds)
    return at.strftime("%Y-%m-%dT%H:%M:%S")


def e164(phone):
    """A demo phone (0xxxxxxxxx) as the store keeps it (+84xxxxxxxxx)."""
    return "+84" + phone[1:] if phone.startswith("0") else phone


def unit_text(code, when, missing=NOT_SENT, label=H1_LABEL):
    return ("Kính gửi %s: báo cáo thi đua %s %s; %s. Văn phòng Sở đề nghị đơn vị hoàn thành "
            "đúng hạn." % (UNITS[code]["name"], label, when, missing))


def head_text(code, when, missing=NOT_SENT, label=H1_LABEL):
    return ("Kính gửi đồng chí %s, người đứng đầu %s: báo cáo thi đua %s %s; %s. Đề nghị đồng "
            "chí chỉ đạo hoàn thành ngay." % (HEADS[code]["full_name"], UNITS[code]["name"],
                                             label, when, missing))


def office_text(code, when, missing=NOT_SENT):
    return "Văn phòng Sở: %s %s; %s." % (UNITS[code]["name"], when, missing)


def unaccent(text):
    """Vietnamese without diacritics: đ/Đ to d/D, combining marks dropped."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)))


def gsm7_segments(text):
    """Parts a GSM-7 text is billed as (160 characters alone, 153 a part when split); the
    texts here use none of the characters that take two septets."""
    assert not set(text) & set("[]{}\\^~|€"), text
    return 1 if len(text) <= 160 else math.ceil(len(text) / 153)


def copy_rules(into, edits, drop=()):
    """A copy of the repository's rules/ under `into`, with edits {relative path: function
    (text) -> text} and the files in `drop` left out; returns the copy's root (a folder of
    year folders, like rules/)."""
    root = os.path.join(into, "rules")
    shutil.copytree(RULES_DIR, root)
    for rel in drop:
        os.remove(os.path.join(root, rel))
    for rel, edit in edits.items():
        path = os.path.join(root, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        changed = edit(text)
        assert changed != text, "the edit of %s changed nothing" % rel
        with open(path, "w", encoding="utf-8") as f:
            f.write(changed)
    return root


def add_holiday(date, name):
    def edit(text):
        return text.replace("  holidays = {\n", '  holidays = {\n    { from = "%s", to = "%s", '
                            'name = "%s" },\n' % (date, date, name), 1)
    return edit


def reminder_channels(*more):
    """The 2025 reminder with more channels after its own (email, sms, zalo)."""
    def edit(text):
        return text.replace('channels = { "email", "sms", "zalo" },',
                            'channels = { "email", "sms", "zalo", %s },'
                            % ", ".join('"%s"' % c for c in more), 1)
    return edit


# The ruleset's own reminder tests pin the real calendar (15/11 -> 17/11): a copy whose
# calendar differs leaves them out, or it would not load.
CALENDAR_TESTS = ("2025/tests/test_reminders.lua",)


class NotificationTestCase(unittest.TestCase):
    maxDiff = None

    def plan(self, d, at, *extra):
        """The messages `remind --at AT --dry-run --json` asks for."""
        r = d.cli_ok("remind", "--at", at, "--dry-run", "--json", *extra)
        messages = json.loads(r.stdout)
        self.assertIsInstance(messages, list, r)
        return messages

    def outbox(self, d, *args):
        """`outbox list --json [ARGS]`."""
        return json.loads(d.cli_ok("outbox", "list", "--json", *args).stdout)

    def rows(self, d, where="1", params=()):
        """Outbox rows as dicts, by id."""
        cols = ["id", "key", "unit", "channel", "recipient", "role", "deadline", "step",
                "subject", "body", "send_at", "status", "attempts", "next_try", "last_error",
                "segments", "sent_at"]
        return [dict(zip(cols, r)) for r in d.db_rows(
            "SELECT %s FROM outbox WHERE %s ORDER BY id" % (", ".join(cols), where), params)]

    def statuses(self, d):
        return collections.Counter(r[0] for r in d.db_rows("SELECT status FROM outbox"))

    def assertVietnamese(self, text):
        self.assertEqual(text, unicodedata.normalize("NFC", text), "not NFC: %r" % text)
        self.assertNotIn("\ufffd", text)
        self.assertNotRegex(text, r"\d{4}-\d{2}-\d{2}", "an ISO date in a text for people")


# ---- 1. what the reminder pass asks for ----------------------------------------------------


class ReminderPlanTest(NotificationTestCase):
    """remind --dry-run --json over the demo, with email and SMS configured (so the
    addresses are the units', heads' and the Office's) but nothing sent."""

    @classmethod
    def setUpClass(cls):
        channels = {
            "email": {"url": "smtp://127.0.0.1:9", "from": "vanphong@so.test"},
            "sms": {"provider": "esms", "url": "http://127.0.0.1:9/sms", "api_key": "k",
                    "brandname": "SOTNMT"},
        }
        cls.d = Daemon(start=False, config_extra={"channels": channels})
        cls.addClassCleanup(cls.d.close)
        cls.d.__enter__()
        cls.tmp = tempfile.mkdtemp(prefix="thidua-it-rules-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)

    def assertAddressed(self, m, code, role):
        contact = {"unit": UNITS[code], "head": HEADS.get(code),
                   "office": UNITS[OFFICE]}[role]
        self.assertEqual(m["recipient"], role, m)
        want = contact["email"] if m["channel"] == "email" else e164(contact["phone"])
        self.assertEqual(m["to"], want, m)

    def test_seven_days_before(self):
        messages = self.plan(self.d, "2025-06-09T09:00")
        self.assertEqual(len(messages), 2 * len(H1_UNITS))
        self.assertEqual({(m["unit"], m["channel"]) for m in messages},
                         {(u, c) for u in H1_UNITS for c in ("email", "sms")})
        for m in messages:
            self.assertEqual((m["step"], m["send_at"], m["deadline"]),
                             ("-7", "2025-06-09T09:00", "report:2025-H1"), m)
            self.assertAddressed(m, m["unit"], "unit")
            self.assertEqual(m["subject"], H1_SUBJECT)
            # 15/06/2025 is a Sunday: the report is due on Monday 16/06 (art. 148).
            self.assertEqual(m["text"], unit_text(m["unit"], "còn 7 ngày đến hạn 16/06/2025"))
            self.assertVietnamese(m["text"])
        # After the quiet hours but before send_time: the step waits for 08:00.
        early = self.plan(self.d, "2025-06-09T07:30")
        self.assertEqual({(m["step"], m["send_at"]) for m in early}, {("-7", "2025-06-09T08:00")})
        # The Sunday before the first step: nothing.
        self.assertEqual(self.plan(self.d, "2025-06-08T12:00"), [])

    def test_quiet_friday_evening(self):
        # Step -3 is Friday 13/06. Before 21:00 it goes out at once...
        before = self.plan(self.d, "2025-06-13T20:59")
        self.assertEqual(len(before), 2 * len(H1_UNITS))
        self.assertEqual({(m["step"], m["send_at"]) for m in before}, {("-3", "2025-06-13T20:59")})
        self.assertEqual(before[0]["text"],
                         unit_text(before[0]["unit"], "còn 3 ngày đến hạn 16/06/2025"))
        # ... at 22:00 it would wait for Monday 16/06, the day of step "0": nothing.
        self.assertEqual(self.plan(self.d, "2025-06-13T22:00"), [])
        self.assertEqual(self.plan(self.d, "2025-06-14T10:00"), [])  # Saturday
        self.assertEqual(self.plan(self.d, "2025-06-15T23:30"), [])  # Sunday night

    def test_due_day_before_quiet_hours_end(self):
        messages = self.plan(self.d, "2025-06-16T06:00")
        self.assertEqual(len(messages), 2 * len(H1_UNITS))
        for m in messages:
            self.assertEqual((m["step"], m["send_at"]), ("0", "2025-06-16T08:00"), m)
            self.assertEqual(m["text"], unit_text(m["unit"], "hôm nay là hạn cuối 16/06/2025"))

    def test_late_then_escalated_to_head_and_office(self):
        # Wednesday 18/06: step +2, two working days late, no escalation yet.
        wednesday = self.plan(self.d, "2025-06-18T10:00")
        self.assertEqual({(m["step"], m["recipient"]) for m in wednesday}, {("+2", "unit")})
        # Thursday 19/06: still step +2 (+4 is Friday), and three working days late: the
        # head, with a copy to the Office for every unit but the Office itself.
        messages = self.plan(self.d, "2025-06-19T10:00")
        when = "đã quá hạn 16/06/2025 3 ngày làm việc"
        by_role = collections.defaultdict(list)
        for m in messages:
            by_role[m["recipient"]].append(m)
            self.assertEqual(m["send_at"], "2025-06-19T10:00", m)
            self.assertEqual(m["deadline"], "report:2025-H1")
            self.assertAddressed(m, m["unit"], m["recipient"])
            self.assertVietnamese(m["text"])
        self.assertEqual(set(by_role), {"unit", "head", "office"})
        for m in by_role["unit"]:
            self.assertEqual((m["step"], m["subject"]), ("+2", H1_SUBJECT))
            self.assertEqual(m["text"], unit_text(m["unit"], when))
        escalated = "Quá hạn báo cáo thi đua %s: %%s" % H1_LABEL
        for m in by_role["head"]:
            self.assertEqual(m["step"], "escalate")
            self.assertEqual(m["subject"], escalated % UNITS[m["unit"]]["name"])
            self.assertEqual(m["text"], head_text(m["unit"], when))
        for m in by_role["office"]:
            self.assertEqual(m["step"], "escalate")
            self.assertEqual(m["text"], office_text(m["unit"], when))
        self.assertEqual({(m["unit"], m["channel"]) for m in by_role["unit"]},
                         {(u, c) for u in H1_UNITS for c in ("email", "sms")})
        self.assertEqual({m["unit"] for m in by_role["head"]}, H1_UNITS)
        self.assertEqual({m["unit"] for m in by_role["office"]}, H1_UNITS - {OFFICE})
        self.assertEqual(len(messages), 2 * (3 * len(H1_UNITS) - 1))

    def test_year_report_due_on_a_saturday(self):
        # 15/11/2025 is a Saturday: due Monday 17/11. Only units still open at year end.
        self.assertEqual(self.plan(self.d, "2025-11-15T10:00"), [])
        messages = self.plan(self.d, "2025-11-17T06:00")
        self.assertEqual({m["unit"] for m in messages}, Y_UNITS)
        for m in messages:
            self.assertEqual((m["step"], m["send_at"], m["deadline"]),
                             ("0", "2025-11-17T08:00", "report:2025-Y"), m)
            self.assertEqual(m["subject"], "Nhắc báo cáo thi đua Năm 2025")
            self.assertEqual(m["text"], unit_text(m["unit"], "hôm nay là hạn cuối 17/11/2025",
                                                  label="Năm 2025"))

    def test_holidays_in_the_year_window(self):
        # rules/2025/campaign.lua has no holiday between the first 2025-Y step (10/11) and
        # its end (mid-December): copies of the rules add one.
        root = copy_rules(os.path.join(self.tmp, "monday"), {
            "2025/campaign.lua": add_holiday("2025-11-10", "Nghỉ bù (thử)")}, CALENDAR_TESTS)
        # Step -7 falls on the holiday: it moves to Tuesday 11/11, 08:00.
        self.assertEqual(self.plan(self.d, "2025-11-10T09:00", "--rules", root), [])
        messages = self.plan(self.d, "2025-11-11T06:00", "--rules", root)
        self.assertEqual({m["unit"] for m in messages}, Y_UNITS)
        self.assertEqual({(m["step"], m["send_at"]) for m in messages},
                         {("-7", "2025-11-11T08:00")})
        for m in messages:  # how many days are left: test_days_left_counts_from_sending
            self.assertRegex(m["text"], r" còn \d ngày đến hạn 17/11/2025; ")
        # A holiday on Monday 17/11 moves the Saturday deadline on to Tuesday 18/11.
        root = copy_rules(os.path.join(self.tmp, "due"), {
            "2025/campaign.lua": add_holiday("2025-11-17", "Nghỉ (thử)")}, CALENDAR_TESTS)
        self.assertEqual(self.plan(self.d, "2025-11-17T10:00", "--rules", root), [])
        messages = self.plan(self.d, "2025-11-18T06:00", "--rules", root)
        self.assertEqual({(m["step"], m["send_at"]) for m in messages}, {("0", "2025-11-18T08:00")})
        self.assertEqual(messages[0]["text"], unit_text(
            messages[0]["unit"], "hôm nay là hạn cuối 18/11/2025", label="Năm 2025"))


    def test_days_left_counts_from_sending(self):
        """r.days_left is "days before the due date" (rules/2025/reminders.lua): counted from
        the day the message goes out, not the step's nominal day."""
        # Wednesday 11/06: step -7 (Monday 09/06) is still the current one, e.g. for a daemon
        # that was down on Monday; 5 days are left until 16/06.
        messages = self.plan(self.d, "2025-06-11T10:00")
        self.assertEqual({(m["step"], m["send_at"]) for m in messages},
                         {("-7", "2025-06-11T10:00")})
        # The -7 step moved off a holiday (10/11) to 11/11: 6 days are left until 17/11.
        root = copy_rules(os.path.join(self.tmp, "days-left"), {
            "2025/campaign.lua": add_holiday("2025-11-10", "Nghỉ bù (thử)")}, CALENDAR_TESTS)
        november = self.plan(self.d, "2025-11-11T06:00", "--rules", root)
        self.assertEqual({m["send_at"] for m in november}, {"2025-11-11T08:00"})
        said = {(m["send_at"], re.search(r"còn \d+ ngày", m["text"]).group(0))
                for m in messages + november}
        self.assertEqual(said, {("2025-06-11T10:00", "còn 5 ngày"),
                                ("2025-11-11T08:00", "còn 6 ngày")},
                         "BUG core/rules/engine/remind.lua messages_for: days_left is the "
                         "step's nominal offset")


class SubmittedUnitTest(NotificationTestCase):
    """A unit that has reported every fact, and facts for every member, is not reminded."""

    UNIT = "PTNMT-AT"

    def test_full_report_stops_the_reminders(self):
        with Daemon() as d:
            at = "2025-06-19T10:00"
            mine = [m for m in self.plan(d, at) if m["unit"] == self.UNIT]
            self.assertEqual({m["recipient"] for m in mine}, {"unit", "head", "office"})
            members = [p for p in PEOPLE if p["unit_code"] == self.UNIT]
            self.assertGreater(len(members), 5)
            # The report without its rating: the missing fact is named.
            partial = dict(GOOD_UNIT)
            del partial["unit_rating"]
            path = "/api/v1/periods/2025-H1/units/%s/report" % self.UNIT
            status, _, body = d.request("PUT", path, {"facts": partial})
            self.assertEqual(status, 200, body)
            mine = [m for m in self.plan(d, at) if m["unit"] == self.UNIT]
            self.assertEqual(len(mine), 3)
            text = next(m["text"] for m in mine if m["recipient"] == "unit")
            self.assertIn("còn thiếu: Xếp loại mức độ hoàn thành nhiệm vụ của tập thể", text)
            self.assertIn("%d cá nhân chưa có số liệu (" % len(members), text)
            self.assertIn(" và %d mục khác)" % (len(members) - 5), text)
            self.assertNotIn(NOT_SENT, text)
            # Every fact, and all members but one.
            status, _, body = d.request("PUT", path, {"facts": GOOD_UNIT})
            self.assertEqual(status, 200, body)
            for p in members[:-1]:
                status, _, body = d.request(
                    "PUT", "/api/v1/periods/2025-H1/people/%s/facts" % p["code"],
                    {"facts": GOOD_PERSON})
                self.assertEqual(status, 200, body)
            mine = [m for m in self.plan(d, at) if m["unit"] == self.UNIT]
            self.assertEqual(len(mine), 3)
            for m in mine:
                self.assertIn("1 cá nhân chưa có số liệu (%s)" % members[-1]["full_name"],
                              m["text"])
                self.assertNotIn("còn thiếu", m["text"])
            # The last member: nothing more for this unit, the others still reminded.
            status, _, body = d.request(
                "PUT", "/api/v1/periods/2025-H1/people/%s/facts" % members[-1]["code"],
                {"facts": GOOD_PERSON})
            self.assertEqual(status, 200, body)
            messages = self.plan(d, at)
            self.assertEqual([m for m in messages if m["unit"] == self.UNIT], [])
            self.assertEqual({m["unit"] for m in messages}, H1_UNITS - {self.UNIT})
            # Its year report is still owed in November.
            november = self.plan(d, "2025-11-17T06:00")
            self.assertEqual({m["unit"] for m in november}, Y_UNITS)


# ---- 2. the outbox from the command line ---------------------------------------------------


class OutboxCliTest(NotificationTestCase):
    """Queued twice, listed, cancelled, retried; no channel configured, so the log."""

    def test_queue_list_cancel_retry(self):
        with Daemon(start=False) as d:
            late = 3 * len(H1_UNITS) - 1  # +2, the heads, the Office's copies
            r = d.cli_ok("remind", "--at", "2025-06-19T10:00")
            self.assertIn("%d message(s) queued, 0 already in the outbox" % late, r.stderr)
            self.assertEqual(len(r.stdout.splitlines()), late, r)
            r = d.cli_ok("remind", "--at", "2025-06-19T10:00")
            self.assertIn("0 message(s) queued, %d already in the outbox" % late, r.stderr)
            # Friday: step +4 is new, the escalations are the same messages.
            r = d.cli_ok("remind", "--at", "2025-06-20T10:00")
            self.assertIn("%d message(s) queued, %d already in the outbox"
                          % (len(H1_UNITS), late - len(H1_UNITS)), r.stderr)
            total = late + len(H1_UNITS)

            listed = self.outbox(d)
            self.assertEqual(len(listed), total)
            self.assertEqual([m["id"] for m in listed], sorted((m["id"] for m in listed),
                                                              reverse=True))
            for m in listed:
                self.assertEqual((m["status"], m["attempts"], m["channel"]), ("queued", 0, "log"))
                self.assertEqual(m["key"], "%s|%s|%s|%s|%s" % (
                    m["unit"], m["recipient"], m["deadline"], m["step"], m["channel"]))
                self.assertEqual(m["next_try"], m["send_at"])
                self.assertIn("16/06/2025", m["body"])
                self.assertIsNone(m["sent_at"])
            self.assertEqual({m["step"] for m in listed}, {"+2", "+4", "escalate"})
            mt = self.outbox(d, "--unit", "MT", "--status", "queued")
            self.assertEqual(sorted((m["step"], m["role"]) for m in mt), [
                ("+2", "unit"), ("+4", "unit"), ("escalate", "head"), ("escalate", "office")])
            text = d.cli_ok("outbox", "list", "--unit", "MT").stdout
            self.assertEqual(len(text.splitlines()), 4, text)

            # cancel and retry, and what they refuse
            plus2 = next(m["id"] for m in mt if m["step"] == "+2")
            plus4 = next(m["id"] for m in mt if m["step"] == "+4")
            r = d.cli_ok("outbox", "cancel", str(plus2))
            self.assertIn("outbox %d: cancelled" % plus2, r.stdout)
            self.assertEqual(self.rows(d, "id = ?", (plus2,))[0]["status"], "cancelled")
            r = d.cli("outbox", "cancel", str(plus2))
            self.assertEqual(r.returncode, os.EX_DATAERR, r)
            self.assertIn("not in a state", r.stderr)
            r = d.cli_ok("outbox", "retry", str(plus2))
            self.assertIn("outbox %d: queued again" % plus2, r.stdout)
            row = self.rows(d, "id = ?", (plus2,))[0]
            self.assertEqual((row["status"], row["attempts"]), ("queued", 0))
            self.assertGreaterEqual(row["next_try"], vn_now(-60))  # now, not 2025
            r = d.cli("outbox", "retry", str(plus2))  # queued: nothing to retry
            self.assertEqual(r.returncode, os.EX_DATAERR, r)
            self.assertIn("not in a state", r.stderr)
            for args, code, why in ((("cancel", "999999"), os.EX_DATAERR, "no such message"),
                                    (("retry", "999999"), os.EX_DATAERR, "no such message"),
                                    (("cancel", "abc"), os.EX_USAGE, "not a message id"),
                                    (("retry", "0"), os.EX_USAGE, "not a message id")):
                r = d.cli("outbox", *args)
                self.assertEqual(r.returncode, code, r)
                self.assertIn(why, r.stderr)
            audit = d.db_rows("SELECT actor, action, code FROM audit WHERE entity = 'outbox' "
                              "ORDER BY id")
            self.assertEqual(audit, [("cli", "cancel", str(plus2)), ("cli", "retry", str(plus2))])
            d.cli_ok("outbox", "cancel", str(plus4))

            # --send: everything due goes to the log, but the cancelled one
            r = d.cli_ok("remind", "--at", "2025-06-20T10:00", "--send")
            self.assertIn("0 message(s) queued", r.stderr)
            self.assertIn(": " + unit_text("TNN", "đã quá hạn 16/06/2025 4 ngày làm việc"),
                          r.stderr)  # plugins/log.lua, Vietnamese intact in the log
            self.assertEqual(self.statuses(d), {"sent": total - 1, "cancelled": 1})
            self.assertEqual(len(self.outbox(d, "--status", "sent")), total - 1)
            for row in self.rows(d, "status = 'sent'"):
                self.assertEqual(row["attempts"], 1)
                self.assertIsNotNone(row["sent_at"])
            for action in ("cancel", "retry"):  # a sent message stays sent
                r = d.cli("outbox", action, str(plus2))
                self.assertEqual(r.returncode, os.EX_DATAERR, r)
                self.assertIn("not in a state", r.stderr)
            self.assertEqual(self.rows(d, "id = ?", (plus2,))[0]["status"], "sent")
            self.assertEqual(self.rows(d, "id = ?", (plus4,))[0]["status"], "cancelled")


# ---- 3. email ------------------------------------------------------------------------------


@NEEDS_SMTP
class EmailTest(NotificationTestCase):
    REJECTED = UNITS["TTRA"]["email"]

    def test_reminders_arrive_by_smtp(self):
        with SmtpSink(reject={self.REJECTED: "550 5.1.1 No such mailbox"}) as smtp, \
                Daemon(start=False, config_extra={"channels": {"email": {
                    "url": smtp.url, "from": "vanphong@so.test"}}}) as d:
            r = d.cli_ok("remind", "--at", "2025-06-19T10:00", "--send")
            rows = {row["key"]: row for row in self.rows(d)}
            self.assertEqual(len(rows), 3 * len(H1_UNITS) - 1)
            self.assertEqual({row["channel"] for row in rows.values()}, {"email"})
            delivered = smtp.messages()
            self.assertEqual(len(delivered), len(rows) - 1)
            keys = collections.Counter(m["message"]["X-Thidua-Key"] for m in delivered)
            self.assertEqual(max(keys.values()), 1, keys)
            message_ids = set()
            for mail in delivered:
                msg = mail["message"]
                row = rows[msg["X-Thidua-Key"]]
                self.assertEqual(mail["mail_from"], "vanphong@so.test")
                self.assertEqual(mail["rcpt_tos"], [row["recipient"]])
                self.assertEqual(msg["To"], row["recipient"])
                self.assertEqual(msg["From"], "vanphong@so.test")
                self.assertEqual(str(msg["Subject"]), row["subject"])
                self.assertEqual(msg.get_content_type(), "text/plain")
                self.assertEqual(msg.get_content_charset(), "utf-8")
                self.assertEqual(msg.get_content(), row["body"])
                self.assertTrue(msg["Date"])
                message_ids.add(msg["Message-ID"])
                self.assertRegex(msg["Message-ID"], r"^<[0-9a-f]{32}@thidua>$")
                # RFC 2047: encoded words of at most 75 characters, nothing raw past ASCII.
                raw_subject = re.search(rb"^Subject: (.*)$", mail["data"], re.M).group(1)
                self.assertTrue(raw_subject.isascii())
                for word in raw_subject.split():
                    self.assertLessEqual(len(word), 75, raw_subject)
                self.assertEqual(row["status"], "sent", row)
                self.assertEqual(row["attempts"], 1)
                self.assertIsNotNone(row["sent_at"])
            self.assertEqual(len(message_ids), len(delivered))
            # The Office's copies all go to its mailbox, one per late unit.
            office = [m for m in delivered if m["rcpt_tos"] == [UNITS[OFFICE]["email"]]]
            self.assertEqual(len(office), len(H1_UNITS) - 1 + 1)  # 14 copies and its own +2
            subjects = {str(m["message"]["Subject"]) for m in delivered}
            self.assertIn("Quá hạn báo cáo thi đua %s: %s" % (H1_LABEL, UNITS["PTNMT-AT"]["name"]),
                          subjects)

            # Running again sends nothing twice.
            r = d.cli_ok("remind", "--at", "2025-06-19T10:00", "--send")
            self.assertIn("0 message(s) queued", r.stderr)
            time.sleep(0.3)
            self.assertEqual(len(smtp.messages()), len(delivered))

            # 550 to RCPT: "A 5xx answer (no such mailbox) fails at once" (plugins/email.lua).
            rejected = [row for row in rows.values() if row["recipient"] == self.REJECTED]
            self.assertEqual(len(rejected), 1)
            self.assertIn("550", rejected[0]["last_error"] or "")
            self.assertEqual((rejected[0]["status"], rejected[0]["attempts"]), ("failed", 1),
                             "BUG plugins/email.lua: a 5xx refusal of RCPT is retried: %r"
                             % rejected[0])


# ---- 4. SMS through an eSMS gateway -------------------------------------------------------


class EsmsGateway:
    """What the test's eSMS gateway does: HTTP 500 to the first attempt of each RequestId,
    then CodeResult 100; always 104 for one phone (a brandname not registered: it echoes the
    API key, which must not reach the outbox) and 99 for another."""

    def __init__(self, refuse_phone, unknown_phone):
        self.refuse_phone, self.unknown_phone = refuse_phone, unknown_phone
        self.lock = threading.Lock()
        self.attempts = collections.Counter()
        self.accepted = collections.Counter()

    def __call__(self, request):
        body = json.loads(request["body"])
        rid = body["RequestId"]
        with self.lock:
            self.attempts[rid] += 1
            first = self.attempts[rid] == 1
        if body["Phone"] == self.refuse_phone:
            return 200, {}, {"CodeResult": "104",
                             "ErrorMessage": "Brandname chua dang ky cho " + body["ApiKey"]}
        if body["Phone"] == self.unknown_phone:
            return 200, {}, {"CodeResult": "99", "ErrorMessage": "Loi khong xac dinh"}
        if first:
            return 500, {}, b"upstream busy"
        with self.lock:
            self.accepted[rid] += 1
        return 200, {}, {"CodeResult": "100", "SMSID": "sms-%d" % self.accepted[rid]}


class SmsTest(NotificationTestCase):
    API_KEY = "api-k3y-VALUE-9f2"
    SECRET_KEY = "s3cr3t-KEY-77a"

    def test_esms_retries_under_one_request_id(self):
        refuse, unknown = UNITS["VP"]["phone"], UNITS["TTRA"]["phone"]
        gateway = EsmsGateway(refuse, unknown)
        with HttpSink(gateway) as esms, Daemon(start=False, config_extra={"channels": {"sms": {
                "provider": "esms", "url": esms.url + "/MainService.svc/json/"
                "SendMultipleMessage_V4_post_json/", "api_key": self.API_KEY,
                "secret_key": self.SECRET_KEY, "brandname": "SOTNMT"}}}) as d:
            outputs = []
            outputs.append(d.cli_ok("remind", "--at", "2025-06-09T09:00", "--send"))
            rows = {row["key"]: row for row in self.rows(d)}
            self.assertEqual(len(rows), len(H1_UNITS))
            by_unit = {row["unit"]: row for row in rows.values()}
            self.assertEqual(len(esms.taken()), len(H1_UNITS))
            for request in esms.taken():
                self.assertEqual(request["method"], "POST")
                self.assertTrue(request["path"].startswith("/MainService.svc/json/"))
                self.assertEqual(request["headers"]["content-type"], "application/json")
                body = json.loads(request["body"])
                row = rows[body["RequestId"]]
                self.assertEqual(body["ApiKey"], self.API_KEY)
                self.assertEqual(body["SecretKey"], self.SECRET_KEY)
                self.assertEqual(body["Brandname"], "SOTNMT")
                self.assertEqual((body["SmsType"], body["IsUnicode"]), ("2", "0"))
                self.assertRegex(body["Phone"], r"^0\d{9}$")
                self.assertEqual(body["Phone"], UNITS[row["unit"]]["phone"])
                self.assertEqual(row["recipient"], e164(body["Phone"]))
                self.assertTrue(body["Content"].isascii(), body["Content"])
                self.assertEqual(body["Content"], unaccent(row["body"]))
                self.assertIn("Kinh gui", body["Content"])
                self.assertIn("con 7 ngay den han 16/06/2025", body["Content"])

            # 104 fails at once, the key masked; 99 and HTTP 500 are tried again later.
            vp = by_unit["VP"]
            self.assertEqual((vp["status"], vp["attempts"]), ("failed", 1), vp)
            self.assertIn("104", vp["last_error"])
            self.assertNotIn(self.API_KEY, vp["last_error"])
            self.assertIn("***", vp["last_error"])
            ttra = by_unit["TTRA"]
            self.assertEqual((ttra["status"], ttra["attempts"]), ("queued", 1), ttra)
            self.assertIn("CodeResult 99", ttra["last_error"])
            for code, row in by_unit.items():
                if code in ("VP", "TTRA"):
                    continue
                self.assertEqual((row["status"], row["attempts"]), ("queued", 1), row)
                self.assertEqual(row["last_error"], "gateway HTTP 500")
                self.assertGreater(row["next_try"], vn_now(40))  # 60 s, 20 % jitter

            # The backoff is 60 s: move next_try into the past instead of waiting.
            moved = d.db_exec("UPDATE outbox SET next_try = '2025-01-01T00:00' "
                              "WHERE status = 'queued'")
            self.assertEqual(moved, len(H1_UNITS) - 1)
            r = d.cli_ok("remind", "--at", "2025-06-09T09:00", "--send")
            outputs.append(r)
            self.assertIn("0 message(s) queued, %d already" % len(H1_UNITS), r.stderr)
            rows = {row["key"]: row for row in self.rows(d)}
            by_unit = {row["unit"]: row for row in rows.values()}
            for code, row in by_unit.items():
                if code in ("VP", "TTRA"):
                    continue
                self.assertEqual((row["status"], row["attempts"]), ("sent", 2), row)
                self.assertEqual(row["segments"], gsm7_segments(unaccent(row["body"])), row)
                self.assertEqual(gateway.attempts[row["key"]], 2)
                self.assertEqual(gateway.accepted[row["key"]], 1)
            self.assertEqual((by_unit["TTRA"]["status"], by_unit["TTRA"]["attempts"]),
                             ("queued", 2))
            self.assertEqual(by_unit["VP"]["status"], "failed")
            self.assertEqual(gateway.attempts[by_unit["VP"]["key"]], 1)  # not retried
            self.assertLessEqual(max(gateway.accepted.values()), 1)

            # An administrator retries the failed one: the same RequestId, refused again.
            r = d.cli_ok("outbox", "retry", str(by_unit["VP"]["id"]))
            outputs.append(r)
            outputs.append(d.cli_ok("remind", "--at", "2025-06-09T09:00", "--send"))
            vp = self.rows(d, "id = ?", (by_unit["VP"]["id"],))[0]
            self.assertEqual((vp["status"], vp["attempts"]), ("failed", 1), vp)
            self.assertEqual(gateway.attempts[vp["key"]], 2)
            self.assertEqual(sum(gateway.accepted.values()), len(H1_UNITS) - 2)
            for r in outputs + [d.cli_ok("outbox", "list")]:
                for secret in (self.API_KEY, self.SECRET_KEY):
                    self.assertNotIn(secret, r.stdout + r.stderr)
            for secret in (self.API_KEY, self.SECRET_KEY):
                self.assertEqual(d.db_rows("SELECT count(*) FROM outbox WHERE last_error "
                                           "LIKE ?", ("%" + secret + "%",)), [(0,)])


# ---- 5. the webhook's signature ----------------------------------------------------------


class SignedReceiver:
    """Checks X-Thidua-Signature = "sha256=" + HMAC-SHA256(secret, timestamp + "." + body)
    and a fresh timestamp; 401 otherwise. Keeps its verdicts."""

    def __init__(self, secret):
        self.secret = secret.encode("utf-8")
        self.verdicts = []

    def valid(self, request):
        stamp = request["headers"].get("x-thidua-timestamp", "")
        signature = request["headers"].get("x-thidua-signature", "")
        if not re.fullmatch(r"\d+", stamp) or abs(time.time() - int(stamp)) > 300:
            return False
        expected = "sha256=" + hmac.new(self.secret, stamp.encode() + b"." + request["body"],
                                        hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature, expected)

    def __call__(self, request):
        ok = self.valid(request)
        self.verdicts.append(ok)
        return (200, {}, {"ok": True}) if ok else (401, {}, b"bad signature")


class WebhookTest(NotificationTestCase):
    SECRET = "hook-s3cret-5d1"

    def test_signed_posts(self):
        receiver = SignedReceiver(self.SECRET)
        with tempfile.TemporaryDirectory(prefix="thidua-it-rules-") as tmp, \
                HttpSink(receiver) as hook:
            # The 2025 reminder uses email, sms and zalo: a copy that also uses the webhook.
            rules = copy_rules(tmp, {"2025/reminders.lua": reminder_channels("webhook")})
            channels = {"webhook": {"url": hook.url + "/thidua", "secret": self.SECRET}}
            recipients = []
            with Daemon(start=False, rules=rules, config_extra={"channels": channels}) as d:
                r = d.cli_ok("remind", "--at", "2025-06-09T09:00", "--send")
                rows = {row["key"]: row for row in self.rows(d)}
                self.assertEqual(len(rows), len(H1_UNITS))
                self.assertEqual(receiver.verdicts, [True] * len(H1_UNITS))
                for request in hook.taken():
                    self.assertEqual(request["path"], "/thidua")
                    self.assertEqual(request["headers"]["content-type"], "application/json")
                    body = json.loads(request["body"].decode("utf-8"))
                    row = rows[request["headers"]["x-thidua-key"]]
                    self.assertEqual(body["key"], row["key"])
                    self.assertEqual(body["event"], "reminder")
                    self.assertEqual((body["unit"], body["to"], body["step"], body["deadline"]),
                                     (row["unit"], row["unit"], "-7", "report:2025-H1"))
                    recipients.append(body["recipient"])
                    self.assertEqual(body["subject"], H1_SUBJECT)
                    self.assertEqual(body["text"], unit_text(row["unit"],
                                                             "còn 7 ngày đến hạn 16/06/2025"))
                    self.assertEqual((row["status"], row["attempts"]), ("sent", 1))
                # A tampered body does not pass the receiver's check.
                forged = dict(hook.taken()[0], body=hook.taken()[0]["body"].replace(
                    b"-7", b"-3"))
                self.assertFalse(receiver.valid(forged))
                # Signed with another secret: 401, which is not worth retrying.
                channels["webhook"]["secret"] = "not-the-secret"
                d.write_config()
                r = d.cli_ok("remind", "--at", "2025-06-13T10:00", "--send")
                late = self.rows(d, "step = '-3'")
                self.assertEqual(len(late), len(H1_UNITS))
                self.assertEqual(receiver.verdicts[len(H1_UNITS):], [False] * len(H1_UNITS))
                for row in late:
                    self.assertEqual((row["status"], row["attempts"], row["last_error"]),
                                     ("failed", 1, "HTTP 401"))
                self.assertNotIn("not-the-secret", r.stdout + r.stderr)
            # plugins/README.md: msg.recipient is the role (unit, head, office); msg.to the
            # address.
            self.assertEqual(set(recipients), {"unit"},
                             "BUG core/domain/dispatch.c shape_for_plugin: msg.recipient is "
                             "the address, not the role")


class ZaloGateway:
    """Zalo's OAuth and ZNS on loopback: a refresh token works once (each refresh returns a
    new pair), ZNS wants the current access token; every ZNS message is kept."""

    def __init__(self):
        self.refresh = "r1"
        self.access = None
        self.refreshes = []
        self.messages = []
        self.generation = 1

    def __call__(self, request):
        if request["path"].startswith("/oauth"):
            form = urllib.parse.parse_qs(request["body"].decode("utf-8"))
            given = form.get("refresh_token", [""])[0]
            self.refreshes.append(given)
            if given != self.refresh or request["headers"].get("secret_key") != "zalo-s3cret":
                return 400, {}, {"error": -14014, "error_name": "Invalid refresh token"}
            self.generation += 1
            self.refresh, self.access = "r%d" % self.generation, "a%d" % self.generation
            return 200, {}, {"access_token": self.access, "refresh_token": self.refresh,
                             "expires_in": "90000"}
        if request["headers"].get("access_token") != self.access:
            return 200, {}, {"error": -124, "message": "Access token is invalid"}
        self.messages.append(json.loads(request["body"].decode("utf-8")))
        return 200, {}, {"error": 0, "message": "Success"}


class ZaloTest(NotificationTestCase):
    def test_rotating_tokens_are_kept(self):
        gateway = ZaloGateway()
        with HttpSink(gateway) as zalo:
            channels = {"zalo": {"app_id": "123", "secret_key": "zalo-s3cret",
                                 "refresh_token": "r1", "template_id": "456",
                                 "url": zalo.url + "/zns", "oauth_url": zalo.url + "/oauth"}}
            with Daemon(start=False, config_extra={"channels": channels}) as d:
                r = d.cli_ok("remind", "--at", "2025-06-09T09:00", "--send")
                rows = self.rows(d)
                self.assertTrue(rows)
                self.assertEqual({row["status"] for row in rows}, {"sent"}, rows)
                # One refresh for all the messages (sent one at a time), then the token.
                self.assertEqual(gateway.refreshes, ["r1"])
                self.assertEqual(len(gateway.messages), len(rows))
                keys = {row["key"] for row in rows}
                self.assertEqual({m["tracking_id"] for m in gateway.messages}, keys)
                self.assertTrue(all(m["phone"].startswith("84") for m in gateway.messages))
                state = dict(d.db_rows("SELECT key, value FROM channel_state "
                                       "WHERE channel = 'zalo'"))
                self.assertEqual(state["refresh_token"], "r2")
                # The token expires: the next refresh uses the rotated r2, not the configured r1.
                d.db_exec("UPDATE channel_state SET value = '0' WHERE key = 'expires_at'")
                d.cli_ok("remind", "--at", "2025-06-13T10:00", "--send")
                self.assertEqual(gateway.refreshes, ["r1", "r2"])
                self.assertEqual({row["status"] for row in self.rows(d)}, {"sent"})
                self.assertNotIn("zalo-s3cret", r.stdout + r.stderr)


class WebhookEventsTest(NotificationTestCase):
    SECRET = "events-s3cret-77"

    def events(self, hook, name=None):
        out = []
        for request in hook.taken():
            body = json.loads(request["body"].decode("utf-8"))
            if body.get("event") != "reminder" and (name is None or body["event"] == name):
                self.assertEqual(request["headers"]["x-thidua-event"], body["event"])
                out.append(body)
        return out

    def test_events_are_told(self):
        """report.submitted and evaluation.changed with a report, report.late once per unit
        and deadline, rules.reloaded with a reload: queued in the same transaction as the
        change, posted signed by the running daemon; an event not subscribed is not posted."""
        receiver = SignedReceiver(self.SECRET)
        with HttpSink(receiver) as hook:
            channels = {"webhook": {"url": hook.url + "/events", "secret": self.SECRET,
                                    "events": ["report.submitted", "evaluation.changed",
                                               "report.late", "rules.reloaded"]}}
            with Daemon(config_extra={"channels": channels}) as d:
                status, _, body = d.request("PUT", "/api/v1/periods/2025-H1/units/MT/report",
                                            {"facts": {"response_plan": True}})
                self.assertEqual(status, 200, body)
                wait_until(lambda: self.events(hook, "report.submitted"), what="report.submitted")
                submitted = self.events(hook, "report.submitted")
                self.assertEqual(len(submitted), 1)
                self.assertEqual((submitted[0]["unit"], submitted[0]["period"],
                                  submitted[0]["version"]), ("MT", "2025-H1", 1))
                changed = wait_until(lambda: self.events(hook, "evaluation.changed"),
                                     what="evaluation.changed")
                self.assertIn(("unit", "MT"), {(e["subject"], e["code"]) for e in changed})
                # Two passes on late days: each late unit is told once per deadline.
                d.cli_ok("remind", "--at", "2025-06-19T10:00")
                d.cli_ok("remind", "--at", "2025-06-23T10:00")
                late = wait_until(lambda: self.events(hook, "report.late"), what="report.late")
                time.sleep(1.5)
                late = self.events(hook, "report.late")
                units = [e["unit"] for e in late]
                self.assertEqual(len(units), len(set(units)), units)
                self.assertIn("KHTC", units)
                self.assertTrue(all(e["deadline"] == "report:2025-H1" for e in late))
                status, _, body = d.request("POST", "/api/v1/admin/reload", b"")
                self.assertEqual(status, 200, body)
                reloaded = wait_until(lambda: self.events(hook, "rules.reloaded"),
                                      what="rules.reloaded")
                self.assertEqual(reloaded[0]["rules_hash"], body["rules_hash"])
                self.assertTrue(all(receiver.verdicts), receiver.verdicts)

            # Subscribed to report.submitted only: a reload is not posted.
            hook.requests.clear()
            channels["webhook"]["events"] = ["report.submitted"]
            with Daemon(config_extra={"channels": channels}) as d:
                status, _, body = d.request("POST", "/api/v1/admin/reload", b"")
                self.assertEqual(status, 200, body)
                status, _, body = d.request("PUT", "/api/v1/periods/2025-H1/units/MT/report",
                                            {"facts": {"response_plan": True}})
                self.assertEqual(status, 200, body)
                wait_until(lambda: self.events(hook, "report.submitted"), what="report.submitted")
                time.sleep(1.5)
                self.assertEqual(self.events(hook, "rules.reloaded"), [])


# ---- 6. the running daemon ---------------------------------------------------------------


@NEEDS_SMTP
class RunningDaemonTest(NotificationTestCase):
    def email(self, url):
        return {"email": {"url": url, "from": "vanphong@so.test", "timeout": 60}}

    def test_due_messages_go_out_within_seconds(self):
        with SmtpSink() as smtp, Daemon(start=False,
                                        config_extra={"channels": self.email(smtp.url)}) as d:
            d.cli_ok("remind", "--at", "2025-06-09T09:00")  # send_at in 2025: due now
            self.assertEqual(self.statuses(d), {"queued": len(H1_UNITS)})
            started = time.monotonic()
            d.start()
            smtp.wait_for(len(H1_UNITS), timeout=15)
            wait_until(lambda: self.statuses(d) == {"sent": len(H1_UNITS)}, 15,
                       "every message 'sent'")
            self.assertLess(time.monotonic() - started, 15)
            keys = collections.Counter(m["message"]["X-Thidua-Key"] for m in smtp.messages())
            self.assertEqual(set(keys.values()), {1})
            self.assertEqual(set(keys), {row["key"] for row in self.rows(d)})
            samples = d.metrics()
            self.assertEqual(metric(samples, "thidua_outbox_sent_total", channel="email"),
                             len(H1_UNITS))
            for status in ("queued", "sending", "failed"):
                self.assertEqual(metric(samples, "thidua_outbox_messages", status=status,
                                        channel="email"), 0)
            self.assertEqual(d.stop(), 0)

    def test_kill9_while_sending_then_restart(self):
        with HangingServer() as hang, SmtpSink() as smtp, \
                Daemon(start=False, config_extra={"channels": self.email(hang.smtp_url)}) as d:
            d.cli_ok("remind", "--at", "2025-06-09T09:00")
            d.start()
            wait_until(lambda: self.statuses(d) == {"sending": len(H1_UNITS)}, 15,
                       "every message 'sending'")
            wait_until(lambda: hang.accepted >= 1, 10, "a connection to the hanging server")
            d.kill9()
            self.assertEqual(self.statuses(d), {"sending": len(H1_UNITS)})
            # The mail server is back: the next start queues them again and sends them.
            d.config_extra["channels"] = self.email(smtp.url)
            d.write_config()
            d.start()
            smtp.wait_for(len(H1_UNITS), timeout=15)
            wait_until(lambda: self.statuses(d) == {"sent": len(H1_UNITS)}, 15,
                       "every message 'sent'")
            self.assertIn("%d message(s) interrupted by the last stop will be sent again"
                          % len(H1_UNITS), d.log)
            time.sleep(1.5)  # a second round of the sender must not send anything again
            keys = collections.Counter(m["message"]["X-Thidua-Key"] for m in smtp.messages())
            self.assertEqual(len(keys), len(H1_UNITS))
            self.assertEqual(set(keys.values()), {1}, keys)
            for row in self.rows(d):
                self.assertEqual(row["attempts"], 2, row)  # the cut one, the one that went
            self.assertEqual(d.stop(), 0)

    def test_cut_after_data_is_resent_with_the_same_key(self):
        """Killed after the server has a message but before its 250: it is sent again (at
        least once), with the same X-Thidua-Key and Message-ID, so the receiver can drop it."""
        with SmtpSink() as smtp, Daemon(config_extra={"channels": self.email(smtp.url)}) as d:
            smtp.hold = 30  # seconds before answering DATA
            d.cli_ok("remind", "--at", "2025-06-16T06:00")  # the running daemon sends them
            smtp.wait_for(1, timeout=15)
            d.kill9()
            smtp.hold = 0
            first = {m["message"]["X-Thidua-Key"]: m["message"]["Message-ID"]
                     for m in smtp.messages()}
            self.assertEqual(self.statuses(d)["sent"], 0)
            d.start()
            wait_until(lambda: self.statuses(d) == {"sent": len(H1_UNITS)}, 15,
                       "every message 'sent'")
            later = smtp.messages()[len(first):]
            keys = collections.Counter(m["message"]["X-Thidua-Key"] for m in later)
            self.assertEqual(set(keys), {row["key"] for row in self.rows(d)})
            self.assertEqual(set(keys.values()), {1}, keys)
            for m in later:
                key = m["message"]["X-Thidua-Key"]
                if key in first:
                    self.assertEqual(m["message"]["Message-ID"], first[key])
            self.assertEqual(d.stop(), 0)

    def test_slow_smtp_server_does_not_stall_the_daemon(self):
        """notify.c: "a slow SMTP server or gateway only holds its own transfer"."""
        with SmtpSink() as smtp, Daemon(config_extra={"channels": self.email(smtp.url)}) as d:
            smtp.hold = 5  # the first message waits 5 s for its 250; the others do not
            d.cli_ok("remind", "--at", "2025-06-16T06:00")
            smtp.wait_for(1, timeout=15)
            smtp.hold = 0
            started = time.monotonic()
            status, _, _ = d.request("GET", "/healthz", token=None, timeout=30)
            waited = time.monotonic() - started
            self.assertEqual(status, 200)
            wait_until(lambda: self.statuses(d) == {"sent": len(H1_UNITS)}, 30,
                       "every message 'sent'")
            self.assertEqual(d.stop(), 0)
            self.assertLess(waited, 2.0, "BUG core/net: /healthz waited %.1f s while one SMTP "
                            "server delayed its answer to DATA (libcurl's SMTP DONE phase "
                            "blocks the loop, curl/curl#8555)" % waited)

    def test_sigterm_does_not_wait_for_a_hanging_smtp_server(self):
        """SIGTERM cancels the sends in flight (notifier_stop: "sends in flight end as
        retryable failures: queued again") within the shutdown grace."""
        with HangingServer() as hang, Daemon(limits={"shutdown_grace": 2}, config_extra={
                "channels": {"email": {"url": hang.smtp_url, "from": "vanphong@so.test",
                                       "timeout": 12}}}) as d:
            d.cli_ok("remind", "--at", "2025-06-09T09:00")
            wait_until(lambda: self.statuses(d) == {"sending": len(H1_UNITS)}, 15,
                       "every message 'sending'")
            started = time.monotonic()
            self.assertEqual(d.stop(), 0)
            took = time.monotonic() - started
            rows = self.rows(d)
            self.assertEqual({(r["status"], r["attempts"]) for r in rows}, {("queued", 1)})
            for row in rows:
                self.assertIn("cancelled", row["last_error"])
            self.assertLess(took, 2 + 3, "BUG core/net/net.c net_free: SIGTERM took %.1f s: "
                            "curl_multi_remove_handle waits for the SMTP server until the "
                            "transfer's timeout (curl/curl#4015)" % took)


# ---- 7. checking the channels' configuration ---------------------------------------------


class CheckConfigTest(NotificationTestCase):
    SECRET = "s3cr3t-value"

    def test_bad_channels_are_each_reported_and_no_secret_shown(self):
        channels = {
            "email": {"url": "smtp://127.0.0.1:9", "from": "vanphong@so.test",
                      "password": self.SECRET, "port": 25, "starttls": "yes"},
            "sms": {"provider": "esms", "url": "http://127.0.0.1:9/", "brandname": "SOTNMT",
                    "secret_key": self.SECRET},
            "webhook": {"url": 42, "secret": self.SECRET},
            "zalo": {"app_id": 12345, "secret_key": self.SECRET, "refresh_token": self.SECRET,
                     "template_id": "t1"},
            "fax": {"url": "http://127.0.0.1:9/", "secret": self.SECRET},
        }
        with Daemon(start=False, config_extra={"channels": channels}) as d:
            r = d.cli("check")
            self.assertEqual(r.returncode, os.EX_CONFIG, r)
            expected = {
                "channels.email.port: the plugin declares no such option",
                "channels.email.starttls: expected a boolean",
                "channels.sms.api_key: missing",
                "channels.webhook.url: expected a string",
                "channels.zalo.app_id: expected a string",
                "channels.fax: no plugin declares this channel",
            }
            lines = [line for line in r.stderr.splitlines() if "channels." in line]
            self.assertEqual({line.split(": ", 1)[1] for line in lines}, expected, r)
            for line in lines:
                self.assertTrue(line.startswith(d.config_path + ": "), line)
            self.assertIn("the channels have %d problems" % len(expected), r.stderr)
            outputs = [r, d.cli("remind", "--at", "2025-06-09T09:00", "--dry-run")]
            # serve starts anyway, without the broken channels, and logs why
            d.start()
            status, _, _ = d.request("GET", "/healthz", token=None)
            self.assertEqual(status, 200)
            self.assertIn("channels.sms.api_key: missing", d.log)
            self.assertEqual(d.stop(), 0)
            for r in outputs:
                self.assertNotIn(self.SECRET, r.stdout + r.stderr)
            self.assertNotIn(self.SECRET, d.log)
            self.assertNotIn("12345", d.log)

    def test_good_channels_pass(self):
        channels = {"email": {"url": "smtp://127.0.0.1:9", "from": "vanphong@so.test",
                              "username": "vp", "password": self.SECRET, "starttls": True},
                    "webhook": {"url": "http://127.0.0.1:9/", "secret": self.SECRET}}
        with Daemon(start=False, config_extra={"channels": channels}) as d:
            r = d.cli_ok("check")
            self.assertRegex(r.stdout, r': channels \["email","log","webhook"\]|'
                                       r': channels \[.*"email".*"webhook".*\]')
            self.assertNotIn(self.SECRET, r.stdout + r.stderr)


# ---- 8. hostile plugins ------------------------------------------------------------------

LOOP_PLUGIN = """-- loops for ever in send
return channel "loop" {
  options = { note = { type = "string", optional = true } },
  send = function(msg, opt)
    local n = 0
    while true do n = n + 1 end
  end,
}
"""
LOOP_LINE = 6
HOG_PLUGIN = """-- allocates without end while loading
local t = {}
while true do t[#t + 1] = string.rep("x", 4096) .. #t end
return channel "hog" { options = {}, send = function() return true end }
"""
EXEC_PLUGIN = """-- tries to run a program while loading
os.execute("touch %s")
return channel "exec" { options = {}, send = function() return true end }
"""
EXEC_LINE = 2


class HostilePluginTest(NotificationTestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="thidua-it-plugins-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.plugins = os.path.join(cls.tmp, "plugins")
        shutil.copytree(PLUGINS_DIR, cls.plugins)
        cls.marker = os.path.join(cls.tmp, "executed")
        for name, text in (("loop.lua", LOOP_PLUGIN), ("hog.lua", HOG_PLUGIN),
                           ("exec.lua", EXEC_PLUGIN % cls.marker)):
            with open(os.path.join(cls.plugins, name), "w", encoding="utf-8") as f:
                f.write(text)
        cls.rules = copy_rules(cls.tmp, {"2025/reminders.lua": reminder_channels("loop")})

    def daemon(self):
        return Daemon(start=False, rules=self.rules, config_extra={
            "plugins": self.plugins, "channels": {"loop": {"note": "x"}}})

    def test_check_names_the_broken_plugins(self):
        with self.daemon() as d:
            r = d.cli("check")
            self.assertEqual(r.returncode, os.EX_CONFIG, r)
            exec_file = os.path.join(self.plugins, "exec.lua")
            hog_file = os.path.join(self.plugins, "hog.lua")
            self.assertIn("%s:%d: attempt to call a nil value (field 'execute')"
                          % (exec_file, EXEC_LINE), r.stderr)
            self.assertIn("%s: the plugin needs more memory than it may use" % hog_file,
                          r.stderr)
            self.assertIn("the channels have 2 problems", r.stderr)
            self.assertFalse(os.path.exists(self.marker), "os.execute ran")
            self.assertNotIn("loop", "\n".join(line for line in r.stderr.splitlines()
                                               if "problem" not in line))
            # Each problem line starts with the file it is about.
            for line in r.stderr.splitlines():
                if "exec.lua" in line:
                    self.assertTrue(line.startswith(exec_file + ":%d: " % EXEC_LINE),
                                    "BUG core/lua/plugins.c load_file: %r" % line)

    def test_endless_send_is_stopped_by_its_budget(self):
        with self.daemon() as d:
            d.cli_ok("remind", "--at", "2025-06-09T09:00")
            started = time.monotonic()
            r = d.cli("remind", "--at", "2025-06-09T09:00", "--send", timeout=60)
            self.assertEqual(r.returncode, 0, r)
            self.assertLess(time.monotonic() - started, 45)
            self.assertFalse(os.path.exists(self.marker))
            rows = self.rows(d)
            self.assertEqual(len(rows), len(H1_UNITS))
            for row in rows:
                self.assertEqual((row["channel"], row["status"], row["attempts"]),
                                 ("loop", "queued", 1), row)
                self.assertIn("loop.lua:", row["last_error"])
                self.assertIn("instruction budget", row["last_error"])
                self.assertGreater(row["next_try"], vn_now(40))  # 60 s, 20 % jitter

    def test_daemon_keeps_serving(self):
        with self.daemon() as d:
            d.start()  # the broken plugins are logged, the daemon serves
            self.assertIn("hog.lua: the plugin needs more memory than it may use", d.log)
            self.assertIn("exec.lua:%d: attempt to call a nil value" % EXEC_LINE, d.log)
            # Queued while it runs: the sender takes them within a second.
            latencies, stop = [], threading.Event()

            def probe():
                while not stop.is_set():
                    t = time.monotonic()
                    status, _, _ = d.request("GET", "/healthz", token=None, timeout=60)
                    latencies.append((time.monotonic() - t, status))
                    time.sleep(0.05)
            prober = threading.Thread(target=probe, daemon=True)
            prober.start()
            try:
                d.cli_ok("remind", "--at", "2025-06-09T09:00")
                wait_until(lambda: all(row["attempts"] >= 1 and row["status"] == "queued"
                                       for row in self.rows(d)), 45,
                           "every loop message tried once")
            finally:
                stop.set()
                prober.join(60)
            self.assertTrue(d.running)
            self.assertEqual({status for _, status in latencies}, {200})
            slowest = max(t for t, _ in latencies)
            # An endless send runs in slices of its budget, the loop serving its sockets
            # between them (core/lua/plugin_send.c): the API does not wait on it.
            print("\n  endless sends: /healthz %d answers, slowest %.3f s" % (
                len(latencies), slowest), file=sys.stderr)
            self.assertLess(slowest, 1.0, "/healthz waited %.1f s" % slowest)
            for row in self.rows(d):
                self.assertIn("loop.lua:%d: " % LOOP_LINE, row["last_error"])
                self.assertIn("instruction budget", row["last_error"])
            self.assertEqual(d.stop(), 0)
            check_sanitizers(d.log, "thiduad serve")


if __name__ == "__main__":
    unittest.main()
