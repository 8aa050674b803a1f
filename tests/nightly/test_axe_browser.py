"""The nightly's axe browser, started before the site exists (it boots while the site is built): it still finds a
violation on a page written later, passes a clean page, and a browser that cannot start fails the check."""

from __future__ import annotations

import pytest

from schoolfinder.nightly import checks

pytestmark = pytest.mark.browser
PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
        '<body><main><h1>Schools</h1>{}</main></body></html>')


def test_a_browser_started_before_the_pages_finds_their_violations(tmp_path):
    site = tmp_path / "site"
    browser = checks.AxeBrowser(site)
    try:
        site.mkdir()
        (site / "bad").mkdir()
        (site / "bad" / "index.html").write_text(PAGE.format('<img src="map.png">'), encoding="utf-8")
        (site / "index.html").write_text(PAGE.format("<p>Every school in one list.</p>"), encoding="utf-8")
        problems = browser.problems(["/", "/bad/"])
        assert problems and all(p.startswith("/bad/: image-alt") for p in problems)
        assert browser.problems(["/"]) == []  # the same browser, asked again
    finally:
        browser.close()


def test_a_browser_that_cannot_start_fails_the_check(tmp_path, monkeypatch):
    monkeypatch.setattr(checks, "CHROMIUM", str(tmp_path / "no-such-chromium"))
    browser = checks.AxeBrowser(tmp_path)
    try:
        with pytest.raises(Exception, match="no-such-chromium"):
            browser.problems(["/"])
    finally:
        browser.close()
