"""Guesses beyond ids and names, each on a tiny synthetic file: family-facing columns, the short header row of two,
the default `match_on` left out, a system-wide file name that names no sector."""

from __future__ import annotations

import json

from tests.init.test_init import HEADER, _draft, _rows, _write


def test_family_columns_are_guessed_from_names_and_values(tmp_path):
    extra = ["School_Hours", "Earliest_Drop_Off_Time", "After_School_Hours", "Classroom_Languages", "Summary",
             "Transportation_Bus", "Transportation_El", "Transportation_Metra", "Graduation_Rate_School", "Graduation_Rate_Mean",
             "Statistics_Description"]
    rows = [r + ["8:00 AM - 3:00 PM", "7:30 AM", "3:00 PM - 6:00 PM", "Spanish",
                 f"A neighborhood school {i} with a long description of its programs and its families.", "9", "Red Line",
                 "BNSF", f"{80 + i}.5", "78.2", "Statistics for the year, shown as a long sentence for the families"]
            for i, r in enumerate(_rows())]
    _write(tmp_path, "schools.csv", [HEADER + extra] + rows)
    columns = _draft(tmp_path)[2]["directory"][0]["columns"]
    assert (columns["school_hours"], columns["before_care_from"], columns["after_care_until"]) == (
        "School_Hours", "Earliest_Drop_Off_Time", "After_School_Hours")
    assert (columns["languages_taught"], columns["description"], columns["transit_bus"]) == (
        "Classroom_Languages", "Summary", "Transportation_Bus")
    assert columns["transit_rail"] == ["Transportation_El", "Transportation_Metra"]
    assert (columns["graduation_rate"], columns["graduation_rate_compare"]) == ("Graduation_Rate_School", "Graduation_Rate_Mean")
    assert "Statistics_Description" not in columns.values()


def test_a_family_field_is_taken_from_one_file_only(tmp_path):
    _write(tmp_path, "profile.csv", [HEADER + ["School_Hours", "Summary"]]
           + [r + ["8:00 AM - 3:00 PM", f"School {i}: a long description of the school in its own words."] for i, r in enumerate(_rows())])
    _write(tmp_path, "progress.csv", [["Site Code", "Site Name", "Street Address", "Postal", "School_Hours"]]
           + [[r[0], r[1], r[2], r[3], "8:15 AM - 3:15 PM"] for r in _rows()])
    tables, _, config = _draft(tmp_path)
    assert sorted(t.kind for t in tables) == ["directory", "directory"]
    hours = {d["path"]: d["columns"].get("school_hours") for d in config["directory"]}
    assert hours == {"profile.csv": "School_Hours", "progress.csv": None}


def test_of_two_header_rows_naming_as_many_columns_the_short_names_are_used(tmp_path):
    long_names = ["Site Code", "Site Name", "Street Address", "Zip Code", "Phone Number", "Total Enrollment", "Grade 1", "Grade 2"]
    short = ["SiteCd", "SiteName", "Address", "Zip", "Phone", "Total Students", "Grade1", "Grade2"]
    body = [[r[0], r[1], r[2], r[3], r[4], "300", "20", "30"] for r in _rows()]
    _write(tmp_path, "schools.csv", [long_names, short] + body)
    tables, _, config = _draft(tmp_path)
    source = config["directory"][0]
    assert source["header_row"] == 2 and "skip_rows" not in source and tables[0].rows == 12
    assert source["columns"]["school_id"] == "SiteCd" and source["columns"]["name"] == "SiteName"


def test_the_default_match_on_is_not_written_and_a_system_name_is_no_sector(tmp_path):
    rows = _rows()
    _write(tmp_path, "City_Public_Schools_profile.csv", [["Site Code", "Site Name", "Street Address"]] + [r[:3] for r in rows])
    _write(tmp_path, "locations.csv", [HEADER] + rows)
    _, draft, config = _draft(tmp_path)
    profile = next(d for d in config["directory"] if d["path"] == "City_Public_Schools_profile.csv")
    assert "match_on" not in profile and "sector" not in profile
    assert any("City_Public_Schools_profile.csv` ? No sector column" in q or "No sector column" in q for q in draft.questions)


def _areas(folder, name, key, ids, **extra):
    features = [{"type": "Feature", "properties": {key: i, **{k: v[n] for k, v in extra.items()}},
                 "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}} for n, i in enumerate(ids)]
    (folder / name).write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def test_population_from_a_wider_census_table_with_a_codebook_and_a_crosswalk(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    tracts = [f"17031{t:06d}" for t in (10100, 10200, 20100, 20200)]
    _areas(tmp_path, "tracts.geojson", "geoid10", tracts)
    _areas(tmp_path, "hoods.geojson", "area_numbe", ["1", "2"], area_num_1=["1", "2"], community=["NORTH", "SOUTH"])
    statewide = tracts + [f"17001{t:06d}" for t in range(100, 130)]
    _write(tmp_path, "acs.csv", [["GEO.id2", "HD01_VD03", "HD01_VD04", "HD02_VD04", "HD01_VD05", "HD01_VD06", "HD01_VD07"]]
           + [[g, str(10 + n), str(20 + n), str(5 + n * 3), str(30 + n), str(40 + n), str(50 + n)] for n, g in enumerate(statewide)])
    _write(tmp_path, "acs_metadata.csv", [["GEO.id2", "Id2"], ["HD01_VD03", "Estimate; Male: - Under 5 years"],
                                          ["HD01_VD04", "Estimate; Male: - 5 to 9 years"], ["HD02_VD04", "Margin of Error; Male: - 5 to 9 years"],
                                          ["HD01_VD05", "Estimate; Male: - 10 to 14 years"], ["HD01_VD06", "Estimate; Male: - 15 to 17 years"],
                                          ["HD01_VD07", "Estimate; Male: - 18 and 19 years"]])
    _write(tmp_path, "tract_to_area.csv", [["STATE", "TRACT", "AREA", "NAME"]]
           + [["IL", str(int(t[5:])), str(1 + n // 2), f"Tract {t}"] for n, t in enumerate(tracts)])
    _, draft, config = _draft(tmp_path)
    population = config["population"]
    assert (population["areas_path"], population["area_id_field"], population["table_id_column"]) == ("tracts.geojson", "geoid10", "GEO.id2")
    assert population["children_columns"] == ["HD01_VD04", "HD01_VD05", "HD01_VD06"]
    assert population["bands"] == {"elementary": {"HD01_VD04": 1.0, "HD01_VD05": 0.2}, "middle": {"HD01_VD05": 0.6},
                                   "high": {"HD01_VD05": 0.2, "HD01_VD06": 1.0}}
    assert population["crosswalk"] | {"label": ""} == {"label": "", "path": "tract_to_area.csv", "area_column": "TRACT", "area_width": 6,
                                                      "area_prefix": "17031", "neighborhood_column": "AREA"}
    assert config["neighborhoods"]["id_field"] == "area_numbe"  # area_num_1: a copy a GIS tool made
    assert "set the name of the estimates" in population["label"]
    assert any("population.label" in question for question in draft.questions)
    assert not any("What does `tract_to_area.csv` hold" in question for question in draft.questions)


def _statewide(tmp_path, rows):
    """A statewide directory: the located rows inside the neighborhoods are parish 36."""
    header = ["SiteCd", "SiteName", "Total Students", "Grade1", "Grade2", "Grade3", "Charter Type", "Nonprofit", "Parish Code",
              "Latitude", "Longitude"]
    _write(tmp_path, "sites.csv", [header] + rows)
    (tmp_path / "hoods.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": name},
         "geometry": {"type": "Polygon", "coordinates": [[[west, 29.8], [west + 0.15, 29.8], [west + 0.15, 30.1], [west, 30.1], [west, 29.8]]]}}
        for name, west in (("West", -90.2), ("East", -90.05))]}))


def test_a_charter_column_blank_for_district_schools_and_an_office_row(tmp_path):
    rows = [[f"036{100 + i:03d}", f"School {i}", str(300 + i), str(100 + i), str(90 + i), str(110 + i), "" if i % 3 == 0 else f"Type {1 + i % 2}",
             "" if i % 3 == 0 else f"Network {i % 2}", "36", f"{29.95 + i / 1000:.4f}", f"{-90.07 - i / 1000:.4f}"] for i in range(12)]
    rows += [["036700", "Orleans Central Office", "365", "0", "0", "0", "", "", "36", "", ""]]
    rows += [[f"W{i:05d}" if i % 2 else f"0{i + 10000:05d}", f"Far School {i}", str(200 + i), str(50 + i), str(40 + i), str(110 + i),
              "", "", "01", f"{31 + i / 100:.4f}", f"{-92 - i / 100:.4f}"] for i in range(30)]
    _statewide(tmp_path, rows)
    _, draft, config = _draft(tmp_path)
    source = config["directory"][0]
    assert (source["sector_column"], source["sector_values"], source["sector_default"]) == ("Charter Type", {"": "district"}, "charter")
    assert any("`Charter Type` values Type 1, Type 2" in question for question in draft.questions)
    assert source["where"] == [{"column": "Parish Code", "equals": "36", "reason": "outside the city"},
                               {"column": "SiteCd", "not_in": ["036700"], "reason": "not a school"}]
    assert source["id_width"] == 6  # leading zeros, though some ids are not digits
    assert source["columns"]["operator"] == "Nonprofit"


def test_a_score_column_named_with_underscores_is_a_rating(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    _write(tmp_path, "sps.csv", [["site_code", "letter_grade_2016", "sps_2016"]]
           + [[r[0], "ABCDF"[i % 5], f"{60 + i * 3.5:.1f}"] for i, r in enumerate(_rows())])
    config = _draft(tmp_path)[2]
    rated = {r["rating_column"]: r for r in config["ratings"]}
    assert set(rated) == {"letter_grade_2016", "sps_2016"}
    assert (rated["sps_2016"]["kind"], rated["sps_2016"]["year"]) == ("number", "2016")


def test_a_type_column_with_kinds_besides_sectors_is_the_school_type(tmp_path):
    kinds = ["Charter", "Magnet", "Neighborhood", "Selective enrollment", "Contract"]
    _write(tmp_path, "schools.csv", [HEADER[:7] + ["School_Type"]] + [r[:7] + [kinds[i % 5]] for i, r in enumerate(_rows())])
    source = _draft(tmp_path)[2]["directory"][0]
    assert (source["sector_column"], source["sector_default"], source["columns"]["school_type"]) == ("School_Type", "district", "School_Type")


def test_a_rating_file_with_group_columns_drafts_subgroups(tmp_path):
    _write(tmp_path, "schools.csv", [HEADER] + _rows())
    header = ["School ID", "SY 2019 Rating", "English Learner Growth Percentile - Reading", "Diverse Learner Growth Percentile - Reading",
              "English Learner Growth Percentile - Math"]
    _write(tmp_path, "ratings_2019.csv", [header] + [[r[0], ["Level 1+", "Level 1", "Level 2+", "Level 2", "Level 3"][i % 5],
                                                      "." if i % 4 == 0 else str(40 + i), str(30 + i), str(50 + i)]
                                                     for i, r in enumerate(_rows())])
    _, draft, config = _draft(tmp_path)
    groups = config["ratings"][0]["subgroups"]
    assert groups["columns"] == {"english_learners": "English Learner Growth Percentile - Reading",
                                 "students_with_disabilities": "Diverse Learner Growth Percentile - Reading"}
    assert (groups["kind"], groups["suppressed"]) == ("number", ["."])
    assert "set what the number measures" in groups["measure"]
    assert any("subgroups.measure" in question for question in draft.questions)


def test_list_separator_from_the_list_fields_and_missing_values_only_in_number_columns(tmp_path):
    header = HEADER + ["Classroom_Languages", "Total Enrollment", "Summary"]
    rows = [r + ['"Spanish, French"', "." if i == 3 else str(300 + i), "." if i == 4 else f"School {i}: a long text about the school."]
            for i, r in enumerate(_rows())]
    _write(tmp_path, "schools.csv", [header] + rows)
    source = _draft(tmp_path)[2]["directory"][0]
    assert source["list_separator"] == "," and source["columns"]["languages_taught"] == "Classroom_Languages"
    assert source["missing_values"] == ["."]


def test_a_statewide_results_file_allows_no_match_and_reads_state_ids_too(tmp_path):
    rows = [[f"036{100 + i:03d}", f"School {i}", str(300 + i), str(100 + i), str(90 + i), str(110 + i), "", f"936{100 + i:03d}", "36",
             f"{29.95 + i / 1000:.4f}", f"{-90.07 - i / 1000:.4f}"] for i in range(12)]
    rows += [[f"031{i:03d}", f"Far School {i}", str(200 + i), str(50 + i), str(40 + i), str(110 + i), "", f"931{i:03d}", "31",
              f"{31 + i / 100:.4f}", f"{-92 - i / 100:.4f}"] for i in range(30)]
    _statewide(tmp_path, rows)
    text = (tmp_path / "sites.csv").read_text()
    (tmp_path / "sites.csv").write_text(text.replace("Nonprofit", "FedSiteCd", 1))
    scores = [["Site Code", "2022 % Mastery+"]] + [[r[0] if n != 40 else r[7], str(20 + n % 50)] for n, r in enumerate(rows)]
    _write(tmp_path, "mastery_2022.csv", scores)
    tables, draft, config = _draft(tmp_path)
    assert next(t for t in tables if t.name == "sites.csv").properties["columns"]["state_id"][0] == "FedSiteCd"
    rating = config["ratings"][0]
    assert rating["allow_no_match"] is True and "schools the directory keeps for the city" in draft.text()
    assert rating["id_columns"] == {"state_id": "Site Code"}


def test_a_workbook_of_several_sheets_says_which_it_reads(tmp_path):
    import pandas as pd

    with pd.ExcelWriter(tmp_path / "sites.xlsx") as book:
        pd.DataFrame(_rows(), columns=HEADER).to_excel(book, sheet_name="Total by Site", index=False)
        pd.DataFrame([["Testville", 12]], columns=["System", "Schools"]).to_excel(book, sheet_name="Total by System", index=False)
    source = _draft(tmp_path)[2]["directory"][0]
    assert source["sheets"] == ["Total by Site"] and source["format"] == "xlsx"


def test_a_directory_file_of_an_older_school_year_only_confirms_the_newer_ones(tmp_path):
    rows = _rows(14)
    _write(tmp_path, "profile_SY1819.csv", [HEADER[:5] + ["Total Enrollment"]] + [r[:5] + ["300"] for r in rows[:12]])
    _write(tmp_path, "locations_SY1718.csv", [HEADER + ["Total Enrollment"]] + [r + ["280"] for r in rows])
    _, draft, config = _draft(tmp_path)
    unmatched = {d["path"]: d.get("unmatched") for d in config["directory"]}
    assert unmatched == {"profile_SY1819.csv": None, "locations_SY1718.csv": "exclude"}
    assert any("`locations_SY1718.csv` is older than `profile_SY1819.csv`" in question for question in draft.questions)
