#!/usr/bin/env python3
"""tests/fuzz/make_seeds.py — writes the seed corpora in tests/fuzz/corpus/<target>/ from
the repository's own examples (etc/demo, etc/thiduad.conf, the 2025 facts the integration
tests submit) and a few hand-made edge cases per target. Run it again after the formats
change; the files it writes are checked in, and a crash's input is added beside them by
hand (named crash-*) so that scripts/test replays it for ever.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def demo(name, lines=None):
    with open(os.path.join(ROOT, "etc", "demo", name), encoding="utf-8") as f:
        text = f.read().splitlines(keepends=True)
    return "".join(text if lines is None else text[:lines])


def http_seeds():
    def req(method, path, headers=(), body=b""):
        head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % (method, path)
        head += "".join("%s: %s\r\n" % h for h in headers)
        return head.encode() + b"\r\n" + body

    body = json.dumps({"facts": {"response_plan": True}, "note": "ghi chú"}).encode()
    write("http_request", "healthz", req("GET", "/healthz"))
    write("http_request", "units_token", req("GET", "/api/v1/units", [("Authorization",
                                                                     "Bearer abc123")]))
    write("http_request", "query", req("GET", "/api/v1/people?unit=VP&period=2025-H1&x=%41+b"))
    write("http_request", "put_report", req("PUT", "/api/v1/periods/2025-H1/units/VP/report", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
        ("Connection", "keep-alive")], body))
    write("http_request", "http10_close", b"GET / HTTP/1.0\r\nConnection: close\r\n\r\n")
    write("http_request", "chunked", req("POST", "/api/v1/evaluate", [
        ("Transfer-Encoding", "chunked")], b"5\r\nhello\r\n0\r\n\r\n"))
    write("http_request", "two_lengths", req("POST", "/x", [("Content-Length", "2"),
                                                             ("Content-Length", "3")]))
    write("http_request", "identity", req("POST", "/x", [("Transfer-Encoding", "identity"),
                                                         ("Content-Length", "0")]))
    write("http_request", "http2", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
    write("http_request", "folded", b"GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n")
    write("http_request", "bare_cr", b"GET / HTTP/1.1\r\nA: b\rX: y\r\n\r\n")
    write("http_request", "nul", b"GET / HTTP/1.1\r\n\x00X: y\r\n\r\n")
    write("http_request", "many", req("GET", "/", [("X-%d" % i, "v") for i in range(70)]))


def facts_seeds():
    unit = {"response_plan": True, "work_programme_approved": True, "tasks_assigned": 20,
            "tasks_completed": 20, "legal_docs_assigned": 2, "legal_docs_completed": 2,
            "restructuring_on_time": True, "discipline_violations": 0, "exemplary_models": 1,
            "internal_solidarity": True, "unit_rating": "HTXS"}
    person = {"rating": "HTT", "months_worked": 6, "initiatives": 0, "responsibility": True,
              "obeys_assignment": True, "movement_participation": True, "discipline": "none"}
    w = lambda name, body: write("facts", name, json.dumps(body, ensure_ascii=False))
    w("unit_good", {"subject": "unit", "period": "2025-Y", "facts": unit})
    w("unit_h1", {"subject": "unit", "period": "2025-H1", "facts": dict(unit, unit_rating="HT")})
    w("unit_members", {"subject": "unit", "period": "2025-Y", "facts": unit,
                       "members": [{"facts": person},
                                   {"facts": dict(person, rating="HTXS", initiatives=1)}]})
    w("person_good", {"subject": "person", "period": "2025-Y", "facts": dict(
        person, months_worked=12, previous_year_cstdcs=True, previous_year_rating="HTXS",
        previous_year_initiatives=1)})
    w("person_hired", {"subject": "person", "period": "2025-H1", "hired_on": "2025-03-15",
                       "facts": dict(person, months_worked=4, leave_months_counted=1)})
    w("person_discipline", {"subject": "person", "period": "2025-Y",
                            "facts": dict(person, discipline="khien_trach")})
    w("wrong_types", {"subject": "unit", "facts": {"tasks_assigned": "hai", "response_plan": 1,
                                                   "unit_rating": "XX", "nope": None}})
    w("bounds", {"subject": "unit", "facts": {"tasks_assigned": 100001, "tasks_completed": -1,
                                             "exemplary_models": 1.5}})
    w("unit_previous", {"subject": "unit", "period": "2025-Y", "facts": dict(
        unit, previous_year_ttldxs=True, previous_year_unit_rating="HTXS")})
    w("no_period", {"facts": {}})
    write("facts", "not_object", "[1,2,3]")
    write("facts", "trailing", '{"facts":{}} x')


def csv_seeds():
    write("csv_import", "units_demo", "u" + demo("units.csv"))
    write("csv_import", "people_head", "p" + demo("people.csv", 12))
    write("csv_import", "facts_head", "f" + demo("facts.csv", 30))
    write("csv_import", "facts_replace", "F" + demo("facts.csv", 12))
    write("csv_import", "titles", "tyear,subject,code,title\n2024,person,CB0002,CSTDCS\n"
          "2024,unit,VP,TTLDXS\n")
    write("csv_import", "units_bom_crlf", "u\ufeffcode,name,parent_code,kind,email,phone,"
          "valid_from,valid_to\r\nBQLDA,\"Ban Quản lý, dự án\",SO,unit,b@x.vn,0912345678,"
          "2025-01-01,\r\n\r\n")
    write("csv_import", "people_move", "pcode,full_name,unit_code,position,is_head,email,phone,"
          "hired_on,moved_on\nCB0002,Nguyễn Thu Lan,VP,Chuyên viên,0,a@b.vn,0355306353,"
          "2001-05-03,2025-07-01\n")
    write("csv_import", "units_closed", "ucode,name,parent_code,kind,email,phone,valid_from,"
          "valid_to,merged_into\nQLDD,\"Đội \"\"X\"\"\",SO,district,,,2020-01-01,2025-06-30,SO\n")
    write("csv_import", "facts_person", "fperiod,subject,code,fact,value,submitted_at\n"
          "2025-H1,person,CB0002,rating,HTT,2025-06-10\n2025-H1,person,CB0002,discipline,none,\n"
          "2025-Y,person,CB0002,months_worked,12,\n2025-H1,unit,VP,response_plan,có,\n")
    write("csv_import", "short_rows", "ucode,name\nA\n\"unterminated\n")
    # What Excel saves with Vietnamese regional settings: ';', Vietnamese headers, dd/mm/yyyy.
    write("csv_import", "people_excel_vn", "p\ufeffMã cán bộ;Họ và tên;Đơn vị;Chức vụ;"
          "Người đứng đầu;Email;Điện thoại;Ngày vào làm\r\nNV1;Nguye\u0302\u0303n An;VP;"
          "Chuyên viên;x;;912345678;45657\r\nNV2;Lê Bình;VP;Chuyên viên;không;;;30/02/2025\r\n")
    write("csv_import", "facts_excel_vn", "fKỳ;Đối tượng;Mã;Chỉ tiêu;Giá trị;Ngày nộp\n"
          "2025-H1;unit;VP;response_plan;Có;10/06/2025\n")


def config_seeds():
    with open(os.path.join(ROOT, "etc", "thiduad.conf"), encoding="utf-8") as f:
        write("config", "etc_thiduad", f.read())
    write("config", "globals", 'listen = "0.0.0.0:9000"\ndatabase = "/var/lib/thidua.db"\n'
          'log_level = "debug"\nlimits = { body_bytes = 2048, connections = 3 }\n')
    write("config", "channels", 'return { channels = { email = { url = "smtp://127.0.0.1:25",'
          ' from = "a@b.vn" }, webhook = { url = "http://x/y", retries = 3 } } }\n')
    write("config", "computed", 'local k = 1024\nreturn { limits = { body_bytes = k * k,'
          ' read_timeout = 1.5 }, listen = "[::1]:" .. (8000 + 80) }\n')
    write("config", "loop", "while true do end\n")
    write("config", "error", 'error({})\n')
    write("config", "bad_listen", 'return { listen = "127.0.0.1:99999" }\n')
    write("config", "bad_type", 'return { limits = { connections = "many" }, rules = 3 }\n')


if __name__ == "__main__":
    http_seeds()
    facts_seeds()
    csv_seeds()
    config_seeds()
