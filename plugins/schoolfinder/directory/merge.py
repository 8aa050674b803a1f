"""Merge stage: one record per school across directory sources, with the source of every field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..config import LIST_FIELDS
from ..ingest.tables import ROW, SOURCE
from .match import fuzzy_candidates, match_by_ids, name_key

MERGED_FIELDS = (
    "name", "short_name", "sector", "operator", "grade_low", "grade_high", "grades", "grade_set", "ungraded", "address", "city", "zip",
    "phone", "website", "lat", "lon", "state_id", "nces_id", "programs", "special_ed", "el_supports",
    "enrollment", "capacity", "count_swd", "count_el", "count_low_income", "suspensions_per_100", "expulsions_per_100",
    "how_to_apply", "application_url", "application_deadline", "entry_grades", "midyear_entry", "school_hours",
    "transit_bus", "transit_rail", "school_type", "admission", "admission_text", "common_application",
    "common_application_name", "common_application_url", "before_care_from", "before_care_text", "after_care_until", "after_care_text", "languages_taught", "description",
    "outcomes",
)
DERIVED_FIELDS = ("grade_set", "ungraded")  # parts of "grades": their source is the source of "grades"
CONFLICT_FIELDS = ("name", "sector", "grades", "address", "zip", "phone", "website")


@dataclass
class MergeRules:
    """How sources combine: order of precedence, per-field overrides, matching options."""

    source_order: list[str]
    match_on: dict[str, list[str]]
    field_precedence: dict[str, list[str]] = field(default_factory=dict)
    crosswalk: list[list[tuple[str, str]]] = field(default_factory=list)
    exclude_unmatched: set[str] = field(default_factory=set)
    fuzzy_distance_m: float = 150.0
    fuzzy_similarity: float = 0.85
    fuzzy_accept: bool = False


@dataclass
class MergeResult:
    """Merged schools, the fate of every input row, match candidates for review, and conflicts."""

    schools: pd.DataFrame
    fates: pd.DataFrame
    candidates: list[dict]
    conflicts: list[dict]
    excluded: list[dict]


def merge_sources(rows: pd.DataFrame, rules: MergeRules) -> MergeResult:
    """Merge validated rows of all sources into one directory.

    Fields come from the first source (in ``source_order``, or in
    ``field_precedence[field]`` for that field) that has a value. Rows of a
    source in ``exclude_unmatched`` that match no other source's row are
    excluded (they only confirm or correct schools the other sources list).
    """
    rank = {source: i for i, source in enumerate(rules.source_order)}
    rows = rows.assign(_rank=rows[SOURCE].map(rank)).sort_values(["_rank", ROW], kind="stable").reset_index(drop=True)
    groups = match_by_ids(rows, rules.match_on, rules.crosswalk)
    found = fuzzy_candidates(rows, groups, rules.fuzzy_distance_m, rules.fuzzy_similarity)
    if rules.fuzzy_accept:
        for i, j, _score, _dist in found:
            groups.union(i, j)
    records = rows.astype(object).to_dict("records")  # object first: Arrow-backed strings box one by one
    schools, fates, conflicts, excluded = [], [], [], []
    for group in groups.lists():
        members = [records[i] for i in group]
        if all(m[SOURCE] in rules.exclude_unmatched for m in members):
            fates += [_fate(m, "excluded_unmatched", "") for m in members]
            excluded += [{"kind": "excluded_unmatched", "source_a": m[SOURCE], "row_a": m[ROW], "id_a": m["school_id"],
                          "name_a": m["name"]} for m in members]
            continue
        school, school_conflicts = _merge_group(members, rules)
        schools.append(school)
        conflicts += school_conflicts
        fates += [_fate(m, "published" if k == 0 else "merged", school["key"]) for k, m in enumerate(members)]
    candidates = [] if rules.fuzzy_accept else [_candidate(records[i], records[j], s, d) for i, j, s, d in found]
    return MergeResult(pd.DataFrame.from_records(schools), pd.DataFrame.from_records(fates), candidates, conflicts, excluded)


def _fate(member: dict, fate: str, key: str) -> dict:
    return {SOURCE: member[SOURCE], ROW: member[ROW], "fate": fate, "school_key": key}


def _candidate(a: dict, b: dict, score: float, distance: float) -> dict:
    return {"kind": "match_candidate", "source_a": a[SOURCE], "row_a": a[ROW], "id_a": a["school_id"], "name_a": a["name"],
            "source_b": b[SOURCE], "row_b": b[ROW], "id_b": b["school_id"], "name_b": b["name"],
            "name_similarity": score, "distance_m": None if distance != distance else round(distance)}


def _merge_group(members: list[dict], rules: MergeRules) -> tuple[dict, list[dict]]:
    lead = members[0]
    school = {"key": f"{lead[SOURCE]}:{lead['school_id']}", "school_id": lead["school_id"],
              "ids": {m[SOURCE]: m["school_id"] for m in reversed(members)},
              "sources": list(dict.fromkeys(m[SOURCE] for m in members)), "field_sources": {}}
    if len(members) == 1:  # most schools come from one row: no ordering, no conflicts to look for
        source = lead[SOURCE]
        for name in MERGED_FIELDS:
            value = lead.get(name)
            if _has_value(value):
                school[name] = value
                if name not in DERIVED_FIELDS:
                    school["field_sources"][name] = source
            else:
                school[name] = _empty(name)
        return school, []
    conflicts = []
    for name in MERGED_FIELDS:
        order = _ordered(members, rules.field_precedence.get(name))
        having = [m for m in order if _has_value(m.get(name))]
        school[name] = having[0][name] if having else _empty(name)
        if having and name not in DERIVED_FIELDS:
            school["field_sources"][name] = having[0][SOURCE]
        if name in CONFLICT_FIELDS:
            conflicts += _conflicts(school["key"], name, having)
    school["admission"] = list(dict.fromkeys(route for m in members for route in m.get("admission") or []))
    return school, conflicts


def _ordered(members: list[dict], precedence: list[str] | None) -> list[dict]:
    if not precedence:
        return members
    rank = {source: i for i, source in enumerate(precedence)}
    return sorted(members, key=lambda m: rank.get(m[SOURCE], len(rank)))


def _conflicts(key: str, name: str, having: list[dict]) -> list[dict]:
    chosen = having[0] if having else None
    out = []
    for other in having[1:]:
        if name == "name" and _same(name, str(chosen.get("short_name", "")), str(other[name])):
            continue  # the other file gives the short name
        if not _same(name, str(chosen[name]), str(other[name])) and other[SOURCE] != chosen[SOURCE]:
            out.append({"kind": "conflict", "school_key": key, "field": name, "source_a": chosen[SOURCE], "row_a": chosen[ROW],
                        "value_a": chosen[name], "source_b": other[SOURCE], "row_b": other[ROW], "value_b": other[name]})
    return out


def _same(name: str, a: str, b: str) -> bool:
    """Compare two values the way a person would: ignore case, punctuation, http vs https, a trailing city."""
    if name == "website":
        a, b = (re.sub(r"^https?://(www\.)?|/$", "", v.casefold()) for v in (a, b))
    elif name == "phone":
        a, b = (re.sub(r"\D", "", v)[-10:] for v in (a, b))
    elif name == "address":
        a, b = name_key(a.split(",")[0]), name_key(b.split(",")[0])
    elif name == "name":
        a, b = name_key(a), name_key(b)
    return a.casefold() == b.casefold()


def _has_value(value) -> bool:
    if value is None:
        return False
    if isinstance(value, float):
        return value == value  # not NaN
    return bool(value) or value == 0


def _empty(name: str):
    if name in LIST_FIELDS or name in ("grade_set", "admission"):
        return []
    if name == "outcomes":
        return {}
    if name == "ungraded":
        return False
    if name in ("lat", "lon", "grade_low", "grade_high", "midyear_entry", "enrollment", "capacity", "count_swd", "count_el",
                "count_low_income", "suspensions_per_100", "expulsions_per_100", "common_application", "before_care_from",
                "after_care_until"):
        return None
    return ""
