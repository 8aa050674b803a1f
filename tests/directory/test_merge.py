"""Matching and merging rows of several sources into one school each."""

from __future__ import annotations

import pandas as pd

from schoolfinder.directory.match import fuzzy_candidates, match_by_ids
from schoolfinder.directory.merge import MergeRules, merge_sources


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
