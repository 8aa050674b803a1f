"""The whole pipeline as a table of contents: ingest -> validate -> merge -> ratings -> geography."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from . import feeds as feeds_stage
from . import accessstage, geo, ingest, joins, locations, population, ratings, rowfilters, svgmap, travelstage, validate
from .grades import school_bands
from .config import CityConfig
from .errors import DataError, Problem
from .merge import MergeRules, merge_sources
from .slugs import unique_slugs
from .tiers import school_tier


@dataclass
class BuildResult:
    """Everything the site needs: schools, neighborhoods, problems and the count reconciliation."""

    config: CityConfig
    schools: pd.DataFrame
    neighborhoods: gpd.GeoDataFrame
    problems: list[Problem] = field(default_factory=list)
    reconciliation: dict = field(default_factory=dict)
    candidates: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    feeds: list[dict] = field(default_factory=list)
    travel: dict | None = None
    access: dict | None = None
    stops: list[dict] = field(default_factory=list)
    population: dict | None = None  # how children per neighborhood were counted, and what was left out
    row_fates: list[dict] = field(default_factory=list)  # every directory row: source, row, fate (for tests and audits)


def run(config: CityConfig) -> BuildResult:
    """Run every stage for one city and return the processed data (no files written)."""
    problems: list[Problem] = []
    row_fates: list[dict] = []
    rows, counts = _read_directories(config, problems, row_fates)
    duplicates = [entry for frame_review in rows.attrs.get("reviews", []) for entry in frame_review]
    closed = [{"kind": "excluded_closed", "source_a": r[ingest.SOURCE], "row_a": r[ingest.ROW], "id_a": r["school_id"],
               "name_a": r["name"], "value_a": "status is one of closed_values"} for r in rows[rows["_fate"] == "closed"].to_dict("records")]
    kept = rows[rows["_fate"] == "keep"]
    merged = merge_sources(kept, _merge_rules(config))
    schools, fates = merged.schools, merged.fates
    lead_row = {r["school_key"]: (r[ingest.SOURCE], r[ingest.ROW]) for r in fates.to_dict("records") if r["fate"] == "published"}
    files = {s["id"]: s["path"] for s in config.directory}
    for source_id, count in counts.items():
        mine = fates[fates[ingest.SOURCE] == source_id]["fate"]
        count["published"] = int((mine == "published").sum())
        count["merged_duplicate"] = int((mine == "merged").sum()) + count.pop("_same_file_duplicates")
        count["excluded_unmatched"] = int((mine == "excluded_unmatched").sum())
    schools = locations.attach_locations(config, schools, problems, counts) if config.locations else schools
    schools = _attach_all_ratings(config, schools, fates, counts, problems)
    neighborhoods = geo.read_neighborhoods(config.source_path(config.neighborhoods["path"]), config.neighborhoods, problems)
    schools = _locate(config, schools, neighborhoods, lead_row, files, problems)
    crosswalk = population.read_crosswalk(config, set(neighborhoods["nbhd_id"])) \
        if config.population and config.population["crosswalk"] else None
    neighborhoods, counted = _neighborhood_stats(config, schools, neighborhoods, crosswalk, problems)
    frames = svgmap.neighborhood_frames(neighborhoods)
    neighborhoods["svg_path"] = [frames[i]["path"] for i in neighborhoods["nbhd_id"]]
    schools["map_xy"] = [svgmap.place(lat, lon, frames.get(n)) for lat, lon, n in zip(schools["lat"], schools["lon"], schools["nbhd_id"])]
    metric = neighborhoods.estimate_utm_crs()
    schools["transit"], feeds, day = feeds_stage.school_transit(config, schools, metric, problems) \
        if config.gtfs else ([[] for _ in range(len(schools))], [], {})
    travel = travelstage.travel_times(config, schools, neighborhoods, metric, day) if day else None
    reach = travelstage.reach_summary(travel, neighborhoods, config.thresholds["reach_minutes"]) if travel else {}
    schools["reach"] = [reach.get(k) for k in schools["key"]]
    schools["bands"] = [school_bands(r) for r in schools[["grade_low", "grade_high", "grade_set"]].to_dict("records")]
    deserts = accessstage.deserts(config, schools, neighborhoods, travel, metric, crosswalk) \
        if travel and config.access["quality_tier"] and config.population and config.population["bands"] else None
    schools["slug"] = unique_slugs(schools["name"].tolist(), schools["school_id"].tolist())
    schools = schools.sort_values("slug", kind="stable").reset_index(drop=True)
    _guard_quarantine(counts, problems, config.thresholds["max_quarantine_share"])
    row_fates += [{"source": r[ingest.SOURCE], "row": int(r[ingest.ROW]), "fate": r["fate"], "why": r["school_key"]}
                  for r in fates.to_dict("records")]
    return BuildResult(config, schools, neighborhoods, problems, _reconcile(counts), merged.candidates, merged.conflicts,
                       duplicates + closed + merged.excluded, feeds, travel, deserts, _stops(day), counted,
                       sorted(row_fates, key=lambda f: (f["source"], f["row"])))


def _stops(day: dict) -> list[dict]:
    """Stops of the feeds with schedules (the ones travel times use), for maps."""
    return [{"feed": feed, "name": str(n), "lat": round(float(y), 6), "lon": round(float(x), 6)}
            for feed, (stops, _times) in sorted(day.items())
            for n, y, x in zip(stops["stop_name"].fillna(""), stops["stop_lat"], stops["stop_lon"])]


def _merge_rules(config: CityConfig) -> MergeRules:
    merge = config.merge
    return MergeRules(
        source_order=[s["id"] for s in config.directory],
        match_on={s["id"]: s["match_on"] for s in config.directory},
        field_precedence=merge["field_precedence"],
        crosswalk=_crosswalk(config) if merge["crosswalk"] else [],
        exclude_unmatched={s["id"] for s in config.directory if s["unmatched"] == "exclude"},
        fuzzy_distance_m=merge["fuzzy_distance_m"], fuzzy_similarity=merge["fuzzy_name_similarity"],
        fuzzy_accept=merge["fuzzy_accept"],
    )


def _crosswalk(config: CityConfig) -> list[list[tuple[str, str]]]:
    path = config.merge["crosswalk"]
    table = ingest.read_table(config.source_path(path), {"path": path})
    ingest.require_columns(table, ["group", "source", "school_id"], path)
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in table.to_dict("records"):
        groups.setdefault(row["group"], []).append((row["source"].strip(), row["school_id"].strip()))
    return list(groups.values())


def _read_directories(config: CityConfig, problems: list[Problem], row_fates: list[dict]) -> tuple[pd.DataFrame, dict]:
    frames, counts = [], {}
    for source in config.directory:
        path = config.source_path(source["path"])
        table = ingest.read_table(path, source)
        rows_read = len(table)
        filtered_rows: list = []
        table, filtered = rowfilters.apply_filters(table, source["where"], source["path"], filtered_rows)
        row_fates += [{"source": source["id"], "row": r, "fate": "excluded_filter", "why": rule} for r, rule in filtered_rows]
        if table.empty:
            raise DataError(Problem("FAIL", "NO_ROWS", source["path"], None, "", "the file has a header but no schools"))
        unmapped = ingest.unmapped_columns(table, source)
        if unmapped:
            problems.append(Problem("WARN", "UNKNOWN_COLUMN", source["path"], 1, unmapped[0],
                                    f"{len(unmapped)} columns are not mapped in city.toml and are ignored", ", ".join(unmapped[:20])))
        mapped = ingest.map_directory(table, source, source["path"])
        checked, found = validate.validate_directory(mapped, source, source["path"])
        problems.extend(found)
        _fail_if_mostly_projected(found, len(checked), source["path"])
        frames.append(checked)
        row_fates += [{"source": source["id"], "row": int(r), "fate": f, "why": ""}
                      for r, f in zip(checked[ingest.ROW], checked["_fate"]) if f != "keep"]
        fates = checked["_fate"] if len(checked) else pd.Series(dtype=str)
        counts[source["id"]] = {"kind": "directory", "file": source["path"], "rows_read": rows_read,
                                "_same_file_duplicates": int(fates.isin(["duplicate_row", "duplicate_id"]).sum()),
                                "excluded_closed": int((fates == "closed").sum()),
                                "quarantined": int((fates == "quarantined").sum())}
        if source["where"]:
            counts[source["id"]].update(excluded_filter=rows_read - len(table), filters=filtered)
    rows = pd.concat(frames, ignore_index=True)
    rows.attrs["reviews"] = [frame.attrs.get("review", []) for frame in frames]
    return rows, counts


def _fail_if_mostly_projected(found: list[Problem], rows: int, file: str) -> None:
    projected = sum(p.code == "CRS_UNEXPECTED" for p in found)
    if rows and projected > rows / 2:
        raise DataError(Problem("FAIL", "CRS_UNEXPECTED", file, None, "lat",
                                f"{projected} of {rows} rows have coordinates that are not WGS84 degrees (projected CRS?)"))


def _attach_all_ratings(config, schools, fates, counts, problems) -> pd.DataFrame:
    by_key: dict[str, list[dict]] = {}
    for source in config.ratings:
        table = ingest.read_table(config.source_path(source["path"]), source)
        rows_read = len(table)
        table, filtered = rowfilters.apply_filters(table, source["where"], source["path"])
        width = next(d["id_width"] for d in config.directory if d["id"] == source["directory"])
        if source["school_id_column"] in table:  # compared in the directory's canonical form (id_width)
            table[source["school_id_column"]] = table[source["school_id_column"]].astype(str).map(lambda v: joins.pad_id(v, width))
        rated, found = ratings.normalise_ratings(table, source, source["path"])
        problems.extend(found)
        id_to_key = {sid: key for key, ids in zip(schools["key"], schools["ids"]) for src, sid in ids.items()
                     if src == source["directory"]}
        attached, row_fates = ratings.attach_ratings(rated, source, id_to_key)
        for key, items in attached.items():
            by_key.setdefault(key, []).extend(items)
        joins.check_join(source["path"], source["school_id_column"], int((row_fates != "quarantined").sum()),
                         int((row_fates == "attached").sum()), rated.loc[row_fates == "no_school", "school_id"].tolist(),
                         list(id_to_key), source["allow_no_match"], problems)
        counts[source["id"]] = {"kind": "ratings", "file": source["path"], "rows_read": rows_read,
                                "attached": int((row_fates == "attached").sum()),
                                "excluded_no_school": int((row_fates == "no_school").sum()),
                                "quarantined": int((row_fates == "quarantined").sum())}
        if source["where"]:
            counts[source["id"]].update(excluded_filter=rows_read - len(table), filters=filtered)
    schools = schools.copy()
    schools["ratings"] = [ratings.latest_first(by_key.get(key, [])) for key in schools["key"]]
    series_order = list(dict.fromkeys(s["series"] or s["id"] for s in config.ratings))
    schools["tier"] = [school_tier(r, config.tiers, series_order, _no_rating_reason(config, sources))
                       for r, sources in zip(schools["ratings"], schools["sources"])]
    return schools


def _no_rating_reason(config: CityConfig, sources: list[str]) -> str:
    labels = list(dict.fromkeys(s["label"] for s in config.ratings if s["directory"] in sources))
    if not labels:
        return "No rating source covers this school."
    return f"{' / '.join(labels)} published no rating for this school."


def _locate(config, schools, neighborhoods, lead_row, files, problems) -> pd.DataFrame:
    schools = schools.copy()
    thresholds = config.thresholds
    nbhd_ids, notes = geo.assign_neighborhoods(schools, neighborhoods, thresholds["neighborhood_snap_m"],
                                               thresholds["city_buffer_m"])
    outside = set()
    for key, code, message in notes:
        source, row = lead_row[key]
        problems.append(Problem("WARN", code, files[source], row, "lat", message))
        if code in ("COORDS_OUTSIDE_CITY", "LIKELY_SWAPPED"):
            outside.add(key)
    schools["nbhd_id"] = nbhd_ids.to_numpy()
    lost = schools["key"].isin(outside)
    schools.loc[lost, ["lat", "lon"]] = None
    for key, n in geo.shared_points(schools, thresholds["shared_point_warn"]):
        source, row = lead_row[key]
        problems.append(Problem("WARN", "SHARED_COORDINATES", files[source], row, "lat", f"{n} schools share this point"))
    names = dict(zip(neighborhoods["nbhd_id"], neighborhoods["name"]))
    slugs = dict(zip(neighborhoods["nbhd_id"], neighborhoods["slug"]))
    schools["neighborhood"] = schools["nbhd_id"].map(lambda i: names.get(i, ""))
    schools["neighborhood_slug"] = schools["nbhd_id"].map(lambda i: slugs.get(i, ""))
    return schools


def _neighborhood_stats(config, schools, neighborhoods, crosswalk, problems) -> tuple[gpd.GeoDataFrame, dict | None]:
    neighborhoods = neighborhoods.copy()
    per = schools.groupby("nbhd_id")["key"].count()
    neighborhoods["school_count"] = neighborhoods["nbhd_id"].map(per).fillna(0).astype(int)
    neighborhoods["children"] = None
    if not config.population:
        return neighborhoods, None
    children, counted = population.children_by_neighborhood(config, neighborhoods, crosswalk, problems)
    neighborhoods["children"] = neighborhoods["nbhd_id"].map(children).round().astype(int)
    return neighborhoods, counted


def _guard_quarantine(counts: dict, problems: list[Problem], limit: float) -> None:
    """Fail when a source's quarantined share of its rows (after row filters) is above ``limit``."""
    for count in counts.values():
        considered = count["rows_read"] - count.get("excluded_filter", 0)
        if considered and count["quarantined"] / considered > limit:
            reasons = Counter(p.code for p in problems if p.severity == "QUARANTINE" and p.file == count["file"])
            top = ", ".join(f"{code} x{n}" for code, n in reasons.most_common(3))
            raise DataError(Problem("FAIL", "QUARANTINE_SHARE", count["file"], None, "",
                                    f"{count['quarantined']} of {considered} rows quarantined ({count['quarantined'] / considered:.0%}, "
                                    f"more than thresholds.max_quarantine_share = {limit:.0%}); most common: {top}"))


def _reconcile(counts: dict) -> dict:
    """Check rows read = published + merged + excluded + quarantined for every source; fail otherwise."""
    for source_id, count in counts.items():
        parts = {k: v for k, v in count.items() if k not in ("kind", "file", "rows_read") and isinstance(v, int)
                 and not isinstance(v, bool)}
        count["balanced"] = sum(parts.values()) == count["rows_read"]
        if not count["balanced"]:
            raise DataError(Problem("FAIL", "RECONCILIATION", count["file"], None, "",
                                    f"{count['rows_read']} rows read but {parts} accounted for"))
    return counts
