"""Pages in headless Chromium at phone size: axe WCAG 2.2 AA, no console errors, offline, no script from data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, AXE, CHROMIUM, CHROMIUM_ARGS, PHONE, PageWatch, axe_violations, serve


pytestmark = pytest.mark.browser
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (the system one; never a downloaded browser)."""
    assert Path(CHROMIUM).exists(), "install Chromium: apt-get install -y chromium chromium-driver"
    assert AXE.exists(), "run `npm ci` to install axe-core"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def first_school_path(site: Path) -> str:
    """Path of the first school page listed in the processed data's output."""
    return sorted(p.parent.name for p in (site / "schools").glob("*/index.html") if p.parent.name != "page")[0]


@pytest.mark.parametrize("page_name", ["home", "list", "school", "neighborhood", "about-the-data"])
def test_demo_page_is_accessible_and_offline(browser, demo_site, page_name):
    paths = {"home": "/", "list": "/schools/", "school": f"/schools/{first_school_path(demo_site)}/",
             "neighborhood": "/neighborhoods/" + sorted(p.name for p in (demo_site / "neighborhoods").iterdir() if p.is_dir())[0] + "/",
             "about-the-data": "/about-the-data/"}
    with serve(demo_site) as base:
        page = browser.new_page(viewport=PHONE)
        watch = PageWatch(page)
        response = page.goto(base + paths[page_name], wait_until="load")
        assert response.status == 200
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"demo-{page_name}-390x844.png"), full_page=False)
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, indent=1)
        assert watch.console_errors == []
        assert watch.blocked == [], "page requested another origin"
        assert "Fictional demo city" in page.inner_text("body")
        page.close()


def test_school_page_shows_what_a_family_needs(browser, demo_site):
    with serve(demo_site) as base:
        page = browser.new_page(viewport=PHONE)
        page.goto(base + "/schools/", wait_until="load")
        page.click(".card-title a >> nth=0")
        text = page.inner_text("main")
        for label in ("Sector", "Grades", "Address", "Rating", "data as of"):
            assert label in text
        page.close()


def test_hostile_names_never_run(browser, hostile_site):
    pages = sorted(p.relative_to(hostile_site).parent.as_posix() for p in hostile_site.rglob("index.html"))
    assert len(pages) >= 12
    with serve(hostile_site) as base:
        page = browser.new_page(viewport=PHONE)
        watch = PageWatch(page)
        for path in pages:
            page.goto(f"{base}/{'' if path == '.' else path + '/'}", wait_until="load")
            page.hover("main")
            assert page.evaluate("document.querySelectorAll('main img, main svg, main script').length") == 0, path
        assert watch.dialogs == []
        assert watch.console_errors == []
        page.close()
