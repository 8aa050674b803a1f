"""`schoolfinder init` on synthetic variants of a city's files, and the demo city end to end."""

from __future__ import annotations

import json
import re
import tomllib
import zipfile

import pytest

from schoolfinder.init.classify import classify
from schoolfinder.init.command import InitError, check_draft, run_init
from schoolfinder.init.draft import write_draft
from schoolfinder.init.sniff import export_date, scan_folder

HEADER = ["Site Code", "Site Name", "Street Address", "Postal", "Phone Number", "Y", "X", "School Type", "Status"]


def _rows(n: int = 12) -> list[list[str]]:
    return [[f"{400100 + i:06d}", f"Río School {i}", f"{100 + i} Main St", f"606{i:02d}", f"(312) 555-{1000 + i}",
             f"{41.8 + i / 1000:.6f}", f"{-87.6 - i / 1000:.6f}", "Charter" if i % 3 else "District", "Closed" if i == 5 else "Open"]
            for i in range(n)]


def _write(folder, name, rows, delimiter=",", encoding="utf-8", titles=()):
    lines = list(titles) + [delimiter.join(r) for r in rows]
    (folder / name).write_bytes(("\n".join(lines) + "\n").encode(encoding))


def _draft(folder):
    tables = scan_folder(folder)
    classify(tables)
    draft = write_draft(tables, "Testville", ".")
    return tables, draft, tomllib.loads(draft.text())


def _shapes(folder, properties):
    features = [{"type": "Feature", "properties": p, "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}
                for p in properties]
    (folder / "areas.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def test_renamed_columns_semicolons_cp1252_and_title_rows(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows(), delimiter=";", encoding="cp1252",
           titles=["Schools of Testville;;;;;;;;", "Exported 2026-09-01;;;;;;;;"])
    _shapes(tmp_path, [{"name": "North"}, {"name": "South"}])
    tables, draft, config = _draft(tmp_path)
    source = config["directory"][0]
    assert (source["encoding"], source["delimiter"], source["header_row"]) == ("cp1252", ";", 3)
    assert source["columns"] == {"school_id": "Site Code", "name": "Site Name", "address": "Street Address", "zip": "Postal",
                                 "phone": "Phone Number", "lat": "Y", "lon": "X", "status": "Status"}
    assert source["sector_column"] == "School Type"
    assert source["sector_values"] == {"Charter": "charter", "District": "district"}
    assert source["closed_values"] == ["Closed"]
    assert tables[1].frame["Site Name"].iloc[0] == "Río School 0"
    assert "12 distinct values of 12 rows; 6 characters" in draft.text()


def test_swapped_coordinates_are_noticed(tmp_path):
    header = [*HEADER[:5], "Latitude", "Longitude", *HEADER[7:]]
    rows = [[*r[:5], f"{-90.07 - i / 1000:.6f}", f"{29.95 + i / 1000:.6f}", *r[7:]] for i, r in enumerate(_rows())]
    _write(tmp_path, "schools.csv", [header] + rows)
    _, draft, config = _draft(tmp_path)
    assert config["directory"][0]["columns"]["lat"] == "Longitude" and config["directory"][0]["columns"]["lon"] == "Latitude"
    assert "swapped" in draft.text()


def test_a_boundary_file_with_only_a_name_property(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    _shapes(tmp_path, [{"community": "North"}, {"community": "South"}])
    _, draft, config = _draft(tmp_path)
    assert config["neighborhoods"]["id_field"] == config["neighborhoods"]["name_field"] == "community"
    assert any("no id property" in question for question in draft.questions)


def test_a_long_results_file_proposes_where_and_asks(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    results = [["Site Code", "Subject", "Student Group", "Proficiency Level"]]
    results += [[f"{400100 + i:06d}", subject, group, "Meets"] for i in range(12) for subject in ("Math", "ELA")
                for group in ("All", "EL")]
    _write(tmp_path, "results.csv", results)
    tables, draft, _ = _draft(tmp_path)
    assert [t.kind for t in tables] == ["results", "directory"]
    assert "long file: ids repeat (12 schools, 48 rows)" in draft.text()
    assert "# where = [{ column = " in draft.text()
    assert "joins 48 rows of results.csv on this column" in draft.text()
    assert any("repeats school ids" in question for question in draft.questions)


def test_a_two_row_header_is_skipped(tmp_path):
    labels = ["code", "name", "address", "zip", "phone", "latitude", "longitude", "type", "status"]
    _write(tmp_path, "schools.csv", [HEADER, labels] + _rows())
    tables, _, config = _draft(tmp_path)
    assert config["directory"][0]["skip_rows"] == [1] and tables[0].rows == 12


def test_an_extract_of_a_bigger_export_is_left_out_and_asked_about(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "reshaped").mkdir()
    rows = _rows(30)
    _write(tmp_path / "raw", "state_export.csv", [HEADER] + rows)
    extract = [["site_code", "school_name", "address", "zip", "sector", "grades_served"]]
    extract += [[r[0], r[1], r[2], r[3], r[7].lower(), "K-8"] for r in rows[:10]]
    _write(tmp_path / "reshaped", "city_schools.csv", extract)
    tables, draft, config = _draft(tmp_path)
    kinds = {t.name: t.kind for t in tables}
    assert kinds == {"state_export.csv": "directory", "city_schools.csv": "extract"}
    assert [d["path"] for d in config["directory"]] == ["raw/state_export.csv"]
    assert any("`reshaped/city_schools.csv` looks like an extract of `raw/state_export.csv`" in q for q in draft.questions)


def test_two_directories_with_different_schools_are_both_kept(tmp_path):
    rows = _rows(30)
    _write(tmp_path, "district.csv", [HEADER] + rows[:20])
    _write(tmp_path, "charters.csv", [HEADER] + rows[20:])
    tables, _, config = _draft(tmp_path)
    assert sorted(d["path"] for d in config["directory"]) == ["charters.csv", "district.csv"]
    _write(tmp_path, "profiles.csv", [["Code", "School", "Street", "Zip", "Students"]]  # same schools, another export
           + [[r[0], r[1], r[2], r[3], "250"] for r in rows[:19]])
    tables, _, config = _draft(tmp_path)
    assert "extract" not in {t.kind for t in tables}


def test_the_time_zone_comes_from_the_gtfs_agency(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    feed = {"agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Metro Bus,https://example.org,America/Denver\n",
            "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nS1,Main,41.8,-87.6\n",
            "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,A,1,3\n",
            "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\n",
            "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,08:00:00,08:00:00,S1,1\n",
            "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                            "WK,1,1,1,1,1,0,0,20260101,20261231\n"}
    with zipfile.ZipFile(tmp_path / "metro_gtfs.zip", "w") as archive:
        for name, text in feed.items():
            archive.writestr(name, text)
    tables, draft, config = _draft(tmp_path)
    assert config["city"]["timezone"] == "America/Denver"
    assert not any("time zone" in q for q in draft.questions)
    (tmp_path / "metro_gtfs.zip").unlink()
    assert _draft(tmp_path)[2]["city"]["timezone"] == "America/Chicago"  # no feed: the guess, asked about
    assert any("time zone" in q for q in _draft(tmp_path)[1].questions)


def test_as_of_comes_from_one_year_in_the_file_name(tmp_path):
    for name, year in [("locations_2016.csv", "2016"), ("schools_2021-22.csv", "2022"), ("schools_2019_to_2021.csv", None),
                       ("SY1819.csv", None)]:
        (tmp_path / name).write_text("x\n")
        as_of, said = export_date(tmp_path / name)
        assert (as_of, said) == (year, "the year in the file name") if year else re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", export_date(tmp_path / "locations_2016.csv", year_ok=False)[0])
    _write(tmp_path, "district_schools_2021-22.csv", [HEADER] + _rows())
    _, draft, config = _draft(tmp_path)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", config["directory"][0]["as_of"])  # a directory's as_of is a full date


def test_a_draft_that_does_not_validate_is_one_line_not_a_traceback(tmp_path, capsys):
    (tmp_path / "city.toml").write_text('[city]\nname = "X"\nslug = "x"\nno_such_key = 1\n')
    assert check_draft(tmp_path / "city.toml") == 3
    assert "check: the draft does not build yet:" in capsys.readouterr().out


def test_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "city.toml"
    out.write_text("keep me")
    with pytest.raises(InitError, match="--force"):
        run_init(tmp_path, "Testville", out, force=False)
    assert out.read_text() == "keep me"


@pytest.mark.demo_build
def test_demo_draft_builds_unedited_and_publishes_every_school(demo_city, tmp_path, capsys):
    raw = demo_city / "raw"
    before = {p.name: p.read_bytes() for p in raw.iterdir() if p.is_file()}
    assert run_init(raw, "Port Meridian", tmp_path / "city.toml", force=False) == 0
    printed = capsys.readouterr().out
    assert "check: 310 schools published" in printed
    assert re.search(r"district-sis +266 +250 +15 +1 +0  district_sis\.csv\n", printed)  # read, published, merged, excluded, quarantined
    assert re.search(r"star-rating +500 +500 +0 +0 +0  district_ratings\.csv\n", printed)  # results: every row on a school
    assert {p.name: p.read_bytes() for p in raw.iterdir() if p.is_file()} == before
    assert (tmp_path / "init-report.md").read_text().count("\n- ") >= 3


def test_the_draft_distance_ignores_comments_order_and_ids():
    from schoolfinder.init.compare import line_diff

    written = '[city]\nname = "X"  # a comment\n\n[[ratings]]\nid = "a"\npath = "r.csv"\nlevels = ["A", "B"]\n'
    draft = '# drafted\n[[ratings]]\npath = "r.csv"\nid = "r"\nlevels = ["A", "B"]\n[city]\nname = "X"\n'
    assert line_diff(draft, written) == (['ratings[r.csv].id = "r"'], ['ratings[r.csv].id = "a"'])


def test_a_results_file_of_levels_is_switched_on_with_the_common_tiers(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    levels = ["Level 2", "Level 1+", "Level 3", "Level 1", "Level 2+", "Inability to Rate"]
    _write(tmp_path, "results.csv", [["Site Code", "SY 2018-2019 Rating", "Total Points"]]
           + [[f"{400100 + i:06d}", levels[i % 6], f"{3 + i / 10:.1f}"] for i in range(12)])
    _, draft, config = _draft(tmp_path)
    rating = config["ratings"][0]
    assert (rating["school_id_column"], rating["rating_column"], rating["year"]) == ("Site Code", "SY 2018-2019 Rating", "2018-2019")
    assert rating["levels"] == ["Level 1+", "Level 1", "Level 2+", "Level 2", "Level 3"]
    assert list(rating["tiers"].values()) == ["excellent", "strong", "average", "below", "low"]
    assert rating["not_rated"] == ["Inability to Rate"] and len(config["ratings"]) == 1
    assert [t["id"] for t in config["tiers"]] == ["excellent", "strong", "average", "below", "low"]


def test_a_report_layout_of_subjects_over_levels_sums_the_levels_at_or_above_proficient(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    top = ["Summary Level", "School Code", "Subgroup", "Math", "", "", "Reading", "", ""]
    labels = ["", "", "", "% Advanced", "% Mastery", "% Basic", "% Advanced", "% Mastery", "% Basic"]
    body = [[level, f"{400100 + i:06d}", group, "10", str(20 + i), "NR", "5", "30", "<5"]
            for i in range(12) for level in ("School", "School System") for group in ("Total Population", "Female")]
    _write(tmp_path, "results_2021-22.csv", [["LEAP results"] + [""] * 8, top, labels] + body)
    _, _, config = _draft(tmp_path)
    math = next(r for r in config["ratings"] if r["rating_column"] == "Math / % Mastery")
    assert (math["header_row"], math["header_rows"], math["kind"], math["range"]) == (2, 2, "number", [0, 100])
    assert math["aggregate"] == {"method": "sum", "columns": ["Math / % Advanced", "Math / % Mastery"]}
    assert math["where"] == [{"column": "Summary Level", "equals": "School"}, {"column": "Subgroup", "equals": "Total Population"}]
    assert math["year"] == "2021-22" and [c[1] for c in math["cut_points"]] == ["excellent", "strong", "average", "below", "low"]


def test_enrollment_and_group_count_columns_are_mapped(tmp_path):
    header = [*HEADER, "Student_Count_Total", "Student_Count_Special_Ed", "Student_Count_English_Learners", "Student_Count_Low_Income"]
    _write(tmp_path, "schools.csv", [header] + [r + [str(300 + i), str(30 + i), str(20 + i), str(100 + i)] for i, r in enumerate(_rows())])
    _, _, config = _draft(tmp_path)
    columns = config["directory"][0]["columns"]
    assert (columns["enrollment"], columns["count_swd"], columns["count_el"], columns["count_low_income"]) == tuple(header[9:])
