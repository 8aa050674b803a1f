"""Rating scales recognised by their values: levels with a known order (SQRP-style "Level 1+", letter grades, stars),
the values off the scale, number ranges, and a proposal mapping either onto the common tiers."""

from __future__ import annotations

import math
import re

import pandas as pd

from .columns import numbers

TIER_IDS = [
    ("excellent", "Excellent", "The rating agency's highest level.", "Excelente", "El nivel más alto de la agencia que califica."),
    ("strong", "Strong", "Above the middle of the agency's scale.", "Sólido", "Por encima del punto medio de la escala de la agencia."),
    ("average", "Average", "The middle of the agency's scale.", "Promedio", "El punto medio de la escala de la agencia."),
    ("below", "Below average", "Below the middle of the agency's scale.", "Por debajo del promedio",
     "Por debajo del punto medio de la escala de la agencia."),
    ("low", "Low performing", "The agency's lowest level.", "Bajo rendimiento", "El nivel más bajo de la agencia."),
]
# pattern of one level -> sort key (best first)
SCALES = [
    (re.compile(r"^level\s*(\d)\s*(\+?)$", re.I), lambda m: (int(m[1]), m[2] != "+")),
    (re.compile(r"^([A-DF])([+-]?)$"), lambda m: (m[1], {"+": 0, "": 1, "-": 2}[m[2]])),
    (re.compile(r"^(\d)\s*stars?$", re.I), lambda m: (-int(m[1]),)),
]
SUPPRESSED = {"nr", "*", "s", "-", "n<10", "<5", ">95"}  # the default `suppressed` markers, spaces removed


def level_scale(values: pd.Series, least: float = 0.6) -> list[str]:
    """The values of a known scale, best first, when at least `least` of the cells and 3 distinct values fit it."""
    distinct = values.unique()
    for pattern, order in SCALES:
        fits = {v: order(pattern.match(v)) for v in distinct if pattern.match(v)}
        if len(fits) >= 3 and values.isin(list(fits)).mean() >= least:
            return sorted(fits, key=fits.get)
    return []


def not_rated_values(values: pd.Series, scale: tuple) -> list[str]:
    """Values off the scale (not a level, not a number) that are not suppression markers: read as "not rated"."""
    on_scale = set(scale[1]) if scale[0] == "levels" else set()
    off = [v for v in values.unique() if v not in on_scale and pd.isna(numbers(pd.Series([v.rstrip("%")])).iloc[0])]
    return sorted(v for v in off if re.sub(r"\s+", "", v.lower()) not in SUPPRESSED and not re.search(r"[<>≤≥]", v))


def tier_map(levels: list[str]) -> dict[str, str]:
    """Levels spread over the five common tiers in order (five levels: one each)."""
    last = max(len(levels) - 1, 1)
    return {level: TIER_IDS[round(i * 4 / last)][0] for i, level in enumerate(levels)}


def number_range(values: pd.Series, column: str) -> tuple[int, int]:
    """[0, 100] for percents, else 0 to the maximum rounded up to a multiple of 50."""
    top = numbers(values.str.rstrip("%")).max()
    if re.search(r"%|percent|pct|rate", column, re.I) or top <= 100:
        return 0, 100
    return 0, int(math.ceil(top / 50) * 50)


def cut_points(values: pd.Series) -> list[tuple[float, str]]:
    """Quintile cut points (whole numbers), highest first, the last at 0."""
    found = numbers(values.str.rstrip("%")).dropna()
    cuts = [round(float(found.quantile(p))) for p in (0.8, 0.6, 0.4, 0.2)] + [0]
    return list(zip(cuts, [t[0] for t in TIER_IDS]))
