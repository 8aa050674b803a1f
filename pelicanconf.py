"""Pelican settings for the school finder (development; publishconf.py adds the production delta)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins"))
from schoolfinder.outputs.safety import html_finalize  # noqa: E402

SITENAME = "School Finder"
SITEURL = ""
RELATIVE_URLS = True  # the site works from any folder of any static host, and from file://
PATH = "content"
THEME = "theme"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"

PLUGIN_PATHS = ["plugins"]
PLUGINS = ["schoolfinder_site"]
SCHOOLFINDER = {
    # Written by `make data` (python -m schoolfinder build ...).
    "processed_dir": os.environ.get("SCHOOLFINDER_PROCESSED", "data/processed"),
    # Map images, kept by a hash of what they show: a build draws only the maps whose data changed
    # (plugins/schoolfinder_site/maps.py; the env variable SCHOOLFINDER_MAP_CACHE wins over this key).
    "map_cache": os.environ.get("SCHOOLFINDER_MAP_CACHE", "build/map-cache"),
    # One site per language: DEFAULT_LANG at the output root, the others under <lang>/ (plugins/schoolfinder_site/i18n.py).
    # Catalogs: theme/translations/<lang>/LC_MESSAGES/messages.po, compiled during the build.
    "languages": {"en": "English", "es": "Español"},
    # Page rendering (plugins/schoolfinder_site/render.py): worker processes (unset: one per core; 1 = this process)
    # and the page cache folder (unset: no cache; a page is rendered again only when its inputs changed).
    "workers": os.environ.get("SCHOOLFINDER_WORKERS"),
    "page_cache": os.environ.get("SCHOOLFINDER_PAGE_CACHE"),
}

JINJA_ENVIRONMENT = {
    "autoescape": True,  # every field from an input file is hostile until escaped
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": ["jinja2.ext.i18n", "jinja2.ext.do"],
    "finalize": html_finalize,  # control characters (NUL, C0, C1) never reach a page, whatever the field
}

# Hand-written pages only (about, help); school pages come from the generator, never from Markdown.
ARTICLE_PATHS = []
PAGE_PATHS = ["pages"]
PAGE_URL = "{slug}/"
# Written by our generator in every language (content/pages/<slug>.<lang>.md are the translations).
PAGE_SAVE_AS = PAGE_LANG_SAVE_AS = ""
DIRECT_TEMPLATES = []
ARCHIVES_SAVE_AS = AUTHORS_SAVE_AS = CATEGORIES_SAVE_AS = TAGS_SAVE_AS = ""
AUTHOR_SAVE_AS = CATEGORY_SAVE_AS = TAG_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
STATIC_PATHS = []
DELETE_OUTPUT_DIRECTORY = True
LOAD_CONTENT_CACHE = False
