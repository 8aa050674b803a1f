"""Unit tests of the pipeline stages on tiny inline frames."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from schoolfinder.problems import DataError
from schoolfinder.ratings.grades import grade_bands, parse_span, span_label
from schoolfinder.ingest.tables import read_table
from schoolfinder.directory.match import fuzzy_candidates, match_by_ids
from schoolfinder.directory.merge import MergeRules, merge_sources
from schoolfinder.pipeline import reconcile
from schoolfinder.directory.slugs import slugify, unique_slugs
from schoolfinder.directory.validate import validate_directory
from tests.conftest import ROOT


@pytest.mark.parametrize(("cell", "span"), [
    ("K-8", (0, 8)), ("PK,K-8", (-1, 8)), ("09-12", (9, 12)), ("PK\u20135", (-1, 5)), ("KG", (0, 0)),
    ("PE,PK,K-8", (-1, 8)), ("K,1,2,3", (0, 3)), ("9", (9, 9)), ("6 to 8", (6, 8)),
    ("13", None), ("UG", None), ("8-6", None), ("", None),
])
def test_grade_spans(cell, span):
    assert parse_span(cell) == span


def test_span_label_and_bands():
    assert span_label(-1, 8) == "PK\u20138"
    assert grade_bands(-1, 8) == ["elementary", "middle"]
    assert grade_bands(6, 12) == ["middle", "high"]


@pytest.mark.parametrize(("name", "slug"), [
    ("Peñasco Élementary", "penasco-elementary"), ("../../index", "index"), ("CON", "con-x"),
    ("\U0001F3EB", "x"), ("<img src=x onerror=alert(1)>", "img-src-x-onerror-alert-1"),
])
def test_slugify(name, slug):
    assert slugify(name, fallback="x") == slug


def test_unique_slugs_disambiguate_by_id():
    assert unique_slugs(["Same Name", "Same  name", "Other"], ["1", "2", "3"]) == ["same-name-1", "same-name-2", "other"]


SOURCE = {"id": "d", "columns": {"school_id": "ID", "name": "NAME", "website": "WEB", "phone": "PHONE", "grades": "G"},
          "sector": "district", "sector_column": "", "sector_values": {}, "sector_default": "", "closed_values": ["Closed"],
          "list_separator": ";", "missing_values": [], "flag_columns": {}}


def mapped(rows):
    frame = pd.DataFrame(rows)
    frame.insert(0, "_source", "d")
    frame["_shape"] = ""
    frame.insert(0, "_row", range(2, len(frame) + 2))
    return frame


@pytest.mark.parametrize(("website", "code"), [
    ("javascript:alert(1)", "URL_SCHEME"), (" JAVASCRIPT:alert(1)", "URL_SCHEME"), ("data:text/html,<b>", "URL_SCHEME"),
    ("https://x.org/\"><script>", "URL_FORMAT"), ("www.x.org", "URL_NO_SCHEME"),
])
def test_website_checks(website, code):
    frame = mapped([{"school_id": "1", "name": "A", "website": website, "phone": "", "grades": "K-5"}])
    rows, problems = validate_directory(frame, SOURCE, "f.csv")
    assert [p.code for p in problems] == [code]
    assert problems[0].row == 2 and problems[0].column == "WEB" and problems[0].file == "f.csv"


def test_every_row_gets_a_fate():
    frame = mapped([
        {"school_id": "1", "name": "A", "website": "", "phone": "(555) 010-0000", "grades": "K-5", "status": "Open"},
        {"school_id": "1", "name": "A again", "website": "", "phone": "", "grades": "K-5", "status": "Open"},
        {"school_id": "2", "name": "", "website": "", "phone": "", "grades": "K-5", "status": "Open"},
        {"school_id": "3", "name": "C", "website": "", "phone": "", "grades": "K-5", "status": "Closed"},
        {"school_id": "4", "name": "D", "website": "", "phone": "", "grades": "XX", "status": "Open"},
    ])
    rows, problems = validate_directory(frame, SOURCE, "f.csv")
    # Same id, different values: the row with more fields filled in (the first) is kept; an unknown grade is a warning.
    assert rows["_fate"].tolist() == ["keep", "duplicate_id", "quarantined", "closed", "keep"]
    assert sorted(p.code for p in problems) == ["DUPLICATE_ID_CONFLICT", "GRADE_TOKEN", "MISSING_NAME"]
    assert rows.attrs["review"][0]["row_a"] == 2 and rows.attrs["review"][0]["row_b"] == 3


def test_merge_by_shared_key_with_precedence():
    rows = pd.DataFrame({
        "_source": ["district", "district", "authorizer"], "_row": [2, 3, 2],
        "school_id": ["D1", "D2", "C-1"], "state_id": ["S1", "S2", "S2"], "nces_id": ["", "", ""],
        "name": ["ALPHA", "BETA CHARTER SCH", "Beta Charter School"], "phone": ["1", "", "2"],
    })
    match_on = {"district": ["state_id"], "authorizer": ["state_id"]}
    assert match_by_ids(rows, match_on).lists() == [[0], [1, 2]]
    rows = rows.assign(lat=[None] * 3, lon=[None] * 3, address=["1 A St", "2 B St", "2 B St"])
    merged = merge_sources(rows, MergeRules(["authorizer", "district"], match_on))
    schools, fates = merged.schools, merged.fates
    beta = schools[schools["state_id"] == "S2"].iloc[0]
    assert beta["name"] == "Beta Charter School" and beta["field_sources"]["name"] == "authorizer"
    assert beta["ids"] == {"district": "D2", "authorizer": "C-1"}
    assert sorted(fates["fate"]) == ["merged", "published", "published"]


def test_ids_in_different_namespaces_do_not_match():
    rows = pd.DataFrame({"_source": ["a", "b"], "_row": [2, 2], "school_id": ["7", "7"], "state_id": ["", ""], "nces_id": ["", ""]})
    assert match_by_ids(rows, {"a": ["state_id"], "b": ["state_id"]}).lists() == [[0], [1]]


def test_reconciliation_failure_fails_the_build():
    counts = {"d": {"kind": "directory", "file": "f.csv", "rows_read": 5, "published": 3, "merged_duplicate": 0,
                    "excluded_closed": 0, "quarantined": 1}}
    with pytest.raises(DataError, match="RECONCILIATION"):
        reconcile(counts)


def test_wrong_encoding_names_file_and_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes("ID,NAME\n1,Caf\u00e9\n".encode("cp1252"))
    with pytest.raises(DataError, match=r"ENCODING_NOT_UTF8: d\.csv, row 2: byte 0xe9"):
        read_table(path, {"encoding": "utf-8"})


def test_cli_reports_missing_column_without_traceback(tmp_path):
    (tmp_path / "schools.csv").write_text("ID,SCHOOL\n1,A\n")
    toml = (ROOT / "tests" / "fixtures" / "hostile" / "city.toml").read_text()
    (tmp_path / "city.toml").write_text(toml)
    (tmp_path / "neighborhoods.geojson").write_text((ROOT / "tests/fixtures/hostile/neighborhoods.geojson").read_text())
    proc = subprocess.run([sys.executable, "-m", "schoolfinder", "build", str(tmp_path), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "plugins")})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "MISSING_COLUMN: schools.csv, row 1, column NAME" in proc.stderr


def test_pipeline_never_imports_pelican():
    for module in (ROOT / "plugins" / "schoolfinder").rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "import pelican" not in text and "from pelican" not in text, module


def _two_source_rows():
    return pd.DataFrame({
        "_source": ["a", "a", "b", "b"], "_row": [2, 3, 2, 3],
        "school_id": ["A1", "A2", "B1", "B2"], "state_id": ["", "", "", ""], "nces_id": ["", "", "", ""],
        "name": ["Harbor Point Elementary", "Cedar Ridge High", "Harbour Point Elementary", "Cedar Ridge Middle"],
        "address": ["1 Quay St", "9 Mill Rd", "1 Quay Street", "12 Mill Rd"],
        "lat": [-31.0, -31.05, -31.0005, -31.0504], "lon": [-24.0, -24.05, -24.0004, -24.0503],
        "sector": ["district", "district", "charter", "charter"], "phone": ["1", "2", "3", "4"],
    })


def test_fuzzy_candidates_go_to_review_not_merged():
    rows = _two_source_rows()
    groups = match_by_ids(rows, {"a": ["school_id"], "b": ["school_id"]})
    found = fuzzy_candidates(rows, groups, distance_m=150, similarity=0.85)
    assert [(i, j) for i, j, _s, _d in found] == [(0, 2)]  # 'High' vs 'Middle' are different schools
    merged = merge_sources(rows, MergeRules(["a", "b"], {"a": ["school_id"], "b": ["school_id"]}))
    assert len(merged.schools) == 4 and merged.candidates[0]["name_b"] == "Harbour Point Elementary"
    assert 50 < merged.candidates[0]["distance_m"] < 150


def test_fuzzy_accept_rule_and_crosswalk_merge():
    rows = _two_source_rows()
    accepted = merge_sources(rows, MergeRules(["a", "b"], {"a": [], "b": []}, fuzzy_accept=True))
    assert len(accepted.schools) == 3 and accepted.candidates == []
    crosswalk = [[("a", "A2"), ("b", "B2")]]
    walked = merge_sources(rows, MergeRules(["a", "b"], {"a": [], "b": []}, crosswalk=crosswalk))
    assert len(walked.schools) == 3
    conflict = [c for c in walked.conflicts if c["field"] == "name"]
    assert conflict and conflict[0]["value_b"] == "Cedar Ridge Middle"


def test_field_precedence_overrides_source_order():
    rows = _two_source_rows().assign(state_id=["S1", "", "S1", ""])
    rules = MergeRules(["a", "b"], {"a": ["state_id"], "b": ["state_id"]}, field_precedence={"sector": ["b", "a"]})
    school = merge_sources(rows, rules).schools.iloc[0]
    assert (school["name"], school["sector"]) == ("Harbor Point Elementary", "charter")
    assert school["field_sources"]["sector"] == "b" and school["field_sources"]["name"] == "a"


def test_crosswalk_sums_each_small_area_into_its_one_neighborhood():
    from schoolfinder.geo.population import by_crosswalk

    per_area = pd.DataFrame({"elementary": [10.0, 20.0, 5.0, 1000.0], "high": [1.0, 2.0, 3.0, 4.0]},
                            index=["t1", "t2", "t3", "elsewhere"])
    crosswalk = pd.DataFrame({"area": ["t1", "t2", "t3", "t9"], "nbhd_id": ["A", "B", "A", "B"], "row": [2, 3, 4, 5]})
    summed = by_crosswalk(per_area, crosswalk)
    assert summed.to_dict("index") == {"A": {"elementary": 15.0, "high": 4.0}, "B": {"elementary": 20.0, "high": 2.0}}
    assert summed.to_numpy().sum() == per_area.loc[["t1", "t2", "t3"]].to_numpy().sum()  # each child once, t9 adds none
