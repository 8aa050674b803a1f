"""Translations folded at compile time give the very bytes the runtime gettext calls gave."""

from __future__ import annotations

import gettext
import sys

from jinja2 import DictLoader, Environment

from schoolfinder.outputs.safety import html_finalize, strip_control
from schoolfinder_site.folding import FoldingEnvironment


class Catalog(gettext.NullTranslations):
    def gettext(self, message):
        return {"Rating": "Calificación <b>", "%(n)s of %(m)s": "%(n)s de %(m)s", "100%%": "100 %%"}.get(message, message)


SOURCE = """{% set nr = _("Rating") %}{{ _("Rating") }}|{{ nr }}|{{ _("%(n)s of %(m)s", n=a, m=_("Rating")) }}|{{ _("100%%") }}
{{ _("%(n)s of %(m)s", n="<i>", m=b) }}|{{ {"x": _("%(n)s of %(m)s", n="{n}", m="<")}|tojson }}|{{ _(dynamic) }}|{{ a }}"""


def render(cls) -> str:
    options = {"autoescape": True, "finalize": html_finalize, "extensions": ["jinja2.ext.i18n"]}
    env = cls(loader=DictLoader({"t.html": SOURCE}), **options)
    env.install_gettext_translations(Catalog(), newstyle=True)
    if cls is FoldingEnvironment:
        env.folded_translations = Catalog()
    return env.get_template("t.html").render(a="<x>\x00", b={"k": 1}, dynamic="Rating")


def test_folded_templates_render_the_same_bytes():
    folded, plain = render(FoldingEnvironment), render(Environment)
    assert folded == plain
    assert "&lt;x&gt;" in folded and "\x00" not in folded and "Calificación <b>" in folded and "100 %" in folded


def test_folded_calls_are_gone_from_the_compiled_template():
    env = FoldingEnvironment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(Catalog(), newstyle=True)
    env.folded_translations = Catalog()
    code = env.compile('{{ _("Rating") }} {{ _("%(n)s of %(m)s", n=1, m=2) }}', raw=True)
    assert "gettext" not in code and "Calificación" in code


def test_dict_fields_resolve_as_jinja_does():
    env, plain = FoldingEnvironment(), Environment()
    record = {"name": "A", "items": "not the method"}
    source = "{{ r.name }} {{ r.missing is undefined }} {{ r.items is callable }} {{ r['items'] }}"
    assert env.from_string(source).render(r=record) == plain.from_string(source).render(r=record)


def test_finalize_printable_shortcut_misses_no_control_character():
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if strip_control(c, multiline=True) != c and c.isprintable()] == []
