"""Ratings stage: attach every ratings source's results to the merged schools, and give each school its tier."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..config import CityConfig
from ..ingest import tables as ingest
from ..outputs.safety import clean_controls
from ..problems import Problem
from . import results
from .tiers import school_tier


@dataclass
class RatingsResult:
    """The schools with ``ratings`` (latest first) and ``tier``; counts per ratings source."""

    schools: pd.DataFrame
    counts: dict[str, dict]  # source id -> rows read, attached, excluded (no school), quarantined
    problems: list[Problem] = field(default_factory=list)


def run(config: CityConfig, schools: pd.DataFrame) -> RatingsResult:
    """Read every ratings source of ``config`` and attach its rows to ``schools`` by the directory's ids."""
    by_key: dict[str, list[dict]] = {}
    counts, problems = {}, []
    for source in config.ratings:
        table = ingest.read_table(config.source_path(source["path"]), source)
        shown = [source["rating_column"], source["year_column"], *source["subgroups"].get("columns", {}).values()]
        table = clean_controls(table, [c for c in shown if c], source["path"], problems, ingest.ROW)
        rated, found = results.normalise_ratings(table, source, source["path"])
        problems.extend(found)
        id_to_key = {sid: key for key, ids in zip(schools["key"], schools["ids"]) for src, sid in ids.items()
                     if src == source["directory"]}
        attached, row_fates = results.attach_ratings(rated, source, id_to_key)
        for key, items in attached.items():
            by_key.setdefault(key, []).extend(items)
        counts[source["id"]] = {"kind": "ratings", "file": source["path"], "rows_read": len(table),
                                "attached": int((row_fates == "attached").sum()),
                                "excluded_no_school": int((row_fates == "no_school").sum()),
                                "quarantined": int((row_fates == "quarantined").sum())}
    schools = schools.copy()
    schools["ratings"] = [results.latest_first(by_key.get(key, [])) for key in schools["key"]]
    series_order = list(dict.fromkeys(s["series"] or s["id"] for s in config.ratings))
    schools["tier"] = [school_tier(r, config.tiers, series_order, _no_rating_reason(config, sources))
                       for r, sources in zip(schools["ratings"], schools["sources"])]
    return RatingsResult(schools, counts, problems)


def _no_rating_reason(config: CityConfig, sources: list[str]) -> str:
    labels = list(dict.fromkeys(s["label"] for s in config.ratings if s["directory"] in sources))
    if not labels:
        return "No rating source covers this school."
    return f"{' / '.join(labels)} published no rating for this school."
