"""Transit stage: stops a family can walk to from each school, the routes there, and how often they run at school times."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..contract import WGS84

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})\s*([AaPp][Mm])?")


def walk_minutes(metres: np.ndarray | float, detour: float, speed_kmh: float) -> np.ndarray | float:
    """Walking time for a straight-line distance: metres x detour factor at ``speed_kmh``."""
    return np.asarray(metres) * detour / (speed_kmh * 1000 / 60)


def stops_near(points: gpd.GeoDataFrame, stops: pd.DataFrame, radius_m: float, metric_crs) -> pd.DataFrame:
    """Pairs (point index ``i``, ``stop_id``, ``distance_m``) of stops within ``radius_m`` straight-line metres.

    ``points`` is a GeoDataFrame of points (WGS84); ``stops`` has stop_id, stop_lat, stop_lon.
    """
    stop_xy = project_xy(stops["stop_lon"], stops["stop_lat"], metric_crs)
    point_xy = project_xy(points.geometry.x, points.geometry.y, metric_crs)
    tree = shapely.STRtree(shapely.points(stop_xy))
    i, j = tree.query(shapely.points(point_xy), predicate="dwithin", distance=radius_m)
    distance = np.hypot(*(point_xy[i] - stop_xy[j]).T)
    return pd.DataFrame({"i": i, "stop_id": stops["stop_id"].to_numpy()[j], "distance_m": distance})


def project_xy(lon, lat, metric_crs) -> np.ndarray:
    """WGS84 longitudes and latitudes as an (n, 2) array of metres in ``metric_crs``."""
    points = gpd.GeoSeries(gpd.points_from_xy(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)), crs=WGS84)
    projected = points.to_crs(metric_crs)
    return np.column_stack([projected.x.to_numpy(), projected.y.to_numpy()]).reshape(-1, 2)


def nearest_stops(points: gpd.GeoDataFrame, stops: pd.DataFrame, metric_crs) -> pd.DataFrame:
    """For every point, its nearest stop (``stop_id``, ``stop_name``, ``distance_m``)."""
    stop_points = gpd.GeoDataFrame(stops[["stop_id", "stop_name"]].reset_index(drop=True),
                                   geometry=gpd.points_from_xy(stops["stop_lon"].astype(float), stops["stop_lat"].astype(float)),
                                   crs=WGS84).to_crs(metric_crs)
    mine = gpd.GeoDataFrame({"i": np.arange(len(points))}, geometry=points.to_crs(metric_crs).geometry.to_numpy(), crs=metric_crs)
    near = gpd.sjoin_nearest(mine, stop_points, distance_col="distance_m")
    return near[~near["i"].duplicated()].set_index("i")[["stop_id", "stop_name", "distance_m"]]


def bell_times(school_hours: str, default_start: str, default_end: str) -> tuple[int, int]:
    """Start and dismissal in seconds after midnight, from text like ``8:00 AM-3:00 PM``, else the defaults."""
    found = _CLOCK.findall(school_hours or "")
    if len(found) >= 2:
        start, end = (_clock_seconds(*f) for f in found[:2])
        if start < end:
            return start, end
    return _clock_seconds(*_CLOCK.match(default_start).groups()), _clock_seconds(*_CLOCK.match(default_end).groups())


def _clock_seconds(hours: str, minutes: str, half: str | None) -> int:
    hour = int(hours) % 12 + (12 if half and half.lower() == "pm" else 0) if half else int(hours)
    return hour * 3600 + int(minutes) * 60


def service_at_stops(times: pd.DataFrame, stop_ids: list[str], start: int, end: int) -> dict:
    """Routes at these stops and how often they run around the school day.

    ``times`` holds the day's stop times (``stop_id``, ``route_id``, ``trip_id``, ``t`` seconds).
    Trips count once however many of the stops they serve: arrivals in the hour before ``start``,
    departures in the hour after ``end``, and the first and last departure of the day.
    """
    here = times[times["stop_id"].isin(stop_ids)]
    if here.empty:
        return {"routes": [], "trips_before_bell": 0, "trips_after_dismissal": 0, "first": None, "last": None}
    per_trip = here.groupby("trip_id")["t"]
    first_at, last_at = per_trip.min(), per_trip.max()
    before = ((last_at >= start - 3600) & (first_at <= start)).sum()
    after = ((last_at >= end) & (first_at <= end + 3600)).sum()
    return {"routes": sorted(here["route_id"].astype(str).unique()), "trips_before_bell": int(before),
            "trips_after_dismissal": int(after), "first": clock(here["t"].min()), "last": clock(here["t"].max())}


def clock(seconds_after_midnight: float) -> str:
    """``HH:MM`` with hours past 24 kept, e.g. ``25:05`` for a trip after midnight."""
    minutes = int(seconds_after_midnight // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
