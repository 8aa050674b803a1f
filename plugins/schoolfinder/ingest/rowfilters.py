"""Row filters (`where` on any source): keep the rows a city needs from a wider export, and count the rest.

Each filter is ``{ column = "...", equals = "..." }``, ``{ column = "...", in = [...] }`` or
``{ column = "...", not_in = [...] }``, with an optional ``reason`` shown in reports. Values are compared
trimmed and case-insensitively, as text. A row must pass every filter; the others are excluded by the
first filter they fail and counted as ``excluded_filter`` (never quarantined).
"""

from __future__ import annotations

import pandas as pd

from ..problems import ConfigError, DataError, Problem

OPERATORS = ("equals", "in", "not_in")


def check_filters(filters: list, where: str) -> None:
    """Fail with a ConfigError naming the source when a filter is malformed."""
    for i, item in enumerate(filters):
        if not isinstance(item, dict) or not isinstance(item.get("column"), str) or not item["column"]:
            raise ConfigError(f"{where}: where[{i}] must be {{ column = \"...\", equals|in|not_in = ... }}")
        unknown = sorted(set(item) - {"column", "reason", *OPERATORS})
        ops = [op for op in OPERATORS if op in item]
        if unknown or len(ops) != 1:
            raise ConfigError(f"{where}: where[{i}] needs exactly one of equals, in, not_in"
                              + (f" (unknown key '{unknown[0]}')" if unknown else ""))
        value = item[ops[0]]
        values = [value] if ops[0] == "equals" else value
        if not isinstance(values, list) or not all(isinstance(v, (str, int)) for v in values):
            raise ConfigError(f"{where}: where[{i}].{ops[0]} must be text (or a list of text for in/not_in)")


def describe(item: dict) -> str:
    """One line for reports, e.g. ``Parish Code = 36`` or ``SiteCd not in 036700``."""
    if "equals" in item:
        text = f"{item['column']} = {item['equals']}"
    elif "in" in item:
        text = f"{item['column']} in {', '.join(map(str, item['in']))}"
    else:
        text = f"{item['column']} not in {', '.join(map(str, item['not_in']))}"
    return f"{text} ({item['reason']})" if item.get("reason") else text


def apply_filters(frame: pd.DataFrame, filters: list[dict], file: str,
                  excluded_rows: list | None = None) -> tuple[pd.DataFrame, list[dict]]:
    """Return the rows that pass every filter and, per filter, how many rows it excluded.

    ``excluded_rows``, when given, receives (row number, rule) for every excluded row."""
    remaining = frame
    counts = []
    for item in filters:
        column = item["column"]
        if column not in frame.columns:
            raise DataError(Problem("FAIL", "MISSING_COLUMN", file, 1, column, "column of a `where` filter not found"))
        passes = matches(remaining, item)
        counts.append({"rule": describe(item), "excluded": int((~passes).sum())})
        if excluded_rows is not None and "_row" in remaining:
            excluded_rows += [(int(r), describe(item)) for r in remaining.loc[~passes, "_row"]]
        remaining = remaining[passes]
    return remaining.reset_index(drop=True), counts


def matches(frame: pd.DataFrame, item: dict) -> pd.Series:
    """True for the rows of ``frame`` that pass one filter (its column must exist)."""
    cells = frame[item["column"]].astype(str).str.strip().str.casefold()
    if "equals" in item:
        return cells == str(item["equals"]).strip().casefold()
    listed = cells.isin([str(v).strip().casefold() for v in item.get("in", item.get("not_in"))])
    return listed if "in" in item else ~listed
