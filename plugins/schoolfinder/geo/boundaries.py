"""Boundary files as cities export them: repair invalid polygons, check ids and names, warn on overlaps.

- An invalid polygon is repaired with shapely's ``make_valid``, keeping only its polygonal parts (a
  GeometryCollection is reduced to its polygons): warning ``GEOMETRY_REPAIRED`` naming the feature.
- A feature without its id, two features with one id, or an empty name: one-line errors.
- Overlapping polygons: warning ``BOUNDARY_OVERLAP`` (a school or child in the overlap is counted once, in
  the first neighborhood by name).
- Neighborhood slugs are unique: where two names slug alike, the id is appended, then a number, in name order.
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from shapely.geometry import MultiPolygon, Polygon

from ..problems import DataError, Problem
from ..directory.slugs import unique_slugs


def check_properties(frame: gpd.GeoDataFrame, spec: dict, file: str) -> None:
    """Fail on a missing id, a repeated id or an empty name, naming the feature."""
    ids = frame[spec["id_field"]]
    names = frame[spec["name_field"]]
    seen: dict[str, int] = {}
    for i, (raw_id, name) in enumerate(zip(ids, names)):
        label = f"feature {i + 1}"
        if raw_id is None or (isinstance(raw_id, float) and raw_id != raw_id) or not str(raw_id).strip():
            raise DataError(Problem("FAIL", "BOUNDARY_MISSING_ID", file, None, spec["id_field"], f"{label} has no {spec['id_field']}"))
        key = str(raw_id).strip()
        if key in seen:
            raise DataError(Problem("FAIL", "BOUNDARY_DUPLICATE_ID", file, None, spec["id_field"],
                                    f"{label} repeats the id of feature {seen[key] + 1}", key))
        seen[key] = i
        if name is None or (isinstance(name, float) and name != name) or not str(name).strip():
            raise DataError(Problem("FAIL", "BOUNDARY_EMPTY_NAME", file, None, spec["name_field"], f"{label} ({key}) has no name"))


def repair(frame: gpd.GeoDataFrame, spec: dict, file: str, problems: list[Problem] | None) -> gpd.GeoDataFrame:
    """Repair invalid or non-polygonal geometries; fail only when nothing polygonal is left."""
    frame = frame.copy()
    for i, geometry in enumerate(frame.geometry):
        if geometry is not None and not geometry.is_empty and geometry.is_valid and isinstance(geometry, (Polygon, MultiPolygon)):
            continue
        label = frame[spec["id_field"]].iloc[i]
        reason = shapely.is_valid_reason(geometry) if geometry is not None else "no geometry"
        fixed = polygonal(shapely.make_valid(geometry)) if geometry is not None else None
        if fixed is None or fixed.is_empty:
            raise DataError(Problem("FAIL", "INVALID_GEOMETRY", file, None, spec["id_field"],
                                    f"feature {label} has an invalid geometry that cannot be repaired: {reason}"))
        frame.geometry.values[i] = fixed
        if problems is not None:
            problems.append(Problem("WARN", "GEOMETRY_REPAIRED", file, None, spec["id_field"],
                                    f"feature {label} had an invalid geometry ({reason}); repaired, polygons kept", str(label)))
    return frame


def polygonal(geometry):
    """Only the polygonal parts of a geometry (a GeometryCollection reduced to its polygons), or None."""
    if isinstance(geometry, (Polygon, MultiPolygon)):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, (Polygon, MultiPolygon))]
    polygons = [p for g in parts for p in (g.geoms if isinstance(g, MultiPolygon) else [g])]
    return MultiPolygon(polygons) if len(polygons) > 1 else (polygons[0] if polygons else None)


def resolve_overlaps(frame: gpd.GeoDataFrame, file: str, problems: list[Problem] | None,
                     min_share: float = 0.001) -> gpd.GeoDataFrame:
    """Warn once per pair of neighborhoods whose overlap is more than ``min_share`` of the smaller one, and give
    the overlap to the first of the two by name (the other loses it), so schools and children count once.
    ``frame`` is sorted by name."""
    if len(frame) < 2:
        return frame
    frame = frame.copy()
    pairs = gpd.sjoin(frame[["nbhd_id", "geometry"]], frame[["nbhd_id", "geometry"]], predicate="overlaps")
    for a, b in sorted({tuple(sorted((x, y))) for x, y in zip(pairs["nbhd_id_left"], pairs["nbhd_id_right"]) if x != y}):
        ga, gb = (frame.loc[frame["nbhd_id"] == n].geometry.iloc[0] for n in (a, b))
        shared = ga.intersection(gb).area
        if shared > min_share * min(ga.area, gb.area):
            first, second = sorted((a, b), key=lambda n: frame.index[frame["nbhd_id"] == n][0])
            k = frame.index[frame["nbhd_id"] == second][0]
            frame.loc[[k], "geometry"] = [polygonal(frame.geometry[k].difference(frame.geometry[frame["nbhd_id"] == first].iloc[0]))]
            if problems is None:
                continue
            problems.append(Problem("WARN", "BOUNDARY_OVERLAP", file, None, "", f"{a} and {b} overlap "
                                    f"({shared / min(ga.area, gb.area):.0%} of the smaller); schools and children there "
                                    "are counted once, in the first by name", f"{a}, {b}"))
    return frame


def neighborhood_slugs(names: list[str], ids: list[str]) -> list[str]:
    """Unique slugs, deterministic for a given list (callers sort by name, then id)."""
    return unique_slugs(names, ids, fallback_prefix="area")
