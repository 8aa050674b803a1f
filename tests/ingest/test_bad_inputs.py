"""Every bad-input case that applies to directories and ratings (DATA-01...35, SEC-05...07): fixture -> code.

Each case writes a tiny city into a temporary folder: two square neighborhoods around (-31.0, -24.0)
and a schools file made of the good rows below plus the case's bad bytes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from schoolfinder import pipeline
from schoolfinder.config import load_config
from schoolfinder.problems import DataError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HEADER = "ID,NAME,GRADES,ADDRESS,PHONE,WEBSITE,LAT,LON,STATUS,NCES"
GOOD = [f"G{i},Good School {i},K-5,{i} Main St,(555) 010-00{i:02d},https://example.org/{i},-31.0{i % 5},-24.0{i % 4},Open,"
        for i in range(1, 13)]
CONFIG = """
[city]
name = "Testville"
slug = "testville"
timezone = "UTC"
fictional = true

[[directory]]
id = "d"
label = "District file"
path = "schools.csv"
encoding = "{encoding}"
as_of = "2026-01-01"
sector = "district"
closed_values = ["Closed"]
[directory.columns]
school_id = "ID"
name = "NAME"
grades = "GRADES"
address = "ADDRESS"
phone = "PHONE"
website = "WEBSITE"
lat = "LAT"
lon = "LON"
status = "STATUS"
nces_id = "NCES"

[[ratings]]
id = "r"
label = "Ratings"
path = "ratings.csv"
as_of = "2026-01-01"
directory = "d"
school_id_column = "ID"
rating_column = "RATING"
year = "2025-26"
levels = ["A", "B", "C"]
not_rated = ["N/R"]

[neighborhoods]
path = "neighborhoods.geojson"
label = "Areas"
id_field = "id"
name_field = "name"

[thresholds]
max_quarantine_share = {max_quarantine_share}
"""


def make_city(tmp_path: Path, data: bytes | str, encoding: str = "utf-8", ratings: str = "ID,RATING\nG1,A\n",
              max_quarantine_share: float = 0.5) -> Path:
    (tmp_path / "city.toml").write_text(CONFIG.format(encoding=encoding, max_quarantine_share=max_quarantine_share))
    (tmp_path / "schools.csv").write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    (tmp_path / "ratings.csv").write_text(ratings)
    shutil.copy(FIXTURES / "hostile" / "neighborhoods.geojson", tmp_path / "neighborhoods.geojson")
    return tmp_path


def rows(*bad: str) -> str:
    return "\n".join([HEADER, *GOOD, *bad]) + "\n"


def run(city: Path):
    return pipeline.run(load_config(city))


def codes(result, severity: str | None = None) -> list[str]:
    return sorted(p.code for p in result.problems if severity in (None, p.severity))


def fails(city: Path) -> str:
    with pytest.raises(DataError) as info:
        run(city)
    return str(info.value)


# --- FAIL cases: the build stops and names file, row and column -------------------------------------------

def test_data01_missing_and_empty_file(tmp_path):
    city = make_city(tmp_path, rows())
    (city / "schools.csv").unlink()
    assert "MISSING_FILE" in fails(city)
    (city / "schools.csv").write_bytes(b"")
    assert "FAIL EMPTY_FILE: schools.csv" in fails(city)


def test_data02_header_only(tmp_path):
    assert "FAIL NO_ROWS: schools.csv" in fails(make_city(tmp_path, HEADER + "\n"))


def test_data03_missing_or_renamed_column(tmp_path):
    message = fails(make_city(tmp_path, rows().replace("NAME", "SchoolName", 1)))
    assert "FAIL MISSING_COLUMN: schools.csv, row 1, column NAME" in message


def test_data05_duplicate_header(tmp_path):
    assert "DUPLICATE_HEADER: schools.csv, row 1, column ADDRESS" in fails(make_city(tmp_path, rows().replace("PHONE", "ADDRESS", 1)))


def test_data07_cp1252_in_a_utf8_source(tmp_path):
    data = rows("B1,Caf\u00e9 \u2019Elementary\u2019,K-5,1 A St,,,-31.01,-24.01,Open,").encode("cp1252")
    assert "FAIL ENCODING_NOT_UTF8: schools.csv, row 14: byte 0xe9" in fails(make_city(tmp_path, data))


def test_data07_cp1252_source_configured_decodes_cleanly(tmp_path):
    data = rows("B1,Caf\u00e9 \u2019Elementary\u2019,PK\u20135,1 A St,,,-31.01,-24.01,Open,").encode("cp1252")
    result = run(make_city(tmp_path, data, encoding="cp1252"))
    name = result.schools.set_index("school_id").loc["B1", "name"]
    assert name == "Caf\u00e9 \u2019Elementary\u2019" and "\ufffd" not in name


def test_data23_projected_coordinates_in_most_rows(tmp_path):
    projected = "\n".join([HEADER] + [f"P{i},School {i},K-5,,,,1150000.5,1900000.2,Open," for i in range(8)]) + "\n"
    assert "FAIL CRS_UNEXPECTED: schools.csv" in fails(make_city(tmp_path, projected))


def test_data23_geojson_in_another_crs(tmp_path):
    city = make_city(tmp_path, rows())
    data = json.loads((city / "neighborhoods.geojson").read_text())
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    (city / "neighborhoods.geojson").write_text(json.dumps(data))
    assert "CRS_UNEXPECTED" in fails(city)


def test_data24_invalid_polygon(tmp_path):
    city = make_city(tmp_path, rows())
    data = json.loads((city / "neighborhoods.geojson").read_text())
    data["features"][0]["geometry"]["coordinates"] = [[[-24.05, -31.05], [-23.95, -30.95], [-24.05, -30.95], [-23.95, -31.05], [-24.05, -31.05]]]
    (city / "neighborhoods.geojson").write_text(json.dumps(data))
    result = run(city)  # repaired with make_valid (a bow-tie becomes two triangles), never a failure or a traceback
    repaired = [p for p in result.problems if p.code == "GEOMETRY_REPAIRED"]
    assert len(repaired) == 1 and repaired[0].severity == "WARN" and "Self-intersection" in repaired[0].message
    assert result.neighborhoods.geometry.is_valid.all() and result.reconciliation["d"]["balanced"]


def test_data25_geojson_in_lat_lon_order(tmp_path):
    city = make_city(tmp_path, rows())
    data = json.loads((city / "neighborhoods.geojson").read_text())
    for feature in data["features"]:
        feature["geometry"]["coordinates"] = [[[y, x] for x, y in ring] for ring in feature["geometry"]["coordinates"]]
    (city / "neighborhoods.geojson").write_text(json.dumps(data))
    assert "FAIL COORDS_OUTSIDE_CITY" in fails(city)


def test_data32_truncated_file(tmp_path):
    assert "FAIL CSV_PARSE_ERROR: schools.csv, row 14" in fails(make_city(tmp_path, rows() + 'T1,"Cut off school,K-5'))


# --- Row-level cases: quarantined, warned or normalised; everything still reconciles ------------------------

ROW_CASES = [
    # (case, bad row(s), expected codes, severity)
    ("DATA-04 extra column", None, ["UNKNOWN_COLUMN"], "WARN"),
    ("DATA-08 mojibake", ["M1,Escuela StraÃŸe,K-5,,,,-31.01,-24.01,Open,"], ["SUSPECTED_MOJIBAKE"], "WARN"),
    ("DATA-10 fewer cells", ["F1,Short Row,K-5"], ["MISSING_CELL"], "QUARANTINE"),
    ("DATA-11 more cells", ["X1,Smith, Jones Academy,K-5,,,,-31.01,-24.01,Open,"], ["EXTRA_CELL"], "QUARANTINE"),
    ("DATA-13 zero-width in id", ["Z1\u200b,Zed School,K-5,,,,-31.01,-24.01,Open,"], ["ID_NON_PRINTABLE"], "QUARANTINE"),
    ("DATA-14 NCES in Excel notation", ["N1,Nces School,K-5,,,,-31.01,-24.01,Open,1.00005E+11"], ["ID_FORMAT"], "QUARANTINE"),
    ("DATA-14 NCES lost leading zero", ["N2,Nces Two,K-5,,,,-31.01,-24.01,Open,12345678901"], ["ID_FORMAT"], "QUARANTINE"),
    ("DATA-15 same id twice", ["G1,Good School 1 again,K-5,,,,-31.01,-24.01,Open,"], ["DUPLICATE_ID_CONFLICT"], "WARN"),
    ("DATA-17 missing lat/lon", ["L1,No Place School,K-5,,,,,,Open,"], ["NO_COORDINATES"], "WARN"),
    ("DATA-18 near 0,0", ["L2,Null Island School,K-5,,,,0.0001,0.0002,Open,"], ["POINT_NEAR_ORIGIN"], "WARN"),
    ("DATA-19 swapped lat/lon", ["L3,Swapped School,K-5,,,,-24.01,-31.01,Open,"], ["LIKELY_SWAPPED"], "WARN"),
    ("DATA-20 sign dropped", ["L4,Sign School,K-5,,,,-31.01,24.01,Open,"], ["COORDS_OUTSIDE_CITY"], "WARN"),
    ("DATA-21 many schools on one point", [f"S{i},Shared {i},K-5,,,,-31.033,-24.033,Open," for i in range(4)],
     ["SHARED_COORDINATES"] * 4, "WARN"),
    ("DATA-28 unknown grade token", ["U1,Odd Grades School,K-5/Grade X,,,,-31.01,-24.01,Open,", "U2,Odd Two,Z,,,,-31.02,-24.03,Open,"],
     ["GRADE_TOKEN", "GRADE_TOKEN"], "WARN"),
    ("DATA-31 formula", ['H1,"=HYPERLINK(""http://x"",""Click"")",K-5,,,,-31.01,-24.01,Open,'], ["FORMULA_IN_CELL"], "QUARANTINE"),
    ("DATA-31 phone stored as a number", ["E1,Excel School,K-5,,5550100000.0,,-31.01,-24.01,Open,"], ["EXCEL_NUMBER"], "NORMALIZE"),
    ("DATA-34 200+ character name", ["W1," + "Very Long Name " * 15 + ",K-5,,,,-31.01,-24.01,Open,"], ["LONG_NAME"], "WARN"),
    ("DATA-34 field over the hard cap", ["W2," + "x" * 1001 + ",K-5,,,,-31.01,-24.01,Open,"], ["FIELD_TOO_LONG"], "QUARANTINE"),
    ("SEC-05 javascript: link", ["J1,Js School,K-5,,, JAVASCRIPT:alert(1),-31.01,-24.01,Open,"], ["URL_SCHEME"], "QUARANTINE"),
    ("SEC-05 data: link", ["J2,Data School,K-5,,,\"data:text/html,<script>alert(1)</script>\",-31.01,-24.01,Open,"],
     ["URL_SCHEME"], "QUARANTINE"),
    ("SEC-06 markup in a phone", ["P1,Phone School,K-5,,+1 (555) 010-0000<script>,,-31.01,-24.01,Open,"],
     ["PHONE_NOT_A_NUMBER"], "WARN"),
]


@pytest.mark.parametrize(("case", "bad", "expected", "severity"), ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_row_level_case(tmp_path, case, bad, expected, severity):
    if bad is None:  # DATA-04: one more column than the config maps
        data = "\n".join([HEADER + ",EXTRA", *(row + ",x" for row in GOOD)]) + "\n"
    else:
        data = rows(*bad)
    result = run(make_city(tmp_path, data))
    assert codes(result, severity) == expected
    found = [p for p in result.problems if p.code in expected]
    if bad is not None:
        assert all(p.file == "schools.csv" and p.row >= 14 for p in found)
    rec = result.reconciliation["d"]
    assert rec["balanced"] and rec["rows_read"] == 12 + (len(bad) if bad else 0)


def test_data06_bom_is_stripped(tmp_path):
    result = run(make_city(tmp_path, "\ufeff" + rows()))
    assert len(result.schools) == 12 and codes(result) == []


def test_data09_line_endings_and_blank_lines(tmp_path):
    text = HEADER + "\r\n" + "\r\n".join(GOOD[:6]) + "\n" + "\n".join(GOOD[6:]) + "\n\n\n"
    result = run(make_city(tmp_path, text))
    assert len(result.schools) == 12 and result.reconciliation["d"]["rows_read"] == 12


def test_data12_embedded_newline(tmp_path):
    result = run(make_city(tmp_path, rows('Q1,"Two\nLine School",K-5,,,,-31.01,-24.01,Open,', "Q2,After,K-5,,,,-31.01,-24.01,Open,")))
    names = result.schools.set_index("school_id")["name"]
    assert names["Q1"] == "Two Line School" and names["Q2"] == "After"


def test_data13_names_are_normalised(tmp_path):
    result = run(make_city(tmp_path, rows("Y1,  Ye\u0301\u00a0Olde\u200b  School ,K-5,,,,-31.01,-24.01,Open,")))
    assert result.schools.set_index("school_id").loc["Y1", "name"] == "Y\u00e9 Olde School"


def test_data26_closed_school_excluded_and_counted(tmp_path):
    result = run(make_city(tmp_path, rows("C1,Closed School,K-5,,,,-31.01,-24.01,Closed,")))
    assert "C1" not in set(result.schools["school_id"]) and result.reconciliation["d"]["excluded_closed"] == 1


def test_data29_na_strings_are_values(tmp_path):
    result = run(make_city(tmp_path, rows("NA,NA,K-5,N/A,,,-31.01,-24.01,Open,")))
    school = result.schools.set_index("school_id").loc["NA"]
    assert (school["name"], school["address"]) == ("NA", "N/A")


def test_data35_cjk_rtl_and_combining_accents(tmp_path):
    result = run(make_city(tmp_path, rows("R1,\u5317\u4eac\u5b66\u6821,K-5,,,,-31.01,-24.01,Open,",
                                          "R2,\u0645\u062f\u0631\u0633\u0629,K-5,,,,-31.01,-24.01,Open,")))
    schools = result.schools.set_index("school_id")
    assert schools.loc["R1", "name"] == "\u5317\u4eac\u5b66\u6821" and schools.loc["R2", "name"] == "\u0645\u062f\u0631\u0633\u0629"
    assert schools.loc["R1", "slug"] == "school-r1" and schools.loc["R2", "slug"] == "school-r2"


def test_sec07_slugs_from_hostile_names(tmp_path):
    result = run(make_city(tmp_path, rows("K1,../../index,K-5,,,,-31.01,-24.01,Open,", "K2,CON,K-5,,,,-31.01,-24.01,Open,")))
    slugs = set(result.schools["slug"])
    assert {"index", "con-school-k2"} <= slugs and all("/" not in s and "." not in s for s in slugs)


# --- Ratings --------------------------------------------------------------------------------------------

def test_ratings_unknown_value_duplicate_and_unmatched(tmp_path):
    ratings = "ID,RATING\nG1,A\nG2,Z\nG3,B\nG3,C\nNOPE,A\nG4,N/R\n"
    result = run(make_city(tmp_path, rows(), ratings=ratings))
    assert codes(result, "QUARANTINE") == ["DUPLICATE_KEY", "UNKNOWN_RATING"]
    rec = result.reconciliation["r"]
    assert (rec["rows_read"], rec["attached"], rec["excluded_no_school"], rec["quarantined"]) == (6, 3, 1, 2)
    g4 = result.schools.set_index("school_id").loc["G4", "ratings"][0]
    assert (g4["status"], g4["level"]) == ("not_rated", None)


# --- Population crosswalk ([population.crosswalk]): children summed per neighborhood ----------------------

POPULATION = """
[population]
label = "Children"
areas_path = "areas.geojson"
area_id_field = "GEOID"
table_path = "children.csv"
table_id_column = "GEOID"
children_columns = ["KIDS"]
as_of = "2026"
[population.crosswalk]
label = "Tract to neighborhood file"
path = "crosswalk.csv"
area_column = "TRACT"
area_width = 4
area_prefix = "{prefix}"
neighborhood_column = "AREA_NO"
"""
# 990001 lies in neighborhood 1; 990002 straddles the border (the crosswalk puts it all in 2); 990003 is drawn but
# not in the crosswalk; 990004 is in the crosswalk but not drawn; 880001 is outside the city and in neither.
CHILDREN = "GEOID,KIDS\n990001,100\n990002,50\n990003,7\n990004,20\n880001,999\n"
CROSSWALK_OK = "TRACT,AREA_NO\n1,1\n2,2\n4,2\n"


def _square(geoid: str, west: float, east: float) -> dict:
    ring = [[west, -31.04], [east, -31.04], [east, -31.0], [west, -31.0], [west, -31.04]]
    return {"type": "Feature", "properties": {"GEOID": geoid}, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def make_population_city(tmp_path: Path, crosswalk: str, prefix: str = "99") -> Path:
    city = make_city(tmp_path, rows())
    with open(city / "city.toml", "a", encoding="utf-8") as fh:
        fh.write(POPULATION.format(prefix=prefix))
    areas = [_square("990001", -24.045, -24.02), _square("990002", -24.03, -24.0), _square("990003", -23.99, -23.96)]
    (city / "areas.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": areas}))
    (city / "children.csv").write_text(CHILDREN)
    (city / "crosswalk.csv").write_text(crosswalk)
    return city


def test_crosswalk_counts_every_child_once_and_reports_areas_it_misses(tmp_path):
    result = run(make_population_city(tmp_path, CROSSWALK_OK))
    assert result.neighborhoods.set_index("nbhd_id")["children"].to_dict() == {"1": 100, "2": 70}
    summary = result.population
    assert (summary["method"], summary["children_counted"], summary["children_in_neighborhoods"]) == ("crosswalk", 170, 170)
    assert (summary["areas_not_in_crosswalk"], summary["children_not_in_crosswalk"]) == (["990003"], 7)
    missed = [p for p in result.problems if p.code == "AREA_NOT_IN_CROSSWALK"]
    assert [(p.severity, p.file, p.row, p.column, p.value) for p in missed] == [("WARN", "children.csv", 4, "GEOID", "990003")]
    assert "7 children" in missed[0].message


def test_without_a_crosswalk_children_are_area_weighted(tmp_path):
    city = make_population_city(tmp_path, CROSSWALK_OK)
    toml = (city / "city.toml").read_text()
    (city / "city.toml").write_text(toml[: toml.index("[population.crosswalk]")])
    result = run(city)
    summary = result.population
    assert summary["method"] == "area_weighting" and summary["children_in_areas"] == 157  # 990004 has no shape
    assert result.neighborhoods.set_index("nbhd_id")["children"].to_dict() == {"1": 125, "2": 32}  # 990002 split 1:1
    assert summary["children_in_neighborhoods"] == 157 and summary["children_outside_neighborhoods"] == 0


@pytest.mark.parametrize(("crosswalk", "prefix", "expected"), [
    ("TRACT,AREA_NO\n1,1\n2,3\n", "99", "FAIL CROSSWALK_UNKNOWN_NEIGHBORHOOD: crosswalk.csv, row 3, column AREA_NO"),
    ("TRACT,AREA_NO\n1,1\n2,2\n0001,2\n", "99", "FAIL DUPLICATE_KEY: crosswalk.csv, row 4, column TRACT"),
    ("TRACT,AREA_NO\n1,1\n,2\n", "99", "FAIL CROSSWALK_MISSING_VALUE: crosswalk.csv, row 3, column TRACT"),
    ("TRACT,AREA_NO\n1,1\n2,\n", "99", "FAIL CROSSWALK_MISSING_VALUE: crosswalk.csv, row 3, column AREA_NO"),
    ("TRACT,AREA_NO\n1,1\n2b,2\n", "99", "FAIL CROSSWALK_BAD_ID: crosswalk.csv, row 3, column TRACT"),
    ("TRACT,AREA\n1,1\n", "99", "FAIL MISSING_COLUMN: crosswalk.csv, row 1, column AREA_NO"),
    (CROSSWALK_OK, "17031", "FAIL CROSSWALK_NO_MATCH: crosswalk.csv, row 2, column TRACT"),
])
def test_bad_crosswalk_names_file_row_and_column(tmp_path, crosswalk, prefix, expected):
    assert expected in fails(make_population_city(tmp_path, crosswalk, prefix))


def test_crosswalk_area_missing_from_the_table_is_reported(tmp_path):
    result = run(make_population_city(tmp_path, CROSSWALK_OK + "5,1\n"))
    missing = [p for p in result.problems if p.code == "CROSSWALK_AREA_NOT_IN_TABLE"]
    assert [(p.file, p.row, p.column, p.value) for p in missing] == [("crosswalk.csv", 5, "TRACT", "990005")]
    assert result.population["children_in_neighborhoods"] == 170


def test_bad_crosswalk_is_one_line_on_the_command_line(tmp_path):
    import subprocess
    import sys

    (tmp_path / "city").mkdir()
    city = make_population_city(tmp_path / "city", "TRACT,AREA_NO\n1,1\n2,3\n")
    proc = subprocess.run([sys.executable, "-m", "schoolfinder", "build", str(city), "--out", str(tmp_path / "out"),
                           "--reports", str(tmp_path / "reports")],
                          capture_output=True, text=True, env={**__import__("os").environ, "PYTHONPATH": "plugins"},
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "CROSSWALK_UNKNOWN_NEIGHBORHOOD: crosswalk.csv, row 3, column AREA_NO" in proc.stderr + proc.stdout
