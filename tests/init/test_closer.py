"""Guesses that bring a draft closer to a hand-written config, each on a tiny synthetic file: the common application flag,
yearly fields left to the newest file, capitalised neighborhood names, a census release year, GTFS ids, one scale's
off-scale values across years, letter-prefixed grade columns; and what the draft distance counts as no difference."""

from __future__ import annotations

import zipfile

from tests.init.test_init import HEADER, _draft, _rows, _shapes, _write


def test_a_yes_no_participant_column_is_the_common_application_and_names_it(tmp_path):
    rows = [r + ["Y" if i % 2 else "N"] for i, r in enumerate(_rows())]
    _write(tmp_path, "schools.csv", [HEADER + ["Is_CityApp_Participant"]] + rows)
    _, draft, config = _draft(tmp_path)
    source = config["directory"][0]
    assert source["columns"]["common_application"] == "Is_CityApp_Participant"
    assert source["common_application_name"] == "CityApp"
    assert any("common_application_url" in question for question in draft.questions)
    assert config["city"]["data_dir_env"] == "SCHOOLFINDER_TESTVILLE_DATA"  # the variable the project's cities are read from


def test_a_participant_column_of_free_text_is_not_a_flag(tmp_path):
    rows = [r + [f"Partner {i} of the program"] for i, r in enumerate(_rows())]
    _write(tmp_path, "schools.csv", [HEADER + ["Program_Participant"]] + rows)
    assert "common_application" not in _draft(tmp_path)[2]["directory"][0]["columns"]


def test_an_older_file_leaves_the_operator_to_the_newer_one(tmp_path):
    rows = _rows(14)
    _write(tmp_path, "profile_SY1819.csv", [HEADER[:5] + ["Network", "Total Enrollment"]]
           + [r[:5] + [f"Network {i % 3}", "300"] for i, r in enumerate(rows[:12])])
    _write(tmp_path, "locations_SY1718.csv", [HEADER + ["Network", "Total Enrollment"]] + [r + ["Network 9", "280"] for r in rows])
    _, draft, config = _draft(tmp_path)
    operator = {d["path"]: d["columns"].get("operator") for d in config["directory"]}
    assert operator == {"profile_SY1819.csv": "Network", "locations_SY1718.csv": None}
    assert "# operator: 'Network' left out, profile_SY1819.csv (a newer school year) gives it" in draft.lines


def test_neighborhood_names_in_capitals_are_shown_in_title_case_and_the_unit_comes_from_the_file_name(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    _shapes(tmp_path, [{"area_id": "1", "community": "ROGERS PARK"}, {"area_id": "2", "community": "WEST RIDGE"}])
    (tmp_path / "areas.geojson").rename(tmp_path / "City_Wards.geojson")
    hoods = _draft(tmp_path)[2]["neighborhoods"]
    assert hoods["name_case"] == "title" and hoods["unit"] == "ward"
    _shapes(tmp_path, [{"area_id": "1", "community": "Rogers Park"}, {"area_id": "2", "community": "West Ridge"}])
    (tmp_path / "City_Wards.geojson").unlink()
    hoods = _draft(tmp_path)[2]["neighborhoods"]
    assert "name_case" not in hoods and "unit" not in hoods  # areas.geojson: no unit in the name, the default


def test_the_acs_release_year_comes_from_the_census_file_name():
    from schoolfinder.init.population import census_release

    assert census_release("ACS_14_5YR_B01001_with_ann")[0] == "2014"
    assert census_release("acs2019_1yr_b01001")[0] == "2019"
    assert census_release("tracts_2010_population") is None


def test_a_feed_id_is_its_agency_id_or_the_name_before_its_date(tmp_path):
    from schoolfinder.init.gtfsfacts import feed_facts

    feed = {"agency.txt": "agency_id, agency_name, agency_url, agency_timezone\nMETRO, Metro Rail, https://example.org, America/Denver\n",
            "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nS1,Main,41.8,-87.6\n",
            "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,METRO,1,2\n"}
    with zipfile.ZipFile(tmp_path / "metro_2023-05-31.zip", "w") as archive:
        for name, text in feed.items():
            archive.writestr(name, text)
    facts = feed_facts(tmp_path / "metro_2023-05-31.zip")
    assert (facts["agency"], facts["agency_id"]) == ("Metro Rail", "METRO")  # spaces after the commas
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    assert _draft(tmp_path)[2]["gtfs"][0]["id"] == "metro"
    feed["agency.txt"] = "agency_name,agency_url,agency_timezone\nBus Co,https://example.org,America/Denver\n"
    with zipfile.ZipFile(tmp_path / "busco_2024q1_static.zip", "w") as archive:
        for name, text in feed.items():
            archive.writestr(name, text)
    (tmp_path / "metro_2023-05-31.zip").unlink()
    assert _draft(tmp_path)[2]["gtfs"][0]["id"] == "busco"


def test_one_scale_reads_its_off_scale_values_alike_in_every_year_and_ids_name_the_end_year(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    grades = "ABCDF"
    _write(tmp_path, "grades.csv", [["Site Code", "letter_grade_2015", "letter_grade_2016", "SY 2016-2017 Quality Rating"]]
           + [[f"{400100 + i:06d}", "T" if i == 3 else grades[i % 5], grades[(i + 1) % 5], f"Level {1 + i % 3}"] for i in range(12)])
    ratings = {r["rating_column"]: r for r in _draft(tmp_path)[2]["ratings"]}
    assert ratings["letter_grade_2015"]["not_rated"] == ratings["letter_grade_2016"]["not_rated"] == ["T"]
    assert ratings["letter_grade_2016"]["id"] == "letter-grade-2016"
    assert (ratings["SY 2016-2017 Quality Rating"]["series"], ratings["SY 2016-2017 Quality Rating"]["id"]) == ("quality", "quality-2017")


def test_a_letter_prefixed_grade_column_counts_for_its_grade(tmp_path):
    counts = ["Grade1", "Grade2", "Grade9", "GradeT9", "Total Students"]
    _write(tmp_path, "schools.csv", [HEADER + counts] + [r + ["20", "20", "10", "5", "55"] for r in _rows()])
    columns = _draft(tmp_path)[2]["directory"][0]["grade_enrollment_columns"]
    assert columns["GradeT9"] == columns["Grade9"] == "9"


def test_the_distance_counts_no_equivalent_encoding_nor_a_default_written_out(tmp_path):
    from schoolfinder.init.compare import defaults, equivalent_encodings

    (tmp_path / "a.csv").write_bytes(b"id,name\n1,plain ascii\n")
    (tmp_path / "b.csv").write_bytes("id,name\n1,Río\n".encode("utf-8"))
    written = '[[directory]]\npath = "a.csv"\nencoding = "latin-1"\n[[ratings]]\npath = "b.csv"\nencoding = "latin-1"\n'
    removed, added = [], ['directory[a.csv].encoding = "latin-1"', 'ratings[b.csv].encoding = "latin-1"']
    said = equivalent_encodings(removed, added, tmp_path, written)
    assert added == ['ratings[b.csv].encoding = "latin-1"'] and len(said) == 1  # Río decodes differently: a real difference
    removed, added = ['neighborhoods.unit = "ward"'], ['directory[a.csv].match_on = ["school_id"]', 'neighborhoods.unit = "neighborhood"']
    assert len(defaults(removed, added)) == 1 and added == ['neighborhoods.unit = "neighborhood"']


def test_a_directory_renamed_counts_once_at_its_id():
    from schoolfinder.init.compare import line_diff, same_directory

    draft = '[[directory]]\nid = "schools-2022"\npath = "s.csv"\n[[ratings]]\npath = "r.csv"\ndirectory = "schools-2022"\n'
    written = '[[directory]]\nid = "sites"\npath = "s.csv"\n[[ratings]]\npath = "r.csv"\ndirectory = "sites"\n'
    removed, added = line_diff(draft, written)
    said = same_directory(removed, added, draft, written)
    assert (removed, added) == (['directory[s.csv].id = "schools-2022"'], ['directory[s.csv].id = "sites"']) and len(said) == 1
    other = written.replace('path = "s.csv"', 'path = "t.csv"')
    removed, added = line_diff(draft, other)
    assert not same_directory(removed, added, draft, other)  # another file: a real difference


def test_tested_grades_come_from_the_names():
    from schoolfinder.init.columns import tested_grades

    assert tested_grades("2022 % Mastery+ Grades 3-8", "leap_summary_2022")[0] == [3, 4, 5, 6, 7, 8]
    assert tested_grades("English I / % Mastery", "state_hs_results_2021-22")[0] == [9, 10, 11, 12]
    assert tested_grades("Gr K-2 Reading", "x")[0] == [0, 1, 2]
    assert tested_grades("SY 2018-2019 SQRP Rating", "Accountability_SchoolLevel") == ([], "")  # a school year is no grade range


def test_admission_routes_from_the_school_type_words_and_the_outcomes_year_from_the_file_name(tmp_path):
    kinds = ["Neighborhood", "Magnet", "Selective enrollment", "Career academy", "Charter", "Small"]
    header = HEADER[:7] + ["School_Type", "Graduation_Rate_School"]
    _write(tmp_path, "profile_SY1819.csv", [header] + [r[:7] + [kinds[i % 6], f"{80 + i}.5"] for i, r in enumerate(_rows())])
    _, draft, config = _draft(tmp_path)
    source = config["directory"][0]
    assert source["columns"]["admission"] == source["columns"]["school_type"] == "School_Type"
    assert source["admission_values"] == {"Neighborhood": "attendance_area", "Magnet": "lottery", "Selective enrollment": "selective",
                                          "Career academy": "program_specific", "Charter": "lottery"}
    assert any("Small are shown as written" in question for question in draft.questions)
    assert source["outcomes_year"] == "2018-19"


def test_an_older_file_measuring_otherwise_under_the_same_name_is_left_out(tmp_path):
    ids = [f"{400100 + i:06d}" for i in range(12)]
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    _write(tmp_path, "summary_2022.csv", [["Site Code", "2021 % Proficient", "2022 % Proficient"]]
           + [[s, str(30 + i), str(31 + i)] for i, s in enumerate(ids)])
    _write(tmp_path, "summary_2021.csv", [["Site Code", "2019 % Proficient", "2021 % Proficient"]]
           + [[s, str(20 + i), f"{30 + i}.0"] for i, s in enumerate(ids)])  # the same 2021 values: one measure
    _write(tmp_path, "summary_2019.csv", [["Site Code", "2018 % Proficient", "2019 % Proficient"]]
           + [[s, str(10 + i), str(25 + i)] for i, s in enumerate(ids)])  # its 2019 is not the 2021 file's 2019
    _, draft, config = _draft(tmp_path)
    on = sorted((r["path"], r["rating_column"]) for r in config["ratings"])
    assert on == [("summary_2021.csv", "2019 % Proficient"), ("summary_2022.csv", "2021 % Proficient"),
                  ("summary_2022.csv", "2022 % Proficient")]
    assert any("`summary_2019.csv` gives other values than `summary_2021.csv`" in question for question in draft.questions)


def test_a_yes_no_column_is_read_with_the_words_the_build_reads():
    """A participant column of X and N: the build reads X as yes (directory/familyfields.py), so the draft does too."""
    import pandas as pd

    from schoolfinder.directory.familyfields import NO, YES
    from schoolfinder.init.family import CHECKS

    assert CHECKS["yesno"](pd.Series(["X", "x", "N", "Y"])) == 1.0
    assert {"x", "1", "0"} <= YES | NO
