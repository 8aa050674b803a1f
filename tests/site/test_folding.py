"""Translations folded at compile time give the very bytes the runtime gettext calls gave."""

from __future__ import annotations

import gettext
import sys

from hypothesis import given
from hypothesis import strategies as st
from jinja2 import DictLoader, Environment
from markupsafe import Markup, escape

from schoolfinder.outputs.safety import html_finalize, strip_control
from schoolfinder_site.folding import FoldingEnvironment, value_writer
from schoolfinder_site.i18n import Cards


class Catalog(gettext.NullTranslations):
    def gettext(self, message):
        return {"Rating": "Calificación <b>", "%(n)s of %(m)s": "%(n)s de %(m)s", "100%%": "100 %%"}.get(message, message)


SOURCE = """{% set nr = _("Rating") %}{{ _("Rating") }}|{{ nr }}|{{ _("%(n)s of %(m)s", n=a, m=_("Rating")) }}|{{ _("100%%") }}
{{ _("%(n)s of %(m)s", n="<i>", m=b) }}|{{ {"x": _("%(n)s of %(m)s", n="{n}", m="<")}|tojson }}|{{ _(dynamic) }}|{{ a }}
{{ _("%(n)s%% done", n=a) }}|{{ _("%(n)d items", n=3) }}|{{ _("%(n)s and %(n)s", n=a) }}|{{ _("%(n)s only", n=a, m=b) }}
{{ _("%(n)s of %(m)s", n=_("Rating"), m=_("%(n)s of %(m)s", n=a, m=2)) }}|{{ _("%(n)s of %(m)s", n=1.5, m=none) }}"""


def render(cls, finalize=html_finalize) -> str:
    options = {"autoescape": True, "finalize": finalize, "extensions": ["jinja2.ext.i18n"]}
    env = cls(loader=DictLoader({"t.html": SOURCE}), **options)
    env.install_gettext_translations(Catalog(), newstyle=True)
    if cls is FoldingEnvironment:
        env.folded_translations = Catalog()
    return env.get_template("t.html").render(a="<x>\x00", b={"k": 1}, dynamic="Rating")


def test_folded_templates_render_the_same_bytes():
    folded, plain = render(FoldingEnvironment), render(Environment)
    assert folded == plain
    assert render(FoldingEnvironment, None) == render(Environment, None)  # no finalize hook: escape only
    assert "&lt;x&gt;" in folded and "\x00" not in folded and "Calificación <b>" in folded and "100 %" in folded


def test_folded_calls_are_gone_from_the_compiled_template():
    env = FoldingEnvironment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(Catalog(), newstyle=True)
    env.folded_translations = Catalog()
    code = env.compile('{{ _("Rating") }} {{ _("%(n)s of %(m)s", n=1, m=2) }}', raw=True)
    assert "gettext" not in code and "Calificación" in code


def test_a_printed_translation_becomes_text_and_values_and_others_stay_formatted():
    env = FoldingEnvironment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(Catalog(), newstyle=True)
    env.folded_translations = Catalog()
    split = env.compile('{{ _("%(n)s of %(m)s", n=a, m=b) }}', raw=True)
    assert " % {" not in split and "write_value" in split and "' de '" in split
    for kept in ('{{ _("%(n)d items", n=a) }}', '{{ _("%(n)s and %(n)s", n=a) }}', '{% set x = _("%(n)s of %(m)s", n=a, m=b) %}'):
        assert " % {" in env.compile(kept, raw=True), kept


@given(st.one_of(st.text(), st.text().map(Markup), st.integers(), st.floats(), st.none(), st.booleans()))
def test_the_value_writer_prints_what_jinja_prints(value):
    assert value_writer(html_finalize)(value) == str(escape(html_finalize(value)))


CARD = '{% macro school_card(school, root) %}<a href="{{ root }}/s/{{ school.slug }}/">{{ school.name }}</a>{% endmacro %}'


def test_a_card_is_rendered_once_and_shows_each_page_its_own_root():
    env = FoldingEnvironment(loader=DictLoader({"macros.html": CARD}), autoescape=True, finalize=html_finalize)
    macro, cards = env.get_template("macros.html").module.school_card, Cards(env)
    hostile = {"key": "k1", "slug": "a&b", "name": '"sf-card-root" <b>'}
    plain = {"key": "k2", "slug": "c", "name": "C"}
    for root in ("../..", '"sf-card-root"', "https://x.org/a&b"):
        for school in (hostile, plain):
            assert cards(school, root) == macro(school, root)
    assert set(cards) == {"k1", "k2"}
    cards.clear()
    cards.KEPT = 1  # a full memo starts again
    assert cards(hostile, "..") == macro(hostile, "..") and cards(plain, "..") == macro(plain, "..") and len(cards) == 1


def test_dict_fields_resolve_as_jinja_does():
    env, plain = FoldingEnvironment(), Environment()
    record = {"name": "A", "items": "not the method"}
    source = "{{ r.name }} {{ r.missing is undefined }} {{ r.items is callable }} {{ r['items'] }}"
    assert env.from_string(source).render(r=record) == plain.from_string(source).render(r=record)


def test_finalize_printable_shortcut_misses_no_control_character():
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if strip_control(c, multiline=True) != c and c.isprintable()] == []
