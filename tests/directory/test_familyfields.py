"""Admission, care hours, description and outcomes read from messy directory cells (issue 20)."""

import pytest

from schoolfinder.directory.familyfields import DESCRIPTION_MAX, family_fields, parse_clock_times

SOURCE = {"admission_values": {"Selective enrollment": "selective", "Magnet": "lottery"}, "outcomes_year": "2018-19",
          "suppressed_values": ["*"], "missing_values": [], "common_application_name": "GoCPS",
          "common_application_url": "https://go.example.org/"}


def _fields(**row):
    found = []
    record = family_fields(row, SOURCE, lambda *args: found.append(args))
    return record, [(code, field, value) for _sev, code, field, _msg, value in found]


@pytest.mark.parametrize("text, minutes", [
    ("3:30 pm-5:30 pm", [930, 1050]), ("7:30 AM", [450]), ("3:00PM-6:00PM", [900, 1080]), ("7:45 a.m.", [465]),
    ("8;30 am", [510]), ("4:00 pm - 5: 30 pm", [960, 1050]), ("3:30-5:30 PM", [930, 1050]), ("15:00 - 18:00", [900, 1080]),
    ("8:45 am (Tuition-based childcare from 7 am)", [525, 420]), ("TBD", []), ("25:00", []),
])
def test_clock_times_are_read_from_messy_strings(text, minutes):
    assert parse_clock_times(text) == minutes


def test_care_hours_take_the_earliest_drop_off_and_the_latest_pick_up():
    record, problems = _fields(before_care_from="8:45 am (childcare from 7 am)", after_care_until="3:30-5:30")
    assert (record["before_care_from"], record["after_care_until"]) == ("07:00", "17:30")
    assert problems == []


def test_unreadable_hours_are_kept_as_published_with_a_warning():
    record, problems = _fields(after_care_until="Must Apply Through YMCA")
    assert record["after_care_until"] is None and record["after_care_text"] == "Must Apply Through YMCA"
    assert problems == [("CARE_HOURS_FORMAT", "after_care_until", "Must Apply Through YMCA")]


def test_admission_keeps_the_source_words_and_maps_flags_and_values():
    record, problems = _fields(admission="Selective Enrollment", _admission_flags=["attendance_area"], school_type="Selective Enrollment")
    assert record["admission"] == ["attendance_area", "selective"] and record["admission_text"] == "Selective Enrollment"
    record, problems = _fields(admission="By audition only")
    assert record["admission"] == [] and record["admission_text"] == "By audition only"
    assert problems == [("ADMISSION_VALUE", "admission", "By audition only")]


def test_common_application_names_the_application_only_where_the_school_takes_it():
    assert _fields(common_application="true")[0]["common_application_name"] == "GoCPS"
    record, problems = _fields(common_application="false")
    assert record["common_application"] is False and record["common_application_url"] == ""
    assert _fields(common_application="maybe")[1] == [("NOT_YES_NO", "common_application", "maybe")]


def test_outcomes_keep_comparison_and_year_flag_suppressed_and_reject_garbled_rates():
    record, problems = _fields(graduation_rate="85.1", graduation_rate_compare="78.9", college_enrollment_rate="*",
                               average_test_score="abc")
    assert record["outcomes"] == {"graduation_rate": {"value": 85.1, "compare": 78.9, "year": "2018-19"},
                                  "college_enrollment_rate": {"suppressed": True, "year": "2018-19"}}
    assert problems == [("RATE_OUT_OF_RANGE", "average_test_score", "abc")]
    assert _fields(graduation_rate="185")[1] == [("RATE_OUT_OF_RANGE", "graduation_rate", "185")]


def test_description_is_plain_text_and_capped():
    record, _ = _fields(description="<script>alert(1)</script> We  teach " + "word " * 400)
    assert "<" not in record["description"] and len(record["description"]) <= DESCRIPTION_MAX + 1
    assert record["description"].endswith("…")
