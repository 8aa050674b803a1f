"""`aggregate`: several published rows (or cells) per school and year become one figure, traceably.

Methods (``[ratings.aggregate] method = ...``):

- ``weighted_mean``: the mean of the rating column over a school's rows for one year, weighted by
  ``weight_column`` (e.g. percent proficient weighted by number tested across grades and subjects). Rows whose
  value or weight is not a number are left out of the mean; when no row is a number, the first row's published
  value (a suppression marker, say) stands.
- ``sum``: the sum of ``columns`` within each row (level percents, e.g. ``% Advanced`` + ``% Mastery``), written to
  the rating column. A suppression marker (``NR``) in any part makes the row's value that marker as published; a
  part published as a band (``< 5``) makes the sum a band (``< 5`` + ``20`` = ``20–24``, see ``bands``).
- ``mean``: within each row, the mean of several figures, each the sum of one list of ``parts`` columns (e.g. a
  school's overall Mastery+ across end-of-course subjects, each subject's ``% Advanced`` + ``% Mastery``), weighted
  by ``weight_columns`` (one count column per part, e.g. number tested) where the file gives them, else each part
  counting equally. A part withheld (a suppression marker) or left empty is left out, and so is a part without a
  usable weight; with no part left, the row's value is the first marker as published. A band in a part makes the
  mean a band. Rounded to one decimal.
- ``pick``: one row per school and year, the one with the highest (``order = "max"``) or lowest (``"min"``)
  number in ``order_column``.

Rows merged into another are counted as ``aggregated``; every figure keeps the file rows behind it (``rows``).
"""

from __future__ import annotations

import pandas as pd

from ..ingest.tables import ROW, require_columns
from . import bands
from .values import cell_text, parse_number

ROWS = "_rows"  # the file rows behind a figure, e.g. "4 5 9"


def aggregate(frame: pd.DataFrame, source: dict, id_columns: list[str]) -> tuple[pd.DataFrame, int]:
    """Return the frame with one row per school and year (per the method) and the number of rows merged away."""
    spec = source["aggregate"]
    frame = frame.copy()
    frame[ROWS] = frame[ROW].astype(str)
    if not spec:
        return frame, 0
    column = source["rating_column"]
    needed = [spec[k] for k in ("weight_column", "order_column") if k in spec] + spec.get("columns", []) \
        + [c for part in spec.get("parts", []) for c in part] + spec.get("weight_columns", [])
    within_row = spec["method"] in ("sum", "mean")
    require_columns(frame, needed + ([] if within_row else [column]), source["path"])
    if spec["method"] == "sum":
        frame[column] = [_sum(cells, source["range"]) for cells in frame[spec["columns"]].astype(object).itertuples(index=False)]
        return frame, 0
    if spec["method"] == "mean":
        frame[column] = [_mean(row, spec, source["range"]) for row in frame.astype(object).to_dict("records")]
        return frame, 0
    keys = [c for c in [*id_columns, source["year_column"]] if c]
    groups = frame.astype({c: object for c in keys}).fillna({c: "" for c in keys}).groupby(keys, sort=False, dropna=False)
    picked = [_weighted(g, column, spec["weight_column"]) if spec["method"] == "weighted_mean"
              else _pick(g, spec["order_column"], spec.get("order", "max")) for _, g in groups]
    out = pd.DataFrame(picked).reset_index(drop=True) if picked else frame.iloc[0:0]
    return out, len(frame) - len(out)


def _sum(cells, bounds: list) -> str:
    texts = [cell_text(c) for c in cells]
    whole = bands.is_whole(texts)
    spans = [bands.interval(t, bounds, whole) for t in texts]
    if any(s is None for s in spans):  # a suppression marker (or an empty cell): the row's value as published
        return next(t for t, s in zip(texts, spans) if s is None)
    total = bands.add(spans)
    return bands.text(total if total[0] == total[1] else bands.clamp(total, bounds))


def _mean(row: dict, spec: dict, bounds: list) -> str:
    weights = spec.get("weight_columns") or [None] * len(spec["parts"])
    spans, used, markers = [], [], []
    for part, weight_column in zip(spec["parts"], weights):
        figure = _sum([row[c] for c in part], bounds)
        whole = bands.is_whole([figure])
        span = bands.interval(figure, bounds, whole) if figure else None
        weight = 1.0 if weight_column is None else parse_number(cell_text(row[weight_column]))
        if span is None:
            markers += [figure] if figure else []
        elif weight is not None and weight > 0:
            spans.append(span)
            used.append(weight)
    if not spans:
        return markers[0] if markers else ""
    return bands.text(bands.mean(spans, used), 1)


def _weighted(group: pd.DataFrame, column: str, weight_column: str) -> pd.Series:
    first = group.iloc[0].copy()
    pairs = [(parse_number(cell_text(v)), parse_number(cell_text(w))) for v, w in zip(group[column], group[weight_column])]
    pairs = [(v, w) for v, w in pairs if v is not None and w is not None and w > 0]
    if pairs:
        total = sum(w for _, w in pairs)
        first[column] = f"{sum(v * w for v, w in pairs) / total:.1f}"
        first[weight_column] = f"{total:g}"
    first[ROWS] = " ".join(group[ROW].astype(str))
    return first


def _pick(group: pd.DataFrame, order_column: str, order: str) -> pd.Series:
    numbers = [parse_number(cell_text(v)) for v in group[order_column]]
    ranked = [(n, i) for i, n in enumerate(numbers) if n is not None]
    best = (max(ranked) if order == "max" else min(ranked))[1] if ranked else 0
    chosen = group.iloc[best].copy()
    chosen[ROWS] = " ".join(group[ROW].astype(str))
    return chosen
