"""Banded figures: a sum or mean with a part published as a band is a band, shown as text, tiered only inside one range."""

from __future__ import annotations

import pytest

from schoolfinder.ratings import bands
from schoolfinder.ratings.aggregate import _sum
from schoolfinder.ratings.tiers import school_tier, tier_for

PERCENT = {"kind": "number", "levels": [], "tiers": {}, "not_rated": [], "range": [0, 100],
           "cut_points": [[50, "excellent"], [40, "strong"], [30, "average"], [20, "below"], [0, "low"]]}
TIERS = [{"id": t, "label": t.title()} for t in ("excellent", "strong", "average", "below", "low")]


@pytest.mark.parametrize(("cells", "shown"), [
    (["< 5", "20"], "20–24"),        # whole percents: < 5 is 0 to 4
    (["20", "<5"], "20–24"),
    (["> 95", "< 5"], "96–100"),     # never past the range's maximum
    (["< 5", "< 5"], "0–8"),
    (["≤5", "20"], "20–25"),         # a closed bound keeps its end
    (["< 5.5", "20"], "20–25.5"),    # not whole numbers: the bound itself (wider, still true)
    (["10-19", "5"], "15–24"),       # a published range
    (["12", "30.5"], "42.5"),        # numbers stay a number
    (["NR", "< 5"], "NR"),           # a suppression marker wins: the whole figure is withheld
    (["", "20"], ""),                # an empty part: nothing to add
])
def test_banded_sum_is_a_band(cells, shown):
    assert _sum(cells, [0, 100]) == shown


@pytest.mark.parametrize(("value", "tier"), [
    ("20–24", "below"),      # inside 20 to 30
    ("40–44", "strong"),
    ("96–100", "excellent"),
    ("48–52", None),         # spans two cut-point ranges: no tier
    ("0–8", "low"),
    ("29.5–30", None),
])
def test_band_gets_a_tier_only_inside_one_range(value, tier):
    assert tier_for(value, PERCENT) == tier


def test_banded_result_counts_as_a_result_and_wins_over_an_older_number():
    rows = [{"series": "s", "value": "48–52", "year": "2022", "tier": None, "status": "banded", "source": "s", "label": "L"},
            {"series": "s", "value": "35", "year": "2019", "tier": "average", "status": "rated", "source": "s", "label": "L"}]
    summary = school_tier(rows, TIERS, ["s"], "none")
    assert (summary["status"], summary["value"], summary["tier"], summary["reason"]) == ("banded", "48–52", None, "")
    rows[0].update(value="20–24", tier="below")
    assert school_tier(rows, TIERS, ["s"], "none")["status"] == "rated"


def test_mean_of_bands_and_numbers():
    assert bands.text(bands.mean([(20, 24), (30, 30)], [1, 1]), 1) == "25–27"
    assert bands.text(bands.mean([(20, 20), (31, 31)], [1, 1]), 1) == "25.5"


PARTS = [["E1 A", "E1 M"], ["Alg A", "Alg M"], ["Bio A", "Bio M"]]


@pytest.mark.parametrize(("cells", "weights", "shown"), [
    # each subject's Mastery+ (Advanced + Mastery), then the mean over subjects, each counting equally
    (["10", "30", "5", "15", "20", "20"], None, "33.3"),
    (["10", "30", "5", "16", "20", "20"], None, "33.7"),
    # a withheld subject (NR) is left out; an empty one (not offered) too
    (["10", "30", "NR", "NR", "", ""], None, "40"),
    # a subject with a band makes the overall figure a band
    (["< 5", "20", "10", "30", "", ""], None, "30–32"),
    # weighted by number tested where the file gives it (100 and 300 tested)
    (["10", "30", "5", "15", "", ""], ["100", "300", ""], "25"),
    # a part without a usable weight is left out
    (["10", "30", "5", "15", "20", "20"], ["100", "NR", "0"], "40"),
    # every subject withheld: the figure is the marker as published
    (["NR", "NR", "NR", "NR", "", ""], None, "NR"),
])
def test_overall_figure_is_the_mean_of_subject_sums(cells, weights, shown):
    from schoolfinder.ratings.aggregate import _mean

    row = dict(zip([c for part in PARTS for c in part], cells))
    spec = {"method": "mean", "parts": PARTS}
    if weights:
        spec["weight_columns"] = ["E1 N", "Alg N", "Bio N"]
        row.update(zip(spec["weight_columns"], weights))
    assert _mean(row, spec, [0, 100]) == shown


@pytest.mark.parametrize(("spec", "error"), [
    ({"method": "mean", "parts": PARTS}, None),
    ({"method": "mean", "parts": PARTS, "weight_columns": ["a", "b", "c"]}, None),
    ({"method": "mean", "parts": PARTS, "weight_columns": ["a"]}, "weight_columns"),
    ({"method": "mean", "parts": ["E1 A"]}, "parts"),
    ({"method": "mean"}, "missing: parts"),
])
def test_mean_config_is_checked(spec, error):
    from schoolfinder.ratings.values import check_aggregate

    got = check_aggregate(spec, "city.toml [[ratings]] r")
    assert (got is None) if error is None else (error in got)


def test_an_all_suppressed_series_gives_way_to_one_with_a_result():
    rows = [{"series": "grades-3-8", "value": "NR", "year": "2022", "tier": None, "status": "suppressed", "source": "a", "label": "L"},
            {"series": "high-school", "value": "93.8", "year": "2022", "tier": "excellent", "status": "rated", "source": "b", "label": "H"}]
    assert school_tier(rows, TIERS, ["grades-3-8", "high-school"], "none")["source"] == "b"
    assert school_tier(rows[:1], TIERS, ["grades-3-8", "high-school"], "none")["status"] == "not_rated"
