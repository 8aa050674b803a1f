"""The static quality-desert map as a PNG: rasterised with Pillow, no text in it, cached on a hash of its inputs.

The image is the no-JavaScript, print and share-card fallback of the Leaflet map. It carries no words at all (title,
legend and labels are HTML on the page, in the page's language), so one image serves every language. Cells are
filled with the map's colour-blind-safe colours blended over white, the neighborhood boundary is a dark line and
schools are dots in their tier's colour. The same inputs give the same bytes; a cache hit copies them.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import shapely

from .maps import DESERT_COLOR, DESERT_OPACITY, OUTLINE_COLOR, SERVED_COLOR, SERVED_OPACITY, TIER_COLORS, tier_index

WIDTH, HEIGHT = 1200, 630  # an Open Graph card
STYLE = "pillow-1"  # bump when the drawing changes: every cached image is then drawn again
SCHOOL_RADIUS, OUTLINE_WIDTH, PAD = 6, 2, 0.03
_WHITE, _DESERT, _SERVED, _OUTLINE, _EDGE, _TIER0 = range(6)  # palette indices (tiers 1-5 and unrated follow)


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _over_white(colour: str, opacity: float) -> tuple[int, ...]:
    """``colour`` at ``opacity`` over a white page, as one opaque colour (cells never overlap)."""
    return tuple(round(c * opacity + 255 * (1 - opacity)) for c in _rgb(colour))


def palette() -> list[int]:
    """The image's palette, flat: white, desert, served, boundary, marker edge, then the six tier colours."""
    colours = [(255, 255, 255), _over_white(DESERT_COLOR, DESERT_OPACITY), _over_white(SERVED_COLOR, SERVED_OPACITY * 2),
               _rgb(OUTLINE_COLOR), _rgb("#111111"), *(_rgb(c) for c in TIER_COLORS)]
    return [v for colour in colours for v in colour]


def _digest_array(h, values) -> None:
    array = np.ascontiguousarray(values)
    h.update(str((array.dtype.str, array.shape)).encode())
    h.update(array.tobytes())


def png_key(cells, schools, outline, width: int = WIDTH, height: int = HEIGHT) -> str:
    """SHA-256 of everything the image shows: cell shapes and desert flags, boundaries, school points and tiers,
    size, palette and drawing style."""
    h = hashlib.sha256(f"{STYLE}|{width}x{height}|{palette()}".encode())
    _digest_array(h, shapely.to_wkb(cells.geometry.values, output_dimension=2).astype(object).astype(bytes))
    _digest_array(h, cells["desert"].astype(bool).to_numpy())
    _digest_array(h, shapely.to_wkb(outline.geometry.values, output_dimension=2).astype(object).astype(bytes))
    located = schools.dropna(subset=["lat", "lon"])
    _digest_array(h, located[["lon", "lat"]].to_numpy(dtype=float))
    _digest_array(h, np.array([tier_index(r) for r in located["tier_rank"]], dtype=np.int8))
    return h.hexdigest()


class _Frame:
    """Lon/lat to pixels: the bounds fitted into the image with a margin, east-west scaled by cos(latitude)."""

    def __init__(self, bounds, width: int, height: int):
        minx, miny, maxx, maxy = bounds
        self.kx = max(math.cos(math.radians((miny + maxy) / 2)), 0.01)
        span_x, span_y = max((maxx - minx) * self.kx, 1e-9), max(maxy - miny, 1e-9)
        self.scale = min(width * (1 - 2 * PAD) / span_x, height * (1 - 2 * PAD) / span_y)
        self.x0 = width / 2 - (minx + maxx) / 2 * self.kx * self.scale
        self.y0 = height / 2 + (miny + maxy) / 2 * self.scale

    def pixels(self, xy: np.ndarray) -> np.ndarray:
        return np.column_stack((self.x0 + xy[:, 0] * self.kx * self.scale, self.y0 - xy[:, 1] * self.scale))


def _rings(geometries, frame: _Frame) -> list[list[float]]:
    """Every polygon ring (exteriors and holes) in pixels, flat [x0, y0, x1, y1, ...] (transformed at once)."""
    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    rings = shapely.get_rings(parts[~shapely.is_empty(parts)])
    coords, index = shapely.get_coordinates(rings, return_index=True)
    if not len(coords):
        return []
    flat = frame.pixels(coords).ravel().tolist()
    bounds = [0, *(np.flatnonzero(np.diff(index)) + 1).tolist(), len(coords)]
    return [flat[2 * a:2 * b] for a, b in zip(bounds, bounds[1:])]


def draw_png(cells, schools, outline, path, width: int = WIDTH, height: int = HEIGHT) -> None:
    """Draw the map (no text) into a deterministic palette PNG at ``path``.

    Parameters
    ----------
    cells : geopandas.GeoDataFrame
        WGS84 polygons with ``desert`` (bool).
    schools : pandas.DataFrame
        ``lat``, ``lon`` and ``tier_rank`` (1 best ... 5, or None).
    outline : geopandas.GeoDataFrame
        WGS84 neighborhood polygons; the image is fitted to them (to the cells when there are none).
    path : str or pathlib.Path
        Where to write the PNG.
    """
    from PIL import Image, ImageDraw

    image = Image.new("P", (width, height), _WHITE)
    image.putpalette(palette())
    draw = ImageDraw.Draw(image)
    frame = _Frame((outline if len(outline) else cells).total_bounds, width, height)
    desert = cells["desert"].astype(bool).to_numpy()
    for flag, colour in ((True, _DESERT), (False, _SERVED)):
        for ring in _rings(cells.geometry.values[desert == flag], frame):
            draw.polygon(ring, fill=colour, outline=colour)  # the outline closes hairline gaps between cells
    for ring in _rings(outline.geometry.values, frame):
        draw.line(ring, fill=_OUTLINE, width=OUTLINE_WIDTH)
    located = schools.dropna(subset=["lat", "lon"])
    centres = frame.pixels(located[["lon", "lat"]].to_numpy(dtype=float))
    r = SCHOOL_RADIUS
    for (x, y), rank in zip(centres.tolist(), located["tier_rank"]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_TIER0 + tier_index(rank), outline=_EDGE, width=1)
    image.save(Path(path), format="PNG", compress_level=3)  # 3: a third faster than 6 for ~10% more bytes


def cached_png(cells, schools, outline, path, cache_dir) -> bool:
    """Write the map image to ``path``: copied from ``cache_dir`` when an image of the same inputs is there, else
    drawn (and kept in the cache). Returns True when it was drawn."""
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    kept = cache / f"{png_key(cells, schools, outline)}.png"
    drawn = not kept.is_file()
    if drawn:
        handle, scratch = tempfile.mkstemp(suffix=".tmp", dir=cache)
        os.close(handle)
        try:
            draw_png(cells, schools, outline, scratch)
            os.replace(scratch, kept)  # atomic: a parallel build never copies half an image
        finally:
            Path(scratch).unlink(missing_ok=True)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kept, path)
    return drawn
