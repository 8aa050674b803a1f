"""Student groups from long files: a group column's rows become the group's figure on the school's result."""

from __future__ import annotations

import pytest

from tests.ratings.test_aggregate import _number_city
from tests.ingest.test_bad_inputs import run

GROUPS = ('\nwhere = [{ column = "Group", equals = "All Students" }, { column = "Level", equals = "School" }]'
          '\nsubgroups = { column = "Group", values = { "English Learner" = "english_learners", '
          '"Students with Disabilities" = "students_with_disabilities", "Econ. Disadvantaged" = "low_income" }, '
          'tested_column = "Tested", measure = "% proficient" }')
HEAD = "ID,NCES,Level,Group,Tested,RATING\n"


@pytest.mark.parametrize(("rows", "expected", "report"), [
    # each mapped group row becomes that group's figure, with its number tested; other groups are filtered
    (HEAD + "G1,,School,All Students,90,55\nG1,,School,English Learner,20,41\nG1,,School,Students with Disabilities,12,NR\n"
     "G1,,School,Male,40,50\nG1,,State,English Learner,900,30\n",
     {"english_learners": ("41", "reported", 41.0, "20"), "students_with_disabilities": ("NR", "suppressed", None, "12")},
     {"rows_read": 5, "attached": 1, "group_figures": 2, "excluded_filter": 2}),
    # a group row of a school not in the directory is "no school"; a band is reported and ranks by its lower end
    (HEAD + "G1,,School,All Students,90,55\nG1,,School,Econ. Disadvantaged,70,10-19\nG99,,School,English Learner,5,40\n",
     {"low_income": ("10-19", "reported", 10.0, "70")},
     {"rows_read": 3, "attached": 1, "group_figures": 1, "excluded_no_school": 1}),
    # an impossible group figure is quarantined with a code, never shown
    (HEAD + "G1,,School,All Students,90,55\nG1,,School,English Learner,20,140\n", {},
     {"rows_read": 2, "attached": 1, "group_figures": 0, "quarantined": 1}),
])
def test_group_rows_become_group_figures(tmp_path, rows, expected, report):
    result = run(_number_city(tmp_path, rows, GROUPS))
    count = result.reconciliation["r"]
    assert {k: count.get(k, 0) for k in report} == report and count["balanced"]
    rating = result.schools.set_index("school_id").loc["G1", "ratings"][0]
    assert rating["value"] == "55" and rating["subgroup_measure"] == "% proficient"
    got = {g: (e["value"], e["status"], e.get("sort"), e.get("tested")) for g, e in rating["subgroups"].items()}
    assert got == expected


def test_suppressed_group_figure_ranks_after_every_reported_one(tmp_path):
    rows = HEAD + "".join(f"G{i},,School,All Students,90,{50 + i}\nG{i},,School,English Learner,20,{v}\n"
                          for i, v in [(1, "NR"), (2, "12"), (3, "< 5"), (4, "30-39")])
    result = run(_number_city(tmp_path, rows, GROUPS))
    ranked = sorted([s for s in result.schools.to_dict("records") if "english_learners" in s["tier"].get("subgroups", {})],
                    key=lambda s: -s["tier"]["subgroups"]["english_learners"].get("sort", float("-inf")))
    order = [(s["school_id"], s["tier"]["subgroups"]["english_learners"]["value"]) for s in ranked]
    assert len(order) == 4
    assert order[:2] == [("G4", "30-39"), ("G2", "12")]  # a band ranks by its lower end (30), above 12
    assert set(order[2:]) == {("G1", "NR"), ("G3", "< 5")}  # suppressed: the marker as published, ranked last
    assert result.schools.set_index("school_id").loc["G3", "tier"]["subgroups"]["english_learners"]["status"] == "suppressed"


@pytest.mark.parametrize(("spec", "message"), [
    ('{ column = "Group", values = { "EL" = "martians" } }', "subgroups.values"),
    ('{ column = "Group" }', "subgroups.values"),
    ('{ column = "Group", values = { "EL" = "english_learners" }, columns = { english_learners = "X" } }', "not together"),
])
def test_bad_group_config_is_an_error_naming_the_key(tmp_path, spec, message):
    from schoolfinder.problems import ConfigError

    with pytest.raises(ConfigError) as info:
        run(_number_city(tmp_path, HEAD + "G1,,School,All Students,90,55\n", f"\nsubgroups = {spec}"))
    assert message in str(info.value)
