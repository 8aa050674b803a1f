"""Text from input files is hostile: one place for the rules that keep it data (JSON in HTML, CSV cells, control characters)."""

from __future__ import annotations

import csv
import io
import json
import re

# <, >, & and the JavaScript line separators as \uXXXX: the JSON can sit inside <script> and never end it.
_HTML_JSON_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&'\u2028\u2029"}
# C0 (NUL included) and C1 control characters, DEL; tab and line breaks are kept only where a field allows them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def json_for_html(obj) -> str:
    """Compact, sorted JSON that is safe as the text of ``<script type="application/json">`` (or inline JS).

    Parameters
    ----------
    obj : object
        JSON-serialisable data; NaN and infinities are refused.

    Returns
    -------
    str
        JSON in which ``<``, ``>``, ``&``, ``'``, U+2028 and U+2029 are ``\\uXXXX`` escapes.
    """
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, sort_keys=True,
                      allow_nan=False).translate(_HTML_JSON_ESCAPES)


def has_control(text: str, multiline: bool = False) -> bool:
    """True when ``text`` holds a control character that :func:`strip_control` removes."""
    return bool((_CONTROL if multiline else _CONTROL_ONE_LINE).search(text))


def strip_control(text: str, multiline: bool = False) -> str:
    """``text`` without C0/C1 control characters (NUL included); tab and line breaks stay when ``multiline``,
    else they become one space."""
    if not multiline:
        text = re.sub(r"[\t\r\n]+", " ", text)
    return (_CONTROL if multiline else _CONTROL_ONE_LINE).sub("", text)


def html_finalize(value):
    """Jinja ``finalize`` hook: every value printed into a page loses its control characters (tab and line breaks
    stay), whatever stage forgot to clean it; Markup stays Markup."""
    if isinstance(value, str) and not value.isprintable() and has_control(value, multiline=True):  # printable: none
        return type(value)(strip_control(value, multiline=True))  # str, or Markup without escaping again
    return value


def clean_controls(frame, columns, file: str, problems: list, row_column: str | None = None, names=None):
    """Strip control characters from the text ``columns`` of ``frame``; one NORMALIZE CONTROL_CHARACTER problem per
    changed cell (``row_column`` gives its row, ``names`` maps a column to the name the file uses).

    Returns the frame (a copy when something changed); tab and line breaks count as control characters here, since
    every field this is used on is one line.
    """
    from ..problems import Problem

    changed = False
    for column in [c for c in columns if c in frame.columns]:
        values = frame[column]
        hit = values.map(lambda v: isinstance(v, str) and has_control(v))
        if not hit.any():
            continue
        if not changed:
            frame, changed = frame.copy(), True
        frame[column] = values.map(lambda v: strip_control(v) if isinstance(v, str) else v)
        for index in hit[hit].index:
            row = int(frame.at[index, row_column]) if row_column else None
            problems.append(Problem("NORMALIZE", "CONTROL_CHARACTER", file, row, (names or {}).get(column, column),
                                    "control characters (NUL, C0, C1) removed", frame.at[index, column]))
    return frame


def csv_cell(value):
    """One CSV cell under the OWASP rule: text starting with ``= + - @``, tab or CR gets a leading ``'``.

    Numbers are never changed: int and float values, and text that is exactly one plain decimal number
    (``-9``, ``+1.5``, ``-2e3``), which a spreadsheet reads as that number and never as a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(rows, columns) -> str:
    """The one CSV writer for files people open in a spreadsheet: a header, then ``rows`` with :func:`csv_cell` applied.

    Parameters
    ----------
    rows : iterable of dict or of list
        Dicts are written in ``columns`` order (missing keys empty, other keys ignored); lists as they are.
    columns : sequence of str
        The header.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)  # Python leaves a lone CR unquoted
    for row in [columns, *rows]:
        cells = [row.get(c) for c in columns] if isinstance(row, dict) else row
        cells = ["" if cell is None else csv_cell(cell) for cell in cells]
        (quoted if any(isinstance(c, str) and "\r" in c for c in cells) else writer).writerow(cells)
    return buffer.getvalue()
