"""Theme rules: autoescape on, every UI string through gettext, extraction finds them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "theme" / "templates").glob("*.html"))
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)
_TEXT_ATTRS = re.compile(r'\b(?:aria-label|title|alt|placeholder)="([^"]*)"')


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_no_untranslated_text(template):
    source = template.read_text(encoding="utf-8")
    without_jinja = re.sub(r"<script\b[^>]*>.*?</script>", " ", _JINJA.sub("", source), flags=re.S)  # code, not text
    for value in _TEXT_ATTRS.findall(without_jinja):
        assert not re.search(r"[A-Za-z]{2,}", value), f"attribute text not in gettext: {value!r}"
    text = _TAG.sub(" ", without_jinja)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    words = re.findall(r"[A-Za-z]{2,}", text)
    assert words == [], f"{template.name}: text outside gettext: {words[:10]}"


def test_autoescape_is_on():
    sys.path.insert(0, str(ROOT))
    import pelicanconf

    assert pelicanconf.JINJA_ENVIRONMENT["autoescape"] is True


def test_strings_extract_for_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-o", str(pot), "theme/templates"],
                   cwd=ROOT, check=True, capture_output=True)
    messages = re.findall(r'^msgid "(.+)"$', pot.read_text(encoding="utf-8"), re.M)
    assert len(messages) > 60
    assert "All schools" in messages and "Fictional demo city." in messages
