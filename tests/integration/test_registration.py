"""test_registration.py — registration of emulation targets (đăng ký thi đua) and the
nomination files, against the real daemon and database.

- PUT /api/v1/campaigns/2025/units/VP/registration with the unit's own token: stored,
  read back, the same body again stores nothing new; another unit's token gets 403; a body
  with problems gets one 422 listing each (unknown title, a unit title for a person, a
  person of another unit) and stores nothing.
- `thiduad import registrations`: rows dated on paper (submitted_at) before and after the
  deadline (31/03/2025); the period status counts registered, late and missing units; a
  bad file names row and column and stores nothing.
- The nomination files of 2025-Y: the LDTT list names the person who qualifies with the
  facts and criteria behind it and the registration; the person who registered CSTDCS and
  does not qualify is listed with the reason; LDTT's prize is 0.3 × 2,340,000 = 702,000 đồng
  and the list's total is the sum; `thiduad report --kind nominations --format csv` and
  GET …/nominations?format=csv start with a BOM and carry the same rows and total.
- Registration reminders (rules/2025/reminders.lua, "dang_ky_thi_dua"): `remind --dry-run`
  seven days before 31/03/2025 reminds exactly the units that have not registered; once
  five working days late (the 07/04 holiday skipped) the head and the Office are told too;
  a registration stops them.
"""

import csv
import io
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402
from ruleset_2025 import GOOD_PERSON, GOOD_UNIT, by_key, facts_for  # noqa: E402

REG = "/api/v1/campaigns/2025/units/%s/registration"


class RegistrationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon()
        cls.d.__enter__()
        people = cls.d.request("GET", "/api/v1/people?unit=VP")[2]["people"]
        cls.staff = [p for p in people if not p["is_head"]]
        cls.other = cls.d.request("GET", "/api/v1/people?unit=KHTC")[2]["people"][0]["code"]

    @classmethod
    def tearDownClass(cls):
        cls.d.close()

    def call(self, method, path, body=None, expect=200, token="admin"):
        status, _, answer = self.d.request(method, path, body, token=token)
        self.assertEqual(status, expect, "%s %s: %r" % (method, path, answer))
        return answer

    def write(self, name, text):
        path = os.path.join(self.d.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_1_unit_registers_its_own_targets(self):
        a, b = self.staff[0]["code"], self.staff[1]["code"]
        body = {"titles": ["TTLDXS"], "people": {a: ["LDTT"], b: ["CSTDCS", "LDTT"]},
                "note": "Đăng ký thi đua năm 2025"}
        r = self.call("PUT", REG % "VP", body, token="unit:VP")
        self.assertEqual(r["version"], 1)
        self.assertTrue(r["changed"])
        self.assertTrue(r["late"], "registered today, long after 31/03/2025")
        self.assertEqual(r["registration"], {"titles": ["TTLDXS"],
                                             "people": {a: ["LDTT"], b: ["CSTDCS", "LDTT"]}})
        again = self.call("PUT", REG % "VP", body, token="unit:VP")
        self.assertEqual((again["version"], again["changed"]), (1, False))
        self.assertEqual(self.call("GET", REG % "VP", token="read")["registration"],
                         r["registration"])
        self.call("PUT", REG % "KHTC", {"titles": ["TTLDTT"]}, expect=403, token="unit:VP")
        self.call("PUT", "/api/v1/campaigns/2031/units/VP/registration", body, expect=404)

    def test_2_problems_listed_nothing_stored(self):
        bad = {"titles": ["LDTT", "KHONG_CO"], "people": {self.other: ["LDTT"],
                                                         self.staff[2]["code"]: ["TTLDTT"]}}
        answer = self.call("PUT", REG % "MT", bad, expect=422)
        messages = " | ".join(d["message"] for d in answer["error"]["details"])
        self.assertIn("LDTT\" là danh hiệu cá nhân", messages)
        self.assertIn("KHONG_CO", messages)
        self.assertIn("thuộc đơn vị KHTC, không thuộc MT", messages)
        self.assertIn("TTLDTT\" là danh hiệu tập thể", messages)
        self.assertEqual(len(answer["error"]["details"]), 5, messages)
        self.call("GET", REG % "MT", expect=404)
        self.call("PUT", REG % "MT", {"titles": []}, expect=422)

    def test_3_import_and_status(self):
        bad = self.write("bad.csv", "year,subject,code,title\n2025,unit,KHTC,LDTT\n"
                                    "2019,unit,KHTC,TTLDTT\n2025,person,NOBODY,LDTT\n")
        r = self.d.cli("import", "registrations", bad)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("dòng 2, cột title", r.stderr)
        self.assertIn("dòng 3, cột year", r.stderr)
        self.assertIn("dòng 4, cột code", r.stderr)
        self.call("GET", REG % "KHTC", expect=404)
        good = self.write("reg.csv", "year,subject,code,title,submitted_at\n"
                                     "2025,unit,KHTC,TTLDTT,2025-03-28\n"
                                     "2025,person,%s,LDTT,2025-03-28\n"
                                     "2025,unit,MT,TTLDXS,2025-04-02\n" % self.other)
        r = self.d.cli_ok("import", "registrations", good)
        self.assertIn("3 dòng, 2 đơn vị thay đổi, 0 đơn vị không đổi", r.stdout)  # units
        self.assertIn("3 dòng, 0 đơn vị thay đổi, 2 đơn vị không đổi",
                      self.d.cli_ok("import", "registrations", good).stdout)
        khtc = self.call("GET", REG % "KHTC")
        self.assertFalse(khtc["late"])
        self.assertEqual(khtc["registration"]["people"], {self.other: ["LDTT"]})
        self.assertTrue(self.call("GET", REG % "MT")["late"])
        status = self.call("GET", "/api/v1/periods/2025-H1/status")
        units = by_key(status["units"], "code")
        self.assertEqual((units["KHTC"]["registered"], units["KHTC"]["registration_late"]),
                         (True, False))
        self.assertEqual((units["MT"]["registered"], units["MT"]["registration_late"]),
                         (True, True))
        self.assertFalse(units["TTRA"]["registered"])
        expected = len(status["units"])
        reg = status["registration"]
        self.assertEqual((reg["due"], reg["registered"], reg["late"], reg["missing"]),
                         ("2025-03-31", 3, 2, expected - 3))  # VP (test 1) is late too

    def test_4_nomination_files(self):
        a, b = self.staff[0], self.staff[1]
        self.call("PUT", "/api/v1/periods/2025-Y/units/VP/report", {"facts": GOOD_UNIT})
        for p in self.staff:
            facts = facts_for(p, "2025-Y", dict(GOOD_PERSON, months_worked=12))
            if p is b:
                facts = dict(facts, rating="HT")  # registered CSTDCS, fails CN1 and LDTT
            self.call("PUT", "/api/v1/periods/2025-Y/people/%s/facts" % p["code"],
                      {"facts": facts})
        f = self.call("GET", "/api/v1/periods/2025-Y/nominations")
        self.assertEqual(f["base_salary"]["amount"], 2340000)
        lists = by_key(f["lists"], "title")
        ldtt = lists["LDTT"]
        self.assertEqual(ldtt["prizes"], [{"subject": "person", "multiple": 0.3,
                                           "amount": 702000, "source": ldtt["prizes"][0]["source"]}])
        self.assertIn("Nghị định", ldtt["prizes"][0]["source"])
        entries = by_key(ldtt["entries"], "code")
        self.assertIn(a["code"], entries)
        self.assertNotIn(b["code"], entries)
        ea = entries[a["code"]]
        self.assertEqual((ea["registered"], ea["prize"], ea["facts"]["rating"]), (True, 702000, "HTT"))
        self.assertTrue(by_key(ea["criteria"], "id")["CN1"]["passed"])
        self.assertEqual(ldtt["count"], len(ldtt["entries"]))
        self.assertEqual(ldtt["total_prize"], 702000 * len(ldtt["entries"]))
        not_q = by_key(lists["CSTDCS"]["registered_not_qualified"], "code")
        self.assertIn(b["code"], not_q)
        self.assertTrue(any("Lao động tiên tiến" in x or "LDTT" in x
                            for x in not_q[b["code"]]["reasons"]), not_q[b["code"]])
        director = by_key(f["groups"], "decided_by")["Giám đốc Sở"]
        self.assertGreaterEqual(director["total_prize"], ldtt["total_prize"])
        self.assertEqual(f["total_prize"], sum(l["total_prize"] for l in f["lists"]))
        out = os.path.join(self.d.dir, "nominations.csv")
        self.d.cli_ok("report", "--period", "2025-Y", "--kind", "nominations",
                      "--format", "csv", "--out", out)
        with open(out, "rb") as fh:
            raw = fh.read()
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        ldtt_rows = [r for r in rows if r[1] == "LDTT" and r[3] == "Đủ điều kiện"]
        self.assertEqual(sorted(r[5] for r in ldtt_rows), sorted(entries))
        total = [r for r in rows if r[1] == "LDTT" and r[3] == "Tổng cộng"][0]
        self.assertEqual(int(total[13]), ldtt["total_prize"])
        self.assertTrue(any(r[1] == "CSTDCS" and r[5] == b["code"] for r in rows))
        as_json = json.loads(self.d.cli_ok("report", "--period", "2025-Y", "--kind",
                                           "nominations").stdout)
        self.assertEqual(as_json["total_prize"], f["total_prize"])
        conn = self.d.connection()
        conn.request("GET", "/api/v1/periods/2025-Y/nominations?format=csv",
                     headers={"Authorization": "Bearer " + self.d.bearer("read")})
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        self.assertEqual(resp.status, 200)
        self.assertTrue(resp.headers["Content-Type"].startswith("text/csv"))
        self.assertIn("attachment", resp.headers["Content-Disposition"])
        self.assertEqual(body, raw, "the same file over HTTP as from the command line")
        self.call("GET", "/api/v1/periods/2025-Y/nominations?format=xml", expect=400)

    def remind(self, at):
        out = json.loads(self.d.cli_ok("remind", "--at", at, "--dry-run", "--json").stdout)
        messages = out["messages"] if isinstance(out, dict) else out
        return [m for m in messages if m["deadline"] == "registration:2025"]

    def test_5_registration_reminders(self):
        expected = {u["code"] for u in self.call("GET", "/api/v1/periods/2025-H1/status")["units"]}
        registered = {"VP", "KHTC", "MT"}  # tests 1 and 3
        week_before = self.remind("2025-03-24T10:00")
        self.assertEqual({m["unit"] for m in week_before}, expected - registered)
        self.assertEqual({(m["step"], m["recipient"]) for m in week_before}, {("-7", "unit")})
        m = week_before[0]
        self.assertIn("chưa gửi đăng ký thi đua năm 2025; còn 7 ngày đến hạn 31/03/2025", m["text"])
        self.assertEqual(m["subject"], "Nhắc đăng ký thi đua năm 2025")
        late = self.remind("2025-04-09T10:00")
        steps = {(m["step"], m["recipient"]) for m in late}
        self.assertIn(("escalate", "head"), steps)
        self.assertIn(("escalate", "office"), steps)
        self.assertIn(("+6", "unit"), steps)  # 01–04/04, 08/04, 09/04: 07/04 is a holiday
        self.assertEqual({m["unit"] for m in late}, expected - registered)
        target = sorted(expected - registered)[0]
        self.call("PUT", REG % target, {"titles": ["TTLDTT"]})
        self.assertNotIn(target, {m["unit"] for m in self.remind("2025-04-09T10:00")})
        self.assertEqual(self.remind("2025-05-30T10:00"), [], "stop_after 15 working days")


if __name__ == "__main__":
    unittest.main()
