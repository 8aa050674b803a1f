"""Issue 14: patterns of real directory exports, one tiny inline city per pattern, with the fate of every row.

Each case is (name, extra config for the `[[directory]]` source, CSV text, expected {row: (fate, codes)}).
Fates: published, merged (another source's row), duplicate_row (exact copy in the same file),
duplicate_id (same id, different values: one row kept by the stated rule), excluded_filter, closed, quarantined.
Codes are the problems of that row (any severity), sorted. Rows are physical line numbers of the CSV.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schoolfinder import pipeline
from schoolfinder.config import load_config
from schoolfinder.problems import DataError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BASE = """
[city]
name = "Testville"
slug = "testville"
timezone = "UTC"
fictional = true

[[directory]]
id = "d"
label = "District file"
path = "schools.csv"
as_of = "2026-01-01"
{source}
[directory.columns]
{columns}

{extra}

[neighborhoods]
path = "neighborhoods.geojson"
label = "Areas"
id_field = "id"
name_field = "name"

[[sectors]]
id = "state-run"
label = "State-run"

[thresholds]
max_quarantine_share = {share}
shared_point_warn = 100
"""
COLUMNS = 'school_id = "ID"\nname = "NAME"\ngrades = "GRADES"\nlat = "LAT"\nlon = "LON"'
P = "-31.01,-24.01"  # a point inside the first neighborhood
Q = "-31.02,-23.98"  # a point inside the second


def make(tmp_path: Path, csv_text: str, source: str = 'sector = "district"', columns: str = COLUMNS, extra: str = "",
         share: float = 1.0, files: dict[str, str] | None = None) -> Path:
    (tmp_path / "city.toml").write_text(BASE.format(source=source, columns=columns, extra=extra, share=share))
    (tmp_path / "schools.csv").write_text(csv_text)
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text)
    (tmp_path / "neighborhoods.geojson").write_text((FIXTURES / "hostile" / "neighborhoods.geojson").read_text())
    return tmp_path


def fates(result, source: str = "d") -> dict[int, tuple[str, list[str]]]:
    codes: dict[int, list[str]] = {}
    for p in result.problems:
        if p.file == "schools.csv" and p.row:
            codes.setdefault(p.row, []).append(p.code)
    return {f["row"]: (f["fate"], sorted(codes.get(f["row"], []))) for f in result.row_fates if f["source"] == source}


def grades_of(result) -> dict[str, str]:
    return {sid: (g + (" +UG" if u else "")) for sid, g, u in zip(result.schools["school_id"], result.schools["grades"],
                                                                     result.schools["ungraded"])}


H = "ID,NAME,GRADES,LAT,LON\n"
CASES = [
    ("grade vocabulary: kindergarten, pre-K, ordinals, words, ungraded",
     'sector = "district"', H + f"A,Alpha,0K-5,{P}\nB,Beta,PK3/PK4,{P}\nC,Gamma,9th-12th,{Q}\nD,Delta,Pre-K - 8th,{Q}\n"
     f"E,Epsilon,Grades 9-12,{P}\nF,Zeta,K to 12,{Q}\nG,Eta,SE,{P}\nH,Theta,\"K5,1,2,UG\",{Q}\nI,Iota,TK-3,{P}\n",
     {2: ("published", []), 3: ("published", []), 4: ("published", []), 5: ("published", []), 6: ("published", []),
      7: ("published", []), 8: ("published", []), 9: ("published", []), 10: ("published", [])},
     {"A": "K–5", "B": "PK", "C": "9–12", "D": "PK–8", "E": "9–12", "F": "K–12", "G": " +UG", "H": "K–2 +UG", "I": "K–3"}),
    ("unknown grade token: a warning, the school keeps the grades understood",
     'sector = "district"\ngrade_aliases = { "Infant" = "PK" }', H + f"A,Alpha,\"K-2,Grade X\",{P}\nB,Beta,Infant/1,{Q}\nC,Gamma,???,{P}\n",
     {2: ("published", ["GRADE_TOKEN"]), 3: ("published", []), 4: ("published", ["GRADE_TOKEN"])},
     {"A": "K–2", "B": "PK, 1", "C": ""}),
    ("duplicate rows: exact copies merged, differing rows by the stated rule",
     'sector = "district"', H + f"A,Alpha,K-5,{P}\nA,Alpha,K-5,{P}\nB,Beta,,{Q}\nB,Beta Academy,6-8,{Q}\nC,Gamma,K-5,{P}\n",
     {2: ("published", []), 3: ("duplicate_row", ["DUPLICATE_ROW"]), 4: ("duplicate_id", ["DUPLICATE_ID_CONFLICT", "NO_GRADES"]),
      5: ("published", []), 6: ("published", [])},
     {"A": "K–5", "B": "6–8", "C": "K–5"}),
    ("placeholder ids are never ids; one file's rows never merge through a shared state id",
     'sector = "district"\nmatch_on = ["school_id", "state_id"]', "ID,NAME,GRADES,LAT,LON,STATE\n"
     f"A,Alpha,K-5,{P},N/A\nB,Beta,K-5,{Q},N/A\nC,Gamma,K-5,{P},S1\nD,Delta,K-5,{Q},S1\nN/A,Epsilon,K-5,{P},\n",
     {2: ("published", []), 3: ("published", []), 4: ("published", []), 5: ("published", []),
      6: ("quarantined", ["MISSING_SCHOOL_ID"])},
     {"A": "K–5", "B": "K–5", "C": "K–5", "D": "K–5"}),
    ("row filters: equals, in, not_in are counted as excluded_filter",
     'sector = "district"\nwhere = [{ column = "COUNTY", equals = "north" }, { column = "KIND", in = ["school", "academy"] },'
     ' { column = "ID", not_in = ["Z9"], reason = "central office" }]', "ID,NAME,GRADES,LAT,LON,COUNTY,KIND\n"
     f"A,Alpha,K-5,{P},North,school\nB,Beta,K-5,{Q},South,school\nC,Gamma,K-5,{P},north ,office\nZ9,Office,,{P},NORTH,school\n"
     f"D,Delta,6-8,{Q},North,Academy\n",
     {2: ("published", []), 3: ("excluded_filter", []), 4: ("excluded_filter", []), 5: ("excluded_filter", []),
      6: ("published", [])},
     {"A": "K–5", "D": "6–8"}),
    ("grades from enrollment columns (above 0), unreadable counts warned",
     'sector = "district"\ngrade_enrollment_columns = { PREK = "PK", KG = "K", G1 = "1", G9 = "9", SPED = "UG" }',
     "ID,NAME,LAT,LON,PREK,KG,G1,G9,SPED\n" f"A,Alpha,{P},0,25,30,0,0\nB,Beta,{Q},12,\"1,024\",0,0,3\nC,Gamma,{P},0,0,x,40,0\n",
     {2: ("published", []), 3: ("published", []), 4: ("published", ["NOT_A_NUMBER"])},
     {"A": "K–1", "B": "PK–K +UG", "C": "9"}),
    ("sectors and status match case-insensitively; a state-run sector of its own; closed rows excluded",
     'sector_rules = [{ column = "SYSTEM", equals = "S", sector = "state-run" }]\nsector_column = "TYPE"\n'
     'sector_values = { District = "district", "charter" = "charter" }\nclosed_values = ["Closed"]',
     "ID,NAME,GRADES,LAT,LON,TYPE,SYSTEM,STATUS\n" f"A,Alpha,K-5,{P},DISTRICT,,Open\nB,Beta,K-5,{Q},Charter,,open\n"
     f"C,Gamma,9-12,{P},,S,Open\nD,Delta,K-5,{Q},district,,CLOSED\nE,Epsilon,K-5,{P},private,,Open\n",
     {2: ("published", []), 3: ("published", []), 4: ("published", []), 5: ("closed", []),
      6: ("quarantined", ["UNKNOWN_SECTOR"])},
     {"A": "K–5", "B": "K–5", "C": "9–12"}),
    ("CSV: title rows above header_row, a cell with a newline, a huge cell quarantines its row",
     'sector = "district"\nheader_row = 3', "Statewide export\nMade 2026-01-01\n" + H +
     f"A,\"Alpha\nAnnex\",K-5,{P}\nB,{'x' * 200_000},K-5,{Q}\nC,Gamma,K-5,{P}\n",
     {4: ("published", []), 6: ("quarantined", ["FIELD_TOO_LONG", "LONG_NAME"]), 7: ("published", [])},
     {"A": "K–5", "C": "K–5"}),
    ("CSV: a trailing delimiter on every data row is not a shifted row",
     'sector = "district"', H + f"A,Alpha,K-5,{P},\nB,Beta,K-5,{Q},\n",
     {2: ("published", []), 3: ("published", [])}, {"A": "K–5", "B": "K–5"}),
]


@pytest.mark.parametrize(("case", "source", "data", "expected", "grades"), CASES, ids=[c[0] for c in CASES])
def test_export_pattern(tmp_path, case, source, data, expected, grades):
    result = pipeline.run(load_config(make(tmp_path, data, source=source, columns=_columns(data))))
    assert fates(result) == expected
    assert grades_of(result) == grades
    count = result.reconciliation["d"]
    assert count["balanced"] and count["rows_read"] == len(expected)


def _columns(data: str) -> str:
    header = next(line for line in data.splitlines() if line.startswith("ID,"))
    extra = ['state_id = "STATE"'] if "STATE" in header else []
    if "GRADES" not in header:
        return 'school_id = "ID"\nname = "NAME"\nlat = "LAT"\nlon = "LON"'
    return "\n".join([COLUMNS, *extra, *(['status = "STATUS"'] if "STATUS" in header else [])])


def test_duplicate_id_rule_is_in_the_review_file(tmp_path):
    result = pipeline.run(load_config(make(tmp_path, H + f"B,Beta,,{Q}\nB,Beta Academy,6-8,{Q}\n")))
    review = [r for r in result.excluded if r["kind"] == "duplicate_id"]
    assert [(r["row_a"], r["row_b"]) for r in review] == [(3, 2)]
    assert "most filled-in fields" in review[0]["value_a"]


# --- Ids and joins ----------------------------------------------------------------------------------------

RATINGS = """
[[ratings]]
id = "r"
label = "Ratings"
path = "ratings.csv"
as_of = "2026-01-01"
directory = "d"
school_id_column = "ID"
rating_column = "RATING"
year = "2025-26"
levels = ["A", "B"]
{allow}
"""


@pytest.mark.parametrize(("ratings", "attached", "code"), [
    ("ID,RATING\n101,A\n00102,B\n103.0,A\n", 3, None),  # 00101 / 101 / 101.0 meet in canonical form
    ("ID,RATING\n101,A\n999,B\n998,A\n", 1, "JOIN_MOSTLY_FAILED"),
])
def test_ids_in_canonical_form_and_mostly_failed_joins(tmp_path, ratings, attached, code):
    schools = H + f"00101,Alpha,K-5,{P}\n102,Beta,K-5,{Q}\n103,Gamma,K-5,{P}\n"
    city = make(tmp_path, schools, source='sector = "district"\nid_width = 5', extra=RATINGS.format(allow=""),
                files={"ratings.csv": ratings})
    result = pipeline.run(load_config(city))
    assert set(result.schools["school_id"]) == {"00101", "00102", "00103"}
    assert result.reconciliation["r"]["attached"] == attached
    found = [p for p in result.problems if p.code.startswith("JOIN")]
    assert [p.code for p in found] == ([code] if code else [])
    if code:
        assert "999" in found[0].message and "nearest" in found[0].message


def test_a_join_that_attaches_nothing_fails_unless_allowed(tmp_path):
    schools = H + f"A,Alpha,K-5,{P}\n"
    city = make(tmp_path, schools, extra=RATINGS.format(allow=""), files={"ratings.csv": "ID,RATING\nX,A\n"})
    with pytest.raises(DataError, match="FAIL JOIN_NO_MATCH: ratings.csv"):
        pipeline.run(load_config(city))
    (city / "city.toml").write_text((city / "city.toml").read_text().replace('levels = ["A", "B"]\n', 'levels = ["A", "B"]\nallow_no_match = true\n'))
    assert pipeline.run(load_config(city)).reconciliation["r"]["excluded_no_school"] == 1


def test_locations_from_another_file_joined_on_any_id(tmp_path):
    schools = "ID,NAME,GRADES,STATE\nA,Alpha,K-5,SA\nB,Beta,K-5,SB\nC,Gamma,K-5,SC\n"
    locations = "code,lat,lon\nA,-31.01,-24.01\nSB,-31.02,-23.98\nZZ,-31.0,-24.0\nSC,north,west\n"
    extra = ('[[locations]]\nid = "loc"\nlabel = "Old locations"\npath = "loc.csv"\n'
             'join = { school_id = "code", state_id = "code" }\nlat_column = "lat"\nlon_column = "lon"\n')
    city = make(tmp_path, schools, columns='school_id = "ID"\nname = "NAME"\ngrades = "GRADES"\nstate_id = "STATE"',
                extra=extra, files={"loc.csv": locations})
    result = pipeline.run(load_config(city))
    located = dict(zip(result.schools["school_id"], result.schools["neighborhood"]))
    assert located["A"] and located["B"] and located["C"] == ""  # C: its only location is not a number
    count = result.reconciliation["loc"]
    assert (count["attached"], count["excluded_no_school"], count["quarantined"], count["balanced"]) == (2, 1, 1, True)


def test_quarantine_guard_names_the_three_most_common_reasons(tmp_path):
    bad = "".join(f"X{i},,K-5,{P}\n" for i in range(3)) + f"Y,Why,K-5,{P},extra\n"
    city = make(tmp_path, H + f"A,Alpha,K-5,{P}\n" + bad, share=0.05)
    with pytest.raises(DataError) as info:
        pipeline.run(load_config(city))
    message = str(info.value)
    assert "FAIL QUARANTINE_SHARE: schools.csv" in message and "4 of 5 rows" in message
    assert "MISSING_NAME x3" in message and "EXTRA_CELL x1" in message


# --- Boundaries -------------------------------------------------------------------------------------------

def _boundaries(tmp_path: Path, edit) -> Path:
    city = make(tmp_path, H + f"A,Alpha,K-5,{P}\nB,Beta,K-5,{Q}\n")
    data = json.loads((city / "neighborhoods.geojson").read_text())
    edit(data["features"])
    (city / "neighborhoods.geojson").write_text(json.dumps(data))
    return city


@pytest.mark.parametrize(("edit", "message"), [
    (lambda f: f[1]["properties"].pop("id"), "FAIL BOUNDARY_MISSING_ID: neighborhoods.geojson, column id: feature 2 has no id"),
    (lambda f: f[1]["properties"].update(id="1"), "FAIL BOUNDARY_DUPLICATE_ID: neighborhoods.geojson, column id: feature 2 repeats"),
    (lambda f: f[0]["properties"].update(name=None), "FAIL BOUNDARY_EMPTY_NAME: neighborhoods.geojson, column name: feature 1 (1)"),
])
def test_boundary_property_errors_are_one_line(tmp_path, edit, message):
    with pytest.raises(DataError) as info:
        pipeline.run(load_config(_boundaries(tmp_path, edit)))
    assert str(info.value).startswith(message) and "\n" not in str(info.value)


def test_bow_tie_polygon_repaired_to_polygons(tmp_path):
    def bow_tie(features):
        features[0]["geometry"]["coordinates"] = [[[-24.05, -31.05], [-24.015, -30.95], [-24.05, -30.95], [-24.015, -31.05],
                                                   [-24.05, -31.05]]]
    result = pipeline.run(load_config(_boundaries(tmp_path, bow_tie)))
    assert [p.code for p in result.problems if p.code == "GEOMETRY_REPAIRED"] == ["GEOMETRY_REPAIRED"]
    assert set(result.neighborhoods.geometry.geom_type) <= {"Polygon", "MultiPolygon"}


def test_overlapping_polygons_warned_and_counted_once(tmp_path):
    def overlap(features):
        features[1]["geometry"]["coordinates"] = [[[-24.03, -31.05], [-23.95, -31.05], [-23.95, -30.95], [-24.03, -30.95],
                                                   [-24.03, -31.05]]]
    result = pipeline.run(load_config(_boundaries(tmp_path, overlap)))
    assert [p.code for p in result.problems if p.code == "BOUNDARY_OVERLAP"] == ["BOUNDARY_OVERLAP"]
    first, second = result.neighborhoods.geometry
    assert first.intersection(second).area < 1e-12
    assert result.neighborhoods["school_count"].sum() == 2


def test_name_as_id_and_slugs_unique_when_names_slug_alike(tmp_path):
    def alike(features):
        features[0]["properties"] = {"id": "N-1", "name": "Old Town"}
        features[1]["properties"] = {"id": "N 1", "name": "Old-Town"}
    result = pipeline.run(load_config(_boundaries(tmp_path, alike)))
    assert sorted(result.neighborhoods["slug"]) == ["old-town-n-1", "old-town-n-1-2"]
    (tmp_path / "name-only").mkdir()
    city = _boundaries(tmp_path / "name-only", lambda f: [x["properties"].pop("id") for x in f])
    (city / "city.toml").write_text((city / "city.toml").read_text().replace('id_field = "id"', 'id_field = "name"'))
    assert sorted(pipeline.run(load_config(city)).neighborhoods["nbhd_id"]) == ["<svg onload=alert(7)>",
                                                                            "East ${alert(8)} {{7*7}} {% raw %}"]
