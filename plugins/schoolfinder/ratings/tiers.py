"""Common performance framework: every source's rating mapped onto one tier scale, defined per city."""

from __future__ import annotations

from .bands import band_tier
from .values import DEFAULT_SUPPRESSED, cell_text, in_range, is_suppressed, parse_number, read_value

NOT_RATED, NO_RATING = "not_rated", "no_rating"


def tier_for(value: str, source: dict) -> str | None:
    """Return the common tier id for one rating value, or None when it is not a rating (not rated, unknown).

    >>> tier_for("Level 1+", {"kind": "levels", "tiers": {"Level 1+": "excellent"}, "not_rated": []})
    'excellent'
    >>> tier_for("72.5", {"kind": "number", "cut_points": [[80, "strong"], [60, "average"], [0, "low"]], "not_rated": []})
    'average'
    """
    if value in source["not_rated"]:
        return None
    if source["kind"] == "levels":
        return source["tiers"].get(value)
    status, score = read_value(value, source)
    if status == "banded":  # a tier only when the whole band lies inside one cut-point range
        return band_tier(value, source, lambda number: _cut(number, source["cut_points"]))
    if status != "number":
        return None  # suppressed, impossible or not a number: never a tier
    return _cut(score, source["cut_points"])


def _cut(score: float, cut_points: list) -> str | None:
    for minimum, tier in cut_points:
        if score >= minimum:
            return tier
    return None


def subgroup_results(row: dict, spec: dict, source: dict) -> dict:
    """Return {group: {value, status}} for one rating row; suppressed and empty cells are never zero."""
    results = {}
    for group, column in spec.get("columns", {}).items():
        value = cell_text(row.get(column))
        if not value:
            status = "not_reported"
        elif value in spec.get("suppressed", []) or (spec.get("kind", "levels") == "number"
                                                      and is_suppressed(value, spec.get("suppressed", DEFAULT_SUPPRESSED))):
            status = "suppressed"
        elif spec.get("kind", "levels") == "levels":
            status = "reported" if value in source["levels"] else ("not_rated" if value in source["not_rated"] else "not_reported")
        else:
            status = "reported" if _is_number(value) else "not_reported"
        entry = {"value": value if status == "reported" else "", "status": status}
        if status == "reported" and spec.get("kind", "levels") == "levels":
            entry["tier"] = source["tiers"].get(value)  # subgroup results go on the common scale too
        elif status == "reported":
            entry["sort"] = parse_number(value)
        results[group] = entry
    return results


def _is_number(value: str) -> bool:
    number = parse_number(value)
    return number is not None and in_range(number, [])


def school_tier(ratings: list[dict], tiers: list[dict], series_order: list[str], reason: str) -> dict:
    """Summarise a school's ratings (newest first) as its common tier, with the rating behind it and the trend.

    The first series in ``series_order`` with a result for the school decides; a series whose every year is
    suppressed (a high school listed as ``NR`` in a grades 3-8 file) gives way to the next series with a result,
    and decides only when no series has one. Returns a dict with ``status``
    (``rated``, ``not_rated`` or ``no_rating``), the tier, the original value, year and source, and the
    previous year's tier with ``change`` (``up``, ``down``, ``same``) when the series has both.
    """
    rank = {t["id"]: i + 1 for i, t in enumerate(tiers)}
    labels = {t["id"]: t["label"] for t in tiers}
    present = [[r for r in ratings if r["series"] == series] for series in series_order]
    present = [mine for mine in present if mine]
    shown = [mine for mine in present if any(r.get("status") != "suppressed" for r in mine)]
    for mine in (shown or present)[:1]:
        # the latest year with a result: a suppressed year gives way to an earlier published figure (a band is a result)
        latest = next((r for r in mine if r.get("status") != "suppressed"), mine[0])
        previous = next((r for r in mine if r["year"] < latest["year"]), None)
        summary = _summary(latest, rank, labels)
        if previous is not None:
            summary["previous"] = _summary(previous, rank, labels)
            summary["change"] = _change(summary, summary["previous"])
        if not summary["subgroups"]:
            _groups_from_other_series(summary, present, rank, labels)
        return summary
    return {"status": NO_RATING, "reason": reason, "rank": None}


def _groups_from_other_series(summary: dict, present: list[list[dict]], rank: dict, labels: dict) -> None:
    """When the rating behind the tier has no student-group figures, take them from the first series (in order)
    whose latest result has some, naming that source and year (a 3-12 school: tier from grades 3-8, groups from
    the high-school file)."""
    for mine in present:
        latest = next((r for r in mine if r.get("status") != "suppressed"), mine[0])
        if latest.get("subgroups"):
            summary.update(subgroups=_ranked_subgroups(latest["subgroups"], rank, labels),
                           subgroup_measure=latest.get("subgroup_measure", ""),
                           subgroup_source_label=latest["label"], subgroup_year=latest["year"])
            return


def _summary(rating: dict, rank: dict, labels: dict) -> dict:
    tier = rating.get("tier")
    status = "rated" if tier else ("banded" if rating.get("status") == "banded" else NOT_RATED)
    withheld = {"withheld": True} if rating.get("status") == "suppressed" else {}
    return {**withheld, "status": status, "tier": tier, "label": labels.get(tier, ""), "rank": rank.get(tier),
            "value": rating["value"], "year": rating["year"], "source": rating["source"], "source_label": rating["label"],
            "reason": rating.get("not_rated_reason", "") if status == NOT_RATED else "",
            "subgroups": _ranked_subgroups(rating.get("subgroups", {}), rank, labels),
            "subgroup_measure": rating.get("subgroup_measure", "")}


def _ranked_subgroups(subgroups: dict, rank: dict, labels: dict) -> dict:
    """Give subgroup results on a levels scale their common tier, and a sort key (higher is better)."""
    ranked = {}
    for group, entry in subgroups.items():
        entry = dict(entry)
        if entry.get("tier") in rank:
            entry["tier_label"], entry["sort"] = labels[entry["tier"]], -rank[entry["tier"]]
        ranked[group] = entry
    return ranked


def _change(now: dict, before: dict) -> str | None:
    if now["rank"] is None or before["rank"] is None:
        return None
    if now["rank"] == before["rank"]:
        return "same"
    return "up" if now["rank"] < before["rank"] else "down"
