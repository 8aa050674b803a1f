"""The Spanish site: every UI string translated with the same placeholders, every page twinned, links right."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po

from schoolfinder_site import i18n
from schoolfinder_site.generators import SchoolPagesGenerator

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "theme" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")
ZOOM_BLOCKERS = re.compile(r"user-scalable\s*=\s*(no|0)|maximum-scale", re.I)


def fresh_template(tmp_path) -> list:
    """Extract the UI strings from the templates and the Python glue now (not the committed .pot)."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-o", str(pot),
                    "theme/templates", "plugins/schoolfinder_site"], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


def spanish() -> dict:
    with PO.open("rb") as handle:
        return {m.id: m for m in read_po(handle, locale="es") if m.id}


def test_every_ui_string_has_a_spanish_translation(tmp_path):
    messages, catalog = fresh_template(tmp_path), spanish()
    assert len(messages) > 250
    untranslated = []
    for message in messages:
        entry = catalog.get(message.id)
        forms = entry.string if entry and isinstance(entry.string, (tuple, list)) else [entry.string if entry else ""]
        if entry is None or entry.fuzzy or not all(forms):
            untranslated.append(message.id)
    assert untranslated == [], f"{len(untranslated)} strings lack Spanish: {untranslated[:5]}"


def test_placeholders_match_in_every_translation():
    wrong = []
    for msgid, entry in spanish().items():
        ids = msgid if isinstance(msgid, (tuple, list)) else [msgid]
        forms = entry.string if isinstance(entry.string, (tuple, list)) else [entry.string]
        for number, form in enumerate(forms):
            source = ids[min(number, len(ids) - 1)]
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(form)):
                wrong.append((source, form))
    assert wrong == []


def test_catalogs_compile_at_build_time_and_no_mo_is_committed():
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert tracked == ""
    catalog = i18n.load_catalog(ROOT / "theme", "es")
    assert catalog.gettext("Search schools") == "Buscar escuelas"
    assert catalog.ngettext("%(num)d school", "%(num)d schools", 2) == "%(num)d escuelas"


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_has_a_spanish_twin_with_a_switcher(demo_site):
    english = [p for p in html_pages(demo_site) if p.relative_to(demo_site).parts[0] != "es"]
    assert len(english) > 300
    for page in english:
        rel = page.relative_to(demo_site)
        twin = demo_site / "es" / rel
        assert twin.is_file(), rel
        html, twin_html = page.read_text(encoding="utf-8"), twin.read_text(encoding="utf-8")
        assert '<html lang="en">' in html and '<html lang="es">' in twin_html, rel
        assert ZOOM_BLOCKERS.search(html) is None and ZOOM_BLOCKERS.search(twin_html) is None, rel
        if "embed" in rel.parts:
            continue
        for source, target, lang in ((page, twin, "es"), (twin, page, "en")):
            link = re.search(rf'<a href="([^"]+)" lang="{lang}" hreflang="{lang}">', source.read_text(encoding="utf-8"))
            assert link, f"{source}: no switcher to {lang}"
            assert (source.parent / link.group(1) / "index.html").resolve() == target.resolve(), source


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_spanish_pages_show_no_english_ui_text_and_keep_data_as_published(demo_site):
    # Phrases only, and none that the data itself contains (a rating published as "Not rated" stays as published).
    data = " ".join(p.read_text(encoding="utf-8") for p in (demo_site.parent / "processed").glob("*.json"))
    english_only = [m for m in spanish().values() if isinstance(m.id, str) and "%" not in m.id and " " in m.id
                    and m.string != m.id and m.id not in data]
    samples = {Path(t) for t in ("index.html", "schools/index.html", "neighborhoods/index.html", "compare/index.html",
                                 "search/index.html", "methodology/index.html", "about-the-data/index.html",
                                 "data/index.html", "deserts/index.html", "browse/index.html", "about/index.html")}
    samples |= {next((demo_site / "es" / d).glob("*/index.html")).relative_to(demo_site / "es")
                for d in ("schools", "neighborhoods", "students", "browse/grades")}
    for rel in sorted(samples):
        text = visible_text((demo_site / "es" / rel).read_text(encoding="utf-8"))
        leftovers = [m.id for m in english_only if m.id in text]
        assert leftovers == [], f"es/{rel}: {leftovers[:5]}"
    school = next((demo_site / "schools").glob("*/index.html"))
    name = re.search(r"<h1>(.*?)</h1>", school.read_text(encoding="utf-8")).group(1)
    twin = (demo_site / "es" / school.relative_to(demo_site)).read_text(encoding="utf-8")
    assert f"<h1>{name}</h1>" in twin  # school names are data: never translated


def test_relative_build_has_robots_but_no_absolute_links(demo_site):
    assert (demo_site / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nAllow: /\n"
    assert not (demo_site / "sitemap.xml").exists()
    home = (demo_site / "index.html").read_text(encoding="utf-8")
    assert 'rel="canonical"' not in home and 'rel="alternate"' not in home


def url_path(page: Path, site: Path) -> str:
    """The URL path of an ``.../index.html`` page, relative to the site root ("" for the home page)."""
    parent = page.relative_to(site).parent.as_posix()
    return "" if parent == "." else parent + "/"


def test_published_build_has_canonical_hreflang_and_a_sitemap_of_both_languages(published_site):
    site, base = published_site
    pages = [p for p in html_pages(site) if "embed" not in p.parts]
    urls = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    assert sorted(urls) == sorted(f"{base}/{url_path(p, site)}" for p in pages)
    assert any(u.startswith(base + "/es/schools/") for u in urls) and any(u.startswith(base + "/schools/") for u in urls)
    assert f"Sitemap: {base}/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")
    for page in pages[::25]:
        html = page.read_text(encoding="utf-8")
        path = url_path(page, site)
        english = path[3:] if path.startswith("es/") else path
        assert f'<link rel="canonical" href="{base}/{path}">' in html, page
        for lang, href in (("en", english), ("es", "es/" + english), ("x-default", english)):
            assert f'<link rel="alternate" hreflang="{lang}" href="{base}/{href}">' in html, (page, lang)


def test_a_content_page_without_spanish_is_a_build_error(caplog):
    page = SimpleNamespace(lang="en", slug="help", translations=[], source_path="content/pages/help.md")
    generator = SchoolPagesGenerator.__new__(SchoolPagesGenerator)
    generator.context, written = {"pages": [page]}, []
    with caplog.at_level(logging.ERROR):
        generator._write_content_pages(lambda name, template, **kw: written.append((name, kw["page"].lang)), "es")
        generator._write_content_pages(lambda name, template, **kw: written.append((name, kw["page"].lang)), "en")
    assert written == [("help/index.html", "en")]
    assert "help.md has no es translation" in caplog.text


def test_tier_labels_follow_the_page_language(demo_site):
    """The common tiers are named in each language from the city config; the agency's own values stay as published."""
    english = (demo_site / "schools" / "index.html").read_text(encoding="utf-8")
    spanish = (demo_site / "es" / "schools" / "index.html").read_text(encoding="utf-8")
    assert '">Excellent</span>' in english and '">Excelente</span>' in spanish
    assert '">Excellent</span>' not in spanish and '">Strong</span>' not in spanish
    method = (demo_site / "es" / "methodology" / "index.html").read_text(encoding="utf-8")
    assert "El nivel más alto de la agencia que califica." in method
    assert "stars" in spanish, "the agency's original rating values are data and stay as published"


def test_tier_translations_are_checked(tmp_path):
    from schoolfinder.config import load_config
    from schoolfinder.problems import ConfigError

    text = (ROOT / "data" / "demo" / "city.toml").read_text(encoding="utf-8")
    bad = text.replace('translations = { es = { label = "Excelente"', 'translations = { es = { name = "Excelente"', 1)
    assert bad != text
    (tmp_path / "city.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"translations\.es"):
        load_config(tmp_path)
