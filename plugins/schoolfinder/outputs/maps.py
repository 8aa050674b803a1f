"""Quality-desert maps: the Leaflet map built by folium (self-hosted assets only), its data as JSON, and a static PNG.

Input text never meets a template engine: folium (``foliummap``) gets only numbers, constants and UI strings; names
and labels travel as JSON data that ``theme/static/js/desertmap.js`` draws onto folium's map as text nodes.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from ..problems import SchoolfinderError
from .foliummap import leaflet_map
from .safety import json_for_html

TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"
ALLOWED_URLS = frozenset({TILE_URL, OSM_COPYRIGHT})  # the tile template and the attribution link, nothing else
DESERT_COLOR, SERVED_COLOR = "#d55e00", "#56b4e9"  # Okabe-Ito vermillion / sky blue: colour-blind safe
DESERT_OPACITY, SERVED_OPACITY = 0.6, 0.15
OUTLINE_COLOR, STOP_COLOR = "#222222", "#4d4d4d"
TIER_COLORS = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725", "#bdbdbd")  # viridis tiers 1-5, then unrated
REQUIRED_STRINGS = ("map_label", "legend_title", "desert", "served", "outline", "stop", "unrated", "osm_attribution", "tiers")
SCRIPT = "theme/js/desertmap.js"  # the static map script, relative to the site root
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


def safe_text(s) -> str:
    """Return ``s`` HTML-escaped, with the JavaScript template-literal metacharacters neutralised too.

    Parameters
    ----------
    s : object
        Any value; it is converted with ``str()``.

    Returns
    -------
    str
        Text that displays literally inside HTML (the legend, the map's label).
    """
    return html.escape(str(s), quote=True).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


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


def _tier_index(rank) -> int:
    """Index into TIER_COLORS: 0-4 for tiers 1-5, 5 for unrated."""
    return int(rank) - 1 if not _missing(rank) and int(rank) in range(1, 6) else 5


def _school_rows(schools: pd.DataFrame, strings: Mapping) -> list:
    """One compact row per located school: [lat, lon, colour index, name, tier label, link]."""
    return [[round(float(s.lat), 5), round(float(s.lon), 5), _tier_index(s.tier_rank), _text(s.name),
             _text(s.tier_label) or _text(strings["unrated"]), _relative_url(s.url)]
            for s in schools.dropna(subset=["lat", "lon"]).itertuples(index=False)]


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


def _legend_html(strings: Mapping, with_stops: bool) -> str:
    """The legend as a plain list; every label escaped."""
    items = [("area", DESERT_COLOR, strings["desert"]), ("area-light", SERVED_COLOR, strings["served"]),
             ("line", OUTLINE_COLOR, strings["outline"])]
    items += [("dot", TIER_COLORS[rank - 1], strings["tiers"][rank]) for rank in range(1, 6)]
    items += [("dot", TIER_COLORS[5], strings["unrated"])] + ([("stop", STOP_COLOR, strings["stop"])] if with_stops else [])
    lines = "".join(f'<li><span class="sf-key sf-key-{kind}" style="--c:{colour}" aria-hidden="true"></span>'
                    f"{safe_text(label)}</li>" for kind, colour, label in items)
    title = safe_text(strings["legend_title"])
    return f'<div class="sf-map-legend"><p class="sf-map-legend-title">{title}</p><ul>{lines}</ul></div>'


def _check_strings(strings: Mapping) -> None:
    missing = [key for key in REQUIRED_STRINGS if key not in strings]
    missing += [f"tiers[{rank}]" for rank in range(1, 6) if "tiers" in strings and rank not in strings["tiers"]]
    if missing:
        raise SchoolfinderError(f"map strings missing: {', '.join(missing)}")


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


def map_data(cells, schools, stops, outline, strings: Mapping, tiles: bool = True) -> dict:
    """Everything the map script draws, as plain data (see :func:`desert_map`)."""
    minx, miny, maxx, maxy = (outline if len(outline) else cells).total_bounds
    tile = {"url": TILE_URL, "copyright": OSM_COPYRIGHT, "attribution": _text(strings["osm_attribution"])}
    return {"center": [round((miny + maxy) / 2, 5), round((minx + maxx) / 2, 5)],
            "bounds": [[round(miny, 5), round(minx, 5)], [round(maxy, 5), round(maxx, 5)]],
            "tiles": tile if tiles else None, "cells": _cell_features(cells), "outline": _outline_features(outline),
            "stops": _stop_rows(stops), "stop_colors": [STOP_COLOR], "schools": _school_rows(schools, strings),
            "tier_colors": list(TIER_COLORS), "styles": _STYLES}


def desert_map(cells, schools, stops, outline, *, asset_base: str, strings: Mapping, tiles: bool = True,
               map_id: str = "desert") -> dict[str, str]:
    """Build the quality-desert map and return the HTML pieces a page embeds.

    Parameters
    ----------
    cells : geopandas.GeoDataFrame
        WGS84 polygons with ``desert`` (bool) and ``quality_reachable`` (int).
    schools : pandas.DataFrame
        ``name``, ``lat``, ``lon``, ``tier_rank`` (1 best ... 5, or None), ``tier_label`` and relative ``url``.
    stops : pandas.DataFrame or None
        Transit stops with ``name``, ``lat``, ``lon``; may be empty.
    outline : geopandas.GeoDataFrame
        WGS84 neighborhood polygons with ``name``; the map opens fitted to them.
    asset_base : str
        URL prefix of the vendored Leaflet, ending in ``/`` (``leaflet.js`` and ``leaflet.css`` are appended).
    strings : mapping
        Translated UI strings: ``map_label``, ``legend_title``, ``desert``, ``served``, ``outline``, ``stop``,
        ``unrated``, ``osm_attribution`` (whole text, e.g. "© OpenStreetMap contributors") and ``tiers``
        (a mapping of int rank 1-5 to its label).
    tiles : bool
        Draw OpenStreetMap tiles (the only third-party request); False draws no tile layer at all.
    map_id : str
        Part of the map element's id, so that two maps on one page never collide.

    Returns
    -------
    dict
        ``head`` (Leaflet's link and script tags, styles), ``body`` (map div and legend), ``script`` (folium's
        JavaScript declaring ``map_<map_id>_1`` and its tile layer, for a script file of its own) and ``data`` (a
        ``<script type="application/json">`` element with the map's data, read by the static map script).
        The same inputs give byte-identical pieces.

    Raises
    ------
    SchoolfinderError
        For missing strings, a school link that is not plain relative, or any remote asset URL.
    """
    _check_strings(strings)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", map_id):
        raise SchoolfinderError(f"map_id must be an identifier, got {map_id!r}")
    drawn = map_data(cells, schools, stops, outline, strings, tiles)
    # folium builds the map from numbers, constants and our own UI strings only; no input text reaches it.
    credit = f'<a href="{OSM_COPYRIGHT}">{safe_text(strings["osm_attribution"])}</a>'  # the UI string has the ©
    built = leaflet_map([float(v) for v in drawn["center"]], 10, map_id=map_id,
                        asset_base=html.escape(asset_base, quote=True), label=safe_text(strings["map_label"]),
                        tile_url=TILE_URL if tiles else None, attribution=credit)
    head, box, script, element = built["head"], built["body"], built["script"], built["element"]
    body = f"{box}\n    {_legend_html(strings, stops is not None and len(stops) > 0)}"
    head = f"{head}\n{_LEGEND_CSS}"
    # Our markup and the tile layer may name only the allowed URLs; labels and names are text (they may say "http").
    tile = drawn["tiles"] or {}
    check_no_remote_assets({"head": head, "body": box, "script": script,
                            "tiles": f'{tile.get("url", "")} {tile.get("copyright", "")}'})
    data = json_for_html(drawn)
    pieces = {"head": head, "body": body, "script": script,
              "data": f'<script type="application/json" data-sf-map="{element}">{data}</script>'}
    if "</script" in (data + script).lower() or "user-scalable" in head or "<title" in head:
        raise SchoolfinderError("map pieces would break the page (</script>, a zoom-blocking viewport or a title)")
    return pieces


def _mpl_text(s) -> str:
    """Text for matplotlib: '$' escaped so data never switches on mathtext."""
    return str(s).replace("$", r"\$")


def _legend_handles(strings: Mapping) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=DESERT_COLOR, alpha=DESERT_OPACITY, label=_mpl_text(strings["desert"])),
               Patch(facecolor=SERVED_COLOR, alpha=SERVED_OPACITY * 2, label=_mpl_text(strings["served"])),
               Line2D([], [], color=OUTLINE_COLOR, linewidth=1, label=_mpl_text(strings["outline"]))]
    labels = [strings["tiers"][rank] for rank in range(1, 6)] + [strings["unrated"]]
    return handles + [Line2D([], [], linestyle="", marker="o", markersize=8, markerfacecolor=colour,
                             markeredgecolor="#111111", label=_mpl_text(label)) for colour, label in zip(TIER_COLORS, labels)]


def static_map_png(cells, schools, outline, path, *, title: str, strings: Mapping, width_px: int = 1200,
                   height_px: int = 630) -> None:
    """Draw the same quality-desert picture without JavaScript or tiles into a deterministic PNG.

    Parameters
    ----------
    cells, schools, outline :
        As for :func:`desert_map` (stops are not drawn).
    path : str or pathlib.Path
        Where to write the PNG.
    title : str
        Title printed above the map.
    strings : mapping
        The same translated UI strings as :func:`desert_map`, used for the legend.
    width_px, height_px : int
        Image size in pixels; the default 1200x630 suits an Open Graph card.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _check_strings(strings)
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "axes.unicode_minus": False}):
        fig = Figure(figsize=(width_px / 100, height_px / 100), dpi=100, facecolor="white")
        FigureCanvasAgg(fig)  # Agg without pyplot: no global backend switch, no open figures left behind
        ax = fig.add_axes((0.01, 0.02, 0.68, 0.86))
        ax.set_axis_off()
        desert = cells["desert"].astype(bool)
        for part, colour, alpha in ((cells[desert], DESERT_COLOR, DESERT_OPACITY),
                                    (cells[~desert], SERVED_COLOR, SERVED_OPACITY * 2)):
            if len(part):
                part.plot(ax=ax, color=colour, alpha=alpha, linewidth=0)
        if len(outline):
            outline.boundary.plot(ax=ax, color=OUTLINE_COLOR, linewidth=0.8)
        located = schools.dropna(subset=["lat", "lon"])
        colours = [TIER_COLORS[_tier_index(rank)] for rank in located["tier_rank"]]
        ax.scatter(located["lon"], located["lat"], s=18, c=colours, edgecolors="#111111", linewidths=0.5, zorder=3)
        minx, miny, maxx, maxy = (outline if len(outline) else cells).total_bounds
        pad = 0.02 * max(maxx - minx, maxy - miny)
        ax.set_xlim(minx - pad, maxx + pad)
        ax.set_ylim(miny - pad, maxy + pad)
        ax.set_aspect(1 / max(math.cos(math.radians((miny + maxy) / 2)), 0.01))
        fig.text(0.02, 0.95, _mpl_text(title), fontsize=20, fontweight="bold", va="top")
        fig.legend(handles=_legend_handles(strings), title=_mpl_text(strings["legend_title"]), loc="center right",
                   frameon=False, fontsize=12, title_fontsize=13, bbox_to_anchor=(0.99, 0.45))
        fig.savefig(Path(path), format="png", dpi=100, facecolor="white", metadata={"Software": None})
