"""Ratings stage: read each ratings source and attach ratings, exactly as published, to schools."""

from __future__ import annotations

import pandas as pd

from ..problems import Problem
from ..ingest.tables import ROW, SHEET, require_columns
from .aggregate import ROWS
from .tiers import subgroup_results, tier_for
from .values import column_text, read_value


def normalise_ratings(frame: pd.DataFrame, source: dict, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Return one row per rating (school_id, year, value, status) and the problems found.

    ``status`` is ``rated`` or ``not_rated``; rows with a value outside the
    declared ``levels``/``not_rated`` are quarantined (``_fate``).
    """
    subgroup_columns = list(source["subgroups"].get("columns", {}).values())
    columns = [source["school_id_column"], *source["id_columns"].values(), source["rating_column"], *subgroup_columns] + ([source["year_column"]] if source["year_column"] else [])
    require_columns(frame, columns, file)
    out = pd.DataFrame({ROW: frame[ROW].to_numpy()})
    sheets = frame[SHEET].to_numpy() if SHEET in frame else [""] * len(frame)
    out["rows"] = frame[ROWS].to_numpy() if ROWS in frame else frame[ROW].astype(str).to_numpy()
    out["_where"] = [f"{file} [{sheet}]" if sheet else file for sheet in sheets]
    out["school_id"] = [_integer_id(v) for v in column_text(frame[source["school_id_column"]])]
    for field, column in source["id_columns"].items():  # other ids, tried after school_id in this order
        out[f"id:{field}"] = [_integer_id(v) for v in column_text(frame[column])]
    any_id = out[[c for c in out if c == "school_id" or c.startswith("id:")]].agg("|".join, axis=1)
    no_id = any_id.str.strip("|") == ""
    values = column_text(frame[source["rating_column"]])
    out["value"] = values
    out["year"] = column_text(frame[source["year_column"]]) if source["year_column"] else source["year"]
    levels = source["levels"]
    read = [read_value(v, source) for v in values]  # plain Python lists: no dtype can turn None into NaN
    tiers = [tier_for(v, source) if kind in ("level", "number", "banded") else None for v, (kind, _) in zip(values, read)]
    out["tier"] = pd.Series(tiers, index=out.index, dtype=object)
    out["status"] = [_status(kind, tier) for (kind, _), tier in zip(read, tiers)]
    out["level"] = [levels.index(v) + 1 if v in levels else 0 for v in values]
    spec = source["subgroups"]
    out["subgroups"] = [subgroup_results(row, spec, source) for row in frame[subgroup_columns].to_dict("records")] \
        if spec else [{}] * len(frame)
    problems = [
        Problem("QUARANTINE", "UNKNOWN_RATING", r["_where"], int(r[ROW]), source["rating_column"],
                "value is not one of the source's levels, numbers or not-rated values", r["value"])
        for r in out[out["status"] == "unknown"].to_dict("records")
    ]
    problems += [
        Problem("QUARANTINE", "RATING_OUT_OF_RANGE", r["_where"], int(r[ROW]), source["rating_column"],
                "number is not finite, negative or outside the source's range", r["value"])
        for r in out[out["status"] == "out_of_range"].to_dict("records")
    ]
    problems += [
        Problem("QUARANTINE", "MISSING_SCHOOL_ID", r["_where"], int(r[ROW]), source["school_id_column"], "school id is empty")
        for r in out[no_id].to_dict("records")
    ]
    duplicate = pd.Series(list(zip(any_id, out["year"])), index=out.index).duplicated() & ~no_id
    problems += [
        Problem("QUARANTINE", "DUPLICATE_KEY", r["_where"], int(r[ROW]), source["school_id_column"],
                "a rating for this school and year appears earlier in the file", r["school_id"])
        for r in out[duplicate].to_dict("records")
    ]
    out["_fate"] = "keep"
    out.loc[out["status"].isin(["unknown", "out_of_range"]) | no_id | duplicate, "_fate"] = "quarantined"
    return out, problems


def _status(kind: str, tier: str | None) -> str:
    """``rated``, ``not_rated``, ``suppressed`` or ``banded`` (kept; a tier only inside one cut-point range);
    ``unknown``/``out_of_range`` (quarantined)."""
    if kind in ("level", "number"):
        return "rated" if tier is not None else ("rated" if kind == "level" else "unknown")
    return kind


def _integer_id(value: str) -> str:
    """Turn Excel's float ids (``400009.0``) back into the id they were."""
    if value.endswith(".0") and value[:-2].isdigit():
        return value[:-2]
    return value


def attach_ratings(ratings: pd.DataFrame, source: dict, indexes: dict[str, dict[str, str]]) -> tuple[dict[str, list[dict]], pd.Series]:
    """Map kept rating rows to school keys through the directory ids: ``school_id`` first, then ``id_columns`` in order.

    ``indexes`` maps each id field to {canonical id: school key}; the field that matched is kept as ``joined_on``.
    Returns (ratings by school key, fate per row): fates are ``attached``,
    ``no_school`` (no published school has that id) or ``quarantined``.
    """
    by_key: dict[str, list[dict]] = {}
    fates = []
    for row in ratings.to_dict("records"):
        if row["_fate"] != "keep":
            fates.append("quarantined")
            continue
        field, key = match_school(row, indexes)
        if key is None:
            fates.append("no_school")
            continue
        fates.append("suppressed" if row["status"] == "suppressed" else "attached")
        by_key.setdefault(key, []).append({
            "source": source["id"], "series": source["series"] or source["id"], "label": source["label"], "value": row["value"], "year": row["year"],
            "status": row["status"], "as_of": source["as_of"], "scale_note": source["scale_note"],
            "level": int(row["level"]) or None,
            "levels": len(source["levels"]),
            "tier": row["tier"] if isinstance(row["tier"], str) else None, "not_rated_reason": source["not_rated_reason"],
            "joined_on": field, "rows": row["rows"],
            "subgroups": row["subgroups"], "subgroup_measure": source["subgroups"].get("measure", ""),
        })
    return by_key, pd.Series(fates, index=ratings.index, dtype=str)


def match_school(row: dict, indexes: dict[str, dict[str, str]]) -> tuple[str, str | None]:
    for field, index in indexes.items():
        value = row["school_id"] if field == "school_id" else row.get(f"id:{field}", "")
        if value and value in index:
            return field, index[value]
    return "", None


def latest_first(ratings: list[dict]) -> list[dict]:
    """Sort a school's ratings newest year first, then by source."""
    return sorted(ratings, key=lambda r: (r["year"], r["series"]), reverse=True)
