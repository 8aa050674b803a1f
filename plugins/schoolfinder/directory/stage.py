"""Directory stage: read every directory source, validate its rows, match the same school across sources, merge."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..cache.store import StageCache
from ..config import CityConfig
from ..ingest import rowfilters
from ..ingest import tables as ingest
from ..problems import DataError, Problem
from . import locations, validate
from .merge import MergeRules, merge_sources


@dataclass
class DirectoryResult:
    """The merged schools, what happened to every row, and the counts that must reconcile."""

    schools: pd.DataFrame  # one row per published school, in merge order
    counts: dict[str, dict]  # source id -> rows read, published, merged, excluded, quarantined
    lead_row: dict[str, tuple[str, int]]  # school key -> (source id, row) of the row it was published from
    files: dict[str, str]  # source id -> path, as written in city.toml
    candidates: list[dict] = field(default_factory=list)  # fuzzy matches for staff to review
    conflicts: list[dict] = field(default_factory=list)  # fields the sources disagree on
    excluded: list[dict] = field(default_factory=list)  # rows left out by a stated rule (same-file duplicates first)
    problems: list[Problem] = field(default_factory=list)
    row_fates: list[dict] = field(default_factory=list)  # every directory row: source, row, fate (for tests and audits)


def run(config: CityConfig, cache: StageCache | None = None) -> DirectoryResult:
    """Read, validate and merge the directory sources of ``config``, then fill coordinates from ``[[locations]]``.

    With ``cache`` (a folder), each file's reading and validation is reused while its bytes and its section of the
    config are unchanged (a nightly run where one file changed reads only that file)."""
    rows, counts, problems, row_fates = _read_directories(config, cache or StageCache(None))
    duplicates = [entry for frame_review in rows.attrs.get("reviews", []) for entry in frame_review]
    closed = [{"kind": "excluded_closed", "source_a": r[ingest.SOURCE], "row_a": r[ingest.ROW], "id_a": r["school_id"],
               "name_a": r["name"], "value_a": "status is one of closed_values"} for r in rows[rows["_fate"] == "closed"].to_dict("records")]
    kept = rows[rows["_fate"] == "keep"]
    merged = merge_sources(kept, merge_rules(config))
    schools, fates = merged.schools, merged.fates
    lead_row = {r["school_key"]: (r[ingest.SOURCE], r[ingest.ROW]) for r in fates.to_dict("records") if r["fate"] == "published"}
    files = {s["id"]: s["path"] for s in config.directory}
    for source_id, count in counts.items():
        mine = fates[fates[ingest.SOURCE] == source_id]["fate"]
        count["published"] = int((mine == "published").sum())
        count["merged_duplicate"] = int((mine == "merged").sum()) + count.pop("_same_file_duplicates")
        count["excluded_unmatched"] = int((mine == "excluded_unmatched").sum())
    schools = locations.attach_locations(config, schools, problems, counts) if config.locations else schools
    row_fates += [{"source": r[ingest.SOURCE], "row": int(r[ingest.ROW]), "fate": r["fate"], "why": r["school_key"]}
                  for r in fates.to_dict("records")]
    return DirectoryResult(schools, counts, lead_row, files, merged.candidates, merged.conflicts,
                           duplicates + closed + merged.excluded, problems,
                           sorted(row_fates, key=lambda f: (f["source"], f["row"])))


def merge_rules(config: CityConfig) -> MergeRules:
    """The merge rules of ``config``: source order, match fields, field precedence, crosswalk, fuzzy limits."""
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


def _read_directories(config: CityConfig, cache: StageCache) -> tuple[pd.DataFrame, dict, list[Problem], list[dict]]:
    frames, counts, problems, row_fates = [], {}, [], []
    for source in config.directory:
        reads = {"config": source, "files": cache.files(config, [source["path"]])} if cache.folder else {}
        read = cache.run(f"directory.{source['id']}", reads, lambda source=source: _read_source(config, source))
        rows_read, kept, filtered_rows, filtered, unmapped, checked, found, review = read
        checked = checked.copy()  # the cached frame stays as stored
        checked.attrs["review"] = review
        row_fates += [{"source": source["id"], "row": r, "fate": "excluded_filter", "why": rule} for r, rule in filtered_rows]
        if unmapped:
            problems.append(Problem("WARN", "UNKNOWN_COLUMN", source["path"], 1, unmapped[0],
                                    f"{len(unmapped)} columns are not mapped in city.toml and are ignored", ", ".join(unmapped[:20])))
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
            counts[source["id"]].update(excluded_filter=rows_read - kept, filters=filtered)
    rows = pd.concat(frames, ignore_index=True)
    rows.attrs["reviews"] = [frame.attrs.get("review", []) for frame in frames]
    return rows, counts, problems, row_fates


def _read_source(config: CityConfig, source: dict) -> tuple:
    """One directory file read, filtered, mapped and validated: what depends only on its bytes and its
    ``[[directory]]`` section (cached by both in a nightly run)."""
    path = config.source_path(source["path"])
    table = ingest.read_table(path, source)
    rows_read = len(table)
    filtered_rows: list = []
    table, filtered = rowfilters.apply_filters(table, source["where"], source["path"], filtered_rows)
    if table.empty:
        raise DataError(Problem("FAIL", "NO_ROWS", source["path"], None, "", "the file has a header but no schools"))
    unmapped = ingest.unmapped_columns(table, source)
    mapped = ingest.map_directory(table, source, source["path"])
    checked, found = validate.validate_directory(mapped, source, source["path"])
    return rows_read, len(table), filtered_rows, filtered, unmapped, checked, found, checked.attrs.get("review", [])


def _fail_if_mostly_projected(found: list[Problem], rows: int, file: str) -> None:
    projected = sum(p.code == "CRS_UNEXPECTED" for p in found)
    if rows and projected > rows / 2:
        raise DataError(Problem("FAIL", "CRS_UNEXPECTED", file, None, "lat",
                                f"{projected} of {rows} rows have coordinates that are not WGS84 degrees (projected CRS?)"))
