"""Quality-desert maps: the Leaflet map shell built by folium (self-hosted assets only) and its data as JSON.

Input text never meets a template engine: folium (``foliummap``) gets only numbers and constants; names travel as
JSON data that ``theme/static/js/desertmap.js`` draws onto folium's map as text nodes. Nothing here depends on the
page's language: the map's label, legend and tier names are HTML and a small JSON of UI strings on the page, so one
shell serves every map of a build and one data block serves every language. The static image is in ``mappng``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd
import shapely

from ..problems import SchoolfinderError
from .safety import json_for_html

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"
ALLOWED_URLS = frozenset({TILE_URL, OSM_COPYRIGHT})  # the tile template and the attribution link, nothing else
DESERT_COLOR, SERVED_COLOR = "#d55e00", "#56b4e9"  # Okabe-Ito vermillion / sky blue: colour-blind safe
DESERT_OPACITY, SERVED_OPACITY = 0.6, 0.15
OUTLINE_COLOR, STOP_COLOR = "#222222", "#4d4d4d"
TIER_COLORS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725", "#bdbdbd")  # viridis tiers 1-5, then unrated
SCRIPT = "theme/js/desertmap.js"  # the static map script, relative to the site root
LEAFLET = "theme/vendor/leaflet/"  # the vendored Leaflet, relative to the site root
MAP_ID = "desert"
_ABSOLUTE_URL = re.compile(r"https?://[^\s\"'`<>()\\]*", re.IGNORECASE)
_PROTOCOL_RELATIVE = re.compile(r"(?:(?:src|href)\s*=\s*\\?[\"']?|url\(\s*[\"']?)\s*//[^\s\"'`<>()\\]*", re.IGNORECASE)
_RELATIVE_URL = re.compile(r"(?![/\\]{2})[A-Za-z0-9._~%/?#=&+-]*\Z")
_STYLES = {"desert": {"stroke": False, "fillColor": DESERT_COLOR, "fillOpacity": DESERT_OPACITY},
           "served": {"stroke": False, "fillColor": SERVED_COLOR, "fillOpacity": SERVED_OPACITY},
           "outline": {"color": OUTLINE_COLOR, "weight": 1.5, "opacity": 0.8, "fill": True, "fillOpacity": 0},
           "stop": {"radius": 2.5, "weight": 1, "color": "#ffffff", "fillOpacity": 0.9},
           "school": {"radius": 7, "weight": 1.5, "color": "#111111", "fillOpacity": 0.95}}
_LEGEND_CSS = (
    "<style>.sf-map-legend ul{list-style:none;margin:.25rem 0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}"
    ".sf-map-legend li{display:flex;align-items:center;gap:.4rem}"
    ".sf-key{display:inline-block;width:1rem;height:1rem;border:1px solid #222;background:var(--c)}"
    ".sf-key-area-light{opacity:.45}.sf-key-line{height:0;border-width:2px 0 0}"
    ".sf-key-dot,.sf-key-stop{border-radius:50%}.sf-key-stop{width:.45rem;height:.45rem}</style>")


def leaflet_map(*args, **kwargs) -> dict[str, str]:
    """``foliummap.leaflet_map``, loaded when first called: a build whose shell comes from the map cache never
    loads folium."""
    from .foliummap import leaflet_map as build

    return build(*args, **kwargs)


def _missing(s) -> bool:
    return s is None or (not isinstance(s, str) and pd.isna(s))


def _text(s) -> str:
    """One data string for the map's JSON, as plain text (the map script shows it as a text node)."""
    return "" if _missing(s) else str(s)


def _relative_url(url) -> str:
    """Return a relative link, or raise when it has a scheme or host (``javascript:``, ``//evil``)."""
    url = "" if _missing(url) else str(url)
    if not _RELATIVE_URL.match(url):
        raise SchoolfinderError(f"map link must be a plain relative URL, got {url!r}")
    return url


def tier_index(rank) -> int:
    """Index into TIER_COLORS: 0-4 for tiers 1-5, 5 for unrated."""
    return int(rank) - 1 if not _missing(rank) and int(rank) in range(1, 6) else 5


def _school_rows(schools: pd.DataFrame) -> list:
    """One compact row per located school: [lat, lon, tier index (0-4, 5 unrated), name, link from the language
    root]; the page names the tiers in its language."""
    located = schools.dropna(subset=["lat", "lon"])
    return [school_row(s.lat, s.lon, s.tier_rank, s.name, s.url) for s in located.itertuples(index=False)]


def school_row(lat, lon, rank, name, url) -> list:
    """One school of the map's data: [lat, lon, tier index (0-4, 5 unrated), name as plain text, relative link]."""
    return [round(float(lat), 5), round(float(lon), 5), tier_index(rank), _text(name), _relative_url(url)]


def _stop_rows(stops) -> list:
    """One compact row per located transit stop: [lat, lon, 0, name]."""
    if stops is None or not len(stops):
        return []
    return [[round(float(s.lat), 5), round(float(s.lon), 5), 0, _text(s.name)]
            for s in stops.dropna(subset=["lat", "lon"]).itertuples(index=False)]


def _round(geometry):
    """Round a geometry's coordinates to 5 decimals (about 1 m)."""
    return shapely.transform(geometry, lambda xy: np.round(xy, 5))


def _feature(fid: str, properties: dict, geometry) -> dict:
    return {"type": "Feature", "id": fid, "properties": properties, "geometry": shapely.geometry.mapping(_round(geometry))}


def _cell_features(cells) -> dict:
    """Desert and served cells dissolved into (at most) two features."""
    desert = cells["desert"].astype(bool)
    features = [_feature(fid, {"desert": flag}, shapely.union_all(_round(cells.geometry[desert == flag].values)))
                for fid, flag in (("desert", True), ("served", False)) if (desert == flag).any()]
    return {"type": "FeatureCollection", "features": features}


def _outline_features(outline) -> dict:
    """Neighborhood polygons with their names as plain text."""
    named = enumerate(zip(outline["name"], outline.geometry))
    return {"type": "FeatureCollection",
            "features": [_feature(f"n{i}", {"name": _text(name)}, shape) for i, (name, shape) in named]}


def check_no_remote_assets(pieces: Mapping[str, str]) -> None:
    """Raise when any URL but the tile template and the OSM copyright link appears in the rendered pieces.

    Parameters
    ----------
    pieces : mapping of str to str
        The rendered pieces; a CDN script (say) raises SchoolfinderError.
    """
    for piece, text in pieces.items():
        for found in [*_ABSOLUTE_URL.findall(text), *_PROTOCOL_RELATIVE.findall(text)]:
            if found not in ALLOWED_URLS:
                raise SchoolfinderError(f"map {piece} references a remote URL: {found}")


def legend_keys(with_stops: bool) -> list[dict]:
    """The legend's entries for the page to name: ``key`` (desert, served, outline, tier1-tier5, unrated, stop),
    ``kind`` of swatch and ``colour``."""
    keys = [("desert", "area", DESERT_COLOR), ("served", "area-light", SERVED_COLOR), ("outline", "line", OUTLINE_COLOR)]
    keys += [(f"tier{rank}", "dot", TIER_COLORS[rank - 1]) for rank in range(1, 6)] + [("unrated", "dot", TIER_COLORS[5])]
    keys += [("stop", "stop", STOP_COLOR)] if with_stops else []
    return [{"key": key, "kind": kind, "colour": colour} for key, kind, colour in keys]


def map_data(cells, schools, stops, outline, tiles: bool = True) -> dict:
    """Everything the map script draws, as plain data the same in every language.

    Parameters
    ----------
    cells : geopandas.GeoDataFrame
        WGS84 polygons with ``desert`` (bool).
    schools : pandas.DataFrame
        ``name``, ``lat``, ``lon``, ``tier_rank`` (1 best ... 5, or None) and ``url``, a plain relative link from the
        root of the page's language (``schools/<slug>/``).
    stops : pandas.DataFrame or None
        Transit stops with ``name``, ``lat``, ``lon``; may be empty.
    outline : geopandas.GeoDataFrame
        WGS84 neighborhood polygons with ``name``; the map opens fitted to them.
    tiles : bool
        Draw OpenStreetMap tiles (the only third-party request); False draws no tile layer at all.

    Raises
    ------
    SchoolfinderError
        For a school link that is not plain relative.
    """
    minx, miny, maxx, maxy = (outline if len(outline) else cells).total_bounds
    return {"center": [round((miny + maxy) / 2, 5), round((minx + maxx) / 2, 5)],
            "bounds": [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]],
            "tiles": {"url": TILE_URL, "copyright": OSM_COPYRIGHT} if tiles else None,
            "cells": _cell_features(cells), "outline": _outline_features(outline), "stops": _stop_rows(stops),
            "stop_colors": [STOP_COLOR], "schools": _school_rows(schools), "tier_colors": list(TIER_COLORS),
            "styles": _STYLES}


def data_element(data: Mapping, element: str) -> str:
    """The map's data as a ``<script type="application/json">`` element for the map element ``element``."""
    text = json_for_html(data)
    tile = data.get("tiles") or {}
    check_no_remote_assets({"tiles": f'{tile.get("url", "")} {tile.get("copyright", "")}'})
    if "</script" in text.lower():
        raise SchoolfinderError("map data would break the page (</script>)")
    return f'<script type="application/json" data-sf-map="{html.escape(element, quote=True)}">{text}</script>'


def map_shell(center, *, asset_base: str = LEAFLET, map_id: str = MAP_ID) -> dict[str, str]:
    """Build the Leaflet map shell with folium, once for every map of a build.

    Parameters
    ----------
    center : (float, float)
        Latitude and longitude the map opens on before the script fits it to its data's bounds (numbers only).
    asset_base : str
        URL prefix of the vendored Leaflet, ending in ``/``; the default (relative to the site root) can be moved
        under any page's path with :func:`shell_head`.
    map_id : str
        Part of the map element's id, so that two maps on one page never collide.

    Returns
    -------
    dict
        ``head`` (Leaflet's link and script tags, styles), ``body`` (the map div, labelled by the element with id
        ``<element>-label`` that the page writes in its language), ``script`` (folium's JavaScript declaring the
        global ``map_<map_id>_1``, for a script file of its own) and ``element`` (that id). Deterministic.

    Raises
    ------
    SchoolfinderError
        For a bad ``map_id`` or any remote asset URL.
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", map_id):
        raise SchoolfinderError(f"map_id must be an identifier, got {map_id!r}")
    # folium builds the map from numbers and constants only; no input text and no UI string reaches it.
    built = leaflet_map([float(v) for v in center], 10, map_id=map_id, asset_base=html.escape(asset_base, quote=True))
    head = f"{built['head']}\n{_LEGEND_CSS}"
    check_no_remote_assets({"head": head, "body": built["body"], "script": built["script"]})
    if "</script" in built["script"].lower() or "user-scalable" in head or "<title" in head:
        raise SchoolfinderError("map shell would break the page (</script>, a zoom-blocking viewport or a title)")
    return {"head": head, "body": built["body"], "script": built["script"], "element": built["element"]}


def shell_head(shell: Mapping[str, str], assets: str) -> str:
    """The shell's head for a page whose path to the site root is ``assets`` (built with the default asset base);
    Leaflet loads with ``defer`` so that nothing blocks the first paint."""
    head = shell["head"].replace(f'="{LEAFLET}', f'="{html.escape(assets, quote=True)}{LEAFLET}')
    deferred = head.replace("<script src=", "<script defer src=")
    if deferred == head:
        raise SchoolfinderError("map head has no external script to defer")
    return deferred


def desert_map(cells, schools, stops, outline, *, asset_base: str, tiles: bool = True,
               map_id: str = MAP_ID) -> dict[str, str]:
    """One map's pieces at once (:func:`map_shell` at ``asset_base`` plus its ``data`` element, see :func:`map_data`).

    A site builds the shell once and the data once per map instead; this is for a single page and the tests."""
    drawn = map_data(cells, schools, stops, outline, tiles)
    shell = map_shell(drawn["center"], asset_base=asset_base, map_id=map_id)
    return {**shell, "data": data_element(drawn, shell["element"])}
