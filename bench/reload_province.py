#!/usr/bin/python3
"""bench/reload_province.py — how long a province's rules reload takes, and how long the
serving loop waits meanwhile (issue 9, finding 4).

    THIDUAD=build-dev/thiduad bench/reload_province.py [--units 300] [--per-unit 50]

Generates a province (bench/gen_province.py), imports it into a real daemon
(tests/integration/harness.py), changes a comment in a rule file so every stored evaluation
of the open period is recomputed, then POSTs /api/v1/admin/reload while a thread asks
GET /healthz on fresh connections. Prints the reload's seconds, units per second and the
slowest /healthz answer. Asserts nothing.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from harness import RULES_DIR, Daemon  # noqa: E402


def probe_health(d, stop, out):
    while not stop.is_set():
        started = time.monotonic()
        try:
            d.request("GET", "/healthz", token=None, timeout=120)
        except Exception:  # noqa: BLE001
            pass
        out.append(time.monotonic() - started)
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=300)
    ap.add_argument("--per-unit", type=int, default=50)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="thidua-reload-bench-")
    try:
        rules = os.path.join(tmp, "rules")
        shutil.copytree(os.path.join(RULES_DIR, "2025"), os.path.join(rules, "2025"))
        prov = os.path.join(tmp, "prov")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_province.py"), prov, "--units",
                        str(args.units), "--per-unit", str(args.per_unit)], check=True)
        with Daemon(demo=False, rules=rules, start=False) as d:
            for what in ("units", "people", "facts"):
                d.cli_ok("import", what, os.path.join(prov, what + ".csv"), timeout=600)
            d.start()
            path = os.path.join(rules, "2025", "campaign.lua")
            with open(path, "a", encoding="utf-8") as f:
                f.write("\n-- changed by bench/reload_province.py\n")
            stop, waits = threading.Event(), []
            t = threading.Thread(target=probe_health, args=(d, stop, waits), daemon=True)
            t.start()
            started = time.monotonic()
            status, _, body = d.request("POST", "/api/v1/admin/reload", b"", timeout=600)
            took = time.monotonic() - started
            stop.set()
            t.join()
            print("reload: status %d, %d evaluations recomputed, %.2f s, %.1f units/s; "
                  "/healthz meanwhile: %d answers, slowest %.2f s" % (
                      status, body.get("recomputed", -1) if isinstance(body, dict) else -1,
                      took, args.units / took, len(waits), max(waits or [0])))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
