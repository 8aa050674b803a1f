"""Value rules of the city config (declared in ``configschema.RULES``): ranges, formats, list items.

Each rule is a small tuple so that the schema stays data; :func:`problem` applies one to a value and returns what is
wrong in words (or None), and :func:`bad_example` gives a value of the right type that breaks the rule (for tests).
"""

from __future__ import annotations

import codecs
import datetime as dt
import re

_CLOCK = re.compile(r"\s*(\d{1,2}):([0-5]\d)\s*([AaPp][Mm])?\s*\Z")
_FORMATS = {
    "date": (lambda v: _is_date(v), "a date YYYY-MM-DD", "2099-13-45"),
    "date_or_empty": (lambda v: v == "" or _is_date(v), "empty or a date YYYY-MM-DD", "15/09/2026"),
    "year_or_date": (lambda v: bool(re.fullmatch(r"\d{4}", v)) or _is_date(v), "a year YYYY or a date YYYY-MM-DD", "soon"),
    "codec": (lambda v: _is_codec(v), "a Python codec name such as utf-8, utf-8-sig, cp1252 or latin-1", "utf-9"),
    "char": (lambda v: len(v) == 1 and v not in "\r\n\"", "exactly one character (not a quote or line break)", ",,"),
    "nonempty": (lambda v: v.strip() != "", "not empty", ""),
    "clock": (lambda v: _is_clock(v), "a time like 8:00 AM or 15:00", "25:99"),
}


def _is_date(value: str) -> bool:
    try:
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)) and dt.date.fromisoformat(value) is not None
    except ValueError:
        return False


def _is_codec(value: str) -> bool:
    try:
        codecs.lookup(value)
    except LookupError:
        return False
    return codecs.lookup(value)._is_text_encoding  # rot13, base64 and the like are not text encodings


def _is_clock(value: str) -> bool:
    found = _CLOCK.match(value)
    return bool(found) and (int(found.group(1)) <= 23 if not found.group(3) else 1 <= int(found.group(1)) <= 12)


def _in_range(value, low, high, strict_low: bool) -> bool:
    return (low is None or (value > low if strict_low else value >= low)) and (high is None or value <= high)


def _range_words(low, high, strict_low: bool) -> str:
    if high is None:
        return f"{'above' if strict_low else 'at least'} {low}"
    return f"between {low} and {high}" if not strict_low else f"above {low} and at most {high}"


def problem(rule: tuple, value) -> str | None:
    """What ``value`` (already of the schema's type) does wrong under ``rule``, in words; None when it is fine."""
    kind = rule[0]
    if kind == "range":
        _, low, high, strict = (*rule, False)[:4]
        return None if _in_range(value, low, high, strict) else f"must be {_range_words(low, high, strict)}, got {value!r}"
    if kind == "list":
        _, item_type, low = rule
        for item in value:
            if not isinstance(item, item_type) or isinstance(item, bool):
                return f"must list {item_type.__name__} values only, got {item!r}"
            if low is not None and item < low:
                return f"must list values of at least {low}, got {item!r}"
        return None
    if kind == "map":
        _, key_type, value_type, low = rule
        for key, item in value.items():
            if not isinstance(item, value_type) or isinstance(item, bool) or (low is not None and item < low):
                return f"must map each key to a {value_type.__name__}" + (f" of at least {low}" if low is not None else "") + \
                    f", got {key} = {item!r}"
        return None
    if kind == "choices":  # a map whose every value is one of rule[1]
        wrong = [f"{key} = {item!r}" for key, item in value.items() if item not in rule[1]]
        return f"must map each key to one of {', '.join(rule[1])}, got {wrong[0]}" if wrong else None
    check, words, _example = _FORMATS[kind]
    return None if check(value) else f"must be {words}, got {value!r}"


def bad_example(rule: tuple):
    """A value of the right type that ``rule`` refuses."""
    kind = rule[0]
    if kind == "range":
        _, low, high, strict = (*rule, False)[:4]
        return (high + 1) if high is not None else (low if strict else low - 1)
    if kind == "list":
        return ["two"] if rule[1] is not str else [2]
    if kind == "choices":
        return {"x": "none of these"}
    if kind == "map":
        return {"x": "two"} if rule[2] is not str else {"x": 2}
    return _FORMATS[kind][2]
