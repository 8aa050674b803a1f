"""Desert measures for a city: children per H3 cell and band, reachable quality seats, shares per neighborhood."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from . import access, ingest
from .config import CityConfig
from .geo import allocate_by_area


def band_children(config: CityConfig) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Small areas and their children per band (columns elementary, middle, high), from the population source."""
    spec = config.population
    areas = gpd.read_file(config.source_path(spec["areas_path"]))
    table = ingest.read_table(config.source_path(spec["table_path"]),
                              {"path": spec["table_path"], "encoding": spec["encoding"], "skip_rows": spec["skip_rows"]})
    columns = sorted({c for weights in spec["bands"].values() for c in weights})
    ingest.require_columns(table, [spec["table_id_column"], *columns], spec["table_path"])
    values = table[columns].apply(pd.to_numeric, errors="coerce").fillna(0)
    per_area = pd.DataFrame({band: sum(values[c] * w for c, w in weights.items()) for band, weights in spec["bands"].items()})
    per_area.index = table[spec["table_id_column"]].astype(str)
    per_area = per_area.groupby(level=0).sum()
    ids = areas[spec["area_id_field"]].astype(str)
    return areas, per_area.reindex(ids, fill_value=0.0).reset_index(drop=True)


def deserts(config: CityConfig, schools: pd.DataFrame, neighborhoods: gpd.GeoDataFrame, travel: dict, metric_crs) -> dict:
    """Per cell and per neighborhood, for each band and time limit: quality access and the desert share."""
    rules = config.access
    quality_rank = 1 + [t["id"] for t in config.tiers].index(rules["quality_tier"])
    located = schools.set_index("key").loc[list(travel["school_keys"])].reset_index()
    origins = travel["origins"]
    cells = access.cell_polygons(origins["cell"].tolist()).assign(nbhd_id=origins["nbhd_id"].to_numpy())
    areas, per_area = band_children(config)
    children = allocate_by_area(areas, per_area, cells, "cell", metric_crs)
    limits = sorted(set(config.thresholds["travel_minutes"]) | {rules["minutes"]})
    by_band, cell_rows = {}, {}
    for band in per_area.columns:
        by_limit = {}
        for limit in limits:
            reach = access.cell_access(travel["transit"], travel["walk"], located, limit, band, quality_rank)
            desert = access.is_desert(reach, rules["definition"], rules["choice_min_options"])
            by_limit[limit] = {"city": access.desert_share(children[band], desert),
                               "areas": access.desert_share(children[band], desert, cells["nbhd_id"]).to_dict()}
            if limit == rules["minutes"]:
                cell_rows[band] = reach.assign(desert=desert.to_numpy(), children=children[band].to_numpy())
        by_band[band] = by_limit
    return {"cells": cells, "cell_rows": cell_rows, "shares": by_band, "limits": limits,
            "gaps": _seat_gaps(located, schools, neighborhoods, per_area, areas, quality_rank, metric_crs),
            "children": {band: children[band].groupby(cells["nbhd_id"].to_numpy()).sum().round().to_dict() for band in per_area}}


def _seat_gaps(located, schools, neighborhoods, per_area, areas, quality_rank, metric_crs) -> dict:
    """IFF-style: children per band in each neighborhood against quality seats located there."""
    demands = allocate_by_area(areas, per_area, neighborhoods, "nbhd_id", metric_crs)
    gaps = {}
    for band in per_area.columns:
        demand = demands[band]
        quality = schools[schools["bands"].map(lambda b: band in b) & schools["tier"].map(lambda t: (t.get("rank") or 99) <= quality_rank)]
        seats = quality.groupby("nbhd_id")["enrollment"].sum()
        gaps[band] = {n: dict(zip(("gap", "service_level"), access.seat_gap(demand.get(n, 0), seats.get(n, 0)))) | {
            "demand": round(float(demand.get(n, 0))), "quality_seats": int(seats.get(n, 0))} for n in neighborhoods["nbhd_id"]}
    return gaps
