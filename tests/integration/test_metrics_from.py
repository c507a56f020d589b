"""test_metrics_from.py — Prometheus scrapes /metrics without a token from the addresses
the config lists in `metrics_from` (an address or a CIDR network, IPv4 or IPv6); from any
other address, and for every other route, a token is still needed; a bad entry is a config
error naming it. The daemon listens on 127.0.0.1, so that is where the test comes from.
"""

import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402


class MetricsFromTest(unittest.TestCase):
    def scrape(self, d, token=None):
        status, headers, body = d.request("GET", "/metrics", token=token)
        return status, body

    def test_a_listed_address_scrapes_without_a_token(self):
        for listed in (["127.0.0.1"], ["10.0.0.0/8", "127.0.0.0/8"], ["::1", "127.0.0.1/32"]):
            with Daemon(demo=False, config_extra={"metrics_from": listed}) as d:
                status, body = self.scrape(d)
                self.assertEqual(status, 200, "%s: %r" % (listed, body))
                self.assertIn("thidua_http_requests_total", body)
                self.assertEqual(self.scrape(d, token="read")[0], 200)
                # Only /metrics: everything else still needs a token from there.
                for path in ("/api/v1/units", "/api/v1/outbox", "/api/v1/rules"):
                    status, _, body = d.request("GET", path, token=None)
                    self.assertEqual(status, 401, path)
                # A wrong token from a trusted address is no worse than none.
                self.assertEqual(self.scrape(d, token="thd_" + "A" * 43)[0], 200)

    def test_other_addresses_still_need_a_token(self):
        for listed in (None, [], ["10.0.0.0/8", "::1", "127.0.0.2"]):
            extra = {} if listed is None else {"metrics_from": listed}
            with Daemon(demo=False, config_extra=extra) as d:
                status, body = self.scrape(d)
                self.assertEqual(status, 401, "%s: %r" % (listed, body))
                self.assertEqual(body["error"]["code"], "unauthorized")
                self.assertEqual(self.scrape(d, token="read")[0], 200)

    def test_a_bad_entry_is_a_config_error(self):
        with Daemon(demo=False, tokens=False) as d:
            for value, shown in ((["10.1.0.0/8"], "metrics_from[1]"),
                                 (["127.0.0.1", "localhost"], "metrics_from[2]"),
                                 (["10.0.0.0/33"], "metrics_from[1]"),
                                 ([8080], "metrics_from[1]"),
                                 ("127.0.0.1", "metrics_from")):
                d.config_extra = {"metrics_from": value}
                d.write_config()
                result = d.cli("check")
                self.assertEqual(result.returncode, os.EX_CONFIG, result)
                self.assertRegex(result.stderr, re.escape(d.config_path) + r":\d+: " +
                                 re.escape(shown) + ": ", result)


if __name__ == "__main__":
    unittest.main()
