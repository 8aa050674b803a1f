"""Travel-time stage: minutes from every H3 cell of the city to every school, walking and by walk + transit."""

from __future__ import annotations


import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely

from ..contract import UNREACHABLE, WGS84
from ..transit import nearby as transit



def h3_origins(neighborhoods: gpd.GeoDataFrame, resolution: int) -> pd.DataFrame:
    """H3 cells covering the city (cell centres inside it), with their centre and neighborhood id."""
    cells = sorted(h3.geo_to_cells(neighborhoods.union_all().__geo_interface__, resolution))
    centres = np.array([h3.cell_to_latlng(c) for c in cells]).reshape(-1, 2)
    points = gpd.GeoDataFrame({"cell": cells}, geometry=gpd.points_from_xy(centres[:, 1], centres[:, 0]), crs=WGS84)
    joined = gpd.sjoin(points, neighborhoods[["nbhd_id", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated()]
    return pd.DataFrame({"cell": cells, "lat": centres[:, 0], "lon": centres[:, 1], "nbhd_id": joined["nbhd_id"].fillna("").to_numpy()})


def connections(day_times: dict[str, pd.DataFrame], stop_index: dict[tuple[str, str], int]) -> dict[str, np.ndarray]:
    """Vehicle hops between consecutive stops of each trip, from every feed's stop times of the day."""
    from . import router  # here: numba loads only when a matrix is computed, not when one comes from the cache

    parts = []
    for feed_id, times in sorted(day_times.items()):
        times = times.sort_values(["trip_id", "stop_sequence"], kind="stable")
        stops = np.array([stop_index[(feed_id, s)] for s in times["stop_id"].astype(str)], dtype=np.int64)
        t = times["t"].to_numpy(dtype=np.int64)
        trips = (feed_id + ":" + times["trip_id"].astype(str)).to_numpy()
        same = trips[1:] == trips[:-1]
        parts.append((stops[:-1][same], stops[1:][same], t[:-1][same], t[1:][same], trips[:-1][same]))
    columns = [np.concatenate(c) for c in zip(*parts)] if parts else [np.array([], dtype=np.int64)] * 5
    columns[4] = pd.factorize(columns[4])[0].astype(np.int64)  # trip ids as integers for the router
    return dict(zip(router.CONNECTION_FIELDS, columns))


def links(points_xy: np.ndarray, stops_xy: np.ndarray, radius_m, detour: float, speed_kmh: float,
          exclude_self: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse (point, stop, walk seconds) pairs within ``radius_m`` straight-line metres (one number, or one per stop)."""
    radius = np.broadcast_to(np.asarray(radius_m, dtype=float), (len(stops_xy),))
    tree = shapely.STRtree(shapely.points(stops_xy))
    i, j = tree.query(shapely.points(points_xy), predicate="dwithin", distance=float(radius.max()) if len(radius) else 0.0)
    metres = np.hypot(*(points_xy[i] - stops_xy[j]).T).reshape(-1)
    keep = (metres <= radius[j]) & ((i != j) if exclude_self else True)
    i, j, metres = i[keep], j[keep], metres[keep]
    return i, j, np.ceil(transit.walk_minutes(metres, detour, speed_kmh) * 60).astype(np.int64)


def direct_walk(origins_xy: np.ndarray, schools_xy: np.ndarray, detour: float, speed_kmh: float) -> np.ndarray:
    """Walk-only seconds from every origin to every school (straight line x detour at walking speed)."""
    metres = np.hypot(origins_xy[:, None, 0] - schools_xy[None, :, 0], origins_xy[:, None, 1] - schools_xy[None, :, 1])
    return transit.walk_minutes(metres, detour, speed_kmh) * 60


def matrix_by_bell(network, origin_links, school_links, walk_seconds: np.ndarray, bells: np.ndarray,
                   max_minutes: float) -> tuple[np.ndarray, np.ndarray]:
    """Run the router once per distinct bell time and assemble origin x school minutes (walk + transit, walk)."""
    from . import router

    both = np.full(walk_seconds.shape, np.nan, dtype=np.float32)
    walk = np.full(walk_seconds.shape, np.nan, dtype=np.float32)
    rows, stops, secs = school_links
    for bell in np.unique(bells):
        columns = np.flatnonzero(bells == bell)
        position = {c: k for k, c in enumerate(columns)}
        keep = np.isin(rows, columns)
        sub_links = (np.array([position[r] for r in rows[keep]], dtype=np.int64), stops[keep], secs[keep])
        t, w = router.travel_matrix(network, origin_links, sub_links, walk_seconds[:, columns], int(bell), max_minutes)
        both[:, columns], walk[:, columns] = t, w
    return both, walk


def to_uint8(minutes: np.ndarray) -> np.ndarray:
    """Whole minutes rounded up, 255 where unreachable: compact for the site and for caching."""
    return np.where(np.isfinite(minutes), np.minimum(np.ceil(minutes), UNREACHABLE - 1), UNREACHABLE).astype(np.uint8)
