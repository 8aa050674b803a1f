"""Which pages tonight's checks read: the pages Pelican re-rendered (``rendered.json`` of the page cache) plus a
fixed sample, or the whole site when the page cache did not say; and axe verdicts kept by what axe saw.

A page Pelican did not re-render has the bytes of a build whose checks passed, so reading it again finds nothing
new; the fixed sample still catches what a page-level list cannot (a missing asset, a broken section page).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from . import checks
from .publish import BUILD_ID_META

RENDERED = "rendered.json"


def rendered_pages(page_cache: Path) -> list[str] | None:
    """The pages the last Pelican run re-rendered (relative to the site), or None when it wrote no list."""
    path = page_cache / RENDERED
    if not path.is_file():
        return None
    return [str(p) for p in json.loads(path.read_text(encoding="utf-8"))["rendered"]]


def pages_to_check(site: Path, rendered: list[str] | None, extra: int) -> list[str] | None:
    """Re-rendered HTML pages plus the fixed sample (relative to the site); None (the whole site) without a list."""
    if rendered is None:
        return None
    changed = [p for p in rendered if p.endswith(".html") and (site / p).is_file()]
    return sorted(set(changed) | set(checks.fixed_sample(site, extra)))


def axe_problems(site: Path, paths: list[str], memo_file: Path, browser=None) -> tuple[list[str], int]:
    """axe on ``paths`` (URL paths), skipping pages whose bytes, and the site's styles and scripts, passed before;
    in ``browser`` (a started :class:`checks.AxeBrowser`) when given, else in one started for the pages to check.

    Returns (violations, pages axe actually opened). Only clean verdicts are kept, so a page that failed is always
    checked again.
    """
    memo = json.loads(memo_file.read_text(encoding="utf-8")) if memo_file.is_file() else {}
    assets = _assets_digest(site)
    keys = {path: _page_key(site, path, assets) for path in paths}
    todo = [path for path in paths if keys[path] not in memo]
    problems = (browser.problems(todo) if browser else checks.axe_problems(site, todo)) if todo else []
    failed = {p.split(":", 1)[0] for p in problems}
    passed = {keys[path]: True for path in todo if path not in failed}
    memo_file.parent.mkdir(parents=True, exist_ok=True)
    kept = {key: True for key in keys.values() if key in memo or key in passed}  # tonight's pages only: no growth
    memo_file.write_text(json.dumps(kept, sort_keys=True) + "\n", encoding="utf-8")
    return problems, len(todo)


def _page_key(site: Path, url_path: str, assets: str) -> str:
    page = site / url_path.lstrip("/") / "index.html" if url_path.endswith("/") else site / url_path.lstrip("/")
    return hashlib.sha256(assets.encode() + BUILD_ID_META.sub(b"", page.read_bytes())).hexdigest()  # the build id aside


def _assets_digest(site: Path) -> str:
    """SHA-256 over every style sheet and script of the site (what axe's view of a page depends on besides it)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.suffix in (".css", ".js", ".mjs") and p.is_file()):
        digest.update(str(path.relative_to(site)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
