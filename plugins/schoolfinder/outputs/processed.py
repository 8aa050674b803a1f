"""Write the processed data the site reads: JSON with sorted keys, so same input -> same bytes."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from . import buildinfo
from .. import contract as files
from ..contract import SCHOOL_FIELDS
from ..search import index as search
from .opendata import OPEN_DATA_COLUMNS, compare_records, dumps, open_data_files  # noqa: F401 (dumps: one serialiser)
from ..pipeline import BuildResult
from .safety import csv_text
from .views import school_view



def school_records(result: BuildResult) -> list[dict]:
    """Return the schools as plain JSON-ready dicts, in slug order."""
    records = []
    for row in result.schools.to_dict("records"):
        record = {field: _plain(row.get(field)) for field in SCHOOL_FIELDS}
        record["bands"] = list(row["bands"])  # computed once, by the pipeline
        record["current_ratings"] = _latest_per_source(record["ratings"])
        record["shares"] = _shares(record)
        records.append(record)
    return records


def _shares(record: dict) -> dict:
    """Percent of students with disabilities, English learners and low-income students, where both counts exist."""
    total = record["enrollment"]
    shares = {}
    for field, name in (("count_swd", "students_with_disabilities"), ("count_el", "english_learners"),
                        ("count_low_income", "low_income")):
        count = record[field]
        if total and count is not None and count <= total:
            shares[name] = round(100 * count / total, 1)
    return shares


def _latest_per_source(ratings: list[dict]) -> list[dict]:
    """Keep the newest rating of each series (ratings arrive newest first)."""
    seen, latest = set(), []
    for rating in ratings:
        if rating["series"] not in seen:
            seen.add(rating["series"])
            latest.append(rating)
    return latest


def _plain(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    if isinstance(value, float) and value.is_integer() and abs(value) < 100:
        return int(value)
    return value


def manifest(result: BuildResult, build: dict | None = None) -> dict:
    """Return the city, its sources with their dates, and headline counts."""
    config = result.config
    sources = [{"id": s["id"], "label": s["label"], "kind": kind, "path": s.get("path", ""), "as_of": s.get("as_of", "")}
               for kind in ("directory", "ratings", "locations") for s in getattr(config, kind)]
    sources.append({"id": "neighborhoods", "label": config.neighborhoods["label"], "kind": "neighborhoods",
                    "path": config.neighborhoods["path"], "as_of": ""})
    if config.population:
        sources.append({"id": "population", "label": config.population["label"], "kind": "population",
                        "path": config.population["table_path"], "as_of": config.population["as_of"]})
    sources += [{"id": g["id"], "label": g["label"], "kind": "gtfs", "path": g["path"], "as_of": ""} for g in config.gtfs]
    sector_counts = result.schools["sector"].value_counts().sort_index()
    return {"city": config.city, "neighborhood_unit": config.neighborhoods["unit"], "sources": sources,
            "open_data_columns": OPEN_DATA_COLUMNS, "tiers": config.tiers, "sectors": config.sectors, "feeds": result.feeds,
            "rating_sources": [{k: r[k] for k in ("id", "label", "series", "kind", "levels", "tiers", "cut_points", "not_rated",
                                                  "not_rated_reason", "scale_note", "as_of", "year", "subgroups")}
                               for r in config.ratings],
            "counts": {"schools": len(result.schools), "neighborhoods": len(result.neighborhoods),
                       "by_sector": {k: int(v) for k, v in sector_counts.items()}},
            "population": result.population,  # method (crosswalk or area_weighting) and children reconciliation
            "build": build or buildinfo.build_info(config)}


def access_tables(result: BuildResult) -> tuple[dict, dict[str, dict]]:
    """City-wide desert figures (for the manifest) and per-neighborhood figures (keyed by nbhd_id)."""
    a, rules = result.access, result.config.access
    labels = {t["id"]: t["label"] for t in result.config.tiers}
    city = {"definition": rules["definition"], "minutes": rules["minutes"], "limits": a["limits"],
            "quality_tier": labels[rules["quality_tier"]],
            "by_band": {band: {str(limit): _num(v["city"]) for limit, v in lim.items()} for band, lim in a["shares"].items()},
            "children": {band: int(round(sum(c.values()))) for band, c in a["children"].items()},
            "seats_per_1000": {band: {str(limit): _num(v["seats_per_1000"]) for limit, v in lim.items()} for band, lim in a["shares"].items()},
            "seats_from": a["seats_from"], "capacity_min_per_1000": rules["capacity_min_per_1000"]}
    areas = {}
    for nbhd in result.neighborhoods["nbhd_id"]:
        areas[nbhd] = {band: {"children": int(a["children"][band].get(nbhd, 0)),
                              "desert_pct": {str(limit): _num(v["areas"].get(nbhd)) for limit, v in lim.items()},
                              "seats_per_1000": {str(limit): _num(v["seats_per_1000_areas"].get(nbhd)) for limit, v in lim.items()},
                              **{k: _num(v) for k, v in a["gaps"][band][nbhd].items()}}
                       for band, lim in a["shares"].items()}
    return city, areas


def _num(value):
    if value is None or value != value:
        return None
    return round(float(value), 1)


def deserts_csv(result: BuildResult, areas: dict[str, dict]) -> str:
    """One row per neighborhood and grade band: children, desert share per time limit, IFF seat gap."""
    limits = result.access["limits"]
    columns = ["neighborhood", "band", "children", *[f"desert_pct_{m}min" for m in limits], "quality_seats", "seat_gap",
               "service_level_pct", *[f"seats_per_1000_{m}min" for m in limits]]
    names = dict(zip(result.neighborhoods["nbhd_id"], result.neighborhoods["name"]))
    rows = [[names[nbhd], band, v["children"], *[v["desert_pct"][str(m)] for m in limits], v["quality_seats"], v["gap"],
             v["service_level"], *[v["seats_per_1000"][str(m)] for m in limits]]
            for nbhd, bands in areas.items() for band, v in bands.items()]
    return csv_text(rows, columns)


def cells_geojson(result: BuildResult) -> str:
    """H3 cells with, per band, children, quality schools reachable and the desert flag (for maps)."""
    cells = result.access["cells"][["cell", "nbhd_id", "geometry"]].copy()
    for band, rows in result.access["cell_rows"].items():
        cells[f"{band}_children"] = rows["children"].round(1).to_numpy()
        cells[f"{band}_quality"] = rows["quality_transit"].to_numpy()
        cells[f"{band}_desert"] = rows["desert"].to_numpy()
        cells[f"{band}_seats_per_1000"] = rows["seats_per_1000"].round(1).to_numpy()
    return _precise(cells, 1e-5).to_json(sort_keys=True, drop_id=True) + "\n"


def _precise(frame, grid: float):
    """The frame with coordinates snapped to ``grid`` degrees (smaller, stable files), properties kept."""
    return frame.set_geometry(frame.geometry.set_precision(grid))


def travel_meta(travel: dict) -> dict:
    """What the raw travel-time files hold: origins (H3 cells), school keys, shape and encoding."""
    origins = travel["origins"]
    return {"cells": origins["cell"].tolist(), "cell_nbhd": origins["nbhd_id"].tolist(),
            "schools": [str(k) for k in travel["school_keys"]], "shape": list(travel["transit"].shape),
            "schools_without_location": travel.get("schools_without_location", 0),
            "encoding": "uint8 minutes, row-major origins x schools, 255 = not reachable within the limit",
            "files": dict(files.TRAVEL_FILES)}


def search_files(result: BuildResult, records: list[dict], folder: Path) -> dict[str, str]:
    """The browser's search index, and travel minutes from each neighborhood and each origin cell (binary files
    written here into ``folder``; JSON returned for the caller to write). Columns follow the index's school order."""
    nbhd = [{k: r[k] for k in ("name", "slug", "nbhd_id")} for r in result.neighborhoods.to_dict("records")]
    tier_ids = [t["id"] for t in result.config.tiers]
    contents = {files.SEARCH_INDEX: dumps(search.client_index(records, nbhd, tier_ids), compact=True),
                files.SEARCH_PLACES: dumps(search.places(records, result.travel), compact=True)}
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if result.travel is None:
        return contents
    (folder / "from").mkdir()
    keys, meta = [r["key"] for r in records], travel_meta(result.travel) | {"transit": result.travel["transit"]}
    for i, row in enumerate(search.minutes_from_neighborhoods(meta, keys, [n["nbhd_id"] for n in nbhd])):
        (folder / "from" / f"n{i}.u8").write_bytes(row.tobytes())
    cells = search.minutes_from_cells(meta, keys)
    for start in range(0, len(cells), search.CELL_CHUNK):
        (folder / "from" / f"c{start // search.CELL_CHUNK}.u8").write_bytes(cells[start:start + search.CELL_CHUNK].tobytes())
    origins = result.travel["origins"]
    contents[files.SEARCH_CELLS] = dumps({"chunk": search.CELL_CHUNK, "schools": len(keys),
                                           "lat": origins["lat"].round(4).tolist(), "lon": origins["lon"].round(4).tolist()},
                                          compact=True)
    return contents


def write_processed(result: BuildResult, out_dir: Path, build: dict | None = None) -> dict[str, Path]:
    """Write every processed file into ``out_dir`` and return their paths (``build``: the build info, when known)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    nbhd = result.neighborhoods
    records = school_records(result)
    contents = {
        **{f"{files.OPEN_DATA}/{name}": text for name, text in open_data_files(records).items()},
        files.COMPARE: compare_records(records) + "\n",
        files.MANIFEST: dumps(manifest(result, build)),
        files.SCHOOLS: dumps([{**record, "view": school_view(record)} for record in records], compact=True),
        files.NEIGHBORHOODS: dumps([{k: _plain(v) for k, v in r.items()} for r in nbhd.drop(columns="geometry").to_dict("records")]),
        files.NEIGHBORHOOD_SHAPES: _precise(nbhd.drop(columns="svg_path"), 1e-6).to_json(sort_keys=True, drop_id=True) + "\n",
        files.PROBLEMS: dumps([p.as_dict() for p in result.problems]),
        files.RECONCILIATION: dumps(result.reconciliation),
    }
    if result.travel is not None:
        contents[files.TRAVEL] = dumps(travel_meta(result.travel))
    if result.access is not None:
        city, areas = access_tables(result)
        contents[files.ACCESS] = dumps({"city": city, "areas": areas})
        contents[f"{files.OPEN_DATA}/deserts.csv"] = deserts_csv(result, areas)
        contents[files.CELLS] = cells_geojson(result)
        contents[files.STOPS] = dumps(result.stops)
    contents.update(search_files(result, records, out_dir / files.SEARCH))
    paths = {}
    remove_stale(out_dir, set(contents))
    (out_dir / files.OPEN_DATA).mkdir(exist_ok=True)
    if result.travel is not None:  # raw uint8 rows (origins) x columns (schools): deterministic bytes, compact
        for name, file in files.TRAVEL_FILES.items():
            (out_dir / file).write_bytes(result.travel[name].tobytes())
    for name in contents:
        path = out_dir / name
        path.write_text(contents[name], encoding="utf-8")
        paths[name] = path
    return paths


OPTIONAL_FILES = (files.TRAVEL, *files.TRAVEL_FILES.values(), files.ACCESS, files.CELLS, files.STOPS)


def remove_stale(out_dir: Path, written: set[str]) -> None:
    """Delete what an earlier build (another city, a config without travel or access) left that this one does not
    write: the site would read a stale access.json or deserts.csv as this city's (open-data is written whole)."""
    shutil.rmtree(out_dir / files.OPEN_DATA, ignore_errors=True)
    for name in OPTIONAL_FILES:
        if name not in written:
            (out_dir / name).unlink(missing_ok=True)
