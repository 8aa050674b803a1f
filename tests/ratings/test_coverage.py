"""Which schools a results source covers, and the reason a school without a result is given."""

from __future__ import annotations

import pytest

from schoolfinder.ratings.coverage import gaps, reason_text, sector_counts
from tests.ratings.test_joins import city
from tests.ingest.test_bad_inputs import run

SOURCE = {"id": "s", "series": "", "label": "Grades 3-8 test", "tested_grades": [3, 4, 5, 6, 7, 8]}
COVERS_DISTRICT = {"attached": 10, "sectors": {"district": [10, 12], "charter": [0, 5]}}


def school(sector="district", grades=(0, 1, 2, 3, 4, 5), ratings=()):
    return {"sector": sector, "grade_set": list(grades), "ratings": list(ratings)}


@pytest.mark.parametrize(("who", "count", "why"), [
    (school(), COVERS_DISTRICT, "not_in_file"),                               # covered sector, tested grades, no row
    (school(sector="charter"), COVERS_DISTRICT, "sector_not_covered"),        # no charter school is in the file
    (school(grades=(9, 10, 11, 12)), COVERS_DISTRICT, "no_tested_grades"),    # a high school and a grades 3-8 test
    (school(), {"attached": 0, "sectors": {"district": [0, 12]}}, "join_failed"),  # the file matched no school at all
    (school(ratings=[{"series": "s", "status": "suppressed"}]), COVERS_DISTRICT, "suppressed"),
])
def test_reason_that_fits(who, count, why):
    assert gaps(who, [SOURCE], {"s": count}) == [{"source": "Grades 3-8 test", "why": why}]


def test_a_series_with_a_result_has_no_gap_and_years_of_a_series_count_once():
    years = [{**SOURCE, "id": "s22", "series": "t"}, {**SOURCE, "id": "s19", "series": "t"}]
    counts = {"s22": COVERS_DISTRICT, "s19": COVERS_DISTRICT}
    assert gaps(school(), years, counts) == [{"source": "Grades 3-8 test", "why": "not_in_file"}]
    assert gaps(school(ratings=[{"series": "t", "status": "rated"}]), years, counts) == []
    assert reason_text([]) == "No rating source covers this school."
    assert reason_text([{"source": "T", "why": "not_in_file"}]) == "T: this school is not in its file."


def test_sector_counts_from_attached_schools():
    import pandas as pd

    schools = pd.DataFrame({"key": ["a", "b", "c"], "sector": ["district", "charter", None]})
    assert sector_counts(schools, {"a"}) == {"": [0, 1], "charter": [0, 1], "district": [1, 1]}


@pytest.mark.parametrize(("extra", "ratings", "why"), [
    ("", "ID,NCES,RATING\nG1,,A\n", "not_in_file"),
    ("\ntested_grades = [9, 10, 11, 12]", "ID,NCES,RATING\nG1,,A\n", "no_tested_grades"),  # the fixture's schools are K-5
    ("\nallow_no_match = true", "ID,NCES,RATING\nG99,,A\n", "join_failed"),
])
def test_school_page_data_carries_the_reason(tmp_path, extra, ratings, why):
    result = run(city(tmp_path, ratings, extra))
    tier = result.schools.set_index("school_id").loc["G2", "tier"]
    assert tier["status"] == "no_rating" and tier["gaps"] == [{"source": "Ratings", "why": why}]
    assert "published no rating" not in tier["reason"]
    assert result.reconciliation["r"]["sectors"]["district"][1] == 12
