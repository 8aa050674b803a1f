"""Pages in headless Chromium at phone size: axe WCAG 2.2 AA, no console errors, offline, no script from data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, PHONE, PageWatch, axe_violations, serve, transferred_gzip_bytes


pytestmark = pytest.mark.browser

# Anything on the page that data could have injected: images, scripts other than ours, inline handlers, stray SVG.
INJECTED = """() => Array.from(document.querySelectorAll('*')).filter(e =>
  (e.tagName === 'IMG' && !['leaflet-tile', 'print-map'].some(c => e.classList.contains(c))) || e.tagName === 'IFRAME' ||
  (e.tagName === 'SCRIPT' && !(/\\/theme\\/(js|vendor\\/leaflet)\\/[a-z]+\\.js$/.test(e.src) || ['map', 'js'].includes(e.dataset.sf) ||
    ['application/json', 'application/ld+json'].includes(e.type))) ||
  (e.tagName === 'svg' && !e.closest('figure.minimap, .leaflet-container') && !e.matches('svg.icon[aria-hidden="true"]')) ||
  Array.from(e.attributes).some(a => a.name.startsWith('on'))).map(e => e.outerHTML.slice(0, 80))"""


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
        assert watch.errors == []
        assert all(url.startswith(TILES) for url in watch.blocked), "page requested another origin than map tiles"
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
            assert page.evaluate(INJECTED) == [], path
        assert watch.dialogs == []
        assert watch.errors == []
        page.close()


def test_compare_page_side_by_side(browser, demo_site):
    slugs = sorted(p.parent.name for p in (demo_site / "schools").glob("*/index.html") if p.parent.name != "page")[:3]
    with serve(demo_site) as base:
        page = browser.new_page(viewport=PHONE)
        watch = PageWatch(page)
        page.goto(f"{base}/compare/?s={slugs[0]}&s={slugs[1]}", wait_until="networkidle")
        cards = page.locator(".compare-cards > .card")
        assert cards.count() == 2
        page.click(f'.cmp-add[data-slug="{slugs[2]}"]')
        assert cards.count() == 3
        assert f"s={slugs[2]}" in page.url
        first, second = (cards.nth(i).bounding_box() for i in range(2))
        assert second["y"] > first["y"] + first["height"] - 1, "cards stack on a phone"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "nothing scrolls sideways"
        page.go_back()
        assert cards.count() == 2
        page.click(".cmp-remove >> nth=0")
        assert cards.count() == 1
        assert axe_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "demo-compare-390x844.png"))
        assert watch.console_errors == [] and watch.blocked == []
        page.close()


def test_compare_page_without_javascript_is_a_readable_list(browser, demo_site):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    with serve(demo_site) as base:
        page.goto(f"{base}/compare/?s=x")
        rows = page.locator("#cmp-all tbody tr").count()
        assert rows == len([p for p in (demo_site / "schools").glob("*/index.html") if p.parent.name != "page"])
    context.close()


@pytest.mark.parametrize(("path", "budget"), [("school", 60_000), ("compare", 80_000), ("methodology", 60_000)])
def test_page_weight_budgets_and_axe(browser, demo_site, path, budget, record_property):
    target = {"school": f"/schools/{first_school_path(demo_site)}/", "compare": "/compare/?s=" + first_school_path(demo_site),
              "methodology": "/methodology/"}[path]
    with serve(demo_site) as base:
        page = browser.new_page(viewport=PHONE)
        total, sizes = transferred_gzip_bytes(page, base + target)
        record_property(f"{path}_gzip_bytes", total)
        print(f"{path}: {total} bytes gzip transferred: {sorted(sizes.values(), reverse=True)}")
        assert total <= budget, sizes
        assert axe_violations(page) == []
        page.close()


TILES = "https://tile.openstreetmap.org/"


@pytest.mark.parametrize("path", ["/deserts/", "/neighborhoods/dunes/", "/neighborhoods/dunes/embed/"])
def test_desert_map_pages(browser, demo_site, path, record_property):
    with serve(demo_site) as base:
        page = browser.new_page(viewport=PHONE)
        watch = PageWatch(page)
        total, sizes = transferred_gzip_bytes(page, base + path)
        record_property(f"map_page_gzip_bytes{path}", total)
        print(f"{path}: {total} bytes gzip before tiles")
        assert total <= 350_000, sizes
        assert page.locator(".leaflet-container").count() == 1  # Leaflet ran, offline
        assert all(url.startswith(TILES) for url in watch.blocked), watch.blocked  # only map tiles leave the site
        assert watch.errors == []
        assert axe_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / f"demo-map{path.strip('/').replace('/', '-')}-390x844.png"))
        page.close()


def test_desert_map_without_javascript_has_image_and_table(browser, demo_site):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    with serve(demo_site) as base:
        page.goto(base + "/deserts/")
        assert page.locator("noscript").count() >= 1 and page.locator("#desert-table tbody tr").count() == len(
            json.loads((demo_site.parent / "processed" / "neighborhoods.json").read_text(encoding="utf-8")))
        assert page.request.get(base + "/deserts/map.png").ok
    context.close()


def test_hostile_names_on_the_map_stay_text(browser, hostile_site):
    with serve(hostile_site) as base:
        page = browser.new_page(viewport=PHONE)
        watch = PageWatch(page)
        page.goto(base + "/deserts/", wait_until="load")
        # Markers are drawn on a canvas: open every tooltip and popup through Leaflet itself.
        seen = page.evaluate("""() => {
            const maps = Object.values(window).filter(v => v instanceof L.Map);
            const texts = [];
            maps.forEach(m => m.eachLayer(layer => {
                if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(layer.getLatLng ? layer.getLatLng() : undefined);
                    texts.push(layer.getTooltip().getElement() ? layer.getTooltip().getElement().innerText : ""); }
                if (layer.getPopup && layer.getPopup()) { layer.openPopup(); const el = layer.getPopup().getElement();
                    texts.push(el ? el.innerText : ""); }
            }));
            return texts; }""")
        assert any("${alert(document.domain)}" in text for text in seen), seen
        assert any("{{ lipsum.__globals__.os.popen(dict(id=1)|first).read() }}" in text for text in seen), seen
        assert any("{{6*7}} Stop {% raw %} {# c #}" in text for text in seen), seen  # a GTFS stop name
        areas = page.evaluate("""() => {  // each neighborhood's own tooltip: hover it through Leaflet's events
            const texts = [];
            Object.values(window).filter(v => v instanceof L.Map).forEach(m => m.eachLayer(layer => {
                if (layer instanceof L.GeoJSON && layer.getTooltip()) { layer.eachLayer(area => {
                    area.fire("mouseover", {latlng: area.getBounds().getCenter()}, true);
                    texts.push(layer.getTooltip().getElement().innerText); }); }
            }));
            return texts; }""")
        assert "East ${alert(8)} {{7*7}} {% raw %}" in areas and "<svg onload=alert(7)>" in areas, areas
        assert page.evaluate(INJECTED) == []
        assert watch.dialogs == [] and watch.errors == []
        page.close()


def test_hostile_template_payloads_stay_literal_on_every_kind_of_page(browser, hostile_site):
    """Template syntax in every field (city name, labels, tiers, names, operators, programs) shows as typed."""
    schools = sorted(p.parent.name for p in (hostile_site / "schools").glob("*/index.html") if p.parent.name != "page")
    paths = ["/", "/deserts/", "/about-the-data/", "/methodology/", "/data/", "/neighborhoods/", "/es/", "/es/methodology/",
             *[f"/schools/{name}/" for name in schools if name.startswith(("con-lipsum", "seven"))]]
    with serve(hostile_site) as base:
        page = browser.new_page(viewport=PHONE)
        watch = PageWatch(page)
        for path in paths:
            page.goto(base + path, wait_until="load")
            text = page.inner_text("body") + page.title()
            assert "{{7*7}}" in text and "Hostile <i>Town</i>" in text, path  # the city name, on every page
            assert "uid=" not in text and "\x00" not in text, path
            assert page.evaluate(INJECTED) == [], path
        assert watch.dialogs == [] and watch.errors == []
        page.goto(base + f"/schools/{[n for n in schools if n.startswith('seven')][0]}/", wait_until="load")
        text = page.inner_text("main")
        for literal in ("Seven {{7*7}} {% raw %} {# c #} School", "Ops {{6*7}}", "15 {% raw %} St"):
            assert literal in text, literal
        page.goto(base + "/es/methodology/", wait_until="load")
        assert "Bueno {% raw %} {{7*7}}" in page.inner_text("main")
        page.close()
