"""The lines a family can walk to from a school: each line within its mode's catchment, its nearest stop and walk,
and how many of its trips arrive in the hour before the bell."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import catchments
from . import nearby as transit


def served(times: pd.DataFrame, by_route: dict, default: float) -> pd.DataFrame:
    """(stop_id, route_id, mode, limit) for every line calling at a stop on the day."""
    pairs = times[["stop_id", "route_id"]].drop_duplicates().astype({"route_id": str})
    info = pairs["route_id"].map(lambda r: by_route.get(r, ("bus", default)))
    return pairs.assign(mode=[m for m, _ in info], limit=[x for _, x in info])


def within_catchment(pairs: pd.DataFrame, stops: pd.DataFrame, thresholds: dict) -> pd.DataFrame:
    """Point-stop pairs (``i``, ``stop_id``, ``distance_m``) kept where the walk is within the stop's catchment,
    with ``walk_min`` added; ``stops`` carries ``walk_limit_min``."""
    walk = transit.walk_minutes(pairs["distance_m"].to_numpy(), thresholds["walk_detour_factor"], thresholds["walk_speed_kmh"])
    limit = pairs["stop_id"].map(stops.drop_duplicates("stop_id").set_index("stop_id")["walk_limit_min"]).to_numpy(float)
    return pairs.assign(walk_min=walk)[walk <= limit]


def for_school(near: pd.DataFrame, lines_at: pd.DataFrame, times: pd.DataFrame, start: int, end: int,
               names: dict, stop_names: dict) -> tuple[list[dict], pd.DataFrame]:
    """Lines within their catchment of one school (nearest first) and the day's stop times of those lines there."""
    candidates = near.merge(lines_at, on="stop_id")
    candidates = candidates[candidates["walk_min"] <= candidates["limit"]]
    here = times.merge(candidates[["stop_id", "route_id"]].drop_duplicates(), on=["stop_id", "route_id"])
    per_trip = here.groupby(["route_id", "trip_id"])["t"].agg(["min", "max"])
    before = ((per_trip["max"] >= start - 3600) & (per_trip["min"] <= start)).groupby(level="route_id").sum()
    nearest = candidates.sort_values(["distance_m", "route_id"], kind="stable").drop_duplicates("route_id")
    lines = [{"route_id": r, "name": names.get(r, r), "mode": m, "stop": str(stop_names.get(s, s)),
              "walk_min": max(1, int(round(w))), "walk_limit_min": int(round(x)), "m": int(round(d)),
              "trips_before_bell": int(before.get(r, 0))}
             for r, m, s, w, x, d in zip(nearest["route_id"], nearest["mode"], nearest["stop_id"], nearest["walk_min"],
                                         nearest["limit"], nearest["distance_m"])]
    return sorted(lines, key=lambda line: (line["walk_min"], line["name"])), here


def stop_limits(stops: pd.DataFrame, times: pd.DataFrame | None, routes, thresholds: dict) -> tuple[pd.DataFrame, dict]:
    """Stops with ``walk_limit_min`` (their longest line catchment) and route_id -> (mode, minutes)."""
    by_route = catchments.route_minutes(routes, thresholds)
    limits = catchments.stop_minutes(stops, times, by_route, thresholds["walk_to_stop_minutes"])
    return stops.assign(walk_limit_min=np.asarray(limits, dtype=float)), by_route
