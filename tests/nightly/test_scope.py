"""What the nightly checks read: re-rendered pages plus a fixed sample, the whole site without a list; axe verdicts
kept by what axe saw."""

from __future__ import annotations

import json
from pathlib import Path

from schoolfinder.nightly import checks, scope


def page(site: Path, name: str, body: str = "") -> None:
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<html><head><meta name="build-id" content="b1"></head><body>{body}</body></html>', encoding="utf-8")


def small_site(site: Path) -> None:
    for name in ("index.html", "search/index.html", "schools/index.html", "schools/page/2/index.html",
                 "schools/alpha/index.html", "schools/beta/index.html", "schools/gamma/index.html",
                 "neighborhoods/north/index.html", "neighborhoods/south/index.html",
                 "es/index.html", "es/schools/index.html", "es/schools/alpha/index.html", "es/schools/beta/index.html"):
        page(site, name)
    (site / "theme").mkdir()
    (site / "theme" / "site.css").write_text("body{}", encoding="utf-8")


def test_fixed_sample_is_the_same_set_every_night(tmp_path):
    small_site(tmp_path)
    sample = checks.fixed_sample(tmp_path, 1)
    assert sample == ["es/index.html", "es/schools/alpha/index.html", "es/schools/index.html", "index.html",
                      "neighborhoods/north/index.html", "schools/alpha/index.html", "schools/index.html",
                      "schools/page/2/index.html", "search/index.html"]
    assert checks.fixed_sample(tmp_path, 1) == sample


def test_checks_read_rerendered_pages_plus_the_sample(tmp_path):
    small_site(tmp_path)
    page(tmp_path, "schools/gamma/index.html", '<a href="/schools/gone/">gone</a>')
    assert scope.pages_to_check(tmp_path, None, 1) is None  # no list from the page cache: the whole site
    assert checks.reference_problems(tmp_path, pages=None)["links"]
    unlisted = scope.pages_to_check(tmp_path, ["schools/beta/index.html", "data/schools.json"], 1)
    assert "schools/beta/index.html" in unlisted and "schools/gamma/index.html" not in unlisted
    assert "data/schools.json" not in unlisted and "index.html" in unlisted
    assert not checks.reference_problems(tmp_path, pages=unlisted)["links"]
    listed = scope.pages_to_check(tmp_path, ["schools/gamma/index.html"], 1)
    found = checks.reference_problems(tmp_path, pages=listed)["links"]
    assert found == ["schools/gamma/index.html: <a> /schools/gone/ -> missing"]


def test_budgets_skip_unlisted_pages_but_never_other_files(tmp_path):
    small_site(tmp_path)
    page(tmp_path, "schools/gamma/index.html", "x" * 5000)
    (tmp_path / "search" / "index.json").write_text(json.dumps(list(range(3000))), encoding="utf-8")
    budgets = {"schools/*/index.html": 100, "search/index.json": 100, "*.html": 100_000}
    assert len(checks.budget_problems(tmp_path, budgets)) == 2
    assert [p.split(":")[0] for p in checks.budget_problems(tmp_path, budgets, ["index.html"])] == ["search/index.json"]


def test_rendered_list_is_read_when_present(tmp_path):
    assert scope.rendered_pages(tmp_path) is None
    (tmp_path / "rendered.json").write_text(json.dumps({"rendered": ["index.html"], "reused": 3}), encoding="utf-8")
    assert scope.rendered_pages(tmp_path) == ["index.html"]


def test_axe_skips_pages_it_passed_with_the_same_bytes(tmp_path, monkeypatch):
    site, memo, opened = tmp_path / "site", tmp_path / "axe.json", []
    small_site(site)

    def fake_axe(_site, paths):
        opened.append(list(paths))
        return [f"{p}: image-alt (Images must have alternate text) on 1 element(s)" for p in paths
                if "bad" in (site / p.lstrip("/") / "index.html").read_text()]

    monkeypatch.setattr(checks, "axe_problems", fake_axe)
    paths = ["/", "/search/"]
    assert scope.axe_problems(site, paths, memo) == ([], 2)
    page(site, "index.html")  # same bytes apart from nothing: skipped
    assert scope.axe_problems(site, paths, memo) == ([], 0)
    (site / "index.html").write_text((site / "index.html").read_text().replace("b1", "b2"))  # only the build id
    assert scope.axe_problems(site, paths, memo) == ([], 0)
    page(site, "search/index.html", "bad")
    problems, count = scope.axe_problems(site, paths, memo)
    assert count == 1 and problems and opened[-1] == ["/search/"]
    assert scope.axe_problems(site, paths, memo)[1] == 1  # a failed page is checked again
    (site / "theme" / "site.css").write_text("body{color:red}", encoding="utf-8")
    assert scope.axe_problems(site, paths, memo)[1] == 2  # new styles: every sample page again
