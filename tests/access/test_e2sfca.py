"""Capacity-aware access (E2SFCA): a hand-computed fixture and monotonicity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolfinder.access import e2sfca
from schoolfinder.access import measures as access

# 3 cells x 2 schools, 30-minute limit: thirds weigh 1 (<= 10 min), 0.68 (<= 20), 0.22 (<= 30).
MINUTES = np.array([[5, 25], [15, 255], [40, 8]], dtype=np.uint8)
CHILDREN = np.array([100.0, 200.0, 50.0])
SEATS = np.array([60.0, 30.0])


def test_hand_computed_fixture():
    # School 0: demand 100 x 1 + 200 x 0.68 = 236 -> 60 / 236 seats per child; school 1: 100 x 0.22 + 50 x 1 = 72 -> 30 / 72.
    expected = [1000 * (60 / 236 + 0.22 * 30 / 72), 1000 * 0.68 * 60 / 236, 1000 * 30 / 72]
    assert e2sfca.seats_per_1000(MINUTES, 30, SEATS, CHILDREN) == pytest.approx(expected)
    assert [round(x, 1) for x in expected] == [345.9, 172.9, 416.7]
    # every seat someone reaches is shared out: children x access adds up to the seats
    assert CHILDREN @ e2sfca.seats_per_1000(MINUTES, 30, SEATS, CHILDREN) / 1000 == pytest.approx(90)


def test_decay_bands_and_limit():
    assert list(e2sfca.decay(np.array([0, 10, 11, 20, 21, 30, 31, 255]), 30)) == [1, 1, 0.68, 0.68, 0.22, 0.22, 0, 0]


def test_seats_are_capacity_else_enrollment():
    schools = pd.DataFrame({"enrollment": [300, 200, None], "capacity": [400, None, None]})
    seats, used = e2sfca.seats(schools)
    assert list(seats) == [400, 200, 0] and used == {"capacity": 1, "enrollment": 1}
    assert e2sfca.seats(schools.drop(columns="capacity"))[1] == {"capacity": 0, "enrollment": 2}


def test_seats_split_over_the_grades_a_school_teaches():
    schools = pd.DataFrame({"grade_low": [0, -1, 9, None], "grade_high": [8, 5, 12, None]})
    seats = np.array([900.0, 700.0, 400.0, 50.0])
    assert list(e2sfca.band_seats(schools, seats, "elementary")) == [600, 600, 0, 50]
    assert list(e2sfca.band_seats(schools, seats, "middle")) == [300, 0, 0, 50]
    assert list(e2sfca.band_seats(schools, seats, "high")) == [0, 0, 400, 50]


def test_the_typical_child_is_the_children_weighted_median():
    values, children = pd.Series([0.0, 100.0, 900.0, 50.0]), pd.Series([10.0, 30.0, 15.0, 0.0])
    assert e2sfca.typical(values, children) == 100.0
    by_area = e2sfca.typical(values, children, pd.Series(["a", "a", "b", "b"]))
    assert by_area.to_dict() == {"a": 100.0, "b": 900.0}


def test_capacity_desert_preset():
    reach = pd.DataFrame({"seats_per_1000": [0.0, 99.9, 100.0, 400.0]})
    assert list(access.is_desert(reach, "capacity", capacity_min_per_1000=100)) == [True, True, False, False]


matrices = st.integers(1, 5).flatmap(lambda n_cells: st.integers(1, 4).flatmap(lambda n_schools: st.tuples(
    st.lists(st.lists(st.sampled_from([1, 5, 9, 14, 22, 29, 35, 44, 60, 255]), min_size=n_schools, max_size=n_schools),
             min_size=n_cells, max_size=n_cells),
    st.lists(st.one_of(st.just(0.0), st.floats(1, 500)), min_size=n_cells, max_size=n_cells),
    st.lists(st.floats(0, 900), min_size=n_schools, max_size=n_schools),
    st.integers(0, n_schools - 1), st.floats(1, 500))))


@settings(max_examples=300, deadline=None)
@given(matrices)
def test_more_seats_never_lowers_access(case):
    minutes, children, seats, school, extra = case
    minutes, children, seats = np.array(minutes, dtype=np.uint8), np.array(children), np.array(seats)
    more = seats.copy()
    more[school] += extra
    before = e2sfca.seats_per_1000(minutes, 30, seats, children)
    assert (e2sfca.seats_per_1000(minutes, 30, more, children) >= before - 1e-9).all()


@settings(max_examples=300, deadline=None)
@given(matrices)
def test_a_longer_limit_never_lowers_the_seats_within_reach_of_the_city(case):
    minutes, children, seats, _, _ = case
    minutes, children, seats = np.array(minutes, dtype=np.uint8), np.array(children), np.array(seats)
    totals = [children @ e2sfca.seats_per_1000(minutes, limit, seats, children) for limit in (15, 30, 45)]
    assert totals[0] <= totals[1] + 1e-6 and totals[1] <= totals[2] + 1e-6


def test_a_longer_limit_can_lower_one_place_by_adding_competitors():
    # Stated, not hidden: with 15 minutes cell 0 has the school to itself; with 30 the 1,000 children of cell 1
    # (20 minutes away) share it too, so cell 0's figure falls while the city's total does not.
    minutes, children, seats = np.array([[5], [20]], dtype=np.uint8), np.array([100.0, 1000.0]), np.array([100.0])
    short, long = (e2sfca.seats_per_1000(minutes, limit, seats, children) for limit in (15, 30))
    assert long[0] < short[0] and children @ long == pytest.approx(children @ short)


def test_demo_deserts_page_shows_the_capacity_measure_in_both_languages(demo_site):
    english = (demo_site / "deserts" / "index.html").read_text(encoding="utf-8")
    spanish = (demo_site / "es" / "deserts" / "index.html").read_text(encoding="utf-8")
    assert "Quality seats within reach per 1,000 children" in english and "Seats per 1,000 children" in english
    assert "Seats are the number of students enrolled, because the data gives no school capacity." in english
    assert "Plazas de calidad al alcance por cada 1.000 niños" in spanish and "Plazas por cada 1.000 niños" in spanish


@pytest.mark.real_data
def test_chicago_capacity_measure_beside_the_others(chicago):
    shares = chicago.access["shares"]
    for band in ("elementary", "middle", "high"):
        city = shares[band][30]
        print(f"Chicago {band}: {city['seats_per_1000']} quality seats per 1,000 children within 30 min; "
              f"{city['city']}% of children in a desert")
        assert 0 < city["seats_per_1000"] < 1000
        assert sum(v == v and v > 0 for v in city["seats_per_1000_areas"].values()) > 20
