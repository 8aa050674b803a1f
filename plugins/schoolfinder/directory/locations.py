"""Locations from another file: a source with ids and lat/lon only, for directories without coordinates.

Each ``[[locations]]`` file is joined on the fields of ``join`` in order (e.g. the site code, then the
federal code). Only schools still without coordinates get one; the school keeps its own otherwise.
Every row is accounted for: attached, excluded by a filter, for no school, or quarantined (bad numbers).
"""

from __future__ import annotations

import pandas as pd

from ..ingest import rowfilters
from ..ingest import tables as ingest
from ..problems import Problem
from .joins import check_join


def attach_locations(config, schools: pd.DataFrame, problems: list[Problem], counts: dict) -> pd.DataFrame:
    """Fill ``lat``/``lon`` of unlocated schools from the ``[[locations]]`` files, recording counts per file."""
    schools = schools.copy()
    for source in config.locations:
        table = ingest.read_table(config.source_path(source["path"]), source)
        rows_read = len(table)
        table, filtered = rowfilters.apply_filters(table, source["where"], source["path"])
        ingest.require_columns(table, [*source["join"].values(), source["lat_column"], source["lon_column"]], source["path"])
        points, quarantined = _points(table, source, problems)
        used = _fill(schools, points, source)
        check_join(source["path"], ", ".join(dict.fromkeys(source["join"].values())), len(points), len(used),
                   [p["ids"][next(iter(p["ids"]))] for i, p in enumerate(points) if i not in used][:50],
                   [str(v) for f in source["join"] if f in schools for v in schools[f] if v], source["allow_no_match"], problems)
        count = {"kind": "locations", "file": source["path"], "rows_read": rows_read, "attached": len(used),
                 "excluded_no_school": len(points) - len(used), "quarantined": quarantined}
        if source["where"]:
            count["excluded_filter"] = sum(f["excluded"] for f in filtered)
            count["filters"] = filtered
        counts[source["id"]] = count
    return schools


def _points(table: pd.DataFrame, source: dict, problems: list[Problem]) -> tuple[list[dict], int]:
    points, bad = [], 0
    for row in table.to_dict("records"):
        try:
            lat, lon = float(row[source["lat_column"]]), float(row[source["lon_column"]])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (abs(lat) < 1 and abs(lon) < 1):
                raise ValueError
        except ValueError:
            bad += 1
            problems.append(Problem("QUARANTINE", "BAD_COORDINATES", source["path"], row[ingest.ROW], source["lat_column"],
                                    "not a WGS84 latitude/longitude; this location is not used",
                                    f"{row[source['lat_column']]}, {row[source['lon_column']]}"))
            continue
        ids = {column: ingest.canonical_id(str(row[column])) for column in set(source["join"].values())}
        points.append({"ids": ids, "lat": lat, "lon": lon, "row": row[ingest.ROW]})
    return points, bad


def _fill(schools: pd.DataFrame, points: list[dict], source: dict) -> set[int]:
    """Give each unlocated school the first point matching on a join field; return the points used."""
    index = {(column, p["ids"][column]): i for i, p in reversed(list(enumerate(points)))
             for column in p["ids"] if p["ids"][column]}
    used = set()
    for k in schools.index:
        if pd.notna(schools.at[k, "lat"]) and pd.notna(schools.at[k, "lon"]):
            continue
        for field, column in source["join"].items():
            value = schools.at[k, field] if field in schools else ""
            found = index.get((column, ingest.canonical_id(str(value or ""))))
            if found is not None and value:
                schools.at[k, "lat"], schools.at[k, "lon"] = points[found]["lat"], points[found]["lon"]
                schools.at[k, "field_sources"] = {**schools.at[k, "field_sources"], "lat": source["id"], "lon": source["id"]}
                used.add(found)
                break
    return used
