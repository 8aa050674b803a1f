"""Real-browser helpers: serve a folder on 127.0.0.1, block every other origin, run axe-core."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from schoolfinder.nightly.checks import AXE, AXE_TAGS, CHROMIUM, CHROMIUM_ARGS, serve  # noqa: F401 (one copy for tests and the nightly gate)

PHONE = {"width": 390, "height": 844}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


class PageWatch:
    """Record what a page does that a test must see: outside requests, console errors, dialogs."""

    def __init__(self, page):
        self.blocked: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        page.route("**/*", self._route)
        page.on("console", lambda msg: msg.type == "error" and self.console_errors.append(msg.text))
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))
        page.on("dialog", self._dialog)

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    @property
    def errors(self) -> list[str]:
        """Console errors, less the ones Chromium logs for the map tiles this watcher aborted on purpose."""
        aborted_tiles = self.blocked and all("tile.openstreetmap.org" in url for url in self.blocked)
        return [e for e in self.console_errors if not (aborted_tiles and e == "Failed to load resource: net::ERR_FAILED")]

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def axe_violations(page) -> list[dict]:
    """Inject the pinned axe-core and return its WCAG 2.2 AA violations for the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]} for v in result["violations"]]


def transferred_gzip_bytes(page, url: str) -> tuple[int, dict]:
    """Load ``url`` and return the gzip size of everything it fetched (HTML, CSS, JS, JSON), per file too."""
    import gzip

    sizes = {}

    def on_response(response):
        if response.url.startswith("http://127.0.0.1"):
            sizes[response.url] = len(gzip.compress(response.body(), 6))

    page.on("response", on_response)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("response", on_response)
    return sum(sizes.values()), sizes
