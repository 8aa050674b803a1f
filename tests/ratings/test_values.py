"""Result values as states publish them: percents, spaces, suppression markers, bands, impossible numbers, any dtype."""

from __future__ import annotations

import pandas as pd
import pytest

from schoolfinder.ingest.tables import ROW
from schoolfinder.ratings.results import normalise_ratings
from schoolfinder.ratings.values import DEFAULT_SUPPRESSED, cell_text, read_value

PERCENT = {"kind": "number", "levels": [], "tiers": {}, "not_rated": ["Not tested"], "range": [0, 100],
           "cut_points": [[75, "excellent"], [50, "average"], [0, "low"]], "suppressed": DEFAULT_SUPPRESSED}


@pytest.mark.parametrize(("value", "status", "number"), [
    ("45", "number", 45.0), ("45%", "number", 45.0), (" 45.5 % ", "number", 45.5), ("0", "number", 0.0),
    ("100", "number", 100.0), ("Not tested", "not_rated", None),
    *[(m, "suppressed", None) for m in ["NR", "nr", "*", "s", "-", "N<10", "n < 10", "<5", "< 5", ">95", "> 95"]],
    ("10-19", "banded", None), ("<10", "banded", None), (">= 90%", "banded", None), ("≤ 20", "banded", None),
    ("-5", "out_of_range", -5.0), ("101", "out_of_range", 101.0), ("1e9", "out_of_range", 1e9),
    ("Infinity", "out_of_range", float("inf")), ("abc", "unknown", None),
])
def test_value_read_as_published(value, status, number):
    assert read_value(value.strip(), PERCENT) == (status, number)


def test_nan_is_never_a_number():
    got = read_value("NaN", PERCENT)
    assert got[0] == "out_of_range"


def test_markers_are_configurable_per_source():
    assert read_value("~", {**PERCENT, "suppressed": ["~"]})[0] == "suppressed"
    assert read_value("*", {**PERCENT, "suppressed": ["~"]})[0] == "unknown"


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT, "  "])
def test_missing_cells_are_empty_text(value):
    assert cell_text(value) == ""


def _source(**extra):
    return {**PERCENT, "school_id_column": "id", "rating_column": "pct", "year_column": "", "year": "2024", "id_columns": {},
            "subgroups": {}, **extra}


@pytest.mark.parametrize("dtype", [object, "string", "str", "string[pyarrow]", "large_string[pyarrow]"])
def test_mixed_column_under_every_dtype(dtype):
    """A column of numbers, percent strings, markers and junk gives the same result whatever dtype pandas chose."""
    cells = ["45", "45%", None, "NaN", "-5", "Infinity", "1e9", "*", "10-19", "88"]
    frame = pd.DataFrame({ROW: range(2, 2 + len(cells)), "id": [str(i) for i in range(len(cells))],
                          "pct": pd.Series(cells, dtype=dtype)})
    out, problems = normalise_ratings(frame, _source(), "r.csv")
    assert out["status"].tolist() == ["rated", "rated", "unknown", "out_of_range", "out_of_range", "out_of_range",
                                      "out_of_range", "suppressed", "banded", "rated"]
    # the band 10-19 lies inside one cut-point range (0 to 50: low), so it has that tier
    assert [t if isinstance(t, str) else None for t in out["tier"]] == ["low", "low", None, None, None, None, None,
                                                                          None, "low", "excellent"]
    assert sorted(p.code for p in problems) == ["RATING_OUT_OF_RANGE"] * 4 + ["UNKNOWN_RATING"]
    assert out["_fate"].tolist().count("keep") == 5


def test_ids_written_as_excel_floats_are_ids():
    frame = pd.DataFrame({ROW: [2, 3], "id": pd.Series([101.0, 102.0]), "pct": ["50", "60"]})
    out, _ = normalise_ratings(frame, _source(), "r.csv")
    assert out["school_id"].tolist() == ["101", "102"]
