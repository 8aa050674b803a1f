"""Desert measures for a city: children per H3 cell and band, reachable quality seats, shares per neighborhood."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from . import e2sfca
from . import measures as access
from ..geo import population
from ..config import CityConfig
from ..geo.neighborhoods import allocate_by_area


def band_children(config: CityConfig, files: population.PopulationFiles) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """Small areas, their children per band (columns elementary, middle, high; row-aligned), and the same by area id."""
    by_id = population.band_counts(config, files.table)
    ids = files.areas[config.population["area_id_field"]].astype(str)
    return files.areas, by_id.reindex(ids, fill_value=0.0).reset_index(drop=True), by_id


def deserts(config: CityConfig, schools: pd.DataFrame, neighborhoods: gpd.GeoDataFrame, travel: dict, metric_crs,
            crosswalk: pd.DataFrame | None, files: population.PopulationFiles) -> dict:
    """Per cell and per neighborhood, for each band and time limit: quality access and the desert share.

    Children per cell always come from area weighting; children per neighborhood (shown next to the shares, and
    the seat-gap demand) come from the crosswalk when the city has one, else from area weighting too.
    """
    rules = config.access
    quality_rank = 1 + [t["id"] for t in config.tiers].index(rules["quality_tier"])
    located = schools.set_index("key").loc[list(travel["school_keys"])].reset_index()
    origins = travel["origins"]
    cells = access.cell_polygons(origins["cell"].tolist()).assign(nbhd_id=origins["nbhd_id"].to_numpy())
    areas, per_area, by_id = band_children(config, files)
    children = allocate_by_area(areas, per_area, cells, "cell", metric_crs)
    shown, demand = _neighborhood_children(areas, per_area, by_id, children, cells, neighborhoods, crosswalk, metric_crs)
    limits = sorted(set(config.thresholds["travel_minutes"]) | {rules["minutes"]})
    by_band, cell_rows = {}, {}
    seats, seats_from = e2sfca.seats(located)
    for band in per_area.columns:
        by_limit = {}
        quality_seats = np.where(_quality(located, band, quality_rank), e2sfca.band_seats(located, seats, band), 0.0)
        for limit in limits:
            reach = access.cell_access(travel["transit"], travel["walk"], located, limit, band, quality_rank)
            reach["seats_per_1000"] = e2sfca.seats_per_1000(travel["transit"], limit, quality_seats, children[band].to_numpy())
            desert = access.is_desert(reach, rules["definition"], rules["choice_min_options"], rules["capacity_min_per_1000"])
            by_limit[limit] = {"city": access.desert_share(children[band], desert),
                               "areas": access.desert_share(children[band], desert, cells["nbhd_id"]).to_dict(),
                               "seats_per_1000": e2sfca.typical(reach["seats_per_1000"], children[band]),
                               "seats_per_1000_areas": e2sfca.typical(reach["seats_per_1000"], children[band],
                                                                      cells["nbhd_id"]).to_dict()}
            if limit == rules["minutes"]:
                cell_rows[band] = reach.assign(desert=desert.to_numpy(), children=children[band].to_numpy())
        by_band[band] = by_limit
    return {"cells": cells, "cell_rows": cell_rows, "shares": by_band, "limits": limits,
            "gaps": _seat_gaps(schools, neighborhoods, demand, quality_rank),
            "children": {band: shown[band].round().to_dict() for band in per_area}, "seats_from": seats_from}


def _quality(schools: pd.DataFrame, band: str, quality_rank: int) -> np.ndarray:
    """Which schools serve the band and are rated at or above the quality tier."""
    serves = schools["bands"].map(lambda b: band in b).to_numpy(dtype=bool)
    return serves & (schools["tier"].map(lambda t: t.get("rank") or 99).to_numpy() <= quality_rank)


def _neighborhood_children(areas, per_area, by_id, children, cells, neighborhoods, crosswalk, metric_crs):
    """Children per neighborhood and band: (shown next to the shares, seat-gap demand); both from the crosswalk if any.

    Without a crosswalk, the figure shown is the sum over the neighborhood's cells (what the shares weigh) and the
    demand is the small areas weighted onto the neighborhood polygons.
    """
    if crosswalk is not None:
        exact = population.by_crosswalk(by_id, crosswalk).reindex(neighborhoods["nbhd_id"], fill_value=0.0)
        return exact, exact
    return (children.groupby(cells["nbhd_id"].to_numpy()).sum(),
            allocate_by_area(areas, per_area, neighborhoods, "nbhd_id", metric_crs))


def _seat_gaps(schools, neighborhoods, demands, quality_rank) -> dict:
    """IFF-style: children per band in each neighborhood against quality seats located there."""
    gaps = {}
    for band in demands.columns:
        demand = demands[band]
        quality = schools[schools["bands"].map(lambda b: band in b) & schools["tier"].map(lambda t: (t.get("rank") or 99) <= quality_rank)]
        seats = quality.groupby("nbhd_id")["enrollment"].sum()
        gaps[band] = {n: dict(zip(("gap", "service_level"), access.seat_gap(demand.get(n, 0), seats.get(n, 0)))) | {
            "demand": round(float(demand.get(n, 0))), "quality_seats": int(seats.get(n, 0))} for n in neighborhoods["nbhd_id"]}
    return gaps


@dataclass
class AccessResult:
    """Desert measures per cell and neighborhood (None when the city sets no quality tier or population bands)."""

    deserts: dict | None


def run(config: CityConfig, schools: pd.DataFrame, neighborhoods: gpd.GeoDataFrame, travel: dict | None, metric_crs,
        crosswalk: pd.DataFrame | None, files: population.PopulationFiles | None) -> AccessResult:
    """Desert measures for ``schools`` over the ``travel`` matrix, when the city configures them."""
    wanted = travel and config.access["quality_tier"] and config.population and config.population["bands"]
    return AccessResult(deserts(config, schools, neighborhoods, travel, metric_crs, crosswalk, files) if wanted else None)
