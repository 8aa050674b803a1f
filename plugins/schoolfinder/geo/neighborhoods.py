"""Geography stage: neighborhoods, school locations, and children per neighborhood."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..problems import DataError, Problem
from ..contract import WGS84
from . import boundaries



def read_neighborhoods(path: Path, spec: dict, problems: list[Problem] | None = None) -> gpd.GeoDataFrame:
    """Read neighborhood polygons as a GeoDataFrame with ``nbhd_id``, ``name``, ``slug``, geometry (WGS84)."""
    if not path.is_file():
        raise DataError(Problem("FAIL", "MISSING_FILE", str(path), None, "", "neighborhood file not found"))
    frame = gpd.read_file(path)
    if frame.crs is not None and not frame.crs.equals(WGS84):
        raise DataError(Problem("FAIL", "CRS_UNEXPECTED", path.name, None, "", f"expected WGS84 (EPSG:4326), got {frame.crs}"))
    for field in (spec["id_field"], spec["name_field"]):
        if field not in frame.columns:
            raise DataError(Problem("FAIL", "MISSING_COLUMN", path.name, None, field, "property not found on the features"))
    boundaries.check_properties(frame, spec, path.name)
    frame = boundaries.repair(frame, spec, path.name, problems)
    names = frame[spec["name_field"]].astype(str).str.strip()
    if spec["name_case"] == "title":
        names = names.str.title()
    ids = frame[spec["id_field"]].astype(str).str.strip()
    out = gpd.GeoDataFrame({"nbhd_id": ids, "name": names}, geometry=frame.geometry.to_numpy(), crs=WGS84)
    out = out.sort_values(["name", "nbhd_id"], kind="stable").reset_index(drop=True)
    out["slug"] = boundaries.neighborhood_slugs(out["name"].tolist(), out["nbhd_id"].tolist())
    return boundaries.resolve_overlaps(out, path.name, problems)


def assign_neighborhoods(schools: pd.DataFrame, neighborhoods: gpd.GeoDataFrame, snap_m: float,
                         buffer_m: float) -> tuple[pd.Series, list[tuple[str, str, str]]]:
    """Return each school's neighborhood id (or "") and notes (key, code, message).

    Point in polygon first. A point outside every polygon is put in the nearest
    one when within ``snap_m`` metres (SNAPPED_TO_NEIGHBORHOOD), kept without a
    neighborhood when within ``buffer_m`` of the city (OUTSIDE_NEIGHBORHOODS),
    and reported as COORDS_OUTSIDE_CITY (or LIKELY_SWAPPED when swapping lat
    and lon would put it inside) beyond that; callers drop those coordinates.
    """
    located = schools["lat"].notna() & schools["lon"].notna()
    points = gpd.GeoDataFrame({"key": schools.loc[located, "key"]},
                              geometry=gpd.points_from_xy(schools.loc[located, "lon"], schools.loc[located, "lat"]), crs=WGS84)
    joined = gpd.sjoin(points, neighborhoods[["nbhd_id", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    result = pd.Series("", index=schools.index, dtype=object)
    result.loc[joined.index] = joined["nbhd_id"].fillna("").to_numpy()
    outside = joined[joined["nbhd_id"].isna()]
    if not len(outside):
        return result, []
    metric = neighborhoods.estimate_utm_crs()
    near = gpd.sjoin_nearest(points.loc[outside.index].to_crs(metric), neighborhoods[["nbhd_id", "geometry"]].to_crs(metric),
                             how="left", distance_col="distance_m")
    near = near[~near.index.duplicated(keep="first")]
    city = neighborhoods.union_all()
    notes = []
    for index, row in near.iterrows():
        distance = row["distance_m"]
        if distance <= snap_m:
            result.loc[index] = row["nbhd_id"]
            notes.append((row["key"], "SNAPPED_TO_NEIGHBORHOOD", f"{distance:.0f} m outside; put in the nearest neighborhood"))
        elif distance <= buffer_m:
            notes.append((row["key"], "OUTSIDE_NEIGHBORHOODS", f"{distance:.0f} m outside every neighborhood; no neighborhood given"))
        else:
            point = points.loc[index, "geometry"]
            swapped = shapely.Point(point.y, point.x)
            code = "LIKELY_SWAPPED" if city.contains(swapped) else "COORDS_OUTSIDE_CITY"
            notes.append((row["key"], code, f"{distance / 1000:.1f} km outside the city; location not shown"
                          + (" (latitude and longitude look swapped)" if code == "LIKELY_SWAPPED" else "")))
    if len(located) >= 10 and sum(code in ("COORDS_OUTSIDE_CITY", "LIKELY_SWAPPED") for _, code, _ in notes) > len(points) / 2:
        raise DataError(Problem("FAIL", "COORDS_OUTSIDE_CITY", "", None, "lat",
                                "most schools are outside the neighborhoods: check the coordinate order and CRS of both files"))
    return result, notes


def allocate_by_area(areas: gpd.GeoDataFrame, counts: pd.DataFrame, zones: gpd.GeoDataFrame, zone_column: str,
                     metric_crs) -> pd.DataFrame:
    """Split each small area's counts (one column each) over the zones it overlaps, by share of its area.

    ``counts`` is row-aligned with ``areas``. Counts of area parts outside every zone are not allocated.
    Returns one row per zone, indexed by ``zones[zone_column]``.
    """
    areas = areas.to_crs(metric_crs).reset_index(drop=True)
    areas["_area"] = areas.area
    pieces = gpd.overlay(areas[["_area", "geometry"]].assign(_i=np.arange(len(areas))),
                         zones[[zone_column, "geometry"]].to_crs(metric_crs), how="intersection", keep_geom_type=True)
    share = (pieces.area / pieces["_area"]).to_numpy()
    allocated = counts.to_numpy(dtype=float)[pieces["_i"].to_numpy()] * share[:, None]
    per_zone = pd.DataFrame(allocated, columns=counts.columns).groupby(pieces[zone_column].to_numpy()).sum()
    return per_zone.reindex(zones[zone_column], fill_value=0.0)


def area_weighted_children(areas: gpd.GeoDataFrame, children: pd.Series, neighborhoods: gpd.GeoDataFrame) -> pd.Series:
    """Allocate children per small area to neighborhoods by share of area; a Series indexed by ``nbhd_id``."""
    frame = pd.DataFrame({"children": np.asarray(children, dtype=float)})
    return allocate_by_area(areas, frame, neighborhoods, "nbhd_id", neighborhoods.estimate_utm_crs())["children"]


def shared_points(schools: pd.DataFrame, threshold: int) -> list[tuple[str, int]]:
    """Return (key, n) for schools sharing one coordinate with at least ``threshold - 1`` others."""
    located = schools.dropna(subset=["lat", "lon"])
    counts = located.groupby(["lat", "lon"])["key"].transform("count")
    return [(k, int(n)) for k, n in zip(located["key"], counts) if n >= threshold]
