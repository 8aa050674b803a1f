"""One published result value read safely: percent strings, spaces, suppression markers, bands, impossible numbers.

Every cell is read as text first (``cell_text``), so pandas' NaN, ``pd.NA`` and the string and Arrow dtypes all
give an empty value and never the text ``nan`` or ``<NA>``.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from ..configschema import SUBGROUPS
from ..contract import ID_FIELDS
from ..ingest.tables import clean_text
from ..problems import ConfigError

# Markers states use for a result withheld to protect small groups; a source's `suppressed` key replaces the list.
DEFAULT_SUPPRESSED = ["NR", "*", "s", "-", "N<10", "<5", "< 5", ">95", "> 95"]
# A range or bound as published ("<10", ">= 95", "10-19", "≤5%"): shown as published, never a number or a tier.
_BAND = re.compile(r"^(?:[<>≤≥]=?\s*\d+(?:\.\d+)?\s*%?|\d+(?:\.\d+)?\s*%?\s*[-–]\s*\d+(?:\.\d+)?\s*%?)$")


def cell_text(value: object) -> str:
    """The cell as trimmed text; empty for every kind of missing value (None, NaN, pd.NA, NaT)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return clean_text(str(value))


def column_text(series: pd.Series) -> list[str]:
    """``cell_text`` for a whole column, whatever its dtype (object, string, Arrow, float)."""
    return [cell_text(v) for v in series.astype(object).tolist()]


def is_suppressed(value: str, markers: list[str]) -> bool:
    """True when ``value`` is one of ``markers`` (compared case-insensitively, spaces ignored)."""
    squeezed = value.replace(" ", "").casefold()
    return any(squeezed == m.replace(" ", "").casefold() for m in markers)


def is_band(value: str) -> bool:
    """True for a banded value such as ``<10``, ``>= 95`` or ``10-19``."""
    return bool(_BAND.match(value))


def parse_number(value: str) -> float | None:
    """The number in ``value`` (``45``, ``45%``, `` 45.5 % ``), or None when it is not a plain number."""
    text = value.strip().removesuffix("%").strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def read_value(value: str, source: dict) -> tuple[str, float | None]:
    """Classify one result value as published: returns (status, number).

    Status is ``not_rated`` (a `not_rated` value), ``suppressed`` (a suppression marker), ``banded``
    (a range such as ``10-19``), ``number`` (a finite number inside the source's `range`), ``out_of_range``
    (non-finite, negative or outside `range`), or ``unknown`` (text that is none of these).
    For ``kind = "levels"`` a listed level is ``level``.
    """
    if value in source["not_rated"]:
        return "not_rated", None
    if source["kind"] == "levels" and value in source["levels"]:
        return "level", None
    if is_suppressed(value, source.get("suppressed", DEFAULT_SUPPRESSED)):
        return "suppressed", None
    if source["kind"] == "levels":
        return "unknown", None
    number = parse_number(value)
    if number is None:
        return ("banded", None) if is_band(value) else ("unknown", None)
    if not in_range(number, source.get("range", [])):
        return "out_of_range", number
    return "number", number


def in_range(number: float, bounds: list) -> bool:
    """True for a finite number at or above 0 (or the range's minimum) and at or below the range's maximum."""
    if not math.isfinite(number):
        return False
    low, high = (bounds + [None, None])[:2] if bounds else (0, None)
    return number >= (0 if low is None else low) and (high is None or number <= high)


def check_result_keys(source: dict, where: str) -> None:
    """Raise ConfigError for a bad `range`, `suppressed` or `id_columns` of a ratings source (``where`` names it)."""
    bounds = source["range"]
    if bounds and (len(bounds) != 2 or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
                   or bounds[0] > bounds[1]):
        raise ConfigError(f"{where}: range must be [minimum, maximum] numbers, got {bounds!r}")
    if not all(isinstance(m, str) for m in source["suppressed"]):
        raise ConfigError(f"{where}: suppressed must list text markers, got {source['suppressed']!r}")
    for field, column in source["id_columns"].items():
        if field not in ID_FIELDS or field == "school_id" or not isinstance(column, str) or not column:
            raise ConfigError(f"{where}: id_columns maps state_id or nces_id to a column name, got {field} = {column!r}")
    if not all(isinstance(g, int) and not isinstance(g, bool) and -1 <= g <= 12 for g in source["tested_grades"]):
        raise ConfigError(f"{where}: tested_grades lists grades as numbers from -1 (pre-K) to 12, got {source['tested_grades']!r}")
    _check_subgroups(source["subgroups"], where)
    if (error := check_aggregate(source["aggregate"], where)) is not None:
        raise ConfigError(error)


def _check_subgroups(spec: dict, where: str) -> None:
    if not spec:
        return
    allowed = {"columns", "kind", "measure", "suppressed", "column", "values", "tested_column"}
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}' in subgroups; known keys: {', '.join(sorted(allowed))}")
    if "column" in spec or "values" in spec:  # a long file: the group is named in a column
        values = spec.get("values")
        if "columns" in spec or not isinstance(spec.get("column"), str) or not spec["column"] or not isinstance(values, dict) \
                or not values or any(g not in SUBGROUPS for g in values.values()):
            raise ConfigError(f"{where}: subgroups.column names the group column and subgroups.values maps its values "
                              f"to {', '.join(SUBGROUPS)} (not together with subgroups.columns)")
        return
    groups = spec.get("columns", {})
    if not groups or any(g not in SUBGROUPS for g in groups):
        raise ConfigError(f"{where}: subgroups.columns must map some of {', '.join(SUBGROUPS)} to columns")
    if spec.get("kind", "levels") not in ("levels", "number"):
        raise ConfigError(f"{where}: subgroups.kind must be 'levels' or 'number'")


def check_aggregate(spec: dict, where: str) -> str | None:
    """What is wrong with an `aggregate` table, in words; None when it is fine."""
    if not spec:
        return None
    needs = {"weighted_mean": {"weight_column"}, "sum": {"columns"}, "mean": {"parts"}, "pick": {"order_column"}}
    method = spec.get("method")
    if method not in needs:
        return f"{where}: aggregate.method must be one of {', '.join(needs)}"
    allowed = needs[method] | {"method", "order"} | ({"weight_columns"} if method == "mean" else set())
    unknown = sorted(set(spec) - allowed)
    missing = sorted(needs[method] - set(spec))
    if unknown or missing:
        return f"{where}: aggregate with method '{method}' takes {', '.join(sorted(allowed))}; " + \
            (f"unknown: {unknown[0]}" if unknown else f"missing: {missing[0]}")
    if method == "mean" and not _column_lists(spec["parts"], spec.get("weight_columns")):
        return f"{where}: aggregate.parts must list lists of column names (one list per figure), and weight_columns " \
            "one column per part"
    if spec.get("order", "max") not in ("max", "min"):
        return f"{where}: aggregate.order must be 'max' or 'min'"
    return None


def _column_lists(parts: object, weights: object) -> bool:
    names = isinstance(parts, list) and parts and all(
        isinstance(p, list) and p and all(isinstance(c, str) and c for c in p) for p in parts)
    return bool(names) and (weights is None or (isinstance(weights, list) and len(weights) == len(parts)
                                                 and all(isinstance(c, str) and c for c in weights)))
