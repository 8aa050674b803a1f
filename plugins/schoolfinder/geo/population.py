"""Children per small area (census tract, block) from the population table, and per neighborhood.

Neighborhood totals come from one of two methods, and the build says which (``summary["method"]``):

* ``crosswalk``: with ``[population.crosswalk]``, each small area's children go to the one neighborhood the
  crosswalk file names (e.g. Chicago's tract-to-community-area equivalency file), so every child in a listed
  area is counted exactly once. Areas the crosswalk does not list are reported, never silently dropped.
* ``area_weighting``: otherwise, each small area's children are split over the neighborhoods it overlaps by
  share of its area (parts outside every neighborhood are not counted; the summary states the difference).

Travel-time cells have no crosswalk, so children per cell always come from area weighting.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from . import neighborhoods as geo
from ..ingest import tables as ingest
from ..problems import DataError, Problem


@dataclass(frozen=True)
class PopulationFiles:
    """The population table (text, with file row numbers) and the small areas it counts: read once per build."""

    table: pd.DataFrame
    areas: gpd.GeoDataFrame


def read_population(config) -> PopulationFiles:
    """Read the city's population table and small-area boundaries."""
    spec = config.population
    source = {"path": spec["table_path"], "encoding": spec["encoding"], "skip_rows": spec["skip_rows"], "format": "csv"}
    return PopulationFiles(ingest.read_table(config.source_path(spec["table_path"]), source),
                           gpd.read_file(config.source_path(spec["areas_path"])))


def children_per_area(config, table: pd.DataFrame) -> pd.Series:
    """School-age children per small-area id (the sum of ``children_columns``); fails on a non-number."""
    spec = config.population
    ingest.require_columns(table, [spec["table_id_column"], *spec["children_columns"]], spec["table_path"])
    counts = table[spec["children_columns"]].apply(pd.to_numeric, errors="coerce")
    bad = counts.isna().any(axis=1)
    if bad.any():
        row = int(table.loc[bad.idxmax(), ingest.ROW])
        raise DataError(Problem("FAIL", "NOT_A_NUMBER", spec["table_path"], row, ", ".join(spec["children_columns"]),
                                "child counts must be whole numbers"))
    per_area = pd.Series(counts.sum(axis=1).to_numpy(), index=table[spec["table_id_column"]].astype(str))
    return per_area.groupby(level=0).sum()


def band_counts(config, table: pd.DataFrame) -> pd.DataFrame:
    """Children per small-area id and grade band (one column per band of ``[population.bands]``)."""
    spec = config.population
    columns = sorted({c for weights in spec["bands"].values() for c in weights})
    ingest.require_columns(table, [spec["table_id_column"], *columns], spec["table_path"])
    values = table[columns].apply(pd.to_numeric, errors="coerce").fillna(0)
    per_area = pd.DataFrame({band: sum(values[c] * w for c, w in weights.items()) for band, weights in spec["bands"].items()})
    per_area.index = table[spec["table_id_column"]].astype(str)
    return per_area.groupby(level=0).sum()


def read_crosswalk(config, neighborhood_ids) -> pd.DataFrame:
    """The crosswalk as rows of (``area``, ``nbhd_id``, ``row``); fails naming file, row and column on bad input."""
    spec = config.population["crosswalk"]
    table = ingest.read_table(config.source_path(spec["path"]), {"path": spec["path"], "encoding": spec["encoding"]})
    ingest.require_columns(table, [spec["area_column"], spec["neighborhood_column"]], spec["path"])
    areas = table[spec["area_column"]].str.strip()
    nbhds = table[spec["neighborhood_column"]].str.strip()
    for values, column in ((areas, spec["area_column"]), (nbhds, spec["neighborhood_column"])):
        _fail_where(values == "", table, spec["path"], column, "CROSSWALK_MISSING_VALUE", "the cell is empty", values)
    if spec["area_width"]:
        too_long = ~areas.str.isdigit() | (areas.str.len() > spec["area_width"])
        _fail_where(too_long, table, spec["path"], spec["area_column"], "CROSSWALK_BAD_ID",
                    f"expected at most {spec['area_width']} digits (area_width)", areas)
        areas = areas.str.zfill(spec["area_width"])
    unknown = ~nbhds.isin(set(neighborhood_ids))
    _fail_where(unknown, table, spec["path"], spec["neighborhood_column"], "CROSSWALK_UNKNOWN_NEIGHBORHOOD",
                f"not a neighborhood id (ids look like {', '.join(sorted(neighborhood_ids)[:3])})", nbhds)
    areas = spec["area_prefix"] + areas
    _fail_where(areas.duplicated(), table, spec["path"], spec["area_column"], "DUPLICATE_KEY",
                "this area is listed twice; each area must belong to one neighborhood so no child is counted twice", areas)
    return pd.DataFrame({"area": areas.to_numpy(), "nbhd_id": nbhds.to_numpy(), "row": table[ingest.ROW].to_numpy()})


def _fail_where(mask: pd.Series, table: pd.DataFrame, file: str, column: str, code: str, message: str, values) -> None:
    if mask.any():
        i = mask.to_numpy().nonzero()[0][0]
        raise DataError(Problem("FAIL", code, file, int(table[ingest.ROW].iloc[i]), column, message, str(values.iloc[i])))


def by_crosswalk(per_area: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Sum per-area counts (indexed by area id) into neighborhoods; areas not in the crosswalk are left out."""
    mapped = per_area.reindex(crosswalk["area"]).fillna(0.0)
    return mapped.groupby(crosswalk["nbhd_id"].to_numpy()).sum()


def reconcile(config, per_area: pd.Series, crosswalk: pd.DataFrame, area_ids: pd.Series, table: pd.DataFrame,
              problems: list[Problem]) -> dict:
    """Check the crosswalk against the table and the small-area shapes; report every area that is not counted."""
    spec, cw = config.population, config.population["crosswalk"]
    found = crosswalk["area"].isin(per_area.index)
    if not found.any():
        raise DataError(Problem("FAIL", "CROSSWALK_NO_MATCH", cw["path"], int(crosswalk["row"].iloc[0]), cw["area_column"],
                                f"no crosswalk area is in the table's column {spec['table_id_column']} (ids there look like "
                                f"{per_area.index[0]!r}); check area_prefix and area_width", crosswalk["area"].iloc[0]))
    for area, row in zip(crosswalk.loc[~found, "area"], crosswalk.loc[~found, "row"]):
        problems.append(Problem("WARN", "CROSSWALK_AREA_NOT_IN_TABLE", cw["path"], int(row), cw["area_column"],
                                "this area is not in the population table; it adds no children", area))
    rows = dict(zip(table[spec["table_id_column"]].astype(str), table[ingest.ROW]))
    missing = sorted(set(area_ids) - set(crosswalk["area"]))
    for area in missing:
        children = int(per_area.get(area, 0))
        where = (spec["table_path"], int(rows[area]), spec["table_id_column"]) if area in rows else (spec["areas_path"], None, spec["area_id_field"])
        problems.append(Problem("WARN", "AREA_NOT_IN_CROSSWALK", *where,
                                f"{children} children live in this area, which the crosswalk does not list; they are in no neighborhood's total", area))
    counted = float(per_area.reindex(crosswalk["area"]).fillna(0).sum())
    return {"method": "crosswalk", "label": cw["label"], "path": cw["path"], "crosswalk_areas": len(crosswalk),
            "crosswalk_areas_in_table": int(found.sum()), "children_counted": round(counted),
            "areas_not_in_crosswalk": missing, "children_not_in_crosswalk": round(float(per_area.reindex(missing).fillna(0).sum()))}


def children_by_neighborhood(config, files: PopulationFiles, neighborhoods: gpd.GeoDataFrame,
                             crosswalk: pd.DataFrame | None, problems: list[Problem]) -> tuple[pd.Series, dict]:
    """Children per ``nbhd_id`` and a summary saying how they were counted and what was left out."""
    spec = config.population
    table, areas = files.table, files.areas
    per_area = children_per_area(config, table)
    area_ids = areas[spec["area_id_field"]].astype(str)
    if crosswalk is not None:
        summary = reconcile(config, per_area, crosswalk, area_ids, table, problems)
        children = by_crosswalk(per_area.to_frame("children"), crosswalk)["children"]
    else:
        children = geo.area_weighted_children(areas, area_ids.map(per_area).fillna(0.0), neighborhoods)
        in_areas = float(per_area.reindex(area_ids.unique()).fillna(0).sum())
        summary = {"method": "area_weighting", "children_in_areas": round(in_areas),
                   "children_outside_neighborhoods": round(in_areas - float(children.sum()))}
    children = children.reindex(neighborhoods["nbhd_id"], fill_value=0.0)
    summary["children_in_neighborhoods"] = round(float(children.sum()))
    return children, summary
