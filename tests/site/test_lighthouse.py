"""Lighthouse 12 (pinned in package.json), mobile preset, on the published demo site in both languages: the phone gate.

Pages: home, search (list and map view), a school page, a neighborhood page (with its map) and the shortlist, in English
and Spanish. Each is measured
three times and the median score of each category must reach: performance >= 95, accessibility 100,
best practices >= 95, SEO >= 95. Lighthouse runs offline on the system Chromium; OpenStreetMap tiles, the only
third-party requests, are blocked (the map draws its own layers without them).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from tests.browser import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "package.json"
THRESHOLDS = {"performance": 0.95, "accessibility": 1.0, "best-practices": 0.95, "seo": 0.95}
# The performance score times the page's main thread: `make test` runs this after the parallel tests, by itself.
pytestmark = pytest.mark.alone


@contextlib.contextmanager
def serve_on(folder: Path, port: int):
    """Serve ``folder`` on the port its absolute URLs (canonical, hreflang) were built for."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def pages(site: Path) -> list[str]:
    """The pages the gate names (and the search map view and the shortlist), then their Spanish twins."""
    school = sorted(p.parent.name for p in (site / "schools").glob("*/index.html") if p.parent.name != "page")[0]
    nbhd = sorted(p.parent.name for p in (site / "neighborhoods").glob("*/map.png"))[0]  # a page with a map
    english = ["", "search/", "search/?view=map", f"schools/{school}/", f"neighborhoods/{nbhd}/", "shortlist/"]
    return english + ["es/" + path for path in english]


@pytest.mark.browser
def test_lighthouse_mobile_scores(published_site, record_property, tmp_path):
    assert LIGHTHOUSE.is_file(), "run `npm ci` to install the pinned lighthouse"
    assert json.loads(LIGHTHOUSE.read_text(encoding="utf-8"))["version"].startswith("12.")
    site, base = published_site
    urls = [f"{base}/{path}" for path in pages(site)]
    report = tmp_path / "lighthouse.json"
    with serve_on(site, int(base.rsplit(":", 1)[1])):
        proc = subprocess.run(["node", str(ROOT / "tests" / "lighthouse" / "run.mjs"), str(report), *urls], cwd=ROOT,
                              env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(report.read_text(encoding="utf-8"))
    low = []
    for url in urls:
        entry = results[url]
        assert entry["runtimeErrors"] == [], (url, entry["runtimeErrors"])
        scores = entry["scores"]
        record_property(f"lighthouse {url.removeprefix(base)}", scores)
        print(f"{url.removeprefix(base) or '/'}: {scores} runs={entry['runs']}")
        low += [(url, k, scores[k], entry["failing"]) for k, floor in THRESHOLDS.items() if scores[k] < floor]
    assert low == [], low
