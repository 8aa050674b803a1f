"""Grade tokens (`PK`, `KG`, `K-8`, `09-12`, `PK–5`, `K,1,2`) to a canonical span."""

from __future__ import annotations

import re

# Canonical grade order: PK = -1, K = 0, then 1..12.
GRADE_LABELS = {-1: "PK", 0: "K", **{n: str(n) for n in range(1, 13)}}
_ALIASES = {"PK": -1, "PE": -1, "PREK": -1, "PRE-K": -1, "P": -1, "K": 0, "KG": 0, "KN": 0, "KINDERGARTEN": 0}
_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*|\s+TO\s+|\s+THROUGH\s+")


def parse_grade(token: str) -> int | None:
    """Return the canonical number of one grade token, or None if it is not a grade."""
    text = token.strip().upper().replace(" ", "")
    if text in _ALIASES:
        return _ALIASES[text]
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    return None


def parse_span(cell: str) -> tuple[int, int] | None:
    """Return (low, high) for a grades cell, or None when any token is not a grade.

    Accepts single grades, ranges with any dash or "to", and comma lists of both,
    e.g. ``"PK,K-8"`` -> (-1, 8) and ``"09-12"`` -> (9, 12).
    """
    grades: list[int] = []
    for part in re.split(r"[,;/]", cell.upper()):
        part = part.strip()
        if not part:
            continue
        ends = _DASHES.split(part)
        parsed = [parse_grade(end) for end in ends]
        if len(ends) > 2 or any(g is None for g in parsed):
            return None
        if len(parsed) == 2 and parsed[0] > parsed[1]:
            return None
        grades.extend(parsed)
    if not grades:
        return None
    return min(grades), max(grades)


def span_label(low: int, high: int) -> str:
    """Return a short label like ``PK–8`` or ``9–12`` (en dash)."""
    if low == high:
        return GRADE_LABELS[low]
    return f"{GRADE_LABELS[low]}\u2013{GRADE_LABELS[high]}"


def grade_bands(low: int, high: int) -> list[str]:
    """Return the grade bands a span touches: elementary (PK-5), middle (6-8), high (9-12)."""
    bands = []
    if low <= 5:
        bands.append("elementary")
    if low <= 8 and high >= 6:
        bands.append("middle")
    if high >= 9:
        bands.append("high")
    return bands


def school_bands(school: dict) -> list[str]:
    """The bands of the grades a school serves: its grade set when known (PK-5 and 9-12 is not middle), else its span."""
    grades = school.get("grade_set")
    if grades is not None and len(grades):
        return [band for band in ("elementary", "middle", "high") if any(grade_bands(g, g) == [band] for g in grades)]
    low, high = school.get("grade_low"), school.get("grade_high")
    if low is None or high is None or low != low or high != high:
        return []
    return grade_bands(low, high)
