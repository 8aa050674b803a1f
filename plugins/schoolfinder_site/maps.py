"""Glue: quality-desert maps (interactive and static PNG) for the deserts and neighborhood pages.

The map work is a pre-pass, done once before any page is written: one folium shell for the build, one data block
and one image per neighborhood and for the city, the same in every language. When the build may use more than one
process it runs in a forked process while the main one compiles the templates (:class:`Background`). Pages then only
receive template variables (:meth:`MapViews.page`); the map's label, legend and tier names are HTML in the page's
language (``theme/templates/map.html``).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from schoolfinder import contract
from schoolfinder.outputs import mappng, maps

SHELL_SCRIPT = "maps/map.js"  # folium's map script, one file for every map, relative to the site root
DEFAULT_CACHE = "build/map-cache"
logger = logging.getLogger(__name__)


def cache_dir(settings: dict) -> Path:
    """Where map images are cached: env SCHOOLFINDER_MAP_CACHE, else SCHOOLFINDER["map_cache"], else build/map-cache."""
    return Path(os.environ.get("SCHOOLFINDER_MAP_CACHE") or settings.get("SCHOOLFINDER", {}).get("map_cache")
                or DEFAULT_CACHE)


class DesertMaps:
    """Loads the processed cells, schools, stops and neighborhoods once; gives the layers of the city or one area."""

    def __init__(self, processed: Path, schools: list[dict]):
        import geopandas as gpd  # here, not at import: a build whose maps all come from the cache never needs it

        self.cells = gpd.read_file(processed / contract.CELLS)
        self.cells["desert"] = self.cells["elementary_desert"].astype(bool)
        self.areas = gpd.read_file(processed / contract.NEIGHBORHOOD_SHAPES)
        # Boundaries drawn at map scale: ~30 m tolerance keeps the shapes and cuts the bytes phones download.
        self.areas["geometry"] = self.areas.geometry.simplify(0.0003, preserve_topology=True)
        stops = json.loads((processed / contract.STOPS).read_text(encoding="utf-8"))
        self.stops = pd.DataFrame(stops, columns=["feed", "name", "lat", "lon"])
        self.schools = pd.DataFrame([{"name": s["name"], "lat": s["lat"], "lon": s["lon"], "nbhd": s["neighborhood_slug"],
                                      "tier_rank": s["tier"].get("rank"), "url": f"schools/{s['slug']}/"}
                                     for s in schools if s["lat"] is not None],
                                    columns=["name", "lat", "lon", "nbhd", "tier_rank", "url"])

    def layers(self, nbhd_id: str | None = None) -> tuple:
        """(cells, outline, schools, stops) of the whole city or of one neighborhood."""
        if nbhd_id is None:
            return self.cells, self.areas, self.schools, self.stops
        outline = self.areas[self.areas["nbhd_id"] == nbhd_id]
        minx, miny, maxx, maxy = outline.total_bounds
        stops = self.stops[self.stops["lon"].between(minx, maxx) & self.stops["lat"].between(miny, maxy)]
        return (self.cells[self.cells["nbhd_id"] == nbhd_id], outline,
                self.schools[self.schools["nbhd"] == outline["slug"].iloc[0]], stops)


@dataclass
class MapViews:
    """The pre-pass's result: language-neutral template variables for the city map and each neighborhood's map."""

    shell: dict
    city: dict
    areas: dict[str, dict] = field(default_factory=dict)  # nbhd_id -> view
    drawn: int = 0  # images drawn in this build (the others were copied from the cache)
    copied: int = 0

    def page(self, view: dict, root: str, assets: str) -> dict:
        """The variables of one page showing ``view``: ``root`` is its relative path to the root of its language
        (school links), ``assets`` the one to the site root (theme files, the shell script, the image).

        Nothing blocks the first paint and no script is inline: Leaflet loads with ``defer``, then the shell script,
        then the map's data as JSON; ``src`` is the static map script (run last in document order) that draws the
        data on the shell's map."""
        own = f'<script data-sf="map" defer src="{assets}{SHELL_SCRIPT}"></script>'
        return {**view, "head": f"{maps.shell_head(self.shell, assets)}\n{own}\n{view['data']}", "root": root,
                "src": f"{assets}{maps.SCRIPT}"}


def make_view(drawer: DesertMaps, shell: dict, nbhd_id: str | None, png: str, output: Path, cache: Path) -> tuple[dict, bool]:
    cells, outline, schools, stops = drawer.layers(nbhd_id)
    data = maps.data_element(maps.map_data(cells, schools, stops, outline), shell["element"])
    drawn = mappng.cached_png(cells, schools, outline, output / png, cache)
    view = {"element": shell["element"], "body": shell["body"], "data": data, "png": png,
            "width": mappng.WIDTH, "height": mappng.HEIGHT, "legend": maps.legend_keys(len(stops) > 0)}
    return view, drawn


def prepare_maps(processed: Path, schools: list[dict], neighborhoods: list[dict], output: Path, cache: Path) -> MapViews:
    """Make every map of the site once, for all languages: the folium shell (written to ``maps/map.js``), each
    neighborhood's and the city's data block, and their images (``neighborhoods/<slug>/map.png`` and
    ``deserts/map.png`` at the site root, drawn only when the cache has no image of the same inputs)."""
    started = time.perf_counter()
    drawer = DesertMaps(processed, schools)
    city_cells, city_outline = drawer.cells, drawer.areas
    minx, miny, maxx, maxy = (city_outline if len(city_outline) else city_cells).total_bounds
    shell = maps.map_shell([(miny + maxy) / 2, (minx + maxx) / 2])
    write_shell(output, shell)
    city, drawn = make_view(drawer, shell, None, "deserts/map.png", output, cache)
    views = MapViews(shell, city, drawn=int(drawn), copied=int(not drawn))
    for nbhd in neighborhoods:
        views.areas[nbhd["nbhd_id"]], drawn = make_view(drawer, shell, nbhd["nbhd_id"],
                                                    f"neighborhoods/{nbhd['slug']}/map.png", output, cache)
        views.drawn, views.copied = views.drawn + drawn, views.copied + (not drawn)
    logger.info("maps: %d images drawn, %d from the cache (%s), in %.1f s", views.drawn, views.copied, cache,
                time.perf_counter() - started)
    return views


def write_shell(output: Path, shell: dict) -> None:
    """The folium shell's script, one file for every map (``maps/map.js`` at the site root)."""
    (output / SHELL_SCRIPT).parent.mkdir(parents=True, exist_ok=True)
    (output / SHELL_SCRIPT).write_text(shell["script"] + "\n", encoding="utf-8")


_JOB = None  # what a forked background process runs (it inherits this)


def _run_job():
    return _run_job_of(_JOB)


class Background:
    """``make()`` run in a forked process when ``processes`` > 1 (this one goes on meanwhile), else here at once.

    :meth:`result` waits for it; ``seconds`` is how long ``make`` took, ``waited`` how long :meth:`result` waited.
    Only the result comes back: whatever ``make`` writes to disk is there, whatever else it changes is not."""

    def __init__(self, make, processes: int):
        global _JOB
        self.waited, self._pool = 0.0, None
        if processes <= 1:
            self._value, self.seconds = _run_job_of(make)
            return
        _JOB = make
        try:
            self._pool = multiprocessing.get_context("fork").Pool(1)
        finally:
            _JOB = None
        self._pending = self._pool.apply_async(_run_job)

    def result(self):
        if self._pool is not None:
            started = time.perf_counter()
            try:
                self._value, self.seconds = self._pending.get()
            finally:
                self._pool.close()
                self._pool.join()
                self._pool = None
            self.waited = time.perf_counter() - started
        return self._value


def _run_job_of(make):
    started = time.perf_counter()
    return make(), time.perf_counter() - started
