"""Per-school view data (outputs/views.py): what the school page used to derive in its templates."""

from schoolfinder.outputs.views import leave_by, school_view


def test_leave_by_is_the_bell_minus_the_trip():
    assert leave_by("08:30", 25) == "08:05"
    assert leave_by("08:00", 75) == "06:45"
    assert leave_by("00:10", 20) == "-1:50"  # as the template macro wrote it: floor division and modulo
    assert leave_by("8", 5) == "07:55"  # a bell with no minutes: Jinja's int filter read the missing part as 0


def test_view_data_of_a_record():
    record = {"field_sources": {"name": "dir", "grades": "sis", "address": "dir", "phone": "sis"},
              "transit": [{"bell": "08:15"}], "reach": {"within": [["North", "north", 10], ["South", "south", 30]]},
              "phone": "312 555 0100", "enrollment": 1234, "entry_grades": ["K", 6], "transit_bus": [],
              "transit_rail": None, "languages_taught": ["Spanish", "<b>"]}
    view = school_view(record)
    assert view["as_of"]["summary"] == ["dir", "sis"]
    assert view["as_of"]["facts"] == ["dir", "sis"]
    assert view["as_of"]["programs"] == []
    assert view["leave_by"] == ["08:05", "07:45"]
    assert view["phone_tel"] == "3125550100"
    assert view["enrollment"] == "1,234"
    assert view["entry_grades"] == "K, 6"
    assert view["languages_taught"] == "Spanish, <b>"  # plain text: the template escapes it
    assert "transit_bus" not in view and "transit_rail" not in view


def test_no_leave_by_without_transit():
    assert "leave_by" not in school_view({"reach": {"within": [["North", "north", 10]]}})
