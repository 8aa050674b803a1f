"""Render the generator's pages: straight from the compiled Jinja templates, across worker processes, with a cache.

The generator first lists every page (:class:`Page`: output path, language, template, variables); this module then
renders them. Each page is ``template.render(context + variables)`` encoded as UTF-8 and written as bytes, what
Pelican's ``Writer.write_file`` does for these pages (minus its per-page signal, which nothing here listens to).

- **Workers** (``SCHOOLFINDER["workers"]``, env ``SCHOOLFINDER_WORKERS``; default: every core, 1 = in this
  process): forked processes inherit the page list and the compiled templates and render slices of it. A page's
  bytes depend only on its template and variables, so a parallel build is byte-identical to a serial one.
- **Cache** (``SCHOOLFINDER["page_cache"]``, env ``SCHOOLFINDER_PAGE_CACHE``; none when unset): a page's key is
  the SHA-256 of the site-wide key (templates, translations, renderer code, site context: see
  :func:`pagecache.site_key`) and its own path, language, template and variables. A page whose key is in the cache
  is copied from it, not rendered. ``<page_cache>/rendered.json`` lists what this build rendered.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter, process_time

from . import pagecache

logger = logging.getLogger(__name__)
# Pages show the build id (a hash of every input), so it would make every page new whenever any input changes.
# Pages are rendered (and cached) with this placeholder instead; the real id is put in as each page is written.
BUILD_ID_PLACEHOLDER = "sf-build-id-0f8e2c5a"
BUILD_FIELDS = ("stale", "data_as_of")  # besides the id, what the templates show of the build (base.html)
CHUNKS_PER_WORKER = 8  # slices per worker: small enough to balance uneven pages, large enough to cost nothing


@dataclass
class Page:
    """One page to write: ``name`` relative to the output folder, rendered with ``template`` in ``lang``."""

    name: str
    lang: str
    template: str
    variables: dict


@dataclass
class RenderSummary:
    """What one build did: pages rendered (output-relative names), pages copied from the cache, wall seconds,
    CPU seconds summed over the processes that rendered (the page work itself on a busy machine), workers used."""

    rendered: list[str]
    reused: int
    seconds: float
    cpu: float
    workers: int


def page_build(build: dict | None) -> dict | None:
    """The build as pages see it: the id placeholder and the fields the templates show, nothing that changes with
    every input (file hashes, code version, date), so an unchanged page keeps its cache key from build to build."""
    if not build:
        return build
    return {"id": BUILD_ID_PLACEHOLDER, **{key: build.get(key) for key in BUILD_FIELDS}}


def worker_count(options: dict) -> int:
    """``SCHOOLFINDER["workers"]``, else env ``SCHOOLFINDER_WORKERS``, else the number of cores (at least 1)."""
    raw = options.get("workers")
    if raw in (None, ""):
        raw = os.environ.get("SCHOOLFINDER_WORKERS", "")
    if raw in (None, ""):
        return max(1, os.cpu_count() or 1)
    try:
        count = int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"SCHOOLFINDER workers must be a whole number of processes, got {raw!r}") from None
    if count < 1:
        raise ValueError(f"SCHOOLFINDER workers must be at least 1, got {count}")
    return count


def cache_dir(options: dict) -> Path | None:
    """``SCHOOLFINDER["page_cache"]``, else env ``SCHOOLFINDER_PAGE_CACHE``; None (no cache) when both are unset."""
    raw = options.get("page_cache") or os.environ.get("SCHOOLFINDER_PAGE_CACHE", "")
    return Path(raw) if raw else None


class PageRenderer:
    """Renders a list of pages into ``output`` with ``templates(lang, name) -> Template`` and the site ``context``."""

    def __init__(self, output: str | Path, context: dict, templates, workers: int = 1,
                 cache: pagecache.PageCache | None = None, build_id: str = ""):
        self.output, self.context, self.templates = Path(output), context, templates
        self.workers, self.cache = workers, cache
        self.build_id = (BUILD_ID_PLACEHOLDER.encode(), build_id.encode("utf-8"))
        self.pages: list[Page] = []
        self.keys: dict[str, str | None] = {}

    def render(self, pages: list[Page]) -> RenderSummary:
        """Write every page (rendered, or copied from the cache); returns what was done."""
        started = perf_counter()
        _check_unique(pages)
        hits = self._copy_cached(pages)
        self.pages = [page for page in pages if page.name not in hits["names"]]
        for page in self.pages:  # compile the templates still needed before forking: the workers inherit them
            self.templates(page.lang, page.template)
        slices = _slices(len(self.pages), self.workers)
        workers = min(self.workers, len(slices))
        gc.freeze()  # what exists now lives through the build: collections while rendering (here or in a forked
        try:         # worker, which then never copies those pages) walk only the objects a page makes
            if workers <= 1:
                results = [_render_slice_of(self, bounds) for bounds in slices]
            else:
                results = _in_workers(self, slices, workers)
        finally:
            gc.unfreeze()
        results.append(hits)
        rendered = sorted(name for part in results for name in part["rendered"])
        keys = [key for part in results for key in part["keys"]]
        reused = sum(part["reused"] for part in results)
        cpu = sum(part["cpu"] for part in results)
        if self.cache is not None:
            self.cache.finish(keys, rendered, reused)
        seconds = perf_counter() - started
        logger.info("pages: %d rendered, %d from the cache, %.1f s (%.1f s CPU), %d worker(s)", len(rendered), reused,
                    seconds, cpu, workers)
        return RenderSummary(rendered, reused, seconds, cpu, workers)

    def _copy_cached(self, pages: list[Page]) -> dict:
        """Write the pages whose key is in the cache (here, before any template is compiled or worker forked: a
        nightly run that changed one school renders a few dozen pages, not the site)."""
        names, keys, started = set(), [], process_time()
        self.keys = {}  # name -> key of each page still to render (the workers inherit it)
        for page in pages if self.cache is not None else []:
            key = self.cache.key(page)
            cached = self.cache.get(key) if key else None
            if cached is not None:
                _write(self.output, page.name, cached.replace(*self.build_id))
                names.add(page.name)
                keys.append(key)
            else:
                self.keys[page.name] = key
        return {"rendered": [], "reused": len(names), "keys": keys, "cpu": process_time() - started, "names": names}

    def render_slice(self, start: int, stop: int) -> dict:
        """Render pages ``start:stop`` of those the cache did not have (kept in it under the key found for them);
        the names rendered and the keys."""
        rendered, keys, started = [], [], process_time()
        for page in self.pages[start:stop]:
            key = self.keys.get(page.name)
            template = self.templates(page.lang, page.template)
            data = template.render({**self.context, "localsiteurl": None, "output_file": page.name,
                                    **page.variables}).encode("utf-8")
            rendered.append(page.name)
            if key:
                self.cache.put(key, data)
                keys.append(key)
            _write(self.output, page.name, data.replace(*self.build_id))
        return {"rendered": rendered, "reused": 0, "keys": keys, "cpu": process_time() - started}


def _write(output: Path, name: str, data: bytes) -> None:
    """Write ``data`` to ``output/name``, making its folder when it is missing (in the worker that writes the page:
    most pages have a folder of their own)."""
    path = os.path.join(output, name)
    try:
        handle = open(path, "wb")
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = open(path, "wb")
    with handle:
        handle.write(data)


_ACTIVE: PageRenderer | None = None  # the renderer a forked worker inherits


def _render_slice_of(renderer: PageRenderer, bounds: tuple[int, int]) -> dict:
    return renderer.render_slice(*bounds)


def _render_active(bounds: tuple[int, int]) -> dict:
    return _ACTIVE.render_slice(*bounds)


def _in_workers(renderer: PageRenderer, slices: list[tuple[int, int]], workers: int) -> list[dict]:
    """Render the slices in ``workers`` forked processes (they inherit ``renderer``); results in slice order."""
    global _ACTIVE
    _ACTIVE = renderer
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_render_active, slices, chunksize=1)
    finally:
        _ACTIVE = None


def _slices(count: int, workers: int) -> list[tuple[int, int]]:
    """``(start, stop)`` bounds cutting ``count`` pages into about ``CHUNKS_PER_WORKER`` slices per worker."""
    if count == 0:
        return []
    if workers <= 1:
        return [(0, count)]
    size = max(1, -(-count // (workers * CHUNKS_PER_WORKER)))
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _check_unique(pages: list[Page]) -> None:
    seen: set[str] = set()
    for page in pages:
        if page.name in seen:
            raise ValueError(f"two pages would be written to {page.name}")
        seen.add(page.name)
