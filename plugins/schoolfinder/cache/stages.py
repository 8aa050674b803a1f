"""The cached stages: each is handed only the columns it reads, and keyed by exactly those, its config sections,
its input files' bytes and the upstream values it uses. A school's new name therefore reuses geo, transit, travel and
access; a school that moves computes them again.

Handing a stage a projection (not the whole schools frame) keeps the key honest: a stage that starts reading a new
column with ``frame[column]`` fails here until the column is added to its list. With the cache off a stage gets the
whole frame, so tests/cache/test_stages.py (cached vs uncached, byte for byte) also catches a ``.get(column)``.
"""

from __future__ import annotations

import pandas as pd

from ..access import stage as access_stage
from ..config import CityConfig
from ..contract import build_date
from ..geo import stage as geo_stage
from ..ratings import stage as ratings_stage
from ..transit import stage as transit_stage
from ..travel import stage as travel_stage
from .store import StageCache

TRANSIT_READS = ["lat", "lon", "school_hours"]
TRAVEL_READS = ["key", "lat", "lon", "school_hours"]
ACCESS_READS = ["key", "bands", "tier", "enrollment", "capacity", "grade_low", "grade_high", "nbhd_id"]
RATINGS_READS = ["key", "ids", "sources", "sector", "grade_set"]  # sector, grades: which sources could rate a school
GEO_READS = ["key", "lat", "lon"]


def columns(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """``frame``'s columns among ``names`` (those it has), same index: what a stage is keyed by."""
    return frame[[n for n in names if n in frame.columns]]


def given(cache: StageCache, frame: pd.DataFrame, keyed: pd.DataFrame) -> pd.DataFrame:
    """What the stage is handed: only the ``keyed`` columns when results are cached, the whole frame otherwise."""
    return keyed if cache.folder else frame


def ratings(cache: StageCache, config: CityConfig, schools: pd.DataFrame) -> ratings_stage.RatingsResult:
    """The ratings stage over the schools' ids and sources; its ``ratings`` and ``tier`` join the full frame."""
    keyed = columns(schools, RATINGS_READS + sorted({f for source in config.ratings for f in source["id_columns"]}))
    reads = {"config": [config.ratings, config.tiers, [(d["id"], d["id_width"]) for d in config.directory]],
             "files": cache.files(config, [r["path"] for r in config.ratings]), "schools": keyed}
    rated = cache.run("ratings", reads, lambda: ratings_stage.run(config, given(cache, schools, keyed)))
    joined = schools.assign(ratings=rated.schools["ratings"].to_numpy(), tier=rated.schools["tier"].to_numpy())
    return ratings_stage.RatingsResult(joined, rated.counts, rated.problems)


def geo(cache: StageCache, config: CityConfig, schools: pd.DataFrame, lead_row: dict, files: dict) -> geo_stage.GeoResult:
    """Neighborhoods, population and each school's neighborhood and map point: from the schools' places (and the
    rows a problem names); the columns it sets (coordinates it drops, ``nbhd_id``, ``map_xy``...) join the full frame."""
    keyed = columns(schools, GEO_READS)
    population = config.population or {}
    names = [config.neighborhoods["path"]] + [population[k] for k in ("areas_path", "table_path") if population.get(k)]
    names += [population["crosswalk"]["path"]] if population.get("crosswalk") else []
    reads = {"config": [config.neighborhoods, config.population, config.thresholds], "files": cache.files(config, names),
             "schools": keyed, "rows": [lead_row, files]}
    placed = cache.run("geo", reads, lambda: geo_stage.run(config, given(cache, schools, keyed), lead_row, files))
    joined = schools.copy()
    for column in placed.schools.columns:
        joined[column] = placed.schools[column]
    return geo_stage.GeoResult(joined, placed.neighborhoods, placed.crosswalk, placed.population, placed.population_files,
                               placed.problems)


def transit(cache: StageCache, config: CityConfig, schools: pd.DataFrame, metric_crs) -> transit_stage.TransitResult:
    """GTFS preparation and each school's transit facts: from the feeds' bytes, the schools' places and bell hours."""
    keyed = columns(schools, TRANSIT_READS)
    reads = {"config": [config.gtfs, config.thresholds], "files": cache.files(config, [g["path"] for g in config.gtfs]),
             "schools": keyed, "crs": metric_crs, "date": build_date()}
    return cache.run("transit", reads, lambda: transit_stage.run(config, given(cache, schools, keyed), metric_crs))


def travel(cache: StageCache, config: CityConfig, schools: pd.DataFrame, neighborhoods, metric_crs,
           day: dict) -> travel_stage.TravelResult:
    """The travel-time matrix: from school places and bells, neighborhood shapes and names, the service day."""
    keyed, areas = columns(schools, TRAVEL_READS), columns(neighborhoods, ["nbhd_id", "name", "slug", "geometry"])
    reads = {"config": config.thresholds, "schools": keyed, "neighborhoods": areas, "crs": metric_crs, "day": day}
    return cache.run("travel", reads, lambda: travel_stage.run(config, given(cache, schools, keyed),
                                                                given(cache, neighborhoods, areas), metric_crs, day))


def access(cache: StageCache, config: CityConfig, schools: pd.DataFrame, neighborhoods, matrix: dict | None, metric_crs,
           crosswalk, files) -> access_stage.AccessResult:
    """Deserts and seats per 1,000: from the matrix, the schools' bands, tiers and seats, and the population files."""
    keyed, areas = columns(schools, ACCESS_READS), columns(neighborhoods, ["nbhd_id", "geometry"])
    reads = {"config": [config.access, config.tiers, config.thresholds, config.population], "schools": keyed,
             "neighborhoods": areas, "matrix": matrix, "crs": metric_crs, "crosswalk": crosswalk, "population": files}
    return cache.run("access", reads, lambda: access_stage.run(config, given(cache, schools, keyed),
                                                                given(cache, neighborhoods, areas), matrix, metric_crs,
                                                                crosswalk, files))
