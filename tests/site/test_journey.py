"""A parent's journey on a 390x844 phone, once by touch and once by keyboard alone: search "dual language", grade K,
set home by tapping the map, star three schools, open the shortlist, compare, print preview. Screenshots of every step
are saved in test-artifacts/journey/ (the touch run also saves the "after" shots of home, search, school and compare)."""

from __future__ import annotations

import json
import re

import pytest

from tests.browser import ARTIFACTS, PHONE, PageWatch, axe_violations, serve

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "journey"
LEAVE_BY = re.compile(r"\d+ min by transit, leave by \d\d:\d\d|No trip within")


class Parent:
    """Does each step by touch (taps) or by keyboard alone (Tab, Enter, arrow keys)."""

    def __init__(self, page, keyboard: bool):
        self.page, self.keyboard = page, keyboard

    def press(self, selector: str, limit: int = 400, back: bool = False):
        if not self.keyboard:
            self.page.locator(selector).first.click()
            return
        self.tab_to(selector, limit, back)
        self.page.keyboard.press("Enter")

    def tab_to(self, selector: str, limit: int = 400, back: bool = False):
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            if self.page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
                break
        else:
            raise AssertionError(f"Tab never reached {selector}")

    def shot(self, name: str):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{'keyboard' if self.keyboard else 'touch'}-{name}.png"))

    def header_height(self) -> float:
        return self.page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def results(page) -> list[str]:
    return page.evaluate("() => window.schoolSearch.run({})")


@pytest.mark.parametrize("keyboard", [False, True], ids=["touch", "keyboard"])
def test_parents_journey(browser, demo_site, keyboard):
    places = json.loads((demo_site / "search" / "places.json").read_text())
    index = json.loads((demo_site / "search" / "index.json").read_text())
    column = {row[0]: i for i, row in enumerate(index["schools"])}
    with serve(demo_site) as base:
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        watch = PageWatch(page)
        me = Parent(page, keyboard)
        page.goto(base + "/", wait_until="networkidle")
        assert me.header_height() <= 64
        me.shot("0-home")

        # Search "dual language", then grade K.
        page.goto(base + "/search/", wait_until="load")
        page.wait_for_function("() => window.schoolSearch && window.schoolSearch.ready")
        if keyboard:
            me.tab_to("#q", limit=40)
            page.keyboard.type("dual language")
        else:
            page.fill("#q", "dual language")
        page.wait_for_function("() => new URLSearchParams(location.search).get('q') === 'dual language'")
        me.shot("1-search")
        me.press("#search-filters > summary")
        if keyboard:
            me.tab_to("#f-grade", limit=40)
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")  # any grade -> pre-K -> K
        else:
            page.select_option("#f-grade", "0")
        page.wait_for_function("() => new URLSearchParams(location.search).get('grade') === '0'")
        found = results(page)
        assert found, "some school teaches dual language in kindergarten"
        me.shot("2-grade-k")

        # Set home by tapping the map (by keyboard: move the map, then use its centre).
        me.press("#pick-home")
        page.wait_for_selector("#search-map.picking .leaflet-marker-icon")
        if keyboard:
            me.press("#pick-center", limit=200)
        else:
            box = page.locator("#search-map").bounding_box()
            page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_function("() => new URLSearchParams(location.search).get('home')")
        page.wait_for_selector("#search-results .card-travel")
        assert "from=map" in page.url and "lat" not in page.url
        assert LEAVE_BY.search(page.inner_text("#search-results .card-travel >> nth=0"))
        markers = page.locator("#search-map .leaflet-marker-icon .pin:not(.pin-home)").count()
        found = results(page)
        located = [slug for slug in found if places["lat"][column[slug]] is not None]
        assert markers == len(found) == len(located), "one marker per school found"
        page.locator("#map-box").scroll_into_view_if_needed()
        me.shot("3-home-on-map")

        # Star three schools.
        for _ in range(3):
            me.press("#search-results .star[aria-pressed='false']")
        starred = page.locator("#search-results .star[aria-pressed='true']")
        assert starred.count() == 3
        names = sorted(page.locator("#search-results .card:has(.star[aria-pressed='true']) .card-title a").all_inner_texts())
        me.shot("4-starred")

        # Open the shortlist from the menu.
        me.press(".menu > summary", back=True)  # back up the page to the menu button
        me.press(".menu a[href$='/shortlist/']", limit=40)
        page.wait_for_selector("#sl-list .card")
        assert me.header_height() <= 64

        def shortlist_names():
            page.wait_for_selector("#sl-list .card")
            return sorted(page.locator("#sl-list .card-title a").all_inner_texts())
        assert shortlist_names() == names
        expected = expected_trips(demo_site, page, places, column)
        assert page.locator("#sl-list .card-travel").all_inner_texts() == [expected[slug] for slug in page.evaluate(
            "() => window.sf.shortlist()")], "minutes and leave-by (bell - minutes) as the travel files say"
        assert page.locator("#sl-list .card-travel").count() == 3 and page.locator("#sl-list .card-deadline").count() == 3
        me.shot("5-shortlist")
        page.reload(wait_until="networkidle")
        assert shortlist_names() == names, "the shortlist survives a reload"
        share = page.input_value("#sl-share")
        assert all(s in share for s in page.evaluate("() => window.sf.shortlist()"))
        other = browser.new_context(viewport=PHONE)  # another phone: empty storage
        friend = other.new_page()
        friend.goto(share, wait_until="networkidle")
        friend.wait_for_selector("#sl-list .card")
        assert sorted(friend.locator("#sl-list .card-title a").all_inner_texts()) == names, "restored from its share link"
        other.close()
        assert axe_violations(page) == []

        # Compare: the three schools as stacked cards.
        me.press("#sl-compare")
        page.wait_for_selector(".compare-cards > .card")
        cards = page.locator(".compare-cards > .card")
        assert cards.count() == 3
        first, second = cards.nth(0).bounding_box(), cards.nth(1).bounding_box()
        assert second["y"] >= first["y"] + first["height"] and page.evaluate("document.documentElement.scrollWidth") <= 390
        me.shot("6-compare")

        # Print preview of the shortlist: one page.
        page.go_back(wait_until="networkidle")
        page.wait_for_selector("#sl-list .card")
        page.emulate_media(media="print")
        me.shot("7-print-preview")
        pdf = page.pdf(format="Letter")
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the shortlist prints on one page"
        page.emulate_media(media="screen")

        # A school page: tier and grades in the first 500 px, the trip from home in its summary.
        page.goto(base + "/schools/" + page.evaluate("() => window.sf.shortlist()[0]") + "/", wait_until="networkidle")
        assert me.header_height() <= 64
        for selector in (".summary .tier", ".summary-list dd >> nth=0"):
            box = page.locator(selector).bounding_box()
            assert box["y"] + box["height"] <= 500, selector
        page.wait_for_selector("#my-trip:not([hidden])")
        assert LEAVE_BY.search(page.inner_text("#my-trip"))
        me.shot("8-school")
        page.emulate_media(media="print")
        assert page.get_by_text("Entry grades").first.is_visible(), "a printed school page shows its closed sections"
        page.emulate_media(media="screen")
        if not keyboard:
            save_after_shots(page, base)
        assert watch.errors == [] and all("tile.openstreetmap.org" in u for u in watch.blocked)
        context.close()


def save_after_shots(page, base: str):
    """The "after" screenshots of home, search, school and compare at 390x844 (first screen)."""
    after = ARTIFACTS / "after"
    after.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(after / "demo-school.png"))
    for name, path in (("home", "/"), ("search", "/search/"), ("compare", "/compare/?s=" + ",".join(
            page.evaluate("() => window.sf.shortlist()")))):
        page.goto(base + path, wait_until="networkidle")
        page.screenshot(path=str(after / f"demo-{name}.png"))


def expected_trips(site, page, places, column) -> dict[str, str]:
    """What each school's travel line must say, from the files: the home cell's row, and bell - minutes."""
    home = page.evaluate("() => window.sf.home()")
    assert home["k"] == "c"
    cells = json.loads((site / "search" / "cells.json").read_text())
    chunk = (site / "search" / "from" / f"c{home['i'] // cells['chunk']}.u8").read_bytes()
    start = (home["i"] % cells["chunk"]) * cells["schools"]
    row = chunk[start:start + cells["schools"]]
    out = {}
    for slug, i in column.items():
        minutes, bell = row[i], places["bell"][i]
        out[slug] = ("No trip within the travel-time limit" if minutes == 255 else
                     f"{minutes} min by transit, leave by {(bell - minutes) // 60:02d}:{(bell - minutes) % 60:02d}")
    return out


@pytest.mark.parametrize("lang", ["", "es/"], ids=["en", "es"])
def test_header_is_at_most_64px_and_the_menu_opens(browser, demo_site, lang):
    """At 390 px wide: site name, menu button and language link in one header of at most 64 px, on every kind of page."""
    school = sorted(p.parent.name for p in (demo_site / "schools").glob("*/index.html") if p.parent.name != "page")[0]
    with serve(demo_site) as base:
        page = browser.new_page(viewport=PHONE)
        for path in ("", "search/", f"schools/{school}/", "shortlist/", "compare/", "deserts/"):
            page.goto(f"{base}/{lang}{path}", wait_until="load")
            assert page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height") <= 64, path
            banner = page.locator(".banner > summary").first.bounding_box()
            assert banner["height"] <= 32, "the banner takes one line"
        page.click(".menu > summary")
        assert page.locator(".menu nav a").first.is_visible()
        page.close()
