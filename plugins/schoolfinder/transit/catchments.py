"""Walk catchments per mode: how far families walk to a stop depends on what stops there (bus, tram, rail, ferry)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..problems import ConfigError

# Basic GTFS route_type -> mode; extended types (100-1799) by their hundreds.
BASIC = {0: "tram", 1: "subway", 2: "rail", 3: "bus", 4: "ferry", 5: "cable_tram", 6: "aerial_lift", 7: "funicular",
         11: "trolleybus", 12: "monorail"}
EXTENDED = {1: "rail", 2: "bus", 3: "rail", 4: "subway", 5: "subway", 6: "subway", 7: "bus", 8: "trolleybus", 9: "tram",
            10: "ferry", 11: "aerial_lift", 12: "ferry", 13: "aerial_lift", 14: "funicular", 15: "bus", 16: "bus", 17: "bus"}
# Minutes of walking to a stop of each mode (straight line x walk_detour_factor at walk_speed_kmh).
DEFAULT_MINUTES = {"bus": 10.0, "trolleybus": 10.0, "cable_tram": 10.0, "tram": 15.0, "subway": 20.0, "rail": 20.0,
                   "monorail": 20.0, "ferry": 20.0, "aerial_lift": 20.0, "funicular": 20.0}


def check(by_mode: dict, path) -> None:
    """Fail on an unknown mode or a walk that is not a positive number of minutes."""
    for mode, minutes in by_mode.items():
        if mode not in DEFAULT_MINUTES or isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes <= 0:
            raise ConfigError(f"{path}: [thresholds] walk_to_stop_by_mode.{mode} must be a mode among "
                              f"{', '.join(DEFAULT_MINUTES)} with a positive number of minutes, got {minutes!r}")


def minutes_by_mode(thresholds: dict) -> dict[str, float]:
    """The defaults, overridden by the city's ``walk_to_stop_by_mode``."""
    return {**DEFAULT_MINUTES, **thresholds.get("walk_to_stop_by_mode", {})}


def mode(route_type) -> str:
    """The mode of a GTFS route_type (basic or extended); ``bus`` when unreadable."""
    try:
        number = int(float(route_type))
    except (TypeError, ValueError):
        return "bus"
    return BASIC.get(number) or EXTENDED.get(number // 100, "bus")


def route_minutes(routes: pd.DataFrame | None, thresholds: dict) -> dict[str, tuple[str, float]]:
    """route_id -> (mode, walking minutes of its catchment)."""
    if routes is None:
        return {}
    limits = minutes_by_mode(thresholds)
    types = routes.get("route_type", pd.Series("3", index=routes.index))
    return {str(r): (mode(t), float(limits[mode(t)])) for r, t in zip(routes["route_id"], types)}


def stop_minutes(stops: pd.DataFrame, times: pd.DataFrame | None, by_route: dict, default: float) -> np.ndarray:
    """Per stop: the longest catchment of the lines that call there (``default`` for stops no scheduled line serves)."""
    if times is None or times.empty:
        return np.full(len(stops), float(default))
    served = times[["stop_id", "route_id"]].drop_duplicates()
    served = served.assign(minutes=served["route_id"].astype(str).map(lambda r: by_route.get(r, ("bus", default))[1]))
    longest = served.groupby("stop_id")["minutes"].max()
    return stops["stop_id"].map(longest).fillna(default).to_numpy(float)


def radius_m(minutes, thresholds: dict):
    """Straight-line metres one walks in ``minutes`` (array or number)."""
    return np.asarray(minutes, dtype=float) * thresholds["walk_speed_kmh"] * 1000 / 60 / thresholds["walk_detour_factor"]
