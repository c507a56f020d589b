"""test_outbox_api.py — the notification routes of a running thiduad: GET /api/v1/outbox
(an admin sees everything, a unit token only its own unit's messages, a bad filter is an
error) and GET /api/v1/calendar.ics (public; deadlines on their effective day, a Sunday due
date moved to Monday per Civil Code 2015 art. 148; ?unit=CODE keeps the reports the unit
still owes).
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402
from ruleset_2025 import GOOD_UNIT  # noqa: E402


def unfold(text):
    """iCalendar lines unfolded (a CRLF followed by a space continues the line)."""
    return text.replace("\r\n ", "").split("\r\n")


class OutboxApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.addClassCleanup(cls.d.close)
        cls.d.__enter__()
        # Late units on 19/06/2025: steps +2 and escalations, to the log channel.
        r = cls.d.cli_ok("remind", "--at", "2025-06-19T10:00")
        assert "queued" in r.stderr, r

    def messages(self, query="", token="admin", expect=200):
        status, _, body = self.d.request("GET", "/api/v1/outbox" + query, token=token)
        self.assertEqual(status, expect, body)
        return body.get("messages") if expect == 200 else body

    def test_admin_sees_every_unit(self):
        messages = self.messages()
        self.assertGreater(len({m["unit"] for m in messages}), 5)
        for m in messages:
            # The daemon's sender may have sent some already (their time, in 2025, has come).
            self.assertIn(m["status"], ("queued", "sending", "sent"))
            self.assertEqual(m["channel"], "log")
            self.assertIn(m["step"], ("+2", "escalate"))
            self.assertIn("16/06/2025", m["body"])
        self.assertEqual({m["unit"] for m in self.messages("?unit=MT")}, {"MT"})
        self.assertEqual(self.messages("?status=cancelled"), [])
        for m in self.messages("?status=queued"):
            self.assertEqual(m["status"], "queued")

    def test_unit_token_sees_its_own(self):
        mine = self.messages(token="unit:VP")
        self.assertTrue(mine)
        self.assertEqual({m["unit"] for m in mine}, {"VP"})
        body = self.messages("?unit=MT", token="unit:VP", expect=403)
        self.assertEqual(body["error"]["code"], "forbidden")

    def test_bad_filters(self):
        self.assertEqual(self.messages("?status=lost", expect=400)["error"]["code"], "bad_status")
        self.assertEqual(self.messages("?unit=../x", expect=404)["error"]["code"],
                         "unit_not_found")
        status, _, _ = self.d.request("GET", "/api/v1/outbox", token=None)
        self.assertEqual(status, 401)

    def test_calendar(self):
        status, headers, text = self.d.request("GET", "/api/v1/calendar.ics", token=None)
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/calendar"))
        self.assertTrue(text.startswith("BEGIN:VCALENDAR\r\n"), text[:40])
        lines = unfold(text)
        self.assertIn("UID:report-2025-H1@thidua", lines)
        self.assertIn("UID:report-2025-Y@thidua", lines)
        # 15/06/2025 is a Sunday: the report is due at the end of Monday 16/06.
        self.assertIn("DTSTART;VALUE=DATE:20250616", lines)
        # 15/11/2025 is a Saturday: Monday 17/11.
        self.assertIn("DTSTART;VALUE=DATE:20251117", lines)
        self.assertTrue(any(line.startswith("SUMMARY:Hạn Báo cáo thi đua Sáu tháng đầu năm 2025")
                            for line in lines), lines)
        self.assertTrue(any("Điều 148" in line for line in lines))
        for raw in text.split("\r\n"):
            self.assertLessEqual(len(raw.encode("utf-8")), 75, raw)

    def test_unit_calendar_keeps_what_it_owes(self):
        status, _, before = self.d.request("GET", "/api/v1/calendar.ics?unit=KHTC", token=None)
        self.assertEqual(status, 200)
        self.assertIn("UID:report-2025-H1-KHTC@thidua", unfold(before))
        status, _, body = self.d.request("PUT", "/api/v1/periods/2025-H1/units/KHTC/report",
                                         {"facts": GOOD_UNIT})
        self.assertEqual(status, 200, body)
        status, _, after = self.d.request("GET", "/api/v1/calendar.ics?unit=KHTC", token=None)
        self.assertNotIn("UID:report-2025-H1-KHTC@thidua", unfold(after))
        self.assertIn("UID:report-2025-Y-KHTC@thidua", unfold(after))
        status, _, body = self.d.request("GET", "/api/v1/calendar.ics?unit=NOPE", token=None)
        self.assertEqual(status, 404)


if __name__ == "__main__":
    unittest.main()
