"""What families ask first, on the real Chicago site in Chromium: school type and admission words, after-school care,
and the care filter checked against an independent reading of the profile file (issue 20)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from tests.browser import PHONE, PageWatch, serve

pytestmark = pytest.mark.browser
PROFILE = "schools/Chicago_Public_Schools_-_School_Profile_Information_SY1819.csv"


def _times(text: str, afternoon: bool) -> list[int]:
    """Clock times in a cell, read independently of the pipeline's parser (minutes after midnight)."""
    out = []
    for hour, minute, half in re.findall(r"(\d{1,2})(?:\s*[:;.]\s*(\d\d))?\s*(a\.?m|p\.?m)?", text, re.I):
        if not minute and not half:
            continue
        hour, minute, half = int(hour), int(minute or 0), half.lower()[:1]
        hour += 12 if (half == "p" and hour < 12) or (not half and afternoon and hour < 9) else 0
        out.append((0 if half == "a" and hour == 12 else hour) * 60 + minute)
    return out


@pytest.fixture(scope="module")
def chicago_page(browser, chicago_site):
    with serve(chicago_site) as base:
        page = browser.new_page(viewport=PHONE)
        watch = PageWatch(page)
        page.goto(base + "/search/", wait_until="load")
        page.wait_for_function("() => window.schoolSearch && window.schoolSearch.ready")
        yield page
        assert watch.errors == []
        page.close()


@pytest.fixture(scope="module")
def schools(chicago_site):
    return json.loads((chicago_site.parent / "processed" / "schools.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("query", ["selective enrollment", "escuela selectiva"])
def test_selective_enrollment_finds_the_eleven_schools_first(chicago_page, schools, query):
    selective = {s["slug"] for s in schools if s.get("school_type") == "Selective enrollment"}
    assert len(selective) == 11
    found = chicago_page.evaluate("(q) => window.schoolSearch.run({q})", query)
    assert set(found[:11]) == selective


@pytest.mark.parametrize("query", ["after school", "después de clases"])
def test_after_school_with_grade_k_lists_only_schools_with_after_school_hours(chicago_page, schools, query):
    after = {s["slug"] for s in schools if s.get("after_care_until")}
    found = chicago_page.evaluate("(q) => window.schoolSearch.run({q, grade: '0'})", query)
    assert found and set(found) <= after


def test_the_care_filter_equals_an_independent_count_from_the_profile(chicago_page, schools, chicago_dir, record_property):
    profile = pd.read_csv(chicago_dir / PROFILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    profile = profile[profile["School_ID"].isin({s["school_id"] for s in schools})]
    for minutes in (420, 450, 480):
        expected = sum(1 for cell in profile["Earliest_Drop_Off_Time"] if _times(cell, False) and min(_times(cell, False)) <= minutes)
        got = chicago_page.evaluate("(v) => window.schoolSearch.run({q: '', opens: String(v)})", minutes)
        record_property(f"open_by_{minutes}", len(got))
        assert len(got) == expected > 0
    for minutes in (1020, 1080):
        expected = sum(1 for cell in profile["After_School_Hours"] if _times(cell, True) and max(_times(cell, True)) >= minutes)
        got = chicago_page.evaluate("(v) => window.schoolSearch.run({q: '', until: String(v)})", minutes)
        record_property(f"care_until_{minutes}", len(got))
        assert len(got) == expected > 0
    both = chicago_page.evaluate("() => window.schoolSearch.run({q: '', opens: '450', until: '1080', grade: '0'})")
    by_slug = {s["slug"]: s for s in schools}
    assert both and all(by_slug[x]["before_care_from"] <= "07:30" and by_slug[x]["after_care_until"] >= "18:00" for x in both)


def test_every_page_shows_admission_and_every_reported_high_school_its_outcomes(chicago_site, schools, chicago_dir):
    profile = pd.read_csv(chicago_dir / PROFILE, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    reporting = set(profile.loc[(profile["Graduation_Rate_School"] != "") | (profile["College_Enrollment_Rate_School"] != ""), "School_ID"])
    for school in schools:
        for lang, words in (("", "How a child gets in</dt><dd>"), ("es/", "Cómo se admite a un niño</dt><dd>")):
            html = (chicago_site / lang / "schools" / school["slug"] / "index.html").read_text(encoding="utf-8")
            assert words in html and words + "Not reported" not in html and words + "No informado" not in html
        if school["school_id"] in reporting:
            assert "High-school outcomes" in (chicago_site / "schools" / school["slug"] / "index.html").read_text(encoding="utf-8")


def test_a_longer_phrase_wins_over_a_shorter_one_it_starts_with(chicago_page, schools):
    """"career academy" is one concept, not "career" (career and technical education) and "academy"."""
    academies = {s["slug"] for s in schools if s.get("school_type") == "Career academy"}
    assert academies and academies <= set(chicago_page.evaluate("() => window.schoolSearch.run({q: 'career academy'})"))
