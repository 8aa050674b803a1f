"""Gates a built site must pass before it is published: internal links, origins, byte budgets, axe on a sample."""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import gzip
import http.server
import os
import queue
import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

from .progress import Progress

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-quic", "--disable-sync"]
TILES = "https://tile.openstreetmap.org/"
_ATTR = re.compile(r"""<(a|link|script|img|iframe|source|form)\b[^>]*?\s(href|src|action)\s*=\s*["']([^"']*)["']""", re.I)
_CSS_URL = re.compile(r"""url\(\s*["']?(https?://[^"')\s]+)""")
_LOADS = {"link", "script", "img", "iframe", "source"}  # tags whose URL the browser fetches by itself


def reference_problems(site: Path, allowed: tuple[str, ...] = (TILES,), pages: list[str] | None = None) -> dict[str, list[str]]:
    """One read of every page (or of ``pages``, relative to the site) and every style sheet: ``links`` (internal links
    and assets that point at nothing, ``javascript:`` URLs) and ``origins`` (resources loaded from another site; links
    out are fine, tiles allowed)."""
    found: dict[str, list[str]] = {"links": [], "origins": []}
    pages = sorted(site.rglob("*.html")) if pages is None else [site / p for p in sorted(pages)]
    bar = Progress("check links and origins", len(pages))
    root, known = str(site.resolve()), {}  # a target is looked up once, however many pages link to it
    for page in pages:
        name, text = page.relative_to(site), page.read_text(encoding="utf-8")
        folder = os.path.normpath(os.path.join(root, os.path.dirname(str(name))))
        for tag, _attr, url in _ATTR.findall(text):
            parsed = urlparse(url)
            if parsed.scheme.lower() == "javascript":
                found["links"].append(f"{name}: javascript: URL in <{tag}>")
            elif parsed.netloc:
                if tag.lower() in _LOADS and not url.startswith(allowed):
                    found["origins"].append(f"{name}: <{tag}> loads {url}")
            elif not parsed.scheme and parsed.path and not _exists(root, folder, parsed.path, known):
                found["links"].append(f"{name}: <{tag}> {url} -> missing")
        found["origins"] += [f"{name}: CSS loads {url}" for url in _CSS_URL.findall(text)]
        bar.advance()
    bar.done()
    for sheet in sorted(site.rglob("*.css")):
        found["origins"] += [f"{sheet.relative_to(site)}: CSS loads {url}"
                             for url in _CSS_URL.findall(sheet.read_text(encoding="utf-8"))]
    return found


def _exists(root: str, folder: str, path: str, known: dict[str, bool]) -> bool:
    """Whether ``path`` (a link on a page in ``folder``) names a file inside the site ``root``; lexical (the site is
    our own output: no symbolic links), remembered in ``known``."""
    joined = os.path.join(root, path.lstrip("/")) if path.startswith("/") else os.path.join(folder, unquote(path))
    target = os.path.normpath(joined)
    key = target + ("/" if path.endswith("/") else "")
    if key not in known:
        inside = target == root or target.startswith(root + os.sep)
        wants_index = path.endswith("/") or os.path.isdir(target)
        known[key] = inside and os.path.isfile(os.path.join(target, "index.html") if wants_index else target)
    return known[key]


def budget_problems(site: Path, budgets: dict[str, int], pages: list[str] | None = None) -> list[str]:
    """Files over their gzip byte budget; ``budgets`` maps a glob (relative to the site) to a maximum.
    With ``pages``, only those HTML pages are checked (every other file still is)."""
    problems = []
    chosen = None if pages is None else set(pages)
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        if chosen is not None and path.suffix == ".html" and str(path.relative_to(site)) not in chosen:
            continue
        name = str(path.relative_to(site))
        for pattern, limit in budgets.items():
            if fnmatch.fnmatch(name, pattern):
                size = len(gzip.compress(path.read_bytes(), 6))
                if size > limit:
                    problems.append(f"{name}: {size:,} bytes gzip > budget {limit:,} ({pattern})")
                break
    return problems


def sample_pages(site: Path, extra: int) -> list[str]:
    """Home, search, and the first pages of each kind (school, neighborhood, deserts, data), as URL paths."""
    wanted = ["index.html", "search/index.html", "deserts/index.html", "about-the-data/index.html", "browse/index.html"]
    for folder in ("schools", "neighborhoods"):
        pages = sorted(p for p in (site / folder).glob("*/index.html") if p.parent.name != "page")
        wanted += [str(p.relative_to(site)) for p in pages[:extra]]
    return ["/" + p.removesuffix("index.html") for p in wanted if (site / p).is_file()]


def fixed_sample(site: Path, extra: int) -> list[str]:
    """Pages checked every night whatever changed, relative to the site: in each language the home, every section
    page (lists, search, deserts, data), the second list page, and the first ``extra`` (at least one) school and
    neighborhood pages."""
    languages = [site] + sorted(p for p in site.iterdir() if p.is_dir() and (p / "schools").is_dir())
    wanted = []
    for home in languages:
        wanted += [home / "index.html", *home.glob("*/index.html"), *home.glob("*/page/2/index.html")]
        for folder in ("schools", "neighborhoods"):
            wanted += sorted(p for p in (home / folder).glob("*/index.html") if p.parent.name != "page")[:max(extra, 1)]
    return sorted({str(p.relative_to(site)) for p in wanted if p.is_file()})


def axe_problems(site: Path, paths: list[str]) -> list[str]:
    """WCAG 2.2 AA violations that axe-core finds on ``paths`` in headless Chromium, other origins blocked."""
    browser = AxeBrowser(site)
    try:
        return browser.problems(paths)
    finally:
        browser.close()


class AxeBrowser:
    """Headless Chromium serving ``site``, ready for axe: it starts at once in a thread of its own (the sync
    Playwright objects stay in that thread), so a nightly run can boot it while the site is still being built.
    A failure to start is raised by the first :meth:`problems` call."""

    def __init__(self, site: Path):
        self._jobs: queue.Queue = queue.Queue()
        self._results: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, args=(site,), name="axe-browser", daemon=True)
        self._thread.start()

    def problems(self, paths: list[str]) -> list[str]:
        """axe's violations on ``paths`` (URL paths of the site), one line per rule and page."""
        if not self._thread.is_alive() and self._results.empty():
            raise RuntimeError("the axe browser has stopped")
        self._jobs.put(list(paths))
        outcome, value = self._results.get()
        if outcome == "error":
            raise value
        return value

    def close(self) -> None:
        """Stop the browser and its server (waits for the thread)."""
        self._jobs.put(None)
        self._thread.join(timeout=60)

    def _run(self, site: Path) -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p, serve(site) as base:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 390, "height": 844})
                page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
                while (paths := self._jobs.get()) is not None:
                    try:
                        self._results.put(("ok", _axe_pages(page, base, paths)))
                    except Exception as exc:  # noqa: BLE001 (handed to the caller, raised there)
                        self._results.put(("error", exc))
                browser.close()
        except Exception as exc:  # noqa: BLE001 (could not start: the caller's problems() raises it)
            self._results.put(("error", exc))


def _axe_pages(page, base: str, paths: list[str]) -> list[str]:
    problems = []
    bar = Progress("axe", len(paths))
    for path in paths:
        page.goto(base + path, wait_until="load")
        page.add_script_tag(path=str(AXE))
        # only the violations come back: the passes and inapplicable rules are most of axe's result, and
        # Playwright would carry and check every one of them
        violations = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
                                   ".then(result => result.violations)", AXE_TAGS)
        problems += [f"{path}: {v['id']} ({v['help']}) on {len(v['nodes'])} element(s)" for v in violations]
        bar.advance()
    bar.done()
    return problems


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on a free port of 127.0.0.1 and yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
