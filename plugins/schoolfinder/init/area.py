"""Which rows of a wider (state-wide) export are in the city: the column whose one value the schools inside the map share."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from .columns import numbers
from .sniff import Table


def city_shape(path):
    """The union of the neighborhoods' polygons (WGS84)."""
    return gpd.read_file(path).to_crs(4326).union_all()


def inside(table: Table, lat: str, lon: str, shape) -> pd.Series:
    """Rows whose coordinates fall inside the shape (rows without coordinates are outside)."""
    y, x = numbers(table.frame[lat].astype(str)), numbers(table.frame[lon].astype(str))
    points = gpd.GeoSeries(gpd.points_from_xy(x.fillna(0), y.fillna(0)), index=table.frame.index, crs=4326)
    return points.within(shape) & x.notna() & y.notna()


def city_filter(table: Table, located: pd.Series, known: pd.Series, skip: set[str]) -> tuple[str, str, str] | None:
    """(column, value, evidence) when most rows with coordinates are outside the map and the rows inside share one value."""
    if located.sum() < 3 or located.sum() > 0.8 * max(int(known.sum()), 1):
        return None
    best = None
    for column in table.frame.columns:
        if column in skip:
            continue
        values = table.frame.loc[located, column].astype(str).str.strip()
        top = values.value_counts()
        if top.empty or not top.index[0] or top.iloc[0] < 0.75 * len(values):
            continue
        share_all = float((table.frame[column].astype(str).str.strip() == top.index[0]).mean())
        if share_all < 0.5 and (best is None or (top.iloc[0], -share_all) > best[0]):
            best = ((top.iloc[0], -share_all), column, top.index[0],
                    f"{top.iloc[0]:,} of the {len(values):,} rows located inside the neighborhoods have {column} = "
                    f"{top.index[0]}; {share_all:.0%} of all rows")
    return best[1:] if best else None
