"""Translations resolved once per language, when a template compiles, instead of on every page.

With ``jinja2.ext.i18n`` (newstyle, autoescape on) ``{{ _("text", name=value) }}`` runs on every render as
``Markup(gettext("text")) % {"name": value}``: a context call, the catalog look-up and the Markup wrapper, about a
hundred times per school page. :class:`FoldingEnvironment` makes the same expression at compile time: the catalog
look-up becomes a constant (``Markup("texto") % {"name": value}``, so every value is still escaped, and the
``finalize`` hook still runs on the result) and a string without variables becomes plain template text. The output
is the same bytes; only calls with a literal string and keyword arguments are folded, anything else (``ngettext``,
a string built at run time) stays a runtime call.

A folded string printed on its own (``{{ _("%(n)s of %(m)s", n=a, m=b) }}``) goes further: it becomes template
text with its values printed in between, each value escaped and finalized like any other printed value, so no Markup
is formatted at run time at all (only ``%(name)s`` and ``%%`` placeholders, each name used once; anything else stays
``Markup % {...}``).

Printed values go through one function, ``environment.write_value``: the ``finalize`` hook and the escape in one
call that returns plain text (Jinja writes ``escape(environment.finalize(value))``, two calls and a Markup object
per value; the page is joined into one string either way).

It also looks ``record.field`` up in a plain dict first: Jinja tries the attribute first and only then the key, so
every field of a processed record cost a raised AttributeError. Names that are dict attributes (``items``,
``values``...) keep Jinja's order, so the result is the same.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import markupsafe
from jinja2 import Environment, FileSystemBytecodeCache, nodes
from jinja2.compiler import CodeGenerator
from jinja2.visitor import NodeTransformer
from markupsafe import Markup, escape

from schoolfinder.outputs.safety import has_control, html_finalize, strip_control

_DICT_ATTRIBUTES = frozenset(dir(dict))
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%|%")  # a lone "%" (any other conversion) stops the split
# markupsafe's escape without the Markup wrapper (its C function); the same text when a release renames it
_escape_text = getattr(markupsafe, "_escape_inner", None) or (lambda text: str(escape(text)))


def value_writer(finalize):
    """``value -> HTML text``: ``str(escape(finalize(value)))``, what Jinja prints for ``{{ value }}`` with autoescape,
    in one call (the project's ``html_finalize`` inlined for plain strings and Markup, the bulk of printed values)."""
    if finalize is not html_finalize:
        return (lambda value: escape(finalize(value))) if finalize is not None else escape

    def write_value(value):
        kind = type(value)
        if kind is str:
            if not value.isprintable() and has_control(value, multiline=True):
                value = strip_control(value, multiline=True)
            return _escape_text(value)
        if kind is int:
            return str(value)
        if kind is Markup and (value.isprintable() or not has_control(value, multiline=True)):
            return value
        return escape(html_finalize(value))
    return write_value


class _WriterCodeGenerator(CodeGenerator):
    """Writes ``environment.write_value(x)`` where Jinja writes ``escape(environment.finalize(x))``."""

    def _writes_value(self, frame, finalize) -> bool:
        return frame.eval_ctx.autoescape is True and not frame.eval_ctx.volatile and finalize.src in (
            None, "environment.finalize(")

    def _output_child_pre(self, node, frame, finalize):
        if self._writes_value(frame, finalize):
            self.write("environment.write_value(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node, frame, finalize):
        if self._writes_value(frame, finalize):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)


class FoldingEnvironment(Environment):
    """A Jinja environment whose templates have ``_("literal", ...)`` resolved in ``folded_translations``."""

    folded_translations = None  # a gettext.NullTranslations (or subclass); None: nothing is folded
    code_generator_class = _WriterCodeGenerator

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.write_value = value_writer(self.finalize)

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
        self.folded: dict[int, nodes.Mod] = {}  # the Mod nodes made here, by id (Output splits only those)

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        node = self.generic_visit(node)
        pieces = []
        for child in node.nodes:
            split = _split(child) if self.folded.get(id(child)) is child else None
            pieces.extend(split if split is not None else [child])
        node.nodes = pieces
        return node

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
        mod = nodes.Mod(nodes.MarkSafe(nodes.Const(str(translated)), lineno=node.lineno),
                        nodes.Dict(items, lineno=node.lineno), lineno=node.lineno)
        self.folded[id(mod)] = mod
        return mod


def _split(mod: nodes.Mod) -> list[nodes.Node] | None:
    """``Markup("a %(x)s b") % {"x": v}`` as output pieces ``[text "a ", v, text " b"]``; None when the string has
    another conversion or does not use each name exactly once."""
    text, values = mod.left.expr.value, {pair.key.value: pair.value for pair in mod.right.items}
    pieces, used, at = [], [], 0
    for match in _PLACEHOLDER.finditer(text):
        if match.group(0) == "%":
            return None
        pieces.append(nodes.TemplateData(text[at:match.start()] + ("%" if match.group(0) == "%%" else "")))
        if match.group(1) is not None:
            if match.group(1) not in values:
                return None
            used.append(match.group(1))
            pieces.append(values[match.group(1)])
        at = match.end()
    pieces.append(nodes.TemplateData(text[at:]))
    if sorted(used) != sorted(values):  # the names are unique, so this is "each one exactly once"
        return None
    return [piece for piece in pieces if not (isinstance(piece, nodes.TemplateData) and piece.data == "")]


def _is_literal_gettext(node: nodes.Call) -> bool:
    return (isinstance(node.node, nodes.Name) and node.node.name == "_" and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const) and isinstance(node.args[0].value, str)
            and node.dyn_args is None and node.dyn_kwargs is None)
