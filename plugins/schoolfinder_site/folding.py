"""Translations resolved once per language, when a template compiles, instead of on every page.

With ``jinja2.ext.i18n`` (newstyle, autoescape on) ``{{ _("text", name=value) }}`` runs on every render as
``Markup(gettext("text")) % {"name": value}``: a context call, the catalog look-up and the Markup wrapper, about a
hundred times per school page. :class:`FoldingEnvironment` makes the same expression at compile time: the catalog
look-up becomes a constant (``Markup("texto") % {"name": value}``, so every value is still escaped, and the
``finalize`` hook still runs on the result) and a string without variables becomes plain template text. The output
is the same bytes; only calls with a literal string and keyword arguments are folded, anything else (``ngettext``,
a string built at run time) stays a runtime call.

It also looks ``record.field`` up in a plain dict first: Jinja tries the attribute first and only then the key, so
every field of a processed record cost a raised AttributeError. Names that are dict attributes (``items``,
``values``...) keep Jinja's order, so the result is the same.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, nodes
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

_DICT_ATTRIBUTES = frozenset(dir(dict))


class FoldingEnvironment(Environment):
    """A Jinja environment whose templates have ``_("literal", ...)`` resolved in ``folded_translations``."""

    folded_translations = None  # a gettext.NullTranslations (or subclass); None: nothing is folded

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        if self.folded_translations is not None and self.autoescape is True:
            tree = _Fold(self.folded_translations.gettext).visit(tree)
            tree.set_environment(self)
        return tree


class FoldedBytecodeCache(FileSystemBytecodeCache):
    """Compiled templates on disk, keyed by what folding puts in them besides the template's source (which Jinja
    checks itself): the catalog, the environment's options and this module's and i18n.py's code."""

    def __init__(self, directory: Path, translations, options: dict):
        directory.mkdir(parents=True, exist_ok=True)
        super().__init__(str(directory))
        catalog = sorted(getattr(translations, "_catalog", {}).items(), key=repr)
        named = {key: getattr(value, "__qualname__", value) for key, value in options.items()}
        code = b"".join(Path(__file__).with_name(name).read_bytes() for name in ("folding.py", "i18n.py"))
        self.salt = hashlib.sha256(code + json.dumps([catalog, named], sort_keys=True, default=repr).encode()).hexdigest()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}\0{name}\0{filename or ''}".encode()).hexdigest()


class _Fold(NodeTransformer):
    """Replace ``_("literal", k=v...)`` calls by the translated constant (``% {k: v}`` when there are variables)."""

    def __init__(self, gettext):
        self.gettext = gettext

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if not _is_literal_gettext(node):
            return node
        translated = Markup(self.gettext(node.args[0].value))
        if not node.kwargs:
            try:
                text = translated % {}  # what newstyle gettext does: "%%" -> "%"
            except (KeyError, TypeError, ValueError):
                return node  # a broken catalog entry fails at render time, as it did before
            return nodes.MarkSafe(nodes.Const(str(text)), lineno=node.lineno)
        items = [nodes.Pair(nodes.Const(kw.key), kw.value, lineno=kw.lineno) for kw in node.kwargs]
        return nodes.Mod(nodes.MarkSafe(nodes.Const(str(translated)), lineno=node.lineno),
                         nodes.Dict(items, lineno=node.lineno), lineno=node.lineno)


def _is_literal_gettext(node: nodes.Call) -> bool:
    return (isinstance(node.node, nodes.Name) and node.node.name == "_" and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)
            and node.dyn_args is None and node.dyn_kwargs is None)
