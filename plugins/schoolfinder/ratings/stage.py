"""Ratings stage: attach every ratings source's results to the merged schools, and give each school its tier."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..config import CityConfig
from ..directory import joins
from ..ingest import rowfilters
from ..ingest import tables as ingest
from ..outputs.safety import clean_controls
from ..problems import Problem
from . import coverage, groups, results
from .aggregate import aggregate
from .values import column_text
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
        rows_read = len(table)
        table, group_rows = groups.split(table, source["subgroups"])  # long files: one row per student group
        table, filtered = rowfilters.apply_filters(table, source["where"], source["path"])
        width = next(d["id_width"] for d in config.directory if d["id"] == source["directory"])
        table, merged = _prepare(table, source, width, [], problems)
        rated, found = results.normalise_ratings(table, source, source["path"])
        problems.extend(found)
        indexes = id_indexes(schools, source, width)
        attached, row_fates = results.attach_ratings(rated, source, indexes)
        group_fates = {}
        if len(group_rows):
            group_rows, group_filtered = groups.filter_rows(group_rows, source)
            filtered = _add_filter_counts(filtered, group_filtered)
            group_rows, group_merged = _prepare(group_rows, source, width, [groups.GROUP], problems)
            merged += group_merged
            group_rated, found = groups.read_rows(group_rows, source)
            problems.extend(found)
            group_fates = groups.attach(group_rated, attached, source, indexes)
        excluded_filter = sum(f["excluded"] for f in filtered)
        for key, items in attached.items():
            by_key.setdefault(key, []).extend(items)
        joins.check_join(source["path"], source["school_id_column"], int((row_fates != "quarantined").sum()),
                         int(row_fates.isin(["attached", "suppressed"]).sum()), rated.loc[row_fates == "no_school", "school_id"].tolist(),
                         list(indexes["school_id"]), source["allow_no_match"], problems)
        counts[source["id"]] = {"kind": "ratings", "file": source["path"], "rows_read": rows_read,
                                "attached": int((row_fates == "attached").sum()),
                                "excluded_no_school": int((row_fates == "no_school").sum()),
                                "quarantined": int((row_fates == "quarantined").sum())}
        if merged:  # rows folded into another school's figure by `aggregate`
            counts[source["id"]]["aggregated"] = merged
        if (row_fates == "suppressed").any():  # attached, shown as published, never a number or a tier
            counts[source["id"]]["suppressed"] = int((row_fates == "suppressed").sum())
        if source["where"]:
            counts[source["id"]].update(excluded_filter=excluded_filter, filters=filtered)
        counts[source["id"]]["sectors"] = coverage.sector_counts(schools, set(attached))  # who the source covers
        for fate, n in group_fates.items():  # student-group rows: a group's figure on the school's result, or why not
            if n or fate == "group_figures":
                counts[source["id"]][fate] = counts[source["id"]].get(fate, 0) + n
    schools = schools.copy()
    schools["ratings"] = [results.latest_first(by_key.get(key, [])) for key in schools["key"]]
    series_order = list(dict.fromkeys(s["series"] or s["id"] for s in config.ratings))
    schools["tier"] = [_with_reasons(school_tier(school["ratings"], config.tiers, series_order, ""), school, config, counts)
                       for school in schools.to_dict("records")]
    return RatingsResult(schools, counts, problems)


def _with_reasons(tier: dict, school: dict, config: CityConfig, counts: dict) -> dict:
    """A school with no result learns why, per source that could have had one (``gaps``, ``reason``)."""
    if tier["status"] != "no_rating":
        return tier
    mine = [s for s in config.ratings if s["directory"] in school["sources"]]
    found = coverage.gaps(school, mine, counts)
    return {**tier, "reason": coverage.reason_text(found), "gaps": found}


def _prepare(table: pd.DataFrame, source: dict, width: int, keys: list[str], problems: list[Problem]) -> tuple[pd.DataFrame, int]:
    """Ids in the directory's canonical form, rows aggregated (per school, year and ``keys``), shown text cleaned."""
    id_cols = [source["school_id_column"], *source["id_columns"].values()]
    for column in id_cols:
        if column in table:
            table[column] = [joins.pad_id(v, width) for v in column_text(table[column])]
    table, merged = aggregate(table, source, [c for c in id_cols if c in table] + keys)
    shown = [source["rating_column"], source["year_column"], *source["subgroups"].get("columns", {}).values()]
    return clean_controls(table, [c for c in shown if c], source["path"], problems, ingest.ROW), merged


def _add_filter_counts(filters: list[dict], more: list[dict]) -> list[dict]:
    extra = {f["rule"]: f["excluded"] for f in more}
    return [{**f, "excluded": f["excluded"] + extra.get(f["rule"], 0)} for f in filters]


def id_indexes(schools: pd.DataFrame, source: dict, width: int) -> dict[str, dict[str, str]]:
    """{id field: {canonical id: school key}} in the order ids are tried: the directory source's ``school_id``,
    then each field of ``id_columns`` as the merged directory knows it (``state_id``, ``nces_id``)."""
    indexes = {"school_id": {sid: key for key, ids in zip(schools["key"], schools["ids"]) for src, sid in ids.items()
                             if src == source["directory"]}}
    for id_field in source["id_columns"]:
        known = schools[id_field] if id_field in schools else pd.Series([], dtype=object)
        indexes[id_field] = {joins.pad_id(v, width): key for key, v in zip(schools["key"], column_text(known)) if v}
    return indexes
