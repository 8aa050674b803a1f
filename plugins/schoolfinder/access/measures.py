"""Access stage: quality schools and seats within reach of every part of the city, and where the deserts are."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely

from ..contract import UNREACHABLE

DEFINITIONS = {
    "transit": "no quality seat within the time limit by walking and transit (CRPE's Denver measure)",
    "walk": "no quality seat within the time limit on foot",
    "choice": "fewer than `choice_min_options` schools of any quality within the time limit by walking and transit",
    "capacity": "fewer than `capacity_min_per_1000` quality seats per 1,000 children within the time limit (E2SFCA)",
}


def cell_polygons(cells: list[str]) -> gpd.GeoDataFrame:
    """H3 cells as WGS84 polygons (h3 gives (lat, lng); shapely wants (x=lng, y=lat))."""
    shapes = [shapely.Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(c)]) for c in cells]
    return gpd.GeoDataFrame({"cell": cells}, geometry=shapes, crs="EPSG:4326")


def reachable(minutes: np.ndarray, limit: float, wanted: np.ndarray, seats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per origin: number of wanted schools, and their seats, within ``limit`` minutes (255 = unreachable)."""
    within = (minutes <= limit) & (minutes != UNREACHABLE) & wanted[None, :]
    return within.sum(axis=1), (within * np.nan_to_num(seats)[None, :]).sum(axis=1)


def cell_access(transit: np.ndarray, walk: np.ndarray, schools: pd.DataFrame, limit: float, band: str,
                quality_rank: int) -> pd.DataFrame:
    """For one grade band: quality schools and seats, and any schools, reachable from each cell within ``limit``."""
    serves = schools["bands"].map(lambda b: band in b).to_numpy(dtype=bool)
    rank = schools["tier"].map(lambda t: t.get("rank") or 99).to_numpy()
    quality = serves & (rank <= quality_rank)
    seats = schools["enrollment"].astype(float).to_numpy()
    n_q, seats_q = reachable(transit, limit, quality, seats)
    n_qw, _ = reachable(walk, limit, quality, seats)
    n_any, _ = reachable(transit, limit, serves, seats)
    return pd.DataFrame({"quality_transit": n_q, "quality_seats_transit": seats_q, "quality_walk": n_qw, "any_transit": n_any})


def is_desert(access: pd.DataFrame, definition: str, choice_min_options: int = 2,
              capacity_min_per_1000: float = 100.0) -> pd.Series:
    """Which cells are deserts under one of the DEFINITIONS."""
    if definition == "transit":
        return access["quality_transit"] == 0
    if definition == "walk":
        return access["quality_walk"] == 0
    if definition == "choice":
        return access["any_transit"] < choice_min_options
    if definition == "capacity":
        return access["seats_per_1000"] < capacity_min_per_1000
    raise ValueError(f"unknown desert definition {definition!r}; use one of {', '.join(DEFINITIONS)}")


def desert_share(children: pd.Series, desert: pd.Series, groups: pd.Series | None = None):
    """Share (0-100) of children living in desert cells, weighted by children: empty cells never count.

    With ``groups`` (e.g. neighborhood per cell) returns a Series per group; NaN where a group has no children.
    """
    frame = pd.DataFrame({"children": children.to_numpy(float), "desert": desert.to_numpy(bool)})
    frame["in_desert"] = frame["children"] * frame["desert"]
    if groups is None:
        total = frame["children"].sum()
        return float("nan") if total == 0 else round(100 * frame["in_desert"].sum() / total, 1)
    sums = frame.groupby(groups.to_numpy())[["children", "in_desert"]].sum()
    return (100 * sums["in_desert"] / sums["children"].where(sums["children"] > 0)).round(1)


def seat_gap(demand: float, quality_seats: float) -> tuple[float, float]:
    """IFF-style seat gap: (demand - quality seats, floored at 0) and service level (seats / demand, in %).

    >>> seat_gap(6383, 1328)
    (5055.0, 20.8)
    """
    gap = max(0.0, float(demand) - float(quality_seats))
    level = round(100 * quality_seats / demand, 1) if demand else float("nan")
    return gap, level
