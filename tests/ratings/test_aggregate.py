"""`aggregate` and `where` on results files: long files become one figure per school and year, traceably."""

from __future__ import annotations

import pytest

from tests.ratings.test_joins import city
from tests.ingest.test_bad_inputs import run

NUMBER = '\nkind = "number"\nrange = [0, 100]\ncut_points = [[50, "x"], [0, "y"]]'
LONG = ("ID,NCES,Subject,Grade,Tested,RATING\n"
        "G1,,ELA,3,10,40\nG1,,Math,3,30,60\nG1,,ELA,All Grades,40,55\nG2,,ELA,3,10,*\nG2,,Math,3,20,80%\n"
        "G3,,ELA,3,5,*\nG3,,Math,3,5,<5\n")


def _number_city(tmp_path, ratings, extra):
    path = city(tmp_path, ratings, NUMBER + extra)
    (path / "city.toml").write_text((path / "city.toml").read_text().replace('levels = ["A", "B", "C"]\n', ""))
    return path


@pytest.mark.parametrize(("extra", "ratings", "expected", "report"), [
    # long file: weighted mean by number tested over grade-3 rows; the All Grades row is filtered out and counted
    ('\nwhere = [{ column = "Grade", not_in = ["All Grades"] }]\naggregate = { method = "weighted_mean", weight_column = "Tested" }',
     LONG, {"G1": ("55.0", "2 3"), "G2": ("80.0", "5 6"), "G3": ("*", "7 8")},
     {"rows_read": 7, "excluded_filter": 1, "aggregated": 3, "attached": 2, "suppressed": 1}),
    # one row by a stated rule: the highest number tested
    ('\naggregate = { method = "pick", order_column = "Tested" }',
     LONG, {"G1": ("55", "2 3 4"), "G2": ("80%", "5 6")}, {"rows_read": 7, "aggregated": 4, "attached": 2, "suppressed": 1}),
    # wide: level percents added within a row; a marker stays as published, a band makes the sum a band
    ('\naggregate = { method = "sum", columns = ["% Advanced", "% Mastery"] }',
     "ID,NCES,% Advanced,% Mastery\nG1,,12,30.5\nG2,,≤5,20\nG3,,NR,20\n",
     {"G1": ("42.5", "2"), "G2": ("20–25", "3"), "G3": ("NR", "4")},
     {"rows_read": 3, "attached": 2, "suppressed": 1, "excluded_no_school": 0}),
])
def test_aggregate_methods(tmp_path, extra, ratings, expected, report):
    result = run(_number_city(tmp_path, ratings, extra))
    count = result.reconciliation["r"]
    assert {k: count.get(k, 0) for k in report} == report and count["balanced"]
    schools = result.schools.set_index("school_id")
    got = {sid: (schools.loc[sid, "ratings"][0]["value"], schools.loc[sid, "ratings"][0]["rows"]) for sid in expected}
    assert got == expected


@pytest.mark.parametrize(("rows", "note"), [("4 5 9", "; file rows 4 5 9"), ("4", ""), ("", "")])
def test_download_names_the_rows_behind_an_aggregated_figure(rows, note):
    from schoolfinder.outputs.opendata import _rows

    assert _rows({"rows": rows}) == note
