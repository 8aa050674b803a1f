"""Register the school pages generator and gettext with Pelican."""

from __future__ import annotations

import gettext
from pathlib import Path

from pelican import signals

from .generators import SchoolPagesGenerator


def get_generators(pelican):
    """Add the generator that writes school, list and neighborhood pages."""
    return SchoolPagesGenerator


def install_gettext(generator):
    """Install the theme's compiled catalog for DEFAULT_LANG (English source strings otherwise)."""
    settings = generator.settings
    catalog_dir = Path(settings["THEME"]) / "translations"
    translations = gettext.translation("messages", localedir=str(catalog_dir),
                                       languages=[settings["DEFAULT_LANG"]], fallback=True)
    generator.env.add_extension("jinja2.ext.i18n")
    generator.env.install_gettext_translations(translations, newstyle=True)
    generator.translations = translations  # for strings made in Python (map legends)


def register():
    """Connect the receivers (module-level, because blinker holds weak references)."""
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(install_gettext)
