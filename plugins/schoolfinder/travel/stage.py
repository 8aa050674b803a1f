"""Travel-time matrix for a city: H3 origins, every scheduled feed as one network (cached at the pipeline's edge)."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from ..transit import catchments
from ..transit import nearby as transit
from . import matrix as travel
from ..config import CityConfig
from ..contract import UNREACHABLE

TRANSFER_M = 400  # walking transfers between stops of any feed


def travel_times(config: CityConfig, schools: pd.DataFrame, neighborhoods: gpd.GeoDataFrame, metric_crs,
                 day: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> dict:
    """Return origins, school keys and uint8 minutes (walk + transit, walk) arriving by each school's bell.

    Schools without coordinates have no column: they are left out of every travel figure and counted.
    """
    from . import router  # here: numba loads only when a matrix is computed, not when one comes from the cache


    th = config.thresholds
    located = schools[schools["lat"].notna() & schools["lon"].notna()]
    origins = travel.h3_origins(neighborhoods, th["h3_resolution"])
    stops = pd.concat([s.assign(feed=f) for f, (s, _) in sorted(day.items())], ignore_index=True) if day else pd.DataFrame(
        {"feed": [], "stop_id": [], "stop_lat": [], "stop_lon": []})
    stop_index = {(f, str(s)): i for i, (f, s) in enumerate(zip(stops["feed"], stops["stop_id"]))}
    xy = {"origins": transit.project_xy(origins["lon"], origins["lat"], metric_crs),
          "schools": transit.project_xy(located["lon"], located["lat"], metric_crs),
          "stops": transit.project_xy(stops["stop_lon"], stops["stop_lat"], metric_crs)}
    walk = (th["walk_detour_factor"], th["walk_speed_kmh"])
    radius = catchments.radius_m(stops["walk_limit_min"].to_numpy(float) if "walk_limit_min" in stops else th["walk_to_stop_minutes"], th)
    bells = np.array([transit.bell_times(h, th["bell_start"], th["dismissal"])[0] for h in located["school_hours"].fillna("")])
    inputs = {
        "connections": travel.connections({f: t for f, (_, t) in day.items()}, stop_index),
        "footpaths": dict(zip(router.FOOTPATH_FIELDS, travel.links(xy["stops"], xy["stops"], TRANSFER_M, *walk, exclude_self=True))),
        "origin_links": travel.links(xy["origins"], xy["stops"], radius, *walk),
        "school_links": travel.links(xy["schools"], xy["stops"], radius, *walk),
        "walk": travel.direct_walk(xy["origins"], xy["schools"], *walk),
    }
    minutes = _compute(inputs, len(stops), bells, th["max_travel_minutes"])
    return {"origins": origins, "school_keys": located["key"].to_numpy(), "transit": minutes["transit"], "walk": minutes["walk"],
            "bells": bells, "schools_without_location": int(len(schools) - len(located))}


def _compute(inputs: dict, n_stops: int, bells: np.ndarray, max_minutes: float) -> dict[str, np.ndarray]:
    from . import router

    network = router.build_network(inputs["connections"], inputs["footpaths"], n_stops)
    both, walk = travel.matrix_by_bell(network, inputs["origin_links"], inputs["school_links"], inputs["walk"], bells, max_minutes)
    return {"transit": travel.to_uint8(both), "walk": travel.to_uint8(walk)}


def reach_summary(result: dict, neighborhoods: gpd.GeoDataFrame, limit: int) -> dict[str, dict]:
    """Per school: median walk + transit minutes from each neighborhood, and the share of the city within ``limit``."""
    origins = result["origins"]
    names = dict(zip(neighborhoods["nbhd_id"], zip(neighborhoods["name"], neighborhoods["slug"])))
    summary = {}
    for column, key in enumerate(result["school_keys"]):
        minutes = result["transit"][:, column].astype(float)
        minutes[minutes == UNREACHABLE] = np.nan
        by_area = pd.Series(minutes).groupby(origins["nbhd_id"].to_numpy()).median()
        near = sorted((int(m), *names[n]) for n, m in by_area.items() if n in names and m == m and m <= limit)
        summary[key] = {"within": [[name, slug, m] for m, name, slug in near],
                        "share_within": round(100 * float(np.nanmean(minutes <= limit)), 1), "limit": limit}
    return summary


@dataclass
class TravelResult:
    """The travel-time matrix (None without scheduled transit) and, per school key, where families reach it from."""

    matrix: dict | None  # origins, school_keys, transit and walk minutes (uint8, UNREACHABLE = not within the limit)
    reach: dict[str, dict] = field(default_factory=dict)


def run(config: CityConfig, schools: pd.DataFrame, neighborhoods: gpd.GeoDataFrame, metric_crs,
        day: dict[str, tuple[pd.DataFrame, pd.DataFrame]]) -> TravelResult:
    """Minutes from every cell to every school over the scheduled feeds ``day`` (nothing when there are none)."""
    if not day:
        return TravelResult(None)
    matrix = travel_times(config, schools, neighborhoods, metric_crs, day)
    return TravelResult(matrix, reach_summary(matrix, neighborhoods, config.thresholds["reach_minutes"]))
