"""Small static maps without JavaScript: each neighborhood as an SVG path, each school as a point in it."""

from __future__ import annotations

import math

import geopandas as gpd
import pandas as pd
import shapely

SIZE = 200.0  # viewBox width and height, in SVG units


def neighborhood_frames(neighborhoods: gpd.GeoDataFrame) -> dict[str, dict]:
    """Return, per neighborhood id, its SVG path, viewBox and the transform that places points in it."""
    frames = {}
    for nbhd_id, geometry in zip(neighborhoods["nbhd_id"], neighborhoods.geometry):
        minx, miny, maxx, maxy = geometry.bounds
        coslat = math.cos(math.radians((miny + maxy) / 2))
        span = max((maxx - minx) * coslat, maxy - miny) or 1e-9
        scale = (SIZE - 10) / span
        frame = {"minx": minx, "maxy": maxy, "coslat": coslat, "scale": scale}
        simple = shapely.simplify(geometry, span / 300, preserve_topology=True)
        frames[nbhd_id] = {"path": _path(simple, frame), "viewbox": f"0 0 {SIZE:g} {SIZE:g}", **frame}
    return frames


def place(lat: float | None, lon: float | None, frame: dict | None) -> tuple[float, float] | None:
    """Return the (x, y) of a point in a neighborhood's frame, or None without a location."""
    if frame is None or lat is None or lon is None or pd.isna(lat) or pd.isna(lon):
        return None
    x = 5 + (lon - frame["minx"]) * frame["coslat"] * frame["scale"]
    y = 5 + (frame["maxy"] - lat) * frame["scale"]
    return round(x, 1), round(y, 1)


def _path(geometry, frame: dict) -> str:
    parts = []
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    for polygon in polygons:
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [place(y, x, frame) for x, y in ring.coords]
            parts.append("M" + "L".join(f"{px:g} {py:g}" for px, py in points) + "Z")
    return "".join(parts)
