"""The built site: one page per published school, escaping everywhere, paths inside output/."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path




def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_demo_has_a_page_per_published_school(demo_city, demo_site):
    planted = json.loads((demo_city / "raw" / "planted.json").read_text())
    school_pages = [p for p in (demo_site / "schools").glob("*/index.html") if p.parent.name != "page"]
    assert len(school_pages) == planted["n_schools_expected"] >= 300


def test_every_demo_page_says_fictional(demo_site):
    for page in html_pages(demo_site):
        spanish = page.relative_to(demo_site).parts[0] == "es"
        assert ("Ciudad ficticia de demostración" if spanish else "Fictional demo city") in page.read_text(encoding="utf-8"), page


def test_demo_output_has_no_replacement_characters(demo_site):
    for page in html_pages(demo_site):
        text = page.read_text(encoding="utf-8")
        assert "\ufffd" not in text and not re.search(r"[\x80-\x9f]", text), page


def test_no_third_party_assets(demo_site):
    for page in html_pages(demo_site):
        text = page.read_text(encoding="utf-8")
        for url in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', text):
            assert not re.match(r"(https?:)?//", url), (page, url)


def test_hostile_names_are_escaped_on_every_page(hostile_site):
    pages = html_pages(hostile_site)
    assert pages
    joined = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    assert "&lt;img src=x onerror=alert(1)&gt;" in joined
    for raw in ("<img src=x", "<script>alert", "<svg onload", "<i>Town</i>", "<b>export</b>", "<b>Bold</b>", 'onmouseover="alert'):
        assert raw not in joined, raw
    assert "javascript:" not in joined.lower()


def test_hostile_slugs_stay_inside_output(hostile_site):
    resolved = hostile_site.resolve()
    for path in hostile_site.rglob("*"):
        assert path.resolve().is_relative_to(resolved)
    schools = sorted(p.name for p in (hostile_site / "schools").iterdir() if p.is_dir())
    assert all(re.fullmatch(r"[a-z0-9-]+", s) for s in schools)
    assert "con" not in schools and "index" in schools  # '../../index' became a plain slug
    assert {"same-name-h8", "same-name-h9"} <= set(schools)


def test_same_input_builds_byte_identical_sites(demo_city, demo_site, tmp_path):
    from tests.conftest import build_site

    again = build_site(demo_city, tmp_path)
    first = {p.relative_to(demo_site): p.read_bytes() for p in demo_site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_demo_planted_mess_is_resolved(demo_city, tmp_path):
    from schoolfinder import pipeline
    from schoolfinder.config import load_config

    planted = json.loads((demo_city / "raw" / "planted.json").read_text())
    result = pipeline.run(load_config(demo_city))
    rec = result.reconciliation
    assert rec["district"]["merged_duplicate"] == planted["n_both"] > 0
    assert rec["district"]["excluded_closed"] == planted["n_closed"] == 1
    closed = [e for e in result.excluded if e["kind"] == "excluded_closed"]
    assert [e["id_a"] for e in closed] != [] and closed[0]["value_a"]
    assert len(result.schools) == planted["n_schools_expected"]
    both = result.schools[result.schools["state_id"].isin(planted["both_state_ids"])]
    assert len(both) == planted["n_both"] and set(both["sector"]) == {"charter"}
    assert all(s == ["authorizer", "district"] for s in both["sources"])
    assert sorted(p.code for p in result.problems if p.severity == "WARN").count("NO_COORDINATES") == planted["n_missing_coords"]


def test_staff_reports_are_written(demo_city, tmp_path):
    from tests.conftest import run_ok

    run_ok([sys.executable, "-m", "schoolfinder", "build", str(demo_city), "--out", str(tmp_path / "p"), "--reports", str(tmp_path / "r")])
    names = sorted(p.name for p in (tmp_path / "r").iterdir())
    assert names == ["data-quality.html", "problems.csv", "quarantine.csv", "reconciliation.json", "review.csv"]
    page = (tmp_path / "r" / "data-quality.html").read_text()
    assert "Every row accounted for" in page and "NO_COORDINATES" in page and "closed" in page


def test_open_data_matches_published_schools(demo_site, demo_city):
    import csv

    planted = json.loads((demo_city / "raw" / "planted.json").read_text())
    with open(demo_site / "data" / "schools.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == planted["n_schools_expected"]
    geo = json.loads((demo_site / "data" / "schools.geojson").read_text())
    assert len(geo["features"]) == len(rows)
    assert sum(f["geometry"] is None for f in geo["features"]) == planted["n_missing_coords"]
    assert (demo_site / "data" / "index.html").read_text().count("<code>") >= 20
