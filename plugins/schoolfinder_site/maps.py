"""Glue: quality-desert maps (interactive and static PNG) for the deserts and neighborhood pages."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from schoolfinder import contract
from schoolfinder.outputs import maps


def map_strings(gettext, tiers: list[dict]) -> dict:
    """UI strings for the map, through the site's translations; tier labels come from the city config."""
    labels = [t["label"] for t in tiers] + [""] * 5
    return {"map_label": gettext("Map of quality deserts and schools"), "legend_title": gettext("Legend"),
            "desert": gettext("Quality desert (elementary)"), "served": gettext("Quality school within reach"),
            "outline": gettext("Neighborhood boundary"), "stop": gettext("Transit stop"), "unrated": gettext("Not rated"),
            "osm_attribution": gettext("Map data © OpenStreetMap contributors"),
            "tiers": {rank: labels[rank - 1] for rank in range(1, 6)}}


class DesertMaps:
    """Loads the processed cells, schools, stops and neighborhoods once; draws a map for the city or one area."""

    def __init__(self, processed: Path, schools: list[dict], strings: dict):
        self.cells = gpd.read_file(processed / contract.CELLS)
        self.cells["desert"] = self.cells["elementary_desert"].astype(bool)
        self.cells["quality_reachable"] = self.cells["elementary_quality"].astype(int)
        self.areas = gpd.read_file(processed / contract.NEIGHBORHOOD_SHAPES)
        # Boundaries drawn at map scale: ~30 m tolerance keeps the shapes and cuts the bytes phones download.
        self.areas["geometry"] = self.areas.geometry.simplify(0.0003, preserve_topology=True)
        stops = json.loads((processed / contract.STOPS).read_text(encoding="utf-8"))
        self.stops = pd.DataFrame(stops, columns=["feed", "name", "lat", "lon"])
        self.schools = pd.DataFrame([{"name": s["name"], "lat": s["lat"], "lon": s["lon"], "slug": s["slug"],
                                      "nbhd": s["neighborhood_slug"], "tier_rank": s["tier"].get("rank"),
                                      "tier_label": s["tier"].get("label", "")} for s in schools if s["lat"] is not None])
        self.strings = strings

    def speaking(self, strings: dict) -> DesertMaps:
        """The same maps with the UI strings of another language (the data is shared, not reloaded)."""
        other = copy.copy(self)
        other.strings = strings
        ranked = self.schools["tier_rank"].map(lambda r: strings["tiers"].get(int(r)) if r == r and r else None)
        other.schools = self.schools.assign(tier_label=ranked.fillna(self.schools["tier_label"]))
        return other

    def pieces(self, root: str, script_path: Path, nbhd_id: str | None = None, map_id: str = "desert",
               assets: str | None = None) -> dict:
        """Map pieces for the whole city or one neighborhood; ``root`` is the relative path to the root of the page's
        language (school links), ``assets`` the one to the site root (theme files; ``root`` when not given).

        Nothing blocks the first paint and no script is inline: Leaflet loads with ``defer``, then folium's map
        script, written to ``script_path`` beside the page (its map variable stays global), then the map's data as
        JSON; ``src`` is the static map script (run last in document order) that draws the data on folium's map."""
        cells, outline, schools, stops = self._subset(nbhd_id)
        schools = schools.assign(url=[f"{root}schools/{s}/" for s in schools["slug"]])
        pieces = maps.desert_map(cells, schools, stops, outline, asset_base=f"{assets or root}theme/vendor/leaflet/",
                                 strings=self.strings, map_id=map_id)
        head = pieces["head"].replace("<script src=", "<script defer src=")
        if head == pieces["head"]:
            raise ValueError("map head has no external script to defer")
        script_path.parent.mkdir(parents=True, exist_ok=True)
        script_path.write_text(pieces["script"] + "\n", encoding="utf-8")
        own = f'<script data-sf="map" defer src="{script_path.name}"></script>'
        return {**pieces, "head": f"{head}\n{own}\n{pieces['data']}", "src": f"{assets or root}{maps.SCRIPT}"}

    def png(self, path: Path, title: str, nbhd_id: str | None = None) -> None:
        """The same map as a static image (no JavaScript, printing, share card)."""
        cells, outline, schools, _stops = self._subset(nbhd_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        maps.static_map_png(cells, schools, outline, path, title=title, strings=self.strings)

    def _subset(self, nbhd_id):
        if nbhd_id is None:
            return self.cells, self.areas, self.schools, self.stops
        outline = self.areas[self.areas["nbhd_id"] == nbhd_id]
        minx, miny, maxx, maxy = outline.total_bounds
        stops = self.stops[self.stops["lon"].between(minx, maxx) & self.stops["lat"].between(miny, maxy)]
        return (self.cells[self.cells["nbhd_id"] == nbhd_id], outline,
                self.schools[self.schools["nbhd"] == outline["slug"].iloc[0]], stops)
