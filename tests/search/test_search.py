"""Search stage: whoosh analysis, concept phrases, the compact client index, travel rows, staff search, browse lists."""

from __future__ import annotations

import numpy as np
import pytest

from schoolfinder.search import index as search
from schoolfinder.search import cli as searchcli
from schoolfinder_site import browse


def school(**fields) -> dict:
    base = {"key": "d:1", "slug": "a", "name": "Ada Academy", "short_name": "", "sector": "district", "grade_low": 0,
            "grade_high": 5, "neighborhood_slug": "dunes", "neighborhood": "Dunes", "address": "1 Main St",
            "zip": "90001", "programs": [], "special_ed": [], "el_supports": [], "operator": "", "tier": {"tier": "strong"},
            "bands": ["elementary"]}
    return base | fields


def test_fold_strips_accents_and_case():
    assert search.fold("Peñasco ÉLÈVE Bilingüe") == "penasco eleve bilingue"


@pytest.mark.parametrize("typed, token", [
    ("pre-k", "prek"), ("Pre K", "prek"), ("preescolar", "prek"), ("PK", "prek"),
    ("HS", "highschool"), ("preparatoria", "highschool"), ("International Baccalaureate", "ib"),
    ("SPED", "sped"), ("educación especial", "sped"), ("Dual Language", "duallanguage"), ("bilingüe", "ell"),
    ("escuela primaria", "elementary"), ("kínder", "kindergarten"),
])
def test_concept_phrases_become_one_token(typed, token):
    assert search.replace_concepts(typed).split() == [token]


def test_longest_phrase_wins_and_words_stay_whole():
    assert search.replace_concepts("bachillerato internacional") == "ib"  # not "highschool internacional"
    assert search.concepts_in("Highland Park") == set()  # "high" alone is no concept; "hs" inside a word neither
    assert search.concepts_in("Hsu Academy") == set()


def test_whoosh_analysis_stems_folds_and_drops_stop_words():
    assert search.analyze("The Academies of Ciéncias") == ["academi", "ciencia"]


def test_keywords_add_only_what_the_browser_lacks():
    words = search.keywords("Academies of Science").split()
    assert "academi" in words and "stem" in words  # a stem and a concept
    assert "science" not in words and "academies" not in words  # the browser indexes the school's own words


def test_school_keywords_carry_sector_and_grade_bands():
    tokens = search.school_keywords(school(name="Ada", sector="charter", grade_low=-1, grade_high=8)).split()
    assert {"charter", "prek", "kindergarten", "elementary", "middle"} <= set(tokens)
    assert "highschool" not in tokens


def test_grade_concepts_ignore_missing_grades():
    assert search.grade_concepts(None, 5) == set()
    assert search.grade_concepts(float("nan"), 5) == set()
    assert search.grade_concepts(9, 12) == {"highschool"}


def test_client_index_is_compact_and_complete():
    schools = [school(), school(key="c:2", slug="b", name="Béla STEM", sector="charter", programs=["STEM"],
                               special_ed=["Autism program"], neighborhood_slug="", tier={"tier": None})]
    index = search.client_index(schools, [{"name": "Dunes", "slug": "dunes"}], ["excellent", "strong"])
    col = {c: i for i, c in enumerate(index["columns"])}
    first, second = index["schools"]
    assert [o[0] for o in index["offers"]] == ["Autism program", "STEM"]
    assert "sped" in index["offers"][0][1]
    assert first[col["nbhd"]] == 0 and second[col["nbhd"]] == -1
    assert first[col["tier"]] == 2 and second[col["tier"]] == 0  # rank on the common scale; 0 = not rated
    assert second[col["offers"]] == [0, 1]
    assert index["sectors"] == ["charter", "district"] and second[col["sector"]] == 0
    assert index["phrases"]["pre-k"] == "prek" and "school" in index["stop"]


def test_minutes_from_neighborhoods_take_the_median_and_keep_unreachable():
    travel = {"schools": ["s1", "s2"], "cell_nbhd": ["A", "A", "A", "B"],
              "transit": np.array([[10, 255], [20, 255], [40, 255], [5, 7]], dtype=np.uint8)}
    rows = search.minutes_from_neighborhoods(travel, ["s2", "s1", "unlocated"], ["A", "B", "C"])
    assert rows.tolist() == [[255, 20, 255], [7, 5, 255], [255, 255, 255]]


def test_minutes_from_cells_follow_the_index_order():
    travel = {"schools": ["s1", "s2"], "transit": np.array([[1, 2], [3, 4]], dtype=np.uint8)}
    assert search.minutes_from_cells(travel, ["s2", "x", "s1"]).tolist() == [[2, 255, 1], [4, 255, 3]]


def test_staff_search_finds_typos_concepts_and_shows_sources(demo_site):
    processed = demo_site.parent / "processed"
    hits = searchcli.run(processed, "dual languge pre-k", limit=5)
    assert hits, "a typo and a concept phrase still find schools"
    for hit in hits:
        assert hit["ids"] and hit["fields_by_source"]
    first = searchcli.run(processed, hits[0]["name"], limit=3)
    assert first[0]["key"] == hits[0]["key"]


def test_staff_search_command_prints_sources(demo_site, capsys):
    from schoolfinder.__main__ import main

    assert main(["search", str(demo_site.parent / "processed"), "montessori"]) == 0
    out = capsys.readouterr().out
    assert "result(s) for" in out and "from " in out and "ids:" in out


def test_staff_search_without_data_is_a_clear_error(tmp_path, capsys):
    from schoolfinder.__main__ import main

    assert main(["search", str(tmp_path), "x"]) == 2
    assert "run `make data` first" in capsys.readouterr().err


def test_browse_lists_cover_bands_offers_and_sectors():
    schools = [school(), school(slug="b", programs=["STEM"], bands=["high"], sector="charter"),
               school(slug="c", programs=["../../etc"], sector="")]
    lists = {(e["kind"], e["key"]): e for e in browse.browse_lists(schools)}
    assert [s["slug"] for s in lists[("band", "elementary")]["schools"]] == ["a", "c"]
    assert lists[("offer", "STEM")]["path"] == "browse/offers/stem"
    assert lists[("offer", "../../etc")]["path"] == "browse/offers/etc"  # slugs never leave the folder
    assert lists[("sector", "")]["path"] == "browse/sectors/not-reported"
    assert ("band", "middle") not in lists  # no empty lists


def test_browse_pages_split_long_lists():
    entry = {"path": "browse/x", "schools": list(range(5))}
    assert [(name, len(chunk), n, count) for name, chunk, n, count in browse.pages(entry, 2)] == [
        ("browse/x/index.html", 2, 1, 3), ("browse/x/page/2/index.html", 2, 2, 3), ("browse/x/page/3/index.html", 1, 3, 3)]


def test_places_give_each_school_its_location_and_bell_in_index_order():
    """The browser's map and "leave by" read places.json by index position: bell = the one the travel times arrive by."""
    places = search.places
    schools = [{"key": "a", "lat": 41.1234567, "lon": -87.7654321}, {"key": "b", "lat": float("nan"), "lon": None},
               {"key": "c", "lat": 41.0, "lon": -87.0}]
    travel = {"school_keys": np.array(["c", "a"]), "bells": np.array([8 * 3600 + 45 * 60, 7 * 3600 + 30 * 60])}
    got = places(schools, travel)
    assert got == {"lat": [41.12346, None, 41.0], "lon": [-87.76543, None, -87.0], "bell": [450, None, 525]}
    assert places(schools, None)["bell"] == [None, None, None]
