"""The page cache: a page is rendered again only when something it is made from changed.

A page's key is the SHA-256 of the site-wide key and of the page's own inputs (output path, language, template,
and every variable it is rendered with: its school record, its neighborhood, the schools a list shows...).
The site-wide key covers what every page shares: the theme's templates and translations, the code that renders
(this package and the ``finalize`` hook), the Jinja, MarkupSafe and Pelican versions, and the site context
(settings and the processed data every page sees, ``sf``). Entries are ``<dir>/pages/<key[:2]>/<key>``, the
page's bytes; entries no page used in a build are removed after it. ``<dir>/rendered.json`` =
``{"rendered": [output-relative paths rendered this build, sorted], "reused": N}`` (the nightly checks read it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

RENDERED = "rendered.json"
_PACKAGES = ("jinja2", "markupsafe", "pelican")
# Where the build reads and writes, not what a page shows (templates and translations are hashed by content):
# a build into another folder, or from another copy of the processed data, reuses the same pages.
_PLACES = {"OUTPUT_PATH", "PATH", "PLUGIN_PATHS", "THEME", "CACHE_PATH"}
_OPTION_PLACES = {"processed_dir", "page_cache", "map_cache", "workers"}


class Uncacheable(TypeError):
    """A page variable has no stable content form: the page is rendered every time."""


def stable(value):
    """``json.dumps`` ``default``: a content form for what JSON cannot write (Pelican pages, dates, sets, paths)."""
    if hasattr(value, "source_path") and hasattr(value, "content"):  # a Pelican content page
        return {"source": str(getattr(value, "relative_source_path", value.source_path)), "content": value.content, "lang": getattr(value, "lang", None),
                "metadata": value.metadata}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, Path):
        return str(value)
    raise Uncacheable(f"no stable form for a {type(value).__qualname__}")


def _loose(value):
    """``stable``, and for the site key only: functions, classes and other objects stand for their type name."""
    try:
        return stable(value)
    except Uncacheable:
        named = getattr(value, "__qualname__", None)
        return f"{getattr(value, '__module__', '')}.{named}" if named else type(value).__qualname__


def _digest(*parts: str | bytes) -> str:
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        sha.update(len(data).to_bytes(8, "little"))
        sha.update(data)
    return sha.hexdigest()


def site_key(context: dict, theme: str | Path, code_files: list[Path]) -> str:
    """The key of everything every page shares (see the module docstring)."""
    theme = Path(theme)
    files = sorted((theme / "templates").rglob("*")) + sorted((theme / "translations").rglob("*.po")) + code_files
    parts = [f"{p.name}\0".encode() + p.read_bytes() for p in files if p.is_file()]
    versions = ",".join(f"{name}={metadata.version(name)}" for name in _PACKAGES)
    context = {key: value for key, value in context.items() if key not in _PLACES}
    options = context.get("SCHOOLFINDER")
    if isinstance(options, dict):
        context["SCHOOLFINDER"] = {key: value for key, value in options.items() if key not in _OPTION_PLACES}
    shared = json.dumps(context, sort_keys=True, ensure_ascii=False, default=_loose)
    return _digest(versions, shared, *parts)


class PageCache:
    """Rendered pages by key, in ``folder``; ``shared`` is the site-wide key."""

    def __init__(self, folder: str | Path, shared: str, records: list[dict] = ()):
        self.folder, self.shared = Path(folder), shared
        self.pages = self.folder / "pages"
        self.records = list(records)  # held for the build, so their ids stay theirs while ``memo`` is used
        self.memo = {id(record): "record:" + _digest(json.dumps(record, sort_keys=True, ensure_ascii=False,
                                                                  default=stable)) for record in self.records}

    def key(self, page) -> str | None:
        """The page's key, or None when one of its variables has no stable form (it is always rendered).

        The site's records (schools, neighborhoods), which many pages share, stand for their digest, made once."""
        try:
            variables = {name: _by_digest(value, self.memo, 3) for name, value in page.variables.items()}
            own = json.dumps(variables, sort_keys=True, ensure_ascii=False, default=stable)
        except (Uncacheable, TypeError, ValueError):
            return None
        return _digest(self.shared, page.name, page.lang, page.template, own)

    def _path(self, key: str) -> Path:
        return self.pages / key[:2] / key

    def get(self, key: str) -> bytes | None:
        """The cached bytes of ``key``, None when absent."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, data: bytes) -> None:
        """Store a page (written aside, then renamed: a crash never leaves half a page under its key)."""
        _atomic_write(self._path(key), data)

    def finish(self, used: list[str], rendered: list[str], reused: int) -> None:
        """Remove the entries this build did not use; write rendered.json."""
        keep = set(used)
        if self.pages.is_dir():
            for bucket in self.pages.iterdir():
                for entry in bucket.iterdir():
                    if entry.name not in keep:
                        entry.unlink()
        summary = {"rendered": sorted(rendered), "reused": reused}
        _atomic_write(self.folder / RENDERED, (json.dumps(summary, indent=1) + "\n").encode("utf-8"))


def _by_digest(value, memo: dict[int, str], depth: int):
    """``value`` with every record of ``memo`` (within ``depth`` levels of lists and dicts) replaced by its digest."""
    if isinstance(value, dict):
        if id(value) in memo:
            return memo[id(value)]
        return {k: _by_digest(v, memo, depth - 1) for k, v in value.items()} if depth > 0 else value
    if isinstance(value, (list, tuple)) and depth > 0:
        return [_by_digest(v, memo, depth - 1) for v in value]
    return value


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
