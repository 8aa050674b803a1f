"""Text from input files is hostile: one place for the rules that keep it data (JSON in HTML, CSV cells, control characters)."""

from __future__ import annotations

import json
import re

# <, >, & and the JavaScript line separators as \uXXXX: the JSON can sit inside <script> and never end it.
_HTML_JSON_ESCAPES = {ord(c): f"\\u{ord(c):04x}" for c in "<>&'\u2028\u2029"}
# C0 (NUL included) and C1 control characters, DEL; tab and line breaks are kept only where a field allows them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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
    """``text`` without C0/C1 control characters (NUL included); tab and line breaks stay when ``multiline``."""
    return (_CONTROL if multiline else _CONTROL_ONE_LINE).sub("", text)


def csv_cell(value):
    """One CSV cell under the OWASP rule: text starting with ``= + - @``, tab or CR gets a leading ``'``.

    Numbers (int, float, numpy numbers) are returned unchanged, so a negative number stays a number;
    only text cells are prefixed.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_frame(frame):
    """A copy of ``frame`` with :func:`csv_cell` applied to every text cell (object and string columns)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith("str"):
            out[column] = out[column].map(csv_cell)
    return out

