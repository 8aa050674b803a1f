"""Guesses beyond ids and names, each on a tiny synthetic file: family-facing columns, the short header row of two,
the default `match_on` left out, a system-wide file name that names no sector."""

from __future__ import annotations

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
