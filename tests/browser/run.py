"""run.py — the browser tests of the web console: starts a real thiduad on loopback (the
integration tests' harness: a fresh database with the demo units and people, tokens
admin, read and unit:VP) serving web/, sets the stage the scenarios need, and runs
console.test.mjs (playwright-core driving Debian's headless chromium) against it.

The stage: a copy of rules/ (a scenario breaks a file and reloads), the period 2025-H1
closed, one outbox message failed. Screenshots go to tests/browser/artifacts/ (not
committed). Exit status: the scenarios' (0 when all passed).

Environment: THIDUAD and THIDUA_SOURCE_DIR as for the integration tests; THIDUA_CHROMIUM
names another browser binary (default /usr/bin/chromium).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from harness import RULES_DIR, SOURCE_DIR, Daemon  # noqa: E402

NODE_TIMEOUT = 600


def main():
    if not os.path.isdir(os.path.join(HERE, "node_modules", "playwright-core")):
        print("FAIL tests/browser/node_modules is missing: run `npm ci` in tests/browser "
              "(scripts/test does)")
        return 1
    chromium = os.environ.get("THIDUA_CHROMIUM", "/usr/bin/chromium")
    if not os.access(chromium, os.X_OK):
        print("FAIL %s is not installed (scripts/deps installs chromium)" % chromium)
        return 1
    artifacts = os.path.join(HERE, "artifacts")
    shutil.rmtree(artifacts, ignore_errors=True)  # this run's screenshots only
    rules_root = tempfile.mkdtemp(prefix="thidua-browser-rules-")
    try:
        shutil.copytree(os.path.join(RULES_DIR, "2025"), os.path.join(rules_root, "2025"))
        with Daemon(rules=rules_root, config_extra={"web": os.path.join(SOURCE_DIR, "web")}) as d:
            status, _, body = d.request("POST", "/api/v1/periods/2025-H1/close",
                                        {"reason": "khoá sổ sáu tháng"})
            assert status == 200, body
            d.cli_ok("remind", "--at", "2025-11-20T10:00")
            row = d.db_rows("SELECT id FROM outbox WHERE unit = 'MT' ORDER BY id LIMIT 1")[0][0]
            d.db_exec("UPDATE outbox SET status = 'failed', attempts = 5, last_error = "
                      "'smtp: 550 hộp thư không tồn tại' WHERE id = ?", (row,))
            env = dict(os.environ, BASE_URL=d.base_url, TOKENS=json.dumps(d.tokens),
                       RULES_DIR=os.path.join(rules_root, "2025"), FAILED_MESSAGE=str(row),
                       CHROMIUM=chromium, ARTIFACTS=artifacts)
            result = subprocess.run(["node", os.path.join(HERE, "console.test.mjs")], env=env,
                                    cwd=HERE, timeout=NODE_TIMEOUT)
            return result.returncode
    finally:
        shutil.rmtree(rules_root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
