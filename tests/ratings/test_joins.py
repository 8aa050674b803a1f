"""Ratings joins and the join report: any id the directory knows, tried in order; suppressed rows counted; mostly failed."""

from __future__ import annotations

import pytest

from tests.ingest.test_bad_inputs import GOOD, HEADER, codes, make_city, run

SCHOOLS = "\n".join([HEADER, *[row.removesuffix(",") + f",{i:012d}" for i, row in enumerate(GOOD, start=1)]]) + "\n"
MIXED = 'id_columns = { nces_id = "NCES" }\nrating_column = "RATING"'


def city(tmp_path, ratings: str, extra: str = ""):
    path = make_city(tmp_path, SCHOOLS, ratings=ratings)
    text = (path / "city.toml").read_text().replace('rating_column = "RATING"', MIXED + extra)
    (path / "city.toml").write_text(text)
    return path


@pytest.mark.parametrize(("ratings", "joined", "report"), [
    # school id first, then the NCES id, in that order; an unknown pair is no school
    ("ID,NCES,RATING\nG1,,A\n,000000000002,B\nNOPE,999999999999,A\n", {"G1": "school_id", "G2": "nces_id"},
     {"rows_read": 3, "attached": 2, "excluded_no_school": 1, "quarantined": 0}),
    # an Excel float id and a zero-padded id meet the directory's canonical form
    ("ID,NCES,RATING\n, 000000000002.0 ,A\nG3,,C\n", {"G2": "nces_id", "G3": "school_id"},
     {"rows_read": 2, "attached": 2, "excluded_no_school": 0, "quarantined": 0}),
    # suppression markers are attached, shown as published, and counted apart
    ("ID,NCES,RATING\nG1,,*\nG2,,NR\nG3,, s \nG4,,A\n", {"G1": "school_id", "G2": "school_id", "G3": "school_id", "G4": "school_id"},
     {"rows_read": 4, "attached": 1, "suppressed": 3, "excluded_no_school": 0, "quarantined": 0}),
])
def test_join_on_any_id_reconciles(tmp_path, ratings, joined, report):
    result = run(city(tmp_path, ratings))
    count = result.reconciliation["r"]
    assert {k: count.get(k, 0) for k in report} == report and count["balanced"]
    schools = result.schools.set_index("school_id")
    assert {sid: schools.loc[sid, "ratings"][0]["joined_on"] for sid in joined} == joined


def test_suppressed_value_is_shown_as_published_and_never_a_tier(tmp_path):
    result = run(city(tmp_path, "ID,NCES,RATING\nG1,,N<10\n"))
    rating = result.schools.set_index("school_id").loc["G1", "ratings"][0]
    assert (rating["value"], rating["status"], rating["tier"]) == ("N<10", "suppressed", None)


def test_mostly_failed_join_warns_with_examples(tmp_path):
    result = run(city(tmp_path, "ID,NCES,RATING\nG1,,A\nG99,,A\nG98,,B\n"))
    assert "JOIN_MOSTLY_FAILED" in codes(result, "WARN")
    warning = next(p for p in result.problems if p.code == "JOIN_MOSTLY_FAILED")
    assert "G98" in warning.message and "nearest" in warning.message


def test_number_out_of_range_is_quarantined_with_a_code(tmp_path):
    number = '\nkind = "number"\nrange = [0, 100]\ncut_points = [[0, "x"]]'
    ratings = "ID,NCES,RATING\nG1,,45%\nG2,,-5\nG3,,Infinity\nG4,,1e9\n" + "".join(f"G{i},, {i}0 \n" for i in range(5, 10))
    path = city(tmp_path, ratings, number)
    text = (path / "city.toml").read_text().replace('levels = ["A", "B", "C"]\n', "")
    (path / "city.toml").write_text(text)
    result = run(path)
    assert codes(result, "QUARANTINE") == ["RATING_OUT_OF_RANGE"] * 3
    assert result.schools.set_index("school_id").loc["G1", "ratings"][0]["value"] == "45%"
