"""test_pagination.py — the list routes a system pages through: GET /api/v1/units,
/api/v1/people (with and without ?unit=, ?period=) and /api/v1/outbox take ?limit= and an
opaque ?cursor=, answer `total` and `next_cursor` (null on the last page), and the pages
put together are the whole list in its order, each item once. A bad limit or cursor is
400. One daemon with the demo department and the reminders of 19/06/2025 in its outbox.
"""

import os
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEMO_PEOPLE, DEMO_UNITS, Daemon, read_csv  # noqa: E402

DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000


class PaginationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.addClassCleanup(cls.d.close)
        cls.d.__enter__()
        r = cls.d.cli_ok("remind", "--at", "2025-06-19T10:00")
        assert "queued" in r.stderr, r

    def get(self, path, token="admin", expect=200):
        status, _, body = self.d.request("GET", path, token=token)
        self.assertEqual(status, expect, "%s: %r" % (path, body))
        return body

    def walk(self, path, name, limit, key="code", token="admin"):
        """Every page of a list; asserts total and next_cursor on each; the items joined."""
        sep = "&" if "?" in path else "?"
        items, cursor, pages = [], None, 0
        while True:
            query = "%slimit=%d" % (sep, limit)
            if cursor is not None:
                query += "&cursor=" + urllib.parse.quote(cursor)
            body = self.get(path + query, token=token)
            page = body[name]
            self.assertLessEqual(len(page), limit)
            items.extend(page)
            pages += 1
            cursor = body["next_cursor"]
            if cursor is None:
                self.assertEqual(len(items), body["total"], path)
                break
            self.assertEqual(len(page), limit, "a page before the last is full")
            self.assertIsInstance(cursor, str)
            self.assertRegex(cursor, r"^[A-Za-z0-9_-]+$", "opaque and URL-safe")
        keys = [item[key] for item in items]
        self.assertEqual(len(keys), len(set(keys)), "%s: an item came twice" % path)
        return items, pages

    def test_units_page_by_page_are_the_whole_list(self):
        whole = self.get("/api/v1/units")
        self.assertEqual(whole["total"], len(read_csv(DEMO_UNITS)))
        self.assertEqual(len(whole["units"]), whole["total"])
        self.assertIsNone(whole["next_cursor"])
        items, pages = self.walk("/api/v1/units", "units", 3)
        self.assertEqual(items, whole["units"])
        self.assertEqual(pages, (whole["total"] + 2) // 3)
        # One by one, too: the edge of every page.
        self.assertEqual(self.walk("/api/v1/units", "units", 1)[0], whole["units"])

    def test_people_pages_keep_their_filters(self):
        whole = self.get("/api/v1/people")
        self.assertEqual(whole["total"], len(read_csv(DEMO_PEOPLE)))
        items, _ = self.walk("/api/v1/people", "people", 7)
        self.assertEqual(items, whole["people"])
        of_unit = self.get("/api/v1/people?unit=VP")
        items, _ = self.walk("/api/v1/people?unit=VP", "people", 2)
        self.assertEqual(items, of_unit["people"])
        self.assertTrue(all(p["unit_code"] == "VP" for p in items))
        in_period = self.get("/api/v1/people?unit=VP&period=2025-H1")
        self.assertEqual(in_period["period"], "2025-H1")
        items, _ = self.walk("/api/v1/people?unit=VP&period=2025-H1", "people", 4)
        self.assertEqual(items, in_period["people"])
        # A unit token pages through its own unit's people.
        items, _ = self.walk("/api/v1/people", "people", 5, token="unit:VP")
        self.assertEqual(items, of_unit["people"])

    def test_outbox_pages_by_id(self):
        whole = self.get("/api/v1/outbox")
        self.assertGreater(whole["total"], 5)
        items, _ = self.walk("/api/v1/outbox", "messages", 4, key="id")
        self.assertEqual([m["id"] for m in items], [m["id"] for m in whole["messages"]])
        mt = self.get("/api/v1/outbox?unit=MT")
        self.assertEqual(mt["total"], len(mt["messages"]))
        self.assertEqual({m["unit"] for m in mt["messages"]}, {"MT"})

    def test_default_and_largest_limit(self):
        body = self.get("/api/v1/units?limit=%d" % MAX_LIMIT)
        self.assertIsNone(body["next_cursor"])
        for bad in ("0", "-1", str(MAX_LIMIT + 1), "ten", "", "1.5", "3x"):
            body = self.get("/api/v1/units?limit=" + urllib.parse.quote(bad), expect=400)
            self.assertEqual(body["error"]["code"], "invalid_limit", bad)
            self.assertIn(str(MAX_LIMIT), body["error"]["message"])
            self.assertIn(str(DEFAULT_LIMIT), body["error"]["message"])

    def test_a_cursor_not_made_here_is_400(self):
        first = self.get("/api/v1/units?limit=2")
        cursor = first["next_cursor"]
        for bad in ("nope", "AAAA", cursor + "x", "MTpOT1BF",  # "1:NOPE": no such unit
                    "MTp+Q1RM", "=" * 4):
            body = self.get("/api/v1/units?limit=2&cursor=" + urllib.parse.quote(bad),
                            expect=400)
            self.assertEqual(body["error"]["code"], "invalid_cursor", bad)
        # A cursor of one list names an item, not a position: people's cursor on units is
        # refused, not read as "skip two".
        people = self.get("/api/v1/people?limit=2")
        body = self.get("/api/v1/units?cursor=" + people["next_cursor"], expect=400)
        self.assertEqual(body["error"]["code"], "invalid_cursor")


if __name__ == "__main__":
    unittest.main()
