"""test_input_checks.py — what comes in is checked and what goes out is clean (issue 9,
findings 7, 8 and 9, the HTTP side):

  - a JSON body with a key given twice, at any depth, is 400 duplicate_key naming the key,
    and nothing is stored (cJSON kept both copies and the second was never validated);
  - a body that is not UTF-8, or hides a NUL (raw or \\u0000), is 400 invalid_utf8 with the
    byte; so is a query parameter that decodes to bad UTF-8 or holds %00;
  - a rule whose reason is utf8.char(0x7FFFFFFF) (a six-byte sequence Lua makes and UTF-8
    does not have) or that raises an error with one never puts it in a response or the
    database: the evaluation fails with the field named, the error is kept with '?' for the
    bytes;
  - the named limits (config `limits`): a note over limits.note_chars, more members than
    limits.evaluate_members in POST /api/v1/evaluate, a rule reason over
    limits.reason_chars and an evaluation over limits.evaluation_bytes are refused with the
    limit in the message.

Each test starts its own daemon on loopback (a copy of rules/2025 with one hostile branch
in TT5 where the test needs it).
"""

import json
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402
from ruleset_2025 import GOOD_PERSON, unit_facts  # noqa: E402
from test_rules_reload import RulesCopy  # noqa: E402

VP_REPORT = "/api/v1/periods/2025-H1/units/VP/report"
EVALUATE = "/api/v1/evaluate"


def hostile_tt5(rules):
    """TT5 on 8 exemplary models gives a reason with a six-byte "character"; on 9 raises an
    error with one; on 6 gives a reason of 9,000 characters."""
    rules.edit("criteria_tap_the.lua",
               r"(\n)(    if f\.exemplary_models >= 1 then return true end)",
               r'\1    if f.exemplary_models == 8 then return false, "x" .. utf8.char(0x7FFFFFFF) end'
               r'\1    if f.exemplary_models == 9 then error("y" .. utf8.char(0x7FFFFFFF)) end'
               r'\1    if f.exemplary_models == 6 then return false, string.rep("ẻ", 9000) end'
               r"\1\2")


class InputChecksTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.d.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.d.close()

    def versions(self):
        return self.d.db_rows("SELECT count(*) FROM fact_versions")[0][0]

    def assertRefused(self, status, body, expect_status, code, *words):
        self.assertEqual(status, expect_status, str(body)[:300])
        self.assertEqual(body["error"]["code"], code, str(body)[:300])
        for w in words:
            self.assertIn(w, body["error"]["message"], str(body)[:300])

    # -- finding 7 --------------------------------------------------------------------------

    def test_duplicate_keys_are_refused_naming_the_key(self):
        before = self.versions()
        cases = [
            ('{"facts": {"tasks_assigned": 1}, "facts": {"tasks_assigned": -5}}', "facts"),
            ('{"facts": {"tasks_assigned": 20, "tasks_assigned": "nhiều"}}',
             "facts.tasks_assigned"),
            ('{"note": "a", "facts": {}, "note": "b"}', "note"),
        ]
        for text, key in cases:
            status, _, body = self.d.request("PUT", VP_REPORT, text)
            self.assertRefused(status, body, 400, "duplicate_key", '"%s"' % key)
        self.assertEqual(self.versions(), before, "nothing is stored")
        members = json.dumps({"subject": "unit", "facts": unit_facts(), "members": [
            {"facts": GOOD_PERSON}, {"facts": GOOD_PERSON}]})
        members = members.replace('"rating": "HTT"', '"rating": "HTT", "rating": "HTXS"', 1)
        status, _, body = self.d.request("POST", EVALUATE, members)
        self.assertRefused(status, body, 400, "duplicate_key", '"members[0].facts.rating"')

    def test_many_distinct_keys_are_not_duplicates(self):
        facts = {"k%05d" % i: i for i in range(20000)}
        status, _, body = self.d.request("POST", EVALUATE, {"subject": "unit", "facts": facts})
        self.assertEqual(status, 422, str(body)[:300])  # undeclared facts, but no duplicate_key

    # -- finding 8 --------------------------------------------------------------------------

    def test_body_not_utf8_is_refused(self):
        before = self.versions()
        for raw in [b'{"facts": {}, "note": "ab\xff"}', b'{"facts": {}, "note": "\xed\xa0\x80"}',
                    b'{"facts": {"\xc3": 1}}']:
            at = min(raw.find(b) for b in (b"\xff", b"\xed", b"\xc3") if b in raw)
            status, _, body = self.d.request("PUT", VP_REPORT, raw)
            self.assertRefused(status, body, 400, "invalid_utf8", "UTF-8", "byte %d" % at)
        for raw in [b'{"facts": {}, "note": "a\\u0000b"}', b'{"facts": {}, "note": "a\x00b"}']:
            status, _, body = self.d.request("PUT", VP_REPORT, raw)
            self.assertRefused(status, body, 400, "invalid_utf8", "NUL")
        # An escaped backslash before u0000 is plain text, not a NUL.
        status, _, body = self.d.request("PUT", VP_REPORT,
                                         b'{"facts": {}, "note": "C:\\\\u0000"}')
        self.assertNotEqual(status, 400, str(body)[:300])
        self.assertEqual(self.versions(), before + (1 if status in (200, 202) else 0))

    def test_query_not_utf8_is_refused(self):
        for query in ["unit=VP%FF", "unit=V%00P", "un%C3it=VP"]:
            status, _, body = self.d.request("GET", "/api/v1/people?" + query)
            self.assertRefused(status, body, 400, "invalid_utf8", "UTF-8")
        status, _, body = self.d.request("GET", "/api/v1/people?unit=VP")
        self.assertEqual(status, 200, str(body)[:300])

    def test_echoed_key_is_cut_on_a_character_boundary(self):
        key = "a" + "ệ" * 40  # the 60-byte echo of it used to end in half a character
        status, _, body = self.d.request("PUT", VP_REPORT, {"facts": {}, key: 1})
        self.assertEqual(status, 422, str(body)[:300])  # the harness decodes the body as UTF-8

    # -- finding 9 --------------------------------------------------------------------------

    def test_note_over_the_limit(self):
        status, _, body = self.d.request("PUT", VP_REPORT,
                                         {"facts": unit_facts(), "note": "ố" * 4001})
        self.assertEqual(status, 422, str(body)[:300])
        detail = [x for x in body["error"]["details"] if x["field"] == "note"][0]
        self.assertIn("4001", detail["message"])
        self.assertIn("4000", detail["message"])
        status, _, body = self.d.request("PUT", VP_REPORT,
                                         {"facts": unit_facts(), "note": "ố" * 4000})
        self.assertEqual(status, 200, str(body)[:300])

    def test_members_per_evaluate(self):
        members = [{"facts": GOOD_PERSON}] * 501
        status, _, body = self.d.request("POST", EVALUATE, {
            "subject": "unit", "facts": unit_facts(), "members": members})
        self.assertEqual(status, 422, str(body)[:300])
        detail = [x for x in body["error"]["details"] if x["field"] == "members"][0]
        self.assertIn("500", detail["message"])
        self.assertIn("501", detail["message"])
        status, _, body = self.d.request("POST", EVALUATE, {
            "subject": "unit", "facts": unit_facts(), "members": members[:500]})
        self.assertEqual(status, 200, str(body)[:300])


class RuleOutputTest(unittest.TestCase):
    """What a rule writes is checked on its way out (finding 8) and bounded (finding 9)."""

    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="thidua-rules-")
        hostile_tt5(RulesCopy(cls.root))
        cls.d = Daemon(rules=cls.root)
        cls.d.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.d.close()
        shutil.rmtree(cls.root, True)

    def assertAllUtf8(self):
        for table, column in [("evaluations", "result"), ("evaluation_failures", "error")]:
            for (text,) in self.d.db_rows("SELECT CAST(%s AS BLOB) FROM %s" % (column, table)):
                text.decode("utf-8")  # raises on invalid UTF-8

    def test_reason_not_utf8_fails_the_evaluation(self):
        status, _, body = self.d.request("PUT", VP_REPORT,
                                         {"facts": unit_facts(exemplary_models=8)})
        self.assertEqual(status, 202, str(body)[:300])
        self.assertIn("reason", body["evaluation"]["error"])
        self.assertIn("UTF-8", body["evaluation"]["error"])
        status, _, body = self.d.request("POST", EVALUATE, {
            "subject": "unit", "facts": unit_facts(exemplary_models=8)})
        self.assertEqual(status, 500, str(body)[:300])
        self.assertIn("UTF-8", body["error"]["message"])
        self.assertAllUtf8()

    def test_error_not_utf8_is_kept_readable(self):
        status, _, body = self.d.request("PUT", VP_REPORT,
                                         {"facts": unit_facts(exemplary_models=9)})
        self.assertEqual(status, 202, str(body)[:300])
        self.assertRegex(body["evaluation"]["error"], r"criteria_tap_the\.lua:\d+: y\?+")
        status, _, body = self.d.request("GET", "/api/v1/periods/2025-H1/units/VP/evaluation")
        self.assertEqual(status, 409, str(body)[:300])
        self.assertAllUtf8()

    def test_reason_over_the_limit_fails_the_evaluation(self):
        status, _, body = self.d.request("PUT", VP_REPORT,
                                         {"facts": unit_facts(exemplary_models=6)})
        self.assertEqual(status, 202, str(body)[:300])
        self.assertIn("reason", body["evaluation"]["error"])
        self.assertIn("9000", body["evaluation"]["error"])
        self.assertIn("8000", body["evaluation"]["error"])
        self.assertIn("limits.reason_chars", body["evaluation"]["error"])


class CsvImportTest(unittest.TestCase):
    """CSV cells: a NUL or a control character is an error with its row and column (a NUL
    used to cut the cell short, silently); facts.csv is checked for UTF-8 like the others;
    a cell over limits.csv_cell_bytes (set in the config) is refused."""

    def write(self, d, name, data):
        path = os.path.join(d.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_cells(self):
        with Daemon(limits={"csv_cell_bytes": 1000}) as d:
            header = b"code,name,parent_code,kind,email,phone,valid_from,valid_to\n"
            r = d.cli("import", "units", self.write(d, "nul.csv", header + b"NEW1,Ph\0ng,SO,office,,,,\n"))
            self.assertEqual(r.returncode, os.EX_DATAERR, r)
            self.assertIn("dòng 2, cột name: ký tự điều khiển U+0000", r.stderr)
            self.assertEqual(d.db_rows("SELECT count(*) FROM units WHERE code = 'NEW1'")[0][0], 0)
            r = d.cli("import", "units", self.write(d, "big.csv", header + b"NEW1," +
                                                    b"x" * 1001 + b",SO,office,,,,\n"))
            self.assertEqual(r.returncode, os.EX_DATAERR, r)
            self.assertIn("dòng 2, cột name: ô dài 1001 byte, quá giới hạn 1000 byte", r.stderr)
            facts = b"period,subject,code,fact,value\n2025-H1,unit,VP,unit_rating,HT\xff\n"
            r = d.cli("import", "facts", self.write(d, "facts.csv", facts))
            self.assertEqual(r.returncode, os.EX_DATAERR, r)
            self.assertIn("dòng 2, cột value: không phải UTF-8", r.stderr)
            self.assertEqual(d.db_rows("SELECT count(*) FROM fact_versions")[0][0], 0)


class EvaluationSizeTest(unittest.TestCase):
    def test_evaluation_over_the_limit(self):
        with Daemon(limits={"evaluation_bytes": 2048}) as d:
            status, _, body = d.request("POST", EVALUATE, {"subject": "unit",
                                                           "facts": unit_facts()})
            self.assertEqual(status, 500, str(body)[:300])
            self.assertIn("2048", body["error"]["message"])
            self.assertIn("evaluation_bytes", body["error"]["message"])


if __name__ == "__main__":
    unittest.main()
