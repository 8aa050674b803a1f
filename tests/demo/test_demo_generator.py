"""Tests for the seeded Port Meridian demo-city generator."""

import csv
import hashlib
import itertools
import json
import re

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
    assert len(names) == 10  # with ferry.zip, the planted desert island's ferry
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


# --- enrollment, discipline, application and subgroup columns (drawn from Random(seed + 1)) ---------------

DISTRICT_NEW = ["ENROLLMENT", "N_SWD", "N_ELL", "N_FRL", "SUSP_PER_100", "EXPUL_PER_100", "APPLY_HOW", "APPLY_URL",
                "APPLY_DEADLINE", "ENTRY_GRADES", "MIDYEAR", "SCHOOL_HOURS"]
CHARTER_NEW = ["Total Enrollment", "SWD Count", "EL Count", "Low Income Count", "Suspension Rate", "Expulsion Rate",
               "How to Apply", "Application Link", "Lottery Deadline", "Entry Grades", "Midyear Enrollment",
               "School Day"]
DISTRICT_SUBGROUPS = ["SWD_RATING", "EL_RATING", "LOWINC_RATING"]
CHARTER_SUBGROUPS = ["SWD Grade", "EL Grade", "Low Income Grade"]
SENTINELS = {"-9", "n/a"}
HOURS = re.compile(r"^(1[0-2]|[1-9]):[0-5]\d [AP]M - (1[0-2]|[1-9]):[0-5]\d [AP]M$")
MONTH_DAY_YEAR = re.compile(r"^(January|February|March|April|May|June|July|August|September|October|November|"
                            r"December) [1-9]\d?, 20\d\d$")
# sha256 of the first 18 (the original) columns of district_sis.csv for seed 2026, recorded before the new
# columns were added: each row's cells joined by tabs, rows (header included) joined by newlines. The rows of
# the planted access schools (planted.json `planted_access_codes`, drawn from Random(seed + 3) and appended
# later) are left out, so the digests still prove every original row unchanged.
ORIGINAL_DISTRICT_SHA256 = "10f8454e2028c12ad6019a18d8c2e4517482520959c93ca3a88794291b987d18"
ORIGINAL_PROJECTIONS = {  # file -> (encoding, delimiter, number of original columns, sha256), same recipe
    "district_sis.csv": ("utf-8", ",", 18, ORIGINAL_DISTRICT_SHA256),
    "charter_authorizer.csv": ("cp1252", ";", 14, "3ed89b0a6dab24323248b129c7cf2e9f75482a0eaa159e26a6e5d7844d312132"),
    "district_ratings.csv": ("utf-8", ",", 3, "9443bfaeab0a0eb973f435a625bc13a96a81e4efa28d29d67b938e9882890fb2"),
    "charter_ratings.csv": ("cp1252", ";", 3, "65b71c05be8a2e239d99c581f46810847927d6915246ddd56e1fb4e9d3fe2b88"),
}


def header(path, encoding, delimiter):
    with open(path, encoding=encoding, newline="") as fh:
        return next(csv.reader(fh, delimiter=delimiter))


def test_new_columns_are_appended_with_each_files_encoding_and_delimiter(city):
    out, _ = city
    d_head = header(out / "district_sis.csv", "utf-8", ",")
    assert len(d_head) == 18 + len(DISTRICT_NEW) and d_head[18:] == DISTRICT_NEW
    assert d_head[:2] == ["SCHOOL_CODE", "STATE_SCHOOL_ID"] and d_head[17] == "ELL_SUPPORTS"
    c_head = header(out / "charter_authorizer.csv", "cp1252", ";")
    assert len(c_head) == 14 + len(CHARTER_NEW) and c_head[14:] == CHARTER_NEW
    assert c_head[0] == "Campus ID" and c_head[13] == "EL Services"
    assert header(out / "district_ratings.csv", "utf-8", ",") == ["SCHOOL_CODE", "SCHOOL_YEAR", "STAR_RATING"] \
        + DISTRICT_SUBGROUPS
    assert header(out / "charter_ratings.csv", "cp1252", ";") == ["Campus ID", "Year", "Grade"] + CHARTER_SUBGROUPS
    for name, encoding, delimiter in (("district_sis.csv", "utf-8", ","), ("charter_authorizer.csv", "cp1252", ";"),
                                      ("district_ratings.csv", "utf-8", ","), ("charter_ratings.csv", "cp1252", ";")):
        with open(out / name, encoding=encoding, newline="") as fh:
            rows = list(csv.reader(fh, delimiter=delimiter))
        assert len({len(r) for r in rows}) == 1, name  # every row as wide as the header
    assert b"\r\n" in (out / "charter_ratings.csv").read_bytes()
    assert b"\r\n" not in (out / "district_sis.csv").read_bytes()


def test_original_columns_unchanged_for_seed_2026(city):
    out, planted = city
    added = set(planted["planted_access_codes"])
    assert len(added) == 6
    for name, (encoding, delimiter, width, digest) in ORIGINAL_PROJECTIONS.items():
        with open(out / name, encoding=encoding, newline="") as fh:
            rows = [r for r in csv.reader(fh, delimiter=delimiter) if r[0] not in added]
        text = "\n".join("\t".join(r[:width]) for r in rows)
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == digest, name


def test_counts_never_exceed_enrollment(city):
    out, _ = city
    for rows, (enroll, *groups) in ((district(out), DISTRICT_NEW[:4]), (charter(out), CHARTER_NEW[:4])):
        for r in rows:
            assert all(r[c] in SENTINELS or r[c].isdigit() for c in [enroll, *groups]), r
            if r[enroll] not in SENTINELS:
                assert 80 <= int(r[enroll]) <= 1800
                assert all(int(r[c]) <= int(r[enroll]) for c in groups if r[c] not in SENTINELS), r


def test_rates_hours_and_grades_are_well_formed(city):
    out, _ = city
    d, c = district(out), charter(out)
    for r in d:
        assert r["SUSP_PER_100"] == "" or re.fullmatch(r"\d+\.\d", r["SUSP_PER_100"])
        assert re.fullmatch(r"\d+\.\d", r["EXPUL_PER_100"])
        assert r["MIDYEAR"] in {"Y", "N"} and HOURS.match(r["SCHOOL_HOURS"])
        assert r["ENTRY_GRADES"] and "|" not in r["ENTRY_GRADES"]
    assert "" in {r["SUSP_PER_100"] for r in d}
    for r in c:
        assert re.fullmatch(r"\d+\.\d", r["Suspension Rate"]) and re.fullmatch(r"\d+\.\d", r["Expulsion Rate"])
        assert r["Midyear Enrollment"] in {"Yes", "No"} and HOURS.match(r["School Day"])
        assert r["Entry Grades"] and ";" not in r["Entry Grades"]
        assert MONTH_DAY_YEAR.match(r["Lottery Deadline"]), r["Lottery Deadline"]
        assert "lottery deadline" in r["How to Apply"]


def test_apply_links_are_https_or_empty(city):
    out, _ = city
    d, c = district(out), charter(out)
    for r in d:
        assert r["APPLY_URL"] == "" or r["APPLY_URL"].startswith("https://")
        if r["APPLY_HOW"].startswith("Apply through PMPS Choice"):  # choice program: link and ISO deadline
            assert r["APPLY_URL"] and re.fullmatch(r"20\d\d-\d\d-\d\d", r["APPLY_DEADLINE"])
        else:
            assert "attendance zone" in r["APPLY_HOW"] and r["APPLY_URL"] == r["APPLY_DEADLINE"] == ""
    assert {r["APPLY_URL"] == "" for r in d} == {True, False}
    assert all(r["GOVERNANCE"] == "DISTRICT" or r["APPLY_URL"] for r in d)  # charters are always choice
    assert all(r["Application Link"] == "" or r["Application Link"].startswith("https://") for r in c)
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    by_state_id = {r["State ID"]: r for r in c}
    for r in d:  # a charter both files list: the same deadline, written each source's own way
        if r["GOVERNANCE"] == "CHARTER":
            month, day, year = by_state_id[r["STATE_SCHOOL_ID"]]["Lottery Deadline"].replace(",", "").split()
            assert r["APPLY_DEADLINE"] == f"{year}-{months.index(month) + 1:02d}-{int(day):02d}"


def test_sentinels_and_suppressed_subgroups_match_planted_facts(city):
    out, planted = city
    n_sentinel = sum(r[col] in SENTINELS for r in district(out) for col in DISTRICT_NEW[:4]) \
        + sum(r[col] in SENTINELS for r in charter(out) for col in CHARTER_NEW[:4])
    assert n_sentinel == planted["n_sentinel_counts"] > 0
    for rows, cols in ((district(out), DISTRICT_NEW[:4]), (charter(out), CHARTER_NEW[:4])):
        assert {r[c] for r in rows for c in cols} >= SENTINELS  # both kinds of sentinel in both files

    stars = read_csv(out / "district_ratings.csv")
    grades = read_csv(out / "charter_ratings.csv", encoding="cp1252", delimiter=";")
    n_suppressed = sum(r[c] == "*" for r in stars for c in DISTRICT_SUBGROUPS) \
        + sum(r[c] == "n<10" for r in grades for c in CHARTER_SUBGROUPS)
    assert n_suppressed == planted["n_suppressed_subgroups"] > 0
    cells = len(stars) * 3 + len(grades) * 3
    assert 0.08 <= n_suppressed / cells <= 0.25  # "about 15 %"


def test_subgroup_ratings_follow_each_scale(city):
    out, _ = city
    stars = read_csv(out / "district_ratings.csv")
    scale = {"5 stars", "4 stars", "3 stars", "2 stars", "1 star"}
    for rows, overall, cols, levels, not_rated, suppressed in (
            (stars, "STAR_RATING", DISTRICT_SUBGROUPS, scale, "Not rated", "*"),
            (read_csv(out / "charter_ratings.csv", encoding="cp1252", delimiter=";"), "Grade", CHARTER_SUBGROUPS,
             set("ABCDF"), "N/R", "n<10")):
        for r in rows:
            values = [r[c] for c in cols]
            if r[overall] == not_rated:
                assert values == ["", "", ""]
            else:
                assert set(values) <= levels | {suppressed, ""}
        seen = {r[c] for r in rows for c in cols}
        assert {suppressed, ""} <= seen and len(seen & levels) >= 4
        rated = [r for r in rows if r[overall] != not_rated and r[cols[0]] in levels]
        assert 0 < sum(r[cols[0]] == r[overall] for r in rated) < len(rated)  # correlated, not a copy


def test_planted_desert_island_and_well_served_neighborhood(city):
    """schoolfinder.demo.deserts plants both on purpose; the pipeline check is in tests/access/test_access.py."""
    out, planted = city
    feats = {f["properties"]["nbhd_name"]: shape(f["geometry"]) for f in read_geo(out / "neighborhoods.geojson")}
    island, served = feats[planted["desert_neighborhood"]], feats[planted["well_served_neighborhood"]]
    children = {r["AREA_ID"]: r for r in read_csv(out / "children.csv")}
    on_island = [children[f["properties"]["area_id"]] for f in read_geo(out / "small_areas.geojson")
                 if island.contains(shape(f["geometry"]).representative_point())]
    assert on_island and all(int(r[c]) > 0 for r in on_island for c in ("AGE_5_9", "AGE_10_14", "AGE_15_17"))
    latest = {r["SCHOOL_CODE"]: r["STAR_RATING"] for r in read_csv(out / "district_ratings.csv") if r["SCHOOL_YEAR"] == "2025-26"}
    rows = [r for r in district(out) if r["SCHOOL_CODE"] in planted["planted_access_codes"]]
    where = {r["SCHOOL_CODE"]: Point(float(r["LON"]), float(r["LAT"])) for r in rows}
    island_codes = [c for c, p in where.items() if island.contains(p)]
    served_codes = [c for c, p in where.items() if served.contains(p)]
    assert len(island_codes) == 2 and all(latest[c] in ("1 star", "2 stars") for c in island_codes)
    assert len(served_codes) == 2 * planted["well_served_campuses"] >= 2
    assert all(latest[c] in ("4 stars", "5 stars") for c in served_codes)
    assert all(int(r["ENROLLMENT"]) >= 80 for r in rows)  # seats, never a sentinel
