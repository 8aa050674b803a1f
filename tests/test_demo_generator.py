"""Tests for the seeded Port Meridian demo-city generator."""

import csv
import itertools
import json

import pytest
import shapely
from shapely.geometry import Point, shape

from schoolfinder.demo.generator import generate


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    return out, generate(out, seed=2026)


def read_csv(path, encoding="utf-8", delimiter=","):
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


def read_geo(path):
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def district(out):
    return read_csv(out / "district_sis.csv")


def charter(out):
    return read_csv(out / "charter_authorizer.csv", encoding="cp1252", delimiter=";")


def test_same_seed_is_byte_identical_and_other_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, seed=7)
    generate(b, seed=7)
    generate(c, seed=8)
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir()) == sorted(p.name for p in c.iterdir())
    assert len(names) == 8
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
        assert (a / name).read_bytes() != (c / name).read_bytes(), name


def test_planted_counts(city):
    out, planted = city
    assert json.loads((out / "planted.json").read_text(encoding="utf-8")) == planted
    assert planted["seed"] == 2026
    assert planted["n_schools_expected"] >= 300
    assert 25 <= planted["n_neighborhoods"] <= 40
    assert planted["n_both"] > 0
    assert planted["n_closed"] == 1
    assert planted["n_missing_coords"] >= 3


def test_planted_counts_match_files(city):
    out, planted = city
    d, c = district(out), charter(out)
    assert len(d) == planted["n_district_rows"]
    assert len(c) == planted["n_charter_rows"]
    assert len({r["SCHOOL_CODE"] for r in d}) == len(d)
    assert len({r["STATE_SCHOOL_ID"] for r in d}) == len(d)
    assert len({r["Campus ID"] for r in c}) == len({r["State ID"] for r in c}) == len(c)

    both = sorted({r["STATE_SCHOOL_ID"] for r in d} & {r["State ID"] for r in c})
    assert both == planted["both_state_ids"] and len(both) == planted["n_both"]
    assert sorted(r["STATE_SCHOOL_ID"] for r in d if r["GOVERNANCE"] == "CHARTER") == both

    closed = sorted(r["STATE_SCHOOL_ID"] for r in d if r["STATUS"] == "Closed")
    assert closed == planted["closed_state_ids"] and len(closed) == planted["n_closed"]
    assert {r["STATUS"] for r in d} == {"Open", "Closed"}

    missing = sorted({r["STATE_SCHOOL_ID"] for r in d if not r["LAT"] or not r["LON"]}
                     | {r["State ID"] for r in c if not r["Latitude"] or not r["Longitude"]})
    assert missing == planted["missing_coords_state_ids"] and len(missing) == planted["n_missing_coords"]
    assert any(r["State ID"] in missing and r["State ID"] not in both for r in c)

    open_ids = {r["STATE_SCHOOL_ID"] for r in d if r["STATUS"] != "Closed"} | {r["State ID"] for r in c}
    assert len(open_ids) == planted["n_schools_expected"]
    assert len(read_geo(out / "neighborhoods.geojson")) == planted["n_neighborhoods"]
    assert len(read_geo(out / "small_areas.geojson")) == planted["n_small_areas"]


def test_both_listed_schools_are_formatted_differently(city):
    out, planted = city
    d = {r["STATE_SCHOOL_ID"]: r for r in district(out)}
    c = {r["State ID"]: r for r in charter(out)}
    for sid in planted["both_state_ids"]:
        assert d[sid]["NETWORK"] == c[sid]["Operator"]
        assert d[sid]["PHONE"] != c[sid]["Telephone"]


def test_ratings_cover_two_years(city):
    out, _ = city
    d = district(out)
    stars = read_csv(out / "district_ratings.csv")
    rated = {r["SCHOOL_CODE"] for r in d if r["GOVERNANCE"] == "DISTRICT" and r["STATUS"] == "Open"}
    assert {r["SCHOOL_CODE"] for r in stars} == rated
    assert len(stars) == 2 * len(rated)
    assert {r["SCHOOL_YEAR"] for r in stars} == {"2024-25", "2025-26"}
    assert {r["STAR_RATING"] for r in stars} <= {"5 stars", "4 stars", "3 stars", "2 stars", "1 star", "Not rated"}
    assert "Not rated" in {r["STAR_RATING"] for r in stars}
    grades = read_csv(out / "charter_ratings.csv", encoding="cp1252", delimiter=";")
    assert len(grades) == 2 * len(charter(out))
    assert {r["Grade"] for r in grades} <= {"A", "B", "C", "D", "F", "N/R"}


def test_charter_file_is_cp1252_not_utf8(city):
    out, _ = city
    raw = (out / "charter_authorizer.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "\r\n" in text
    assert "PK\u20135" in {r["Grades Served"] for r in charter(out)}
    assert any(ch in text for ch in "éñ’")


def test_school_coordinates_inside_city_in_open_ocean(city):
    out, _ = city
    union = shapely.union_all([shape(f["geometry"]) for f in read_geo(out / "neighborhoods.geojson")])
    coords = [(r["LAT"], r["LON"]) for r in district(out)] + [(r["Latitude"], r["Longitude"]) for r in charter(out)]
    present = [(float(lat), float(lon)) for lat, lon in coords if lat and lon]
    assert len(present) >= 300
    for lat, lon in present:
        assert -33 <= lat <= -29 and -26 <= lon <= -22
        assert union.buffer(1e-7).contains(Point(lon, lat)), (lat, lon)


def test_neighborhoods_tile_city(city):
    out, _ = city
    feats = read_geo(out / "neighborhoods.geojson")
    names = [f["properties"]["nbhd_name"] for f in feats]
    assert len(set(names)) == len(names)
    assert [f["properties"]["nbhd_id"] for f in feats] == [f"N{i:02d}" for i in range(1, len(feats) + 1)]
    polys = [shape(f["geometry"]) for f in feats]
    assert all(p.is_valid and p.area > 0 for p in polys)
    for a, b in itertools.combinations(polys, 2):
        assert a.intersection(b).area < 1e-9
    union = shapely.union_all(polys).buffer(1e-7)
    areas = read_geo(out / "small_areas.geojson")
    for f in areas:
        assert union.contains(shape(f["geometry"]).centroid), f["properties"]["area_id"]


def test_children_table(city):
    out, _ = city
    rows = read_csv(out / "children.csv")
    ids = [f["properties"]["area_id"] for f in read_geo(out / "small_areas.geojson")]
    assert [r["AREA_ID"] for r in rows] == ids
    counts = [int(r[col]) for r in rows for col in ("AGE_5_9", "AGE_10_14", "AGE_15_17")]
    assert min(counts) == 0 and len(set(counts)) > 20
