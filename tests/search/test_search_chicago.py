"""Search on the real Chicago site: every school is found by its name and by its community area."""

from __future__ import annotations

import json

import pytest

from tests.browser import PHONE, PageWatch, serve

pytestmark = pytest.mark.browser

FIND_ALL = """([schools, limit]) => {
  const missing = {name: [], area: []};
  for (const [slug, name, area] of schools) {
    if (!window.schoolSearch.run({q: name}).slice(0, limit).includes(slug)) missing.name.push(name);
    if (area && !window.schoolSearch.run({q: area}).includes(slug)) missing.area.push(name + ' / ' + area);
  }
  return missing;
}"""


def test_every_chicago_school_is_found_by_name_and_community_area(browser, chicago_site, record_property):
    schools = json.loads((chicago_site.parent / "processed" / "schools.json").read_text(encoding="utf-8"))
    assert len(schools) == 654
    rows = [[s["slug"], s["name"], s.get("neighborhood") or ""] for s in schools]
    with serve(chicago_site) as base:
        page = browser.new_page(viewport=PHONE)
        watch = PageWatch(page)
        page.goto(base + "/search/", wait_until="load")
        page.wait_for_function("() => window.schoolSearch && window.schoolSearch.ready")
        missing = page.evaluate(FIND_ALL, [rows, 3])
        located = sum(1 for r in rows if r[2])
        record_property("chicago_found_by_name_top3", len(rows) - len(missing["name"]))
        record_property("chicago_found_by_area", located - len(missing["area"]))
        print(f"\nChicago: {len(rows) - len(missing['name'])}/{len(rows)} found in the top 3 by name, "
              f"{located - len(missing['area'])}/{located} located schools found by community area")
        assert missing == {"name": [], "area": []}
        assert watch.errors == []
        page.close()
