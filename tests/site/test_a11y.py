"""WCAG 2.2 AA in both languages: axe on every page template, keyboard-only walkthroughs, visible focus,
touch targets, reflow at 320 px, zoom never blocked, and the site without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import PHONE, PageWatch, axe_violations, serve

pytestmark = pytest.mark.browser

FOCUSABLE = "a[href], button:not([disabled]), input, select, textarea, summary, [tabindex='0']"


def template_pages(site: Path) -> list[str]:
    """One page of every template, by URL path from the site root."""
    school = sorted(p.parent.name for p in (site / "schools").glob("*/index.html") if p.parent.name != "page")[0]
    nbhd = sorted(p.parent.parent.name for p in (site / "neighborhoods").glob("*/embed/index.html"))[0]
    group = sorted(p.parent.name for p in (site / "students").glob("*/index.html"))[0]
    band = sorted(p.parent.name for p in (site / "browse" / "grades").glob("*/index.html"))[0]
    return ["", "schools/", f"schools/{school}/", "neighborhoods/", f"neighborhoods/{nbhd}/", f"neighborhoods/{nbhd}/embed/",
            "deserts/", "about-the-data/", "data/", "methodology/", "compare/", f"students/{group}/", "browse/",
            f"browse/grades/{band}/", "search/", "search/?view=map", "shortlist/", "about/"]


@pytest.fixture(scope="module")
def site(demo_site):
    with serve(demo_site) as base:
        yield demo_site, base


@pytest.mark.parametrize("lang", ["", "es/"], ids=["en", "es"])
def test_every_template_passes_axe_and_reflows_at_320px(browser, site, lang):
    demo, base = site
    page = browser.new_page(viewport={"width": 320, "height": 640})
    watch = PageWatch(page)
    problems = {}
    for path in template_pages(demo):
        page.goto(f"{base}/{lang}{path}", wait_until="load")
        page.wait_for_timeout(100)
        found = axe_violations(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        small = page.evaluate(f"""() => [...document.querySelectorAll("{FOCUSABLE}")].filter(e => {{
            const r = e.getBoundingClientRect(), s = getComputedStyle(e);
            if (!r.width || s.visibility === 'hidden' || e.closest('.leaflet-container, p, li:not(.card), td, dd')) return false;
            return r.width < 24 || r.height < 24; }}).map(e => e.outerHTML.slice(0, 80))""")
        if found or width > 320 or small:
            problems[lang + path] = {"axe": found, "scrollWidth": width, "targets under 24 px": small[:3]}
    assert problems == {}
    assert watch.errors == [] and all("tile.openstreetmap.org" in u for u in watch.blocked)
    page.close()


def test_axe_checks_touch_targets(browser, site):
    """axe's target-size rule (WCAG 2.5.8) is among the rules run, and it applies to the pages."""
    demo, base = site
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base}/es/search/", wait_until="load")
    page.add_script_tag(path=str(Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"))
    result = page.evaluate("axe.run(document, {runOnly: {type: 'rule', values: ['target-size']}})")
    assert [r["id"] for r in result["passes"]] == ["target-size"] and result["violations"] == []
    page.close()


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has focus (fails after ``limit`` presses)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def focus_ring(page) -> str:
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? s.outlineStyle + ' ' + s.outlineWidth : ''; }""")


def test_keyboard_search_with_a_filter(browser, site):
    demo, base = site
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base}/search/", wait_until="networkidle")
    page.wait_for_function("window.schoolSearch && window.schoolSearch.ready")
    tab_to(page, "#q")
    assert focus_ring(page)
    page.keyboard.type("elementary")
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    before = page.locator("#search-results li").count()
    tab_to(page, "#search-filters > summary")
    assert focus_ring(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.getElementById('search-filters').open")
    tab_to(page, "#f-sector")
    page.keyboard.press("ArrowDown")  # choose the first kind of school
    page.wait_for_function("new URLSearchParams(location.search).get('sector') !== null")
    status = page.locator("#search-status").inner_text()
    assert status and page.locator("#search-results li").count() <= before
    page.close()


def test_keyboard_compare(browser, site):
    demo, base = site
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base}/es/compare/", wait_until="networkidle")
    for _ in range(2):
        tab_to(page, ".cmp-add[aria-disabled='false']")
        assert focus_ring(page)
        page.keyboard.press("Enter")
        page.wait_for_timeout(100)
    page.wait_for_function("document.querySelectorAll('#cmp-view .compare-cards > .card').length === 2")
    assert page.url.count("s=") == 2
    page.close()


def test_keyboard_reaches_the_map_table(browser, site):
    demo, base = site
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base}/deserts/", wait_until="load")
    tab_to(page, ".table-wrap[role='region']:has(#desert-table)", limit=200)
    assert focus_ring(page)
    page.keyboard.press("Tab")  # into the table: the first neighborhood link
    assert page.evaluate("document.activeElement.closest('#desert-table') !== null")
    page.close()


def test_keyboard_language_switch(browser, site):
    demo, base = site
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base}/schools/", wait_until="load")
    tab_to(page, "a[hreflang='es']")
    assert focus_ring(page)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/es/schools/")
    assert page.evaluate("document.documentElement.lang") == "es"
    tab_to(page, "a[hreflang='en']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/schools/")
    page.close()


def test_skip_link_is_first_and_visible_on_focus(browser, site):
    demo, base = site
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{base}/es/", wait_until="load")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = page.evaluate("(() => { const r = document.activeElement.getBoundingClientRect(); return [r.left, r.top, r.width]; })()")
    assert box[0] >= 0 and box[2] > 0
    page.close()


@pytest.mark.parametrize("lang", ["", "es/"], ids=["en", "es"])
def test_without_javascript_navigation_browse_and_compare_work(browser, site, lang):
    demo, base = site
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{base}/{lang}", wait_until="load")
    assert page.locator("h1").is_visible()
    page.locator(".menu > summary").click()  # the menu button discloses the navigation, without JavaScript too
    page.locator("header nav:not(.lang-switch) a").nth(1).click()  # All schools
    assert page.url.endswith(f"/{lang}schools/") and page.locator(".cards .card").count() > 100
    page.locator(".card-title a").first.click()
    assert page.locator("h1").is_visible() and page.locator("#h-rating").is_visible()
    page.goto(f"{base}/{lang}browse/", wait_until="load")
    page.locator("main ul.columns a").nth(2).click()
    assert "/browse/" in page.url and page.locator(".cards .card").count() > 0
    page.goto(f"{base}/{lang}compare/", wait_until="load")
    rows = page.locator("#cmp-all tbody tr")
    assert rows.count() > 100 and rows.first.locator("a").first.is_visible()
    page.goto(f"{base}/{lang}search/", wait_until="load")
    assert page.locator("#search-nojs").is_visible() and page.locator("main ul.columns a").count() > 3
    page.goto(f"{base}/{lang}shortlist/", wait_until="load")
    assert page.locator("#sl-nojs").is_visible() and not page.locator("#sl").is_visible()
    assert page.locator("main ul.columns a").count() > 3
    context.close()
