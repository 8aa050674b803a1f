"""Student-group results from long files: one row per school × student group, the group named in a column.

``subgroups = { column = "Subgroup", values = { "English Learner" = "english_learners", ... }, tested_column = "N" }``
keeps the rows whose group column holds one of ``values`` apart from the school's own rows. They pass the same
``where`` rules (except the one on the group column), the same ``aggregate`` and the same value reading, and each
becomes the figure for that group on the school's result of the same source and year:
``{value, status, sort, tested}``. A suppressed group figure keeps its marker as published (``value``), is never a
number and has no ``sort``, so it always ranks after every reported figure; a band ranks by its lower end.
"""

from __future__ import annotations

import pandas as pd

from ..ingest import rowfilters
from ..problems import Problem
from . import bands, results
from .values import cell_text, column_text, parse_number

GROUP = "_group"


def split(table: pd.DataFrame, spec: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the school's own rows, the student-group rows with their group id in ``_group``)."""
    if not spec.get("column") or spec["column"] not in table:
        return table, table.iloc[0:0]
    named = {cell_text(k).casefold(): v for k, v in spec["values"].items()}
    group = pd.Series([named.get(v.casefold(), "") for v in column_text(table[spec["column"]])], index=table.index)
    rows = table[group != ""].copy()
    rows[GROUP] = group[group != ""]
    return table[group == ""].reset_index(drop=True), rows.reset_index(drop=True)


def filter_rows(rows: pd.DataFrame, source: dict) -> tuple[pd.DataFrame, list[dict]]:
    """The group rows that pass every ``where`` rule but the one on the group column (which picks the school's row)."""
    rules = [w for w in source["where"] if w["column"] != source["subgroups"]["column"]]
    return rowfilters.apply_filters(rows, rules, source["path"])


def read_rows(rows: pd.DataFrame, source: dict) -> tuple[pd.DataFrame, list[Problem]]:
    """Each group's rows read like the school's (``normalise_ratings``), one group at a time (one row per school)."""
    frames, problems = [], []
    for group, part in rows.groupby(GROUP, sort=True):
        rated, found = results.normalise_ratings(part.reset_index(drop=True), source, source["path"])
        rated[GROUP] = group
        rated["tested"] = column_text(part[source["subgroups"]["tested_column"]]) \
            if source["subgroups"].get("tested_column") else ""
        frames.append(rated)
        problems += found
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()), problems


def attach(rated: pd.DataFrame, by_key: dict[str, list[dict]], source: dict, indexes: dict) -> dict[str, int]:
    """Put each group figure on the school's result of the same source and year; return the rows' fates counted."""
    fates = {"group_figures": 0, "excluded_no_school": 0, "quarantined": 0, "group_without_school_figure": 0}
    for row in rated.to_dict("records") if len(rated) else []:
        if row["_fate"] != "keep":
            fates["quarantined"] += 1
            continue
        _field, key = results.match_school(row, indexes)
        if key is None:
            fates["excluded_no_school"] += 1
            continue
        mine = [r for r in by_key.get(key, []) if r["source"] == source["id"] and r["year"] == row["year"]]
        if not mine:
            fates["group_without_school_figure"] += 1
            continue
        mine[0]["subgroups"][row[GROUP]] = figure(row, source)
        mine[0]["subgroup_measure"] = source["subgroups"].get("measure", "")
        fates["group_figures"] += 1
    return fates


def figure(row: dict, source: dict) -> dict:
    """One group's figure as the subgroup pages read it: reported (number or band), suppressed or not rated."""
    value, status = row["value"], row["status"]
    entry: dict = {"value": value, "rows": row["rows"]}
    if row.get("tested"):
        entry["tested"] = row["tested"]
    if status == "suppressed":
        entry["status"] = "suppressed"  # the marker as published; no sort key: ranks after every figure
    elif status == "not_rated":
        entry["status"] = "not_rated"
    else:
        number = parse_number(value)
        span = bands.interval(value, source.get("range", []), whole=bands.is_whole([value]))
        entry["status"] = "reported"
        entry["sort"] = number if number is not None else (span[0] if span else None)
        if entry["sort"] is None:
            del entry["sort"]
    return entry
