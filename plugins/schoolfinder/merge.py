"""Merge stage: one record per school across directory sources, with the source of every field."""

from __future__ import annotations

import pandas as pd

from .ingest import ROW, SOURCE

MERGED_FIELDS = (
    "name", "short_name", "sector", "operator", "grade_low", "grade_high", "grades", "address", "city", "zip",
    "phone", "website", "lat", "lon", "state_id", "nces_id", "programs", "special_ed", "el_supports",
)


def group_matches(rows: pd.DataFrame, match_on: dict[str, list[str]]) -> list[list[int]]:
    """Group row positions that describe the same school.

    Two rows match when they share a non-empty value of a field that both of
    their sources list in ``match_on`` (source id -> fields). Groups are
    returned in order of their first row, rows in input order.
    """
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[tuple[str, str], int] = {}
    sources = rows[SOURCE].tolist()
    for field in ("school_id", "state_id", "nces_id"):
        if field not in rows:
            continue
        for i, value in enumerate(rows[field].tolist()):
            if not value or field not in match_on[sources[i]]:
                continue
            j = first_seen.setdefault((field, value), i)
            if j != i and field in match_on[sources[j]]:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def merge_sources(rows: pd.DataFrame, source_order: list[str], match_on: dict[str, list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge validated rows (``_fate == 'keep'``) of all sources into one directory.

    Fields come from the first source in ``source_order`` that has a value.
    Returns (schools, fates): one row per school, and for every input row
    whether it was ``published`` or ``merged`` into another source's row.
    """
    rank = {source: i for i, source in enumerate(source_order)}
    rows = rows.assign(_rank=rows[SOURCE].map(rank)).sort_values(["_rank", ROW], kind="stable").reset_index(drop=True)
    records = rows.to_dict("records")
    schools, fates = [], []
    for group in group_matches(rows, match_on):
        members = [records[i] for i in group]
        schools.append(_merge_group(members))
        for position, member in enumerate(members):
            fates.append({SOURCE: member[SOURCE], ROW: member[ROW], "fate": "published" if position == 0 else "merged",
                          "school_key": schools[-1]["key"]})
    return pd.DataFrame.from_records(schools), pd.DataFrame.from_records(fates)


def _merge_group(members: list[dict]) -> dict:
    lead = members[0]
    school = {"key": f"{lead[SOURCE]}:{lead['school_id']}", "school_id": lead["school_id"],
              "ids": {m[SOURCE]: m["school_id"] for m in reversed(members)},
              "sources": list(dict.fromkeys(m[SOURCE] for m in members)), "field_sources": {}}
    for field in MERGED_FIELDS:
        value, origin = None, None
        for member in members:
            candidate = member.get(field)
            if _has_value(candidate):
                value, origin = candidate, member[SOURCE]
                break
        school[field] = value if value is not None else _empty(field)
        if origin:
            school["field_sources"][field] = origin
    return school


def _has_value(value) -> bool:
    if value is None:
        return False
    if isinstance(value, float):
        return value == value  # not NaN
    return bool(value) or value == 0


def _empty(field: str):
    if field in ("programs", "special_ed", "el_supports"):
        return []
    if field in ("lat", "lon", "grade_low", "grade_high"):
        return None
    return ""
