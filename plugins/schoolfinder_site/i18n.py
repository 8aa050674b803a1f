"""One site per language: catalogs compiled at build time, a Jinja environment per language, page URLs.

The default language (English, the source strings) is written at the output root and every other language
under ``<lang>/``. Each page gets:

- ``SITEURL``: the root of its own language (relative when RELATIVE_URLS), so every link stays in that language;
- ``SITEROOT``: the root of the whole site, for what both languages share (theme files, search and compare data);
- ``lang``, ``LANG_LINKS`` (the same page in the other languages, for the switcher);
- ``CANONICAL`` and ``ALTERNATES`` (hreflang): absolute URLs, only when SITEURL is an absolute http(s) address.
  With a relative build the site can sit in any folder, so no absolute address exists and these links are left
  out rather than guessed; the sitemap needs absolute URLs for the same reason (see README, "Languages").
"""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from jinja2 import Environment
from markupsafe import Markup, escape

from .folding import FoldedBytecodeCache, FoldingEnvironment
from .render import cache_dir

SITEMAP_MAX = 50_000  # URLs per sitemap file (the protocol's limit); more files get a sitemap index


def load_catalog(theme: str | Path, lang: str) -> gettext.GNUTranslations:
    """Compile ``theme/translations/<lang>/LC_MESSAGES/messages.po`` in memory (no .mo file is kept)."""
    po_path = Path(theme) / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def language_env(base: Environment, settings: dict, translations) -> Environment:
    """A Jinja environment like ``base`` (loader, filters, tests, globals) speaking ``translations``, with the
    templates' literal ``_()`` strings resolved when they compile (folding.py)."""
    # auto_reload off: a build does not edit its templates, and the check stats each file on every page
    env = FoldingEnvironment(loader=base.loader, **{"auto_reload": False, **settings["JINJA_ENVIRONMENT"]})
    env.folded_translations = translations
    folder = cache_dir(settings.get("SCHOOLFINDER", {}))
    if folder is not None:  # with a page cache, compiled templates are kept too (a nightly run compiles none)
        env.bytecode_cache = FoldedBytecodeCache(folder / "bytecode", translations, settings["JINJA_ENVIRONMENT"])
    env.filters.update(base.filters)
    env.tests.update(base.tests)
    env.globals.update(base.globals)
    env.install_gettext_translations(translations, newstyle=True)
    return env


def macro(env: Environment, name: str):
    """Macro ``name`` of ``macros.html`` in ``env`` (called without a page's context)."""
    return getattr(env.get_template("macros.html").module, name)


class Labels(dict):
    """``key -> what macro(key) renders``, each key rendered once per process and language: the same Markup as the
    macro call, without the call on every page (``labels.sector[school.sector]`` for ``m.sector_label(...)``)."""

    def __init__(self, env: Environment, macro: str):
        super().__init__()
        self.env, self.macro = env, macro

    def __missing__(self, key):
        value = self[key] = macro(self.env, self.macro)(key)
        return value


class Cards(dict):
    """``cards(school, root)``: the school's card (``macros.school_card``) in a list page, rendered once per process
    and language and reused on every list that shows the school (the school list, browse lists, neighborhoods).

    A card is kept with a token where its link's root goes (the only place the card uses ``root``): the token holds
    a quote, which escaping turns into ``&#34;`` in any field, so only the token itself is replaced by the escaped
    root. At most ``KEPT`` cards are kept (then the memo starts again), so a very large city stays within memory.
    """

    KEPT = 25_000
    TOKEN = Markup('"sf-card-root"')

    def __init__(self, env: Environment):
        super().__init__()
        self.env = env

    def __call__(self, school: dict, root: str) -> Markup:
        card = self.get(school["key"])
        if card is None:
            if len(self) >= self.KEPT:
                self.clear()
            card = self[school["key"]] = str(macro(self.env, "school_card")(school, self.TOKEN))
        return Markup(card.replace(self.TOKEN, str(escape(root))))


LABEL_MACROS = {"sector": "sector_label", "subgroup": "subgroup_label", "admission": "admission_label", "icon": "icon"}


def macro_labels(env: Environment) -> dict[str, Labels]:
    """The ``labels`` global of a language's templates: macros of one plain key (macros.html), memoised."""
    return {name: Labels(env, macro) for name, macro in LABEL_MACROS.items()}


def memo_globals(env: Environment) -> None:
    """Set the memoised globals of a language's templates: ``labels`` (macros of one key) and ``cards``."""
    env.globals["labels"] = macro_labels(env)
    env.globals["cards"] = Cards(env)


def tier_texts(tiers: list[dict], lang: str) -> dict[str, str]:
    """Tier label and description as the city config writes them -> their ``lang`` version (from ``translations``)."""
    out = {}
    for tier in tiers:
        translated = (tier.get("translations") or {}).get(lang) or {}
        out.update({tier[key]: translated[key] for key in ("label", "description") if translated.get(key)})
    return out


def unit_names(_, unit: str) -> tuple[str, str]:
    """The city's neighborhood unit in the page's language, singular and plural (other units stay as configured)."""
    known = {"neighborhood": (_("neighborhood"), _("neighborhoods")),
             "community area": (_("community area"), _("community areas"))}
    return known.get(unit, (unit, unit + "s"))


def _up(levels: int) -> str:
    return "/".join([".."] * levels) or "."


class Site:
    """The languages of the site and the URLs of every page in each of them."""

    def __init__(self, settings: dict, base_env: Environment, base_translations, tiers: list[dict] = ()):
        self.settings, self.tiers = settings, list(tiers)
        if base_env is not None:  # ``tl(text)``: a tier (or configured sector) label or description in the page's language
            base_env.globals["tl"] = self.tier_text(settings["DEFAULT_LANG"])
            base_env.globals["sector_names"] = {t["id"]: t["label"] for t in self.tiers if t.get("kind") == "sector"}
            memo_globals(base_env)
        self.default = settings["DEFAULT_LANG"]
        self.names = settings.get("SCHOOLFINDER", {}).get("languages") or {self.default: self.default}
        self.languages = list(self.names)
        siteurl = settings.get("SITEURL", "").rstrip("/")
        self.absolute = siteurl if re.match(r"https?://", siteurl) else None
        self.relative = settings.get("RELATIVE_URLS", False)
        self.siteurl = siteurl
        self.written: list[tuple[str, str]] = []  # (lang, URL path) of every page, for the sitemap
        self._base_env, self._translations, self._envs = base_env, {self.default: base_translations}, {}

    def prefix(self, lang: str) -> str:
        """Folder of a language inside the output ("" for the default language)."""
        return "" if lang == self.default else f"{lang}/"

    def translations(self, lang: str):
        """The compiled catalog of ``lang`` (the default language's is the one the plugin installed)."""
        if lang not in self._translations:
            self._translations[lang] = load_catalog(self.settings["THEME"], lang)
        return self._translations[lang]

    def template_getter(self, lang: str):
        """``name -> Template`` for a language (every language, the default too, has its own folding environment)."""
        if lang not in self._envs:
            self._envs[lang] = language_env(self._base_env, self.settings, self.translations(lang))
            self._envs[lang].globals["tl"] = self.tier_text(lang)
            memo_globals(self._envs[lang])
            for name in self._envs[lang].list_templates(extensions=["html"]):  # here, not once in each page worker
                self._envs[lang].get_template(name)
        env = self._envs[lang]
        return lambda name: env.get_template(f"{name}.html")

    def tier_text(self, lang: str):
        """``text -> text in lang`` for the config's tier labels and descriptions (other text unchanged)."""
        texts = tier_texts(self.tiers, lang)
        return lambda text: texts.get(text, text)

    def roots(self, lang: str, name: str) -> tuple[str, str]:
        """(root of the page's language, root of the site) as seen from output file ``name`` of that language."""
        if self.relative:
            depth = name.count("/")
            return _up(depth), _up(depth + (lang != self.default))
        return self.siteurl + ("" if lang == self.default else f"/{lang}"), self.siteurl

    def page_vars(self, lang: str, name: str, record: bool = True) -> dict:
        """Template variables that depend on the page's language and place."""
        lang_root, site_root = self.roots(lang, name)
        path = name[: -len("index.html")] if name.endswith("index.html") else name
        if record:
            self.written.append((lang, path))
        links = [{"lang": other, "name": self.names[other], "href": f"{site_root}/{self.prefix(other)}{path}"}
                 for other in self.languages if other != lang]
        page = {"SITEURL": lang_root, "SITEROOT": site_root, "lang": lang, "LANG_LINKS": links,
                "CANONICAL": None, "ALTERNATES": []}
        if self.absolute:
            page["CANONICAL"] = f"{self.absolute}/{self.prefix(lang)}{path}"
            page["ALTERNATES"] = [{"lang": other, "href": f"{self.absolute}/{self.prefix(other)}{path}"}
                                  for other in self.languages]
            page["ALTERNATES"].append({"lang": "x-default", "href": f"{self.absolute}/{path}"})
        return page

    def write_sitemap(self, output: str | Path) -> None:
        """robots.txt always; sitemap.xml (both languages) only when SITEURL is absolute."""
        output = Path(output)
        robots = "User-agent: *\nAllow: /\n"
        if self.absolute:
            urls = sorted({f"{self.absolute}/{self.prefix(lang)}{path}" for lang, path in self.written})
            chunks = [urls[i:i + SITEMAP_MAX] for i in range(0, len(urls), SITEMAP_MAX)]
            if len(chunks) == 1:
                (output / "sitemap.xml").write_text(_urlset(chunks[0]), encoding="utf-8")
            else:
                names = [f"sitemap-{n}.xml" for n in range(1, len(chunks) + 1)]
                for file_name, chunk in zip(names, chunks):
                    (output / file_name).write_text(_urlset(chunk), encoding="utf-8")
                (output / "sitemap.xml").write_text(_index([f"{self.absolute}/{n}" for n in names]), encoding="utf-8")
            robots += f"\nSitemap: {self.absolute}/sitemap.xml\n"
        (output / "robots.txt").write_text(robots, encoding="utf-8")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _urlset(urls: list[str]) -> str:
    rows = "".join(f"<url><loc>{_xml(u)}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n')


def _index(urls: list[str]) -> str:
    rows = "".join(f"<sitemap><loc>{_xml(u)}</loc></sitemap>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n')
