"""The common performance framework: scale mappings, not-rated states, trends, subgroups."""

from __future__ import annotations

import pytest

from schoolfinder.ratings.tiers import school_tier, subgroup_results, tier_for

SQRP = {"kind": "levels", "levels": ["Level 1+", "Level 1", "Level 2+", "Level 2", "Level 3"],
        "tiers": {"Level 1+": "excellent", "Level 1": "strong", "Level 2+": "average", "Level 2": "below", "Level 3": "low"},
        "not_rated": ["Inability to Rate"], "cut_points": []}
STARS = {"kind": "levels", "levels": ["5 stars", "4 stars", "3 stars", "2 stars", "1 star"],
         "tiers": {"5 stars": "excellent", "4 stars": "strong", "3 stars": "average", "2 stars": "below", "1 star": "low"},
         "not_rated": ["Not rated"], "cut_points": []}
LETTERS = {"kind": "levels", "levels": ["A", "B", "C", "D", "F"],
           "tiers": {"A": "excellent", "B": "strong", "C": "average", "D": "below", "F": "low"}, "not_rated": ["N/R"], "cut_points": []}
SCORE = {"kind": "number", "levels": [], "tiers": {}, "not_rated": ["NR"],
         "cut_points": [[85, "excellent"], [70, "strong"], [50, "average"], [30, "below"], [0, "low"]]}
TIERS = [{"id": t, "label": t.title()} for t in ("excellent", "strong", "average", "below", "low")]


@pytest.mark.parametrize(("source", "value", "tier"), [
    (SQRP, "Level 1+", "excellent"), (SQRP, "Level 2+", "average"), (SQRP, "Level 3", "low"), (SQRP, "Inability to Rate", None),
    (STARS, "5 stars", "excellent"), (STARS, "1 star", "low"), (STARS, "Not rated", None),
    (LETTERS, "B", "strong"), (LETTERS, "F", "low"), (LETTERS, "N/R", None),
    (SCORE, "85", "excellent"), (SCORE, "84.9", "strong"), (SCORE, "50", "average"), (SCORE, "0", "low"),
    (SCORE, "NR", None), (SCORE, "-1", None), (SCORE, "abc", None),
])
def test_scale_maps_onto_common_tier(source, value, tier):
    assert tier_for(value, source) == tier


def rating(value, year, tier, series="s"):
    return {"series": series, "value": value, "year": year, "tier": tier, "source": series, "label": "Agency",
            "not_rated_reason": "Too new to rate."}


@pytest.mark.parametrize(("ratings", "status", "tier", "change"), [
    ([rating("A", "2026", "excellent"), rating("C", "2025", "average")], "rated", "excellent", "up"),
    ([rating("D", "2026", "below"), rating("B", "2025", "strong")], "rated", "below", "down"),
    ([rating("B", "2026", "strong"), rating("B", "2025", "strong")], "rated", "strong", "same"),
    ([rating("N/R", "2026", None), rating("B", "2025", "strong")], "not_rated", None, None),
    ([rating("B", "2026", "strong")], "rated", "strong", None),
])
def test_school_tier_and_trend(ratings, status, tier, change):
    summary = school_tier(ratings, TIERS, ["s"], "none")
    assert (summary["status"], summary["tier"], summary.get("change")) == (status, tier, change)


def test_not_rated_is_never_the_lowest_tier():
    summary = school_tier([rating("N/R", "2026", None)], TIERS, ["s"], "none")
    assert summary["rank"] is None and summary["reason"] == "Too new to rate."


def test_no_rating_gives_the_reason():
    assert school_tier([], TIERS, ["s"], "The board published no rating.") == {
        "status": "no_rating", "reason": "The board published no rating.", "rank": None}


def test_first_series_decides():
    ratings = [rating("F", "2026", "low", series="second"), rating("A", "2025", "excellent", series="first")]
    assert school_tier(ratings, TIERS, ["first", "second"], "")["tier"] == "excellent"


def test_subgroups_suppressed_and_missing_are_not_zero():
    spec = {"columns": {"english_learners": "EL", "students_with_disabilities": "SWD", "low_income": "LI"},
            "kind": "levels", "suppressed": ["*"]}
    result = subgroup_results({"EL": "4 stars", "SWD": "*", "LI": ""}, spec, STARS)
    assert result["english_learners"] == {"value": "4 stars", "status": "reported", "tier": "strong"}
    ranked = school_tier([{**rating("4 stars", "2026", "strong"), "subgroups": result}], TIERS, ["s"], "")["subgroups"]
    assert (ranked["english_learners"]["tier_label"], ranked["english_learners"]["sort"]) == ("Strong", -2)
    assert result["students_with_disabilities"] == {"value": "", "status": "suppressed"}
    assert result["low_income"] == {"value": "", "status": "not_reported"}
