"""The whole pipeline as a table of contents: one line per stage, in the order they run.

directory (ingest, validate, match, merge) -> ratings -> geo (neighborhoods, population, shapes) -> transit -> travel
-> access (deserts) -> the finished schools. Writing files is the outputs stage's job (outputs/processed.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from .cache import stages as cached
from .cache.store import StageCache
from .config import CityConfig
from .directory import stage as directory_stage
from .directory.slugs import unique_slugs
from .problems import DataError, Problem
from .ratings.grades import school_bands
from .transit import stage as transit_stage
from .travel import stage as travel_stage


@dataclass
class BuildResult:
    """Everything the site needs: schools, neighborhoods, problems and the count reconciliation."""

    config: CityConfig
    schools: pd.DataFrame
    neighborhoods: gpd.GeoDataFrame
    problems: list[Problem] = field(default_factory=list)
    reconciliation: dict = field(default_factory=dict)
    candidates: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    feeds: list[dict] = field(default_factory=list)
    travel: dict | None = None
    access: dict | None = None
    stops: list[dict] = field(default_factory=list)
    population: dict | None = None  # how children per neighborhood were counted, and what was left out
    row_fates: list[dict] = field(default_factory=list)  # every directory row: source, row, fate (for tests and audits)


def run(config: CityConfig, cache: StageCache | None = None) -> BuildResult:
    """Run every stage for one city and return the processed data (no files written).

    With ``cache`` (a folder), each directory file's reading and validation, ratings, geo, transit, travel and access
    reuse a stored result when what they read is unchanged (cache/stages.py); the result is the same either way.
    """
    cache = cache or StageCache(None)
    directory = directory_stage.run(config, cache)
    rated = cached.ratings(cache, config, directory.schools)
    placed = cached.geo(cache, config, rated.schools, directory.lead_row, directory.files)
    metric = placed.neighborhoods.estimate_utm_crs()
    transit = cached.transit(cache, config, placed.schools, metric)
    schools = with_transit(placed.schools, transit)
    travel = cached.travel(cache, config, schools, placed.neighborhoods, metric, transit.day)
    schools = with_reach_and_bands(schools, travel)
    access = cached.access(cache, config, schools, placed.neighborhoods, travel.matrix, metric, placed.crosswalk,
                           placed.population_files)
    problems = directory.problems + rated.problems + placed.problems + transit.problems
    counts = directory.counts | rated.counts
    guard_quarantine(counts, problems, config.thresholds["max_quarantine_share"])
    return BuildResult(config, finished(schools), placed.neighborhoods, problems, reconcile(counts),
                       directory.candidates, directory.conflicts, directory.excluded, transit.feeds, travel.matrix,
                       access.deserts, transit.stops(), placed.population, directory.row_fates)


def with_transit(schools: pd.DataFrame, transit: transit_stage.TransitResult) -> pd.DataFrame:
    """``schools`` with each one's transit facts."""
    return schools.assign(transit=transit.per_school)


def with_reach_and_bands(schools: pd.DataFrame, travel: travel_stage.TravelResult) -> pd.DataFrame:
    """``schools`` with where families reach each one from, and the grade bands it serves."""
    schools = schools.copy()
    schools["reach"] = [travel.reach.get(k) for k in schools["key"]]
    schools["bands"] = [school_bands(r) for r in schools[["grade_low", "grade_high", "grade_set"]].to_dict("records")]
    return schools


def finished(schools: pd.DataFrame) -> pd.DataFrame:
    """Give every school its page slug and put them in slug order, the order of every output."""
    schools = schools.assign(slug=unique_slugs(schools["name"].tolist(), schools["school_id"].tolist()))
    return schools.sort_values("slug", kind="stable").reset_index(drop=True)


def guard_quarantine(counts: dict, problems: list[Problem], limit: float) -> None:
    """Fail when a source's quarantined share of its rows (after row filters) is above ``limit``."""
    for count in counts.values():
        considered = count["rows_read"] - count.get("excluded_filter", 0)
        if considered and count["quarantined"] / considered > limit:
            reasons = Counter(p.code for p in problems if p.severity == "QUARANTINE" and p.file == count["file"])
            top = ", ".join(f"{code} x{n}" for code, n in reasons.most_common(3))
            raise DataError(Problem("FAIL", "QUARANTINE_SHARE", count["file"], None, "",
                                    f"{count['quarantined']} of {considered} rows quarantined ({count['quarantined'] / considered:.0%}, "
                                    f"more than thresholds.max_quarantine_share = {limit:.0%}); most common: {top}"))


def reconcile(counts: dict) -> dict:
    """Check rows read = published + merged + excluded + quarantined for every source; fail otherwise."""
    for source_id, count in counts.items():
        parts = {k: v for k, v in count.items() if k not in ("kind", "file", "rows_read") and isinstance(v, int)
                 and not isinstance(v, bool)}
        count["balanced"] = sum(parts.values()) == count["rows_read"]
        if not count["balanced"]:
            raise DataError(Problem("FAIL", "RECONCILIATION", count["file"], None, "",
                                    f"{count['rows_read']} rows read but {parts} accounted for"))
    return counts
