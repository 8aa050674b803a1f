"""Bands: a published range or bound (``< 5``, ``> 95``, ``10-19``) read as the interval it stands for.

A figure made from several published cells (``aggregate`` sum or mean) is computed on intervals, so a part
published as a band makes the figure a band (``< 5`` + ``20`` is ``20–24``), never a number. A band gets a tier
only when the whole band lies inside one cut-point range (both ends give the same tier); otherwise none.

Strict bounds on whole-number data: when every number in the cells is whole (states publish whole percents),
``< 5`` stands for 0 to 4 and ``> 95`` for 96 to the range's maximum; otherwise the bound itself is kept
(``< 5.5`` stands for 0 to 5.5), which is a little wider but still holds the true value.
"""

from __future__ import annotations

import re

from .values import parse_number

Interval = tuple[float, float]

_BOUND = re.compile(r"^([<>≤≥])\s*(=?)\s*(\d+(?:\.\d+)?)\s*%?$")
_RANGE = re.compile(r"^(\d+(?:\.\d+)?)\s*%?\s*[-–]\s*(\d+(?:\.\d+)?)\s*%?$")
_DASH = "–"


def interval(text: str, bounds: list, whole: bool = False) -> Interval | None:
    """The interval a cell stands for: a number is [n, n]; a band its range within ``bounds`` ([min, max]);
    None for anything else (a suppression marker such as ``NR``, text, empty)."""
    low, high = (list(bounds) + [None, None])[:2] if bounds else (0.0, None)
    low = 0.0 if low is None else float(low)
    number = parse_number(text)
    if number is not None:
        return number, number
    if match := _RANGE.match(text):
        return float(match.group(1)), float(match.group(2))
    if not (match := _BOUND.match(text)):
        return None
    sign, equal, value = match.group(1), match.group(2), float(match.group(3))
    strict = sign in "<>" and not equal
    step = 1.0 if strict and whole and value.is_integer() else 0.0
    if sign in "<≤":
        return low, max(low, value - step)
    top = float(high) if high is not None else value + step
    return min(top, value + step), top


def is_whole(texts: list[str]) -> bool:
    """True when every plain number among ``texts`` is a whole number (and the bounds in bands too)."""
    found = [float(n) for t in texts for n in re.findall(r"\d+(?:\.\d+)?", t)]
    return all(n.is_integer() for n in found)


def clamp(span: Interval, bounds: list) -> Interval:
    """``span`` kept inside the source's range (a sum of level percents never passes 100)."""
    low, high = (list(bounds) + [None, None])[:2] if bounds else (None, None)
    lo, hi = span
    if low is not None:
        lo, hi = max(lo, low), max(hi, low)
    if high is not None:
        lo, hi = min(lo, high), min(hi, high)
    return lo, hi


def text(span: Interval, decimals: int | None = None) -> str:
    """A figure as shown: ``42.5`` for a number, ``20–24`` for a band."""
    def one(n: float) -> str:
        return f"{round(n, decimals):g}" if decimals is not None else f"{n:g}"
    lo, hi = span
    return one(lo) if one(lo) == one(hi) else f"{one(lo)}{_DASH}{one(hi)}"


def add(spans: list[Interval]) -> Interval:
    return sum(s[0] for s in spans), sum(s[1] for s in spans)


def mean(spans: list[Interval], weights: list[float]) -> Interval:
    total = sum(weights)
    return (sum(s[0] * w for s, w in zip(spans, weights)) / total, sum(s[1] * w for s, w in zip(spans, weights)) / total)


def band_tier(value: str, source: dict, tier_of) -> str | None:
    """The tier of a banded value: the one tier both ends of the band get (``tier_of(number)``), else None."""
    span = interval(value, source.get("range", []), whole=is_whole([value]))
    if span is None:
        return None
    lo, hi = tier_of(span[0]), tier_of(span[1])
    return lo if lo is not None and lo == hi else None
