#!/usr/bin/python3
"""bench/bench.py — the measuring helpers of scripts/bench (standard library only).

    bench.py timed OUT -- CMD...        run CMD (stdout to OUT, e.g. /dev/null), print
                                        "SECONDS MAXRSS_KIB EXIT" (wall time; peak RSS of the
                                        child from wait4's rusage)
    bench.py csv-baseline FILE          read a CSV with the csv module and group its rows by
                                        (subject, code) into dicts; print "SECONDS"
    bench.py puts URL TOKEN UNITS_FILE THREADS SECONDS
                                        PUT valid unit reports to different units over
                                        keep-alive connections; print a JSON summary
    bench.py sqlite-baseline DB SECONDS one-row INSERT + COMMIT per transaction, WAL,
                                        synchronous=FULL; print a JSON summary
    bench.py wrk FILE                   parse `wrk --latency` output: print "REQS P99_MS NON2XX"
    bench.py ports N                    print N free TCP ports on 127.0.0.1
"""
import csv
import http.client
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse


def cmd_timed(args):
    """Wall time by our clock; peak RSS by /usr/bin/time (GNU time, a small C parent) when
    installed, since a child forked from Python carries Python's RSS high-water mark over
    exec on Linux (wait4 would report ~14 MB more); else wait4's figure, marked "~"."""
    out, cmd = args[0], args[2:]
    assert args[1] == "--"
    gnu_time = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
    fd, rss_file = tempfile.mkstemp(suffix=".rss")
    os.close(fd)
    if gnu_time:
        cmd = [gnu_time, "-f", "%M", "-o", rss_file] + cmd
    with open(out, "wb") as f:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=f)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    rss = f"~{usage.ru_maxrss}"
    if gnu_time:
        try:
            with open(rss_file, encoding="utf-8") as f:
                lines = [l.strip() for l in f if l.strip()]
            rss = lines[-1] if lines and lines[-1].isdigit() else rss
        except OSError:
            pass
    os.unlink(rss_file)
    print(f"{elapsed:.3f} {rss} {code}")


def cmd_csv_baseline(args):
    start = time.perf_counter()
    groups = {}
    with open(args[0], newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            groups.setdefault((row["subject"], row["code"]), {})[row["fact"]] = row["value"]
    elapsed = time.perf_counter() - start
    print(f"{elapsed:.3f} {len(groups)}")


def unit_facts(rng):
    assigned = rng.randrange(10, 120)
    legal = rng.randrange(0, 6)
    return {
        "response_plan": True, "work_programme_approved": True,
        "tasks_assigned": assigned, "tasks_completed": assigned - rng.randrange(0, 3),
        "legal_docs_assigned": legal, "legal_docs_completed": legal,
        "restructuring_on_time": True, "discipline_violations": 0,
        "exemplary_models": rng.randrange(0, 8), "internal_solidarity": True,
        "unit_rating": rng.choice(["HTXS", "HTT", "HT"]),
    }


def cmd_puts(args):
    url, token, units_file, threads, seconds = args[0], args[1], args[2], int(args[3]), float(args[4])
    with open(units_file, encoding="utf-8") as f:
        units = [line.strip() for line in f if line.strip()]
    parsed = urllib.parse.urlsplit(url)
    host, port = parsed.hostname, parsed.port
    lock = threading.Lock()
    latencies, statuses, first_error = [], {}, []
    deadline = time.perf_counter() + seconds

    def worker(i):
        rng = random.Random(i)
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine = units[i::threads] or units
        n, lat, st = 0, [], {}
        while time.perf_counter() < deadline:
            code = mine[n % len(mine)]
            n += 1
            body = json.dumps({"facts": unit_facts(rng), "note": "bench"}).encode()
            t0 = time.perf_counter()
            try:
                conn.request("PUT", f"/api/v1/periods/2025-H1/units/{code}/report", body,
                             {"Authorization": "Bearer " + token,
                              "Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as e:
                status, data = "error", str(e).encode()
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            lat.append(time.perf_counter() - t0)
            st[status] = st.get(status, 0) + 1
            if status != 200 and not first_error:
                with lock:
                    first_error.append(f"{status} {code}: {data[:300]!r}")
        conn.close()
        with lock:
            latencies.extend(lat)
            for k, v in st.items():
                statuses[k] = statuses.get(k, 0) + v

    start = time.perf_counter()
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    elapsed = time.perf_counter() - start
    ok = statuses.get(200, 0)
    latencies.sort()
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    print(json.dumps({
        "ok": ok, "elapsed": round(elapsed, 3), "per_s": round(ok / elapsed, 1),
        "statuses": {str(k): v for k, v in statuses.items()},
        "p50_ms": round(pct(0.50), 2) if latencies else None,
        "p99_ms": round(pct(0.99), 2) if latencies else None,
        "first_error": first_error[0] if first_error else None,
    }))


def cmd_sqlite_baseline(args):
    path, seconds = args[0], float(args[1])
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS facts (id INTEGER PRIMARY KEY, period TEXT, "
               "code TEXT, facts TEXT, at TEXT)")
    rng = random.Random(1)
    text = json.dumps(unit_facts(rng))
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        db.execute("BEGIN")
        db.execute("INSERT INTO facts (period, code, facts, at) VALUES (?, ?, ?, ?)",
                   ("2025-H1", f"U{n % 1000:04d}", text, time.strftime("%Y-%m-%dT%H:%M:%S")))
        db.execute("COMMIT")
        n += 1
    elapsed = time.perf_counter() - start
    db.close()
    print(json.dumps({"commits": n, "elapsed": round(elapsed, 3),
                      "per_s": round(n / elapsed, 1)}))


def parse_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    value, unit = float(m.group(1)), m.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def cmd_wrk(args):
    with open(args[0], encoding="utf-8") as f:
        text = f.read()
    reqs = re.search(r"Requests/sec:\s*([\d.]+)", text)
    p99 = re.search(r"^\s*99%\s+(\S+)", text, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    errors = re.search(r"Socket errors:.*", text)
    if not reqs or not p99:
        print("nan nan 0 unparsed")
        return
    print(f"{float(reqs.group(1)):.1f} {parse_ms(p99.group(1)):.3f} "
          f"{int(non2xx.group(1)) if non2xx else 0} "
          f"{'socket-errors' if errors else 'ok'}")


def cmd_queue_sms(args):
    """queue-sms DB N: N queued SMS in the outbox, due now (one transaction)."""
    db, n = args[0], int(args[1])
    conn = sqlite3.connect(db, timeout=30)
    with conn:
        conn.executemany(
            "INSERT INTO outbox (key, unit, channel, recipient, role, deadline, step, subject, "
            "body, send_at, next_try, created_at) VALUES (?, 'VP', 'sms', '+84912345678', "
            "'unit', 'report:bench', '+2', '', ?, '2025-01-01T00:00', '2025-01-01T00:00', "
            "'2025-01-01T00:00:00+07:00')",
            (("bench-%d" % i, "Kính gửi Văn phòng Sở: nhắc báo cáo thi đua số %d." % i)
             for i in range(n)))
    conn.close()


def cmd_wait_sent(args):
    """wait-sent DB N TIMEOUT: seconds until N messages are sent (or the timeout), and how
    many failed."""
    db, n, timeout = args[0], int(args[1]), float(args[2])
    start = time.monotonic()
    conn = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    sent = failed = 0
    while time.monotonic() - start < timeout:
        sent, failed = conn.execute(
            "SELECT sum(status = 'sent'), sum(status = 'failed') FROM outbox").fetchone()
        sent, failed = sent or 0, failed or 0
        if sent + failed >= n:
            break
        time.sleep(0.05)
    print(f"{time.monotonic() - start:.3f} {sent} {failed}")


def cmd_ports(args):
    socks = []
    for _ in range(int(args[0])):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    print(" ".join(str(s.getsockname()[1]) for s in socks))
    for s in socks:
        s.close()


def main():
    cmds = {"timed": cmd_timed, "csv-baseline": cmd_csv_baseline, "puts": cmd_puts,
            "sqlite-baseline": cmd_sqlite_baseline, "wrk": cmd_wrk, "ports": cmd_ports,
            "queue-sms": cmd_queue_sms, "wait-sent": cmd_wait_sent}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
