"""Which rows of a wider (state-wide) export are in the city: the column whose one value the schools inside the map share."""

from __future__ import annotations

import json

import pandas as pd

from .columns import numbers
from .sniff import Table


def bounds(path) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of a geojson's coordinates."""
    points: list = []

    def walk(node):
        if isinstance(node, list) and node and isinstance(node[0], (int, float)):
            points.append(node[:2])
        elif isinstance(node, list):
            for item in node:
                walk(item)
    for feature in json.loads(path.read_text(encoding="utf-8")).get("features", []):
        walk((feature.get("geometry") or {}).get("coordinates", []))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def inside(table: Table, lat: str, lon: str, box) -> pd.Series:
    y, x = numbers(table.frame[lat].astype(str)), numbers(table.frame[lon].astype(str))
    return x.between(box[0], box[2]) & y.between(box[1], box[3])


def city_filter(table: Table, located: pd.Series, skip: set[str]) -> tuple[str, str, str] | None:
    """(column, value, evidence) when the rows located inside the map share one value that fewer than half the rows have."""
    if located.sum() < 3 or located.mean() > 0.8:
        return None
    for column in table.frame.columns:
        if column in skip:
            continue
        values = table.frame.loc[located, column].astype(str).str.strip()
        top = values.value_counts()
        if top.empty or top.iloc[0] < 0.9 * len(values):
            continue
        value = top.index[0]
        share_all = (table.frame[column].astype(str).str.strip() == value).mean()
        if value and share_all < 0.5:
            return column, value, (f"{top.iloc[0]:,} of the {len(values):,} rows located inside the neighborhoods have "
                                   f"{column} = {value}; {share_all:.0%} of all rows")
    return None
