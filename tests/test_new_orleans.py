"""Real New Orleans data end to end: LDOE's raw statewide workbook, filtered to Orleans Parish (2021-22).

The numbers are checked against ``derived/`` (made from the same workbook by someone else), never against
the pipeline's own output.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT, build_site

pytestmark = pytest.mark.real_data

CENTRAL_OFFICE = "036700"


@pytest.fixture(scope="module")
def nola(nola_dir):
    from schoolfinder import pipeline
    from schoolfinder.config import load_config

    os.environ["SCHOOLFINDER_NEW_ORLEANS_DATA"] = str(nola_dir)
    return pipeline.run(load_config(ROOT / "data" / "new-orleans"))


@pytest.fixture(scope="module")
def derived(nola_dir) -> dict[str, dict]:
    with open(nola_dir / "derived" / "orleans_schools_2021-22.csv", encoding="utf-8", newline="") as handle:
        return {row["site_code"]: row for row in csv.DictReader(handle)}


def _grade_codes(grades: list[int]) -> set[str]:
    return {{-1: "PK", 0: "K"}.get(g, str(g)) for g in grades}


def test_every_orleans_school_published_but_the_central_office(nola, derived):
    published = set(nola.schools["school_id"])
    assert CENTRAL_OFFICE in derived
    assert published == set(derived) - {CENTRAL_OFFICE}
    assert len(published) == len(derived) - 1 == 83


def test_rows_reconcile_and_the_filters_are_counted(nola):
    count = nola.reconciliation["ldoe_2022"]
    assert count["balanced"]
    assert count["rows_read"] == count["published"] + count["merged_duplicate"] + count["excluded_filter"] \
        + count["excluded_closed"] + count["quarantined"] + count["excluded_unmatched"]
    assert (count["published"], count["quarantined"]) == (83, 0)
    by_rule = {f["rule"].split(" (")[0]: f["excluded"] for f in count["filters"]}
    assert by_rule[f"SiteCd not in {CENTRAL_OFFICE}"] == 1  # the central office, by a stated rule
    assert by_rule["Parish Code = 36"] == count["rows_read"] - 84  # every other parish


def test_sectors_from_the_charter_type(nola, derived):
    sectors = dict(zip(nola.schools["school_id"], nola.schools["sector"]))
    expected = {"charter_opsb_authorized": "charter-board", "charter_type2_state_authorized": "charter-state",
                "district_run_opsb": "district", "state_run_nocca": "state-run"}
    assert {sid: expected[derived[sid]["sector"]] for sid in sectors} == sectors
    assert Counter(sectors.values())["state-run"] == 1


def test_operator_and_grades_present(nola, derived):
    for row in nola.schools.to_dict("records"):
        source = derived[row["school_id"]]
        assert row["operator"] == source["operator_nonprofit"].strip()
        served = {g.replace("T9", "9") for g in source["grades_served"].split(",") if g}
        assert _grade_codes(row["grade_set"]) == served, row["name"]
        assert row["grades"], row["name"]
    with_operator = sum(1 for sid in set(nola.schools["school_id"]) if derived[sid]["operator_nonprofit"].strip())
    assert with_operator >= 70


def test_locations_from_the_2016_file(nola, derived):
    located = {sid for sid, lat in zip(nola.schools["school_id"], nola.schools["lat"]) if lat == lat and lat is not None}
    assert located == {sid for sid, row in derived.items() if row["lat_2016"] and sid != CENTRAL_OFFICE}
    assert nola.reconciliation["la_2016_locations"]["attached"] == len(located) == 35
    for row in nola.schools.to_dict("records"):
        if row["school_id"] in located:
            assert abs(row["lat"] - float(derived[row["school_id"]]["lat_2016"])) < 1e-6


def test_neighborhoods_named_by_name(nola):
    assert len(nola.neighborhoods) == 72
    assert (nola.neighborhoods["nbhd_id"] != "").all() and nola.neighborhoods["slug"].is_unique
    assert nola.population is None and nola.access is None  # no child population file: no desert measures


def test_site_lists_unlocated_schools_and_says_deserts_need_population(nola, nola_dir, tmp_path_factory):
    output = build_site(ROOT / "data" / "new-orleans", tmp_path_factory.mktemp("nola-site"))
    about = (output / "about-the-data" / "index.html").read_text(encoding="utf-8")
    unlocated = nola.schools[nola.schools["neighborhood_slug"] == ""]
    assert len(unlocated) == 48
    for slug in unlocated["slug"]:
        assert f"/schools/{slug}/" in about
    assert "48 of 83 schools have no location" in about
    assert "Desert measures need the number of children" in about
    assert "excluded by the rule: SiteCd not in 036700" in about
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "Desert measures need child population data" in home
    assert not (output / "deserts").exists()
    assert len(list((output / "schools").glob("*/index.html"))) == 83
    assert "Administrada por el estado" in (output / "es" / "index.html").read_text(encoding="utf-8")
    # which sources cover which sectors, and why a school shows no result (both languages)
    assert "Which schools each result source covers" in about
    assert "Qué escuelas cubre cada fuente de resultados" in (output / "es" / "about-the-data" / "index.html").read_text(encoding="utf-8")
    for slug in nola.schools.loc[[t["status"] == "no_rating" for t in nola.schools["tier"]], "slug"]:
        page = (output / "schools" / slug / "index.html").read_text(encoding="utf-8")
        assert "No result is shown for this school:" in page and "published no rating" not in page
        assert "No se muestra ningún resultado" in (output / "es" / "schools" / slug / "index.html").read_text(encoding="utf-8")


# --- Results (issue 15): LEAP 3-8 Mastery+ and the 2015/2016 letter grades, read from the raw files ---------

TESTED = {"3", "4", "5", "6", "7", "8"}


def _leap(school) -> list[dict]:
    return [r for r in school["ratings"] if r["series"] == "leap-3-8"]


def test_leap_join_reports_reconcile(nola):
    for source in ("leap-3-8-2022", "leap-3-8-2021", "leap-3-8-2019"):
        count = nola.reconciliation[source]
        assert count["balanced"] and count["quarantined"] == 0
        assert count["rows_read"] == count["attached"] + count["suppressed"] + count["excluded_no_school"]
    # every Orleans site of the 2022 workbook that is in the 2021-22 directory is attached (PROVENANCE: 81 sites)
    assert nola.reconciliation["leap-3-8-2022"]["attached"] + nola.reconciliation["leap-3-8-2022"]["suppressed"] == 81


def test_leap_values_match_the_derived_copy(nola, nola_dir):
    with open(nola_dir / "derived" / "orleans_leap_3-8_mastery_long.csv", encoding="utf-8", newline="") as handle:
        expected = {row["site_code"]: row for row in csv.DictReader(handle)
                    if row["file_year"] == "2022" and row["sheet"] == "All Subjects"
                    and row["measure"] == "2022 % Mastery+ Grades 3-8"}
    checked = 0
    for school in nola.schools.to_dict("records"):
        mine = [r for r in _leap(school) if r["year"] == "2021-22"]
        if school["school_id"] not in expected or not mine:
            continue
        row, rating = expected[school["school_id"]], mine[0]
        if row["suppressed"] == "True":
            assert rating["status"] == "suppressed" and rating["tier"] is None
        else:
            assert float(rating["value"]) == float(row["value"])
        checked += 1
    assert checked >= 75


def test_most_schools_with_tested_grades_show_a_result(nola):
    tested = [s for s in nola.schools.to_dict("records") if TESTED & {str(g) for g in s["grades"]}]
    shown = [s for s in tested if s["tier"]["status"] == "rated" and s["tier"]["source"].startswith("leap-3-8")]
    share = len(shown) / len(tested)
    print(f"{len(shown)} of {len(tested)} published schools with grades 3-8 show a LEAP result ({share:.1%})")
    assert len(tested) >= 40 and share >= 0.90


def test_letter_grades_2015_2016_are_a_dated_series(nola):
    rated = [s for s in nola.schools.to_dict("records")
             if {r["year"] for r in s["ratings"] if r["series"] == "ldoe-letter-grade"} == {"2015", "2016"}]
    assert len(rated) == nola.reconciliation["ldoe-letter-2016"]["attached"] == 34
    assert nola.reconciliation["ldoe-letter-2016"]["excluded_filter"] == 1269 - 71  # New Orleans rows only, by rule


HS_FILES = {"2022": "ldoe_leap_hs_subgroups_2021-22.xlsx", "2019": "ldoe_leap_hs_subgroups_2018-19.xlsx"}


@pytest.mark.parametrize("year", sorted(HS_FILES))
def test_high_school_join_reports_reconcile_and_filters_are_stated(nola, year):
    for source, count in nola.reconciliation.items():
        if source.startswith("leap-hs-") and source.endswith(year):
            assert count["balanced"] and count["file"] == f"ratings/{HS_FILES[year]}"
            assert count["rows_read"] == count["attached"] + count["excluded_filter"] + count["excluded_no_school"] \
                + count["suppressed"] + count["quarantined"] + count.get("group_figures", 0)
            rules = " | ".join(f["rule"] for f in count["filters"])
            assert "Summary Level = School" in rules and "not in 506, 897" in rules and "Total Population" in rules


def test_high_school_mastery_plus_is_advanced_plus_mastery_joined_on_either_code(nola, nola_dir):
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(nola_dir / "ratings" / HS_FILES["2022"], read_only=True).active
    expected = {}
    for row in sheet.iter_rows(min_row=6, values_only=True):  # 3 title rows, then the two header rows
        level, code, group, advanced, mastery = row[0], row[3], row[5], row[6], row[7]  # English I
        if level == "School" and group == "Total Population":
            parts = [str(advanced or "").strip(), str(mastery or "").strip()]
            expected[str(code).strip()] = sum(map(float, parts)) if all(p.isdigit() for p in parts) else \
                ("NR" if "NR" in parts else _band(parts))
    seen = 0
    for school in nola.schools.to_dict("records"):
        for rating in (r for r in school["ratings"] if r["source"] == "leap-hs-english-1-2022"):
            code = school["school_id"] if rating["joined_on"] == "school_id" else school["state_id"]
            if expected[code] == "NR":
                assert rating["status"] == "suppressed" and rating["tier"] is None and rating["value"] == "NR"
            elif isinstance(expected[code], str):  # "< 5" + 20 is 20–24: a band, never a number
                assert rating["status"] == "banded" and rating["value"] == expected[code]
            else:
                assert float(rating["value"]) == expected[code]
            seen += 1
    count = nola.reconciliation["leap-hs-english-1-2022"]
    assert seen == count["attached"] + count["suppressed"] == 48  # PROVENANCE: 48 Orleans codes, site or federal


def _band(parts: list[str]) -> str:
    """The band two whole-percent cells make: "< 5" is 0 to 4, "> 95" is 96 to 100 (read independently here)."""
    spans = [(0, 4) if p.replace(" ", "") == "<5" else (96, 100) if p.replace(" ", "") == ">95" else (int(p), int(p))
             for p in parts]
    low, high = min(100, sum(s[0] for s in spans)), min(100, sum(s[1] for s in spans))
    return f"{low}–{high}"


def test_high_schools_show_a_result_with_banded_sums(nola):
    """A sum with a part published as "< 5" is a band (shown as text): it counts as a result."""
    high = [s for s in nola.schools.to_dict("records") if any(r["series"].startswith("leap-hs-") for r in s["ratings"])]
    shown = [s for s in high if any(r["series"].startswith("leap-hs-") and r["status"] in ("rated", "banded")
                                    for r in s["ratings"])]
    print(f"{len(shown)} of {len(high)} high schools with end-of-course rows show a result")
    assert len(high) == 55 and len(shown) >= 45
    for school in high:
        for rating in (r for r in school["ratings"] if r["status"] == "banded"):
            assert "–" in rating["value"]


def test_overall_high_school_figure_is_the_mean_of_subject_mastery_plus(nola, nola_dir):
    """The school's overall figure: each subject's % Advanced + % Mastery, then the plain mean over the subjects
    with a figure (the file gives no number tested); NR subjects left out. Read here straight from the workbook."""
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(nola_dir / "ratings" / HS_FILES["2022"], read_only=True).active
    expected = {}
    for row in sheet.iter_rows(min_row=6, values_only=True):
        if row[0] != "School" or row[5] != "Total Population":
            continue
        cells = [str(c or "").strip() for c in row[6:36]]
        pairs = [cells[i:i + 2] for i in range(0, 30, 5)]  # (% Advanced, % Mastery) of each of the six subjects
        if all(p.isdigit() or p == "NR" for pair in pairs for p in pair):
            sums = [int(a) + int(m) for a, m in pairs if a.isdigit() and m.isdigit()]
            expected[str(row[3]).strip()] = f"{round(sum(sums) / len(sums), 1):g}" if sums else "NR"
    seen = 0
    for school in nola.schools.to_dict("records"):
        for rating in (r for r in school["ratings"] if r["source"] == "leap-hs-overall-2022"):
            code = school["school_id"] if rating["joined_on"] == "school_id" else school["state_id"]
            if code in expected:
                assert rating["value"] == expected[code], school["name"]
                seen += 1
    assert seen >= 10
    count = nola.reconciliation["leap-hs-overall-2022"]
    assert count["balanced"] and count["attached"] + count["suppressed"] == 48


GROUPS = {"Students with Disabilities": "students_with_disabilities", "English Learner": "english_learners",
          "Economically Disadvantaged": "low_income"}


def test_high_schools_have_student_group_figures_from_the_group_rows(nola, nola_dir):
    """Students like mine: the overall figure for three groups, read from the same sheet's group rows."""
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(nola_dir / "ratings" / HS_FILES["2022"], read_only=True).active
    published = {}
    for row in sheet.iter_rows(min_row=6, values_only=True):
        if row[0] == "School" and row[5] in GROUPS:
            published[(str(row[3]).strip(), GROUPS[row[5]])] = [str(c or "").strip() for c in row[6:36]]
    high = [s for s in nola.schools.to_dict("records") if any(r["series"].startswith("leap-hs-") for r in s["ratings"])]
    with_groups = [s for s in high if s["tier"].get("subgroups")]
    print(f"{len(with_groups)} of {len(high)} high schools show at least one student-group figure")
    assert len(with_groups) >= 45
    checked = 0
    for school in high:
        for rating in (r for r in school["ratings"] if r["source"] == "leap-hs-overall-2022"):
            code = school["school_id"] if rating["joined_on"] == "school_id" else school["state_id"]
            for group, entry in rating["subgroups"].items():
                cells = published[(code, group)]
                if all(c in ("NR", "") for c in cells):  # withheld in every subject: the marker, never a number
                    assert (entry["status"], entry["value"]) == ("suppressed", "NR") and "sort" not in entry
                elif all(c.isdigit() or c == "NR" for c in cells):
                    sums = [int(a) + int(m) for a, m in (cells[i:i + 2] for i in range(0, 30, 5)) if a.isdigit() and m.isdigit()]
                    assert entry["value"] == f"{round(sum(sums) / len(sums), 1):g}" and entry["status"] == "reported"
                checked += 1
    assert checked >= 60
    count = nola.reconciliation["leap-hs-overall-2022"]
    assert count["group_figures"] == sum(len(r["subgroups"]) for s in high for r in s["ratings"]
                                         if r["source"] == "leap-hs-overall-2022")
