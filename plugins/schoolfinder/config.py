"""City configuration: read `data/<city>/city.toml`, check every key, resolve paths."""

from __future__ import annotations

import os
import tomllib
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError

# One declarative table per section: key -> (type, default, help).
# REQUIRED marks keys without a default. data/README.md documents every key
# (tests/test_config.py checks that), so add the docs when you add a key.
REQUIRED = object()
_SOURCE_KEYS = {
    "id": (str, REQUIRED, "Short identifier of the source, unique in the file; appears in reports and on pages."),
    "label": (str, REQUIRED, "Human-readable name of the source, shown next to every value it supplies."),
    "path": (str, REQUIRED, "File path, relative to `city.data_dir`."),
    "format": (str, "csv", "`csv`, `xlsx` or `xls`."),
    "encoding": (str, "utf-8", "Text encoding of a CSV file, e.g. `utf-8`, `utf-8-sig`, `cp1252`, `latin-1`. A byte that does not decode fails the build."),
    "delimiter": (str, ",", "Field delimiter of a CSV file."),
    "sheets": (list, [], "Worksheets read from an `xlsx`/`xls` source, stacked in this order (default: the first sheet)."),
    "header_row": (int, 1, "Row of the file (1-based) that holds the column names; rows above it are titles."),
    "skip_rows": (list, [], "Data rows (1-based, after the header) to skip, e.g. a second header row of labels."),
    "as_of": (str, REQUIRED, "Date the export describes (YYYY-MM-DD); shown as \"data as of\" on pages."),
}
SCHEMA: dict[str, dict[str, Any]] = {
    "city": {
        "name": (str, REQUIRED, "City name shown on every page."),
        "slug": (str, REQUIRED, "Lower-case identifier of the city (`a-z`, `0-9`, `-`)."),
        "timezone": (str, REQUIRED, "IANA time zone, e.g. `America/Chicago`."),
        "fictional": (bool, False, "True for a made-up city: every page then says the data is fictional."),
        "data_dir": (str, ".", "Folder holding the source files. Relative paths resolve against the folder of `city.toml`."),
        "data_dir_env": (str, "", "Name of an environment variable that, when set, replaces `data_dir`."),
        "description": (str, "", "One sentence about the city's data shown on the home page."),
    },
    "directory": {
        **_SOURCE_KEYS,
        "columns": (dict, REQUIRED, "Map of canonical field -> column name in this file (see the field list below)."),
        "sector": (str, "", "Fixed sector for every row: `district`, `charter` or `contract`. Leave empty when `sector_column` is used or the source does not say."),
        "sector_column": (str, "", "Column whose value gives the sector, translated by `sector_values`."),
        "sector_values": (dict, {}, "Map of `sector_column` value -> sector. Values not listed take `sector_default`."),
        "sector_default": (str, "", "Sector for `sector_column` values not in `sector_values` (empty: the row is quarantined)."),
        "closed_values": (list, [], "Values of the `status` column that mean the school is closed; such rows are excluded and counted."),
        "list_separator": (str, ";", "Separator inside list cells (programs, supports)."),
        "flag_columns": (dict, {}, "Yes/no columns that add a program: `{ COLUMN = \"special_ed: Deaf and hard of hearing program\" }` (field `programs`, `special_ed` or `el_supports`, then the label). A cell of true/yes/y/1/x adds it."),
        "missing_values": (list, [], "Cell values that mean \"not reported\" in number columns, e.g. `-9` or `n/a`."),
        "unmatched": (str, "publish", "`publish` rows that match no other source, or `exclude` them (counted as excluded_unmatched): for an older or secondary file that should only confirm schools the other sources list."),
        "match_on": (list, ["school_id"], "Fields that identify the same school in another source: any of `school_id`, `state_id`, `nces_id`. Two rows match when they share a value of a field both sources list."),
    },
    "ratings": {
        **_SOURCE_KEYS,
        "directory": (str, REQUIRED, "Id of the `[[directory]]` source whose `school_id` this file uses."),
        "school_id_column": (str, REQUIRED, "Column holding that school id."),
        "rating_column": (str, REQUIRED, "Column holding the rating exactly as the source publishes it."),
        "year_column": (str, "", "Column holding the school year of the rating."),
        "year": (str, "", "School year of every row when there is no `year_column`."),
        "series": (str, "", "Name shared by ratings sources that are years of one rating (e.g. one file per year); default: the source id."),
        "kind": (str, "levels", "`levels` (an ordered list of values, e.g. stars, letter grades, SQRP levels) or `number` (a score cut into tiers by `cut_points`)."),
        "levels": (list, [], "For `kind = \"levels\"`: every rating value the source uses, best first."),
        "tiers": (dict, {}, "For `kind = \"levels\"`: level -> common tier id (every level must be mapped)."),
        "cut_points": (list, [], "For `kind = \"number\"`: `[[minimum, tier id], ...]`, highest first; a score at or above a minimum gets that tier."),
        "not_rated": (list, [], "Values that mean \"not rated\": shown as not rated, never as the lowest tier."),
        "not_rated_reason": (str, "", "Plain-language reason shown next to a \"not rated\" value."),
        "subgroups": (dict, {}, "Results for groups of students: `{ columns = { english_learners = \"COL\", students_with_disabilities = \"COL\", low_income = \"COL\" }, kind = \"levels\" or \"number\", measure = \"what the number is\", suppressed = [\"*\"] }`."),
        "scale_note": (str, "", "One sentence explaining the source's scale, shown on school pages."),
    },
    "neighborhoods": {
        "path": (str, REQUIRED, "GeoJSON of neighborhood polygons (WGS84), relative to `data_dir`."),
        "label": (str, REQUIRED, "Name of the boundary source."),
        "id_field": (str, REQUIRED, "Feature property holding a unique id."),
        "name_field": (str, REQUIRED, "Feature property holding the name."),
        "name_case": (str, "as-is", "`as-is` or `title` (turns `ROGERS PARK` into `Rogers Park`)."),
        "unit": (str, "neighborhood", "What a polygon is called locally, e.g. `community area`."),
    },
    "population": {
        "label": (str, REQUIRED, "Name of the population source."),
        "areas_path": (str, REQUIRED, "GeoJSON of the small areas (tracts, blocks), relative to `data_dir`."),
        "area_id_field": (str, REQUIRED, "Feature property holding the area id."),
        "table_path": (str, REQUIRED, "CSV with one row per small area."),
        "table_id_column": (str, REQUIRED, "Column joining the table to `area_id_field`."),
        "encoding": (str, "utf-8", "Encoding of the table."),
        "skip_rows": (list, [], "Data rows (1-based, after the header) to skip."),
        "children_columns": (list, REQUIRED, "Columns summed to give school-age children per area."),
        "bands": (dict, {}, "Children per grade band: `{ elementary = { COL = weight, ... }, middle = {...}, high = {...} }` (weights split an age column between bands). Needed for the access and desert measures."),
        "crosswalk": (dict, {}, "Optional `[population.crosswalk]` table (keys below): sum each small area's children into the one neighborhood a crosswalk file names, instead of area weighting."),
        "as_of": (str, REQUIRED, "Year or date of the estimates."),
    },
    "tiers": {
        "id": (str, REQUIRED, "Short id of a common tier, used in `ratings.tiers` and `ratings.cut_points`."),
        "label": (str, REQUIRED, "Plain-language name families see, e.g. \"Strong\"."),
        "description": (str, REQUIRED, "One sentence on what the tier means, shown on the methodology page."),
    },
    "gtfs": {
        "id": (str, REQUIRED, "Short identifier of the feed."),
        "label": (str, REQUIRED, "Agency or feed name shown to families."),
        "path": (str, REQUIRED, "GTFS folder or zip, relative to `data_dir`."),
        "service_date": (str, "", "Representative school day (YYYY-MM-DD) for schedules; default: the busiest weekday in the feed."),
    },
    "access": {
        "quality_tier": (str, "", "Id of the lowest common tier that counts as a quality school (empty: no desert measures)."),
        "minutes": (int, 30, "Time limit for the desert measure; pages also show 15 and 45 minutes (`thresholds.travel_minutes`)."),
        "definition": (str, "transit", "Desert preset: `transit` (no quality seat within the limit by walk + transit, CRPE's Denver measure), `walk` (on foot), or `choice` (fewer than `choice_min_options` schools of any quality within the limit)."),
        "choice_min_options": (int, 2, "For `definition = \"choice\"`: fewer schools than this within the limit is a desert."),
    },
    "merge": {
        "field_precedence": (dict, {}, "Per-field order of sources, e.g. `{ name = [\"authorizer\", \"district\"] }`; other fields follow the order of the `[[directory]]` sources."),
        "crosswalk": (str, "", "Optional CSV (relative to `data_dir`) with columns `group`, `source`, `school_id`: rows sharing a `group` are the same school."),
        "fuzzy_distance_m": (float, 150.0, "Rows of different sources closer than this (or at the same normalised address) with similar names are match candidates."),
        "fuzzy_name_similarity": (float, 0.85, "Minimum name similarity (0-1, after removing case, accents and words like 'school') for a match candidate."),
        "fuzzy_accept": (bool, False, "Merge match candidates automatically. When false they go to `reports/review.csv` for a person to decide (add them to the crosswalk)."),
    },
    "thresholds": {
        "walk_speed_kmh": (float, 4.5, "Walking speed for walk times (transit stage)."),
        "walk_detour_factor": (float, 1.3, "Straight-line distance x this factor = walking distance (transit stage)."),
        "travel_minutes": (list, [15, 30, 45], "Travel-time limits for access and desert measures (access stage)."),
        "neighborhood_snap_m": (float, 200.0, "A school outside every polygon but this close to one is put in it, with a warning."),
        "walk_to_stop_minutes": (float, 10.0, "Stops within this many minutes' walk of a school count as nearby (transit stage)."),
        "bell_start": (str, "8:00 AM", "Start of the school day when a school gives no hours; trips arriving in the hour before are counted."),
        "dismissal": (str, "3:00 PM", "End of the school day when a school gives no hours; trips leaving in the hour after are counted."),
        "h3_resolution": (int, 8, "H3 resolution of the travel-time origins (8: cells about 0.7 km2)."),
        "max_travel_minutes": (float, 90.0, "Longer trips count as unreachable in the travel-time matrix."),
        "reach_minutes": (int, 30, "School pages list the neighborhoods within this many minutes by walk + transit."),
        "city_buffer_m": (float, 5000.0, "Coordinates farther than this outside the neighborhoods are dropped (COORDS_OUTSIDE_CITY)."),
        "shared_point_warn": (int, 3, "Warn when at least this many schools share one coordinate."),
        "stale_after_days": (int, 400, "Every page shows an 'out of date' banner when the newest source's `as_of` date is more than this many days before `BUILD_DATE` (default: today)."),
    },
    "nightly": {
        "fetch": (dict, {}, "Where tonight's copy of an input comes from: `{ \"path as in this file\" = \"https://...\" }` (http, https or file URLs). Inputs not listed are read from `data_dir`. Every input's size and SHA-256 go into `build-manifest.json`."),
        "keep_builds": (int, 7, "Published builds kept for `make rollback` (the live one is always kept)."),
        "max_count_drop": (float, 0.05, "Delta guard: refuse to publish when the school count falls by more than this share of the last published build."),
        "max_moved_share": (float, 0.01, "Delta guard: refuse when more than this share of schools moved farther than `moved_km`."),
        "moved_km": (float, 1.0, "Delta guard: a school moving farther than this counts as moved far."),
        "budgets": (dict, {"index.html": 30000, "schools/*/index.html": 20000, "neighborhoods/*/index.html": 60000,
                           "deserts/index.html": 120000, "search/index.json": 80000, "*.html": 150000},
                    "Byte budgets (gzip) checked before publishing: `{ \"glob relative to the site\" = bytes }`; the first matching glob applies."),
        "axe_pages": (int, 2, "axe-core (WCAG 2.2 AA) runs on the home, search, deserts, data and browse pages plus this many school and neighborhood pages; 0 turns the check off."),
    },
}
# Tables inside a section, checked key by key like a section: (section, key) -> key table.
SUBSECTIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("population", "crosswalk"): {
        "label": (str, REQUIRED, "Name of the crosswalk, shown where the site says how children were counted."),
        "path": (str, REQUIRED, "CSV (relative to `data_dir`) with one row per small area and the neighborhood it lies in. Neighborhood totals are then exact sums (every child in a listed area counted once); small areas it does not list are reported. Travel-time cells still use area weighting."),
        "area_column": (str, REQUIRED, "Column holding the small area's id (as in `table_id_column`, after `area_width` and `area_prefix`)."),
        "area_width": (int, 0, "Zero-pad the `area_column` value to this many digits, e.g. `6` for tract codes written `10100` (0: as written)."),
        "area_prefix": (str, "", "Text put before the padded value, e.g. `17031` (state and county FIPS codes) to make an 11-digit tract GEOID."),
        "neighborhood_column": (str, REQUIRED, "Column holding the neighborhood's id (the `neighborhoods.id_field` value)."),
        "encoding": (str, "utf-8", "Encoding of the crosswalk file."),
    },
}
ARRAY_SECTIONS = {"directory", "ratings", "gtfs", "tiers"}
REQUIRED_SECTIONS = {"city", "directory", "neighborhoods"}

# Canonical fields a directory source may map in `columns`.
CANONICAL_FIELDS = {
    "school_id": "Local school id; schools with the same id in several sources are merged.",
    "state_id": "State school id (optional second merge key).",
    "nces_id": "12-digit NCES id (optional merge key).",
    "name": "Full school name (required).",
    "short_name": "Short name.",
    "operator": "Network, operator or charter management organisation.",
    "grades": "Grades as one cell, e.g. `K-8`, `PK,K-8`, `09-12`.",
    "grade_low": "Lowest grade (with `grade_high`, instead of `grades`).",
    "grade_high": "Highest grade.",
    "address": "Street address.",
    "city": "City of the address.",
    "zip": "ZIP code.",
    "phone": "Phone number.",
    "website": "Website (http/https only; anything else is dropped with a warning).",
    "lat": "Latitude, WGS84.",
    "lon": "Longitude, WGS84.",
    "status": "Open/closed status (see `closed_values`).",
    "programs": "Programs offered (list cell).",
    "special_ed": "Special-education programs and services (list cell).",
    "el_supports": "English-learner supports (list cell).",
    "enrollment": "Number of students enrolled.",
    "count_swd": "Number of students with disabilities (IEP).",
    "count_el": "Number of English learners.",
    "count_low_income": "Number of low-income students.",
    "suspensions_per_100": "Out-of-school suspensions per 100 students.",
    "expulsions_per_100": "Expulsions per 100 students.",
    "how_to_apply": "How to enroll or apply, in one or two sentences.",
    "application_url": "Web address of the application (http/https only).",
    "application_deadline": "Application deadline (YYYY-MM-DD or as published).",
    "entry_grades": "Grades where new students usually start (list cell).",
    "midyear_entry": "Whether students can join during the year (yes/no/true/false/Y/N).",
    "school_hours": "School day, e.g. `8:00 AM - 3:00 PM`.",
    "transit_bus": "Bus routes serving the school, as the source lists them (list cell).",
    "transit_rail": "Rail lines serving the school, as the source lists them (list cell).",
}
SUBGROUPS = {"students_with_disabilities": "Students with disabilities", "english_learners": "English learners",
             "low_income": "Low-income students"}
SECTORS = ("district", "charter", "contract")
LIST_FIELDS = ("programs", "special_ed", "el_supports", "entry_grades", "transit_bus", "transit_rail")


@dataclass(frozen=True)
class CityConfig:
    """A checked city configuration with absolute paths."""

    path: Path
    data_dir: Path
    city: dict
    directory: list[dict]
    ratings: list[dict]
    neighborhoods: dict
    population: dict | None
    gtfs: list[dict]
    tiers: list[dict]
    merge: dict
    access: dict
    thresholds: dict
    nightly: dict

    def source_path(self, relative: str) -> Path:
        """Resolve a source path against the data folder."""
        return (self.data_dir / relative).resolve()


def load_config(path: str | os.PathLike) -> CityConfig:
    """Read and check a city.toml (or the city.toml inside a folder)."""
    path = Path(path)
    if path.is_dir():
        path = path / "city.toml"
    if not path.is_file():
        raise ConfigError(f"{path}: city config not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, path)


def parse_config(raw: dict, path: Path) -> CityConfig:
    """Check a parsed TOML mapping against SCHEMA and fill defaults."""
    unknown = sorted(set(raw) - set(SCHEMA))
    if unknown:
        raise ConfigError(f"{path}: unknown section [{unknown[0]}]; known sections: {', '.join(SCHEMA)}")
    missing = sorted(REQUIRED_SECTIONS - set(raw))
    if missing:
        raise ConfigError(f"{path}: missing section [{missing[0]}]")
    sections = {}
    for name, spec in SCHEMA.items():
        value = raw.get(name)
        if name in ARRAY_SECTIONS:
            items = value or []
            if not isinstance(items, list):
                raise ConfigError(f"{path}: [{name}] must be an array of tables ([[{name}]])")
            sections[name] = [_check_table(item, spec, f"{name}[{i}]", path) for i, item in enumerate(items)]
        else:
            sections[name] = None if value is None else _check_table(value, spec, name, path)
    for name in ("thresholds", "merge", "access", "nightly"):
        if sections[name] is None:
            sections[name] = _check_table({}, SCHEMA[name], name, path)
    for (name, key), spec in SUBSECTIONS.items():
        if sections[name] and sections[name][key]:
            sections[name][key] = _check_table(sections[name][key], spec, f"{name}.{key}", path)
    _check_semantics(sections, path)
    return CityConfig(path=path.resolve(), data_dir=_data_dir(sections["city"], path), **sections)


def _check_table(table: Any, spec: dict, where: str, path: Path) -> dict:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{where}] must be a table")
    for key in table:
        if key not in spec:
            raise ConfigError(f"{path}: unknown key '{key}' in [{where}]; known keys: {', '.join(spec)}")
    checked = {}
    for key, (kind, default, _help) in spec.items():
        if key not in table:
            if default is REQUIRED:
                raise ConfigError(f"{path}: missing key '{key}' in [{where}]")
            checked[key] = default
            continue
        value = table[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{path}: key '{key}' in [{where}] must be {kind.__name__}, got {value!r}")
        checked[key] = value
    return checked


def _check_semantics(sections: dict, path: Path) -> None:
    city = sections["city"]
    try:
        zoneinfo.ZoneInfo(city["timezone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{path}: [city] timezone '{city['timezone']}' is not an IANA time zone") from None
    if not city["slug"] or not all(c.isascii() and (c.isalnum() or c == "-") for c in city["slug"]):
        raise ConfigError(f"{path}: [city] slug must use only a-z, 0-9 and '-'")
    if not sections["directory"]:
        raise ConfigError(f"{path}: at least one [[directory]] source is needed")
    ids = [s["id"] for key in ("directory", "ratings", "gtfs") for s in sections[key]]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{path}: source id '{dupes[0]}' is used twice")
    for i, source in enumerate(sections["directory"]):
        _check_directory(source, f"directory[{i}]", path)
    directory_ids = {s["id"] for s in sections["directory"]}
    for field_name, order in sections["merge"]["field_precedence"].items():
        unknown = [s for s in order if s not in directory_ids] if isinstance(order, list) else [order]
        if field_name not in CANONICAL_FIELDS or unknown:
            raise ConfigError(f"{path}: [merge] field_precedence.{field_name} must list directory source ids; unknown: {unknown or field_name}")
    for source in sections["ratings"]:
        if source["directory"] not in directory_ids:
            raise ConfigError(f"{path}: ratings source '{source['id']}' names directory '{source['directory']}', which is not a [[directory]] id")
    tier_ids = [t["id"] for t in sections["tiers"]]
    access = sections["access"]
    if access["quality_tier"] and access["quality_tier"] not in tier_ids:
        raise ConfigError(f"{path}: [access] quality_tier '{access['quality_tier']}' is not a [[tiers]] id")
    if access["definition"] not in ("transit", "walk", "choice"):
        raise ConfigError(f"{path}: [access] definition must be 'transit', 'walk' or 'choice'")
    bands = (sections["population"] or {}).get("bands", {})
    if any(b not in ("elementary", "middle", "high") or not isinstance(w, dict) for b, w in bands.items()):
        raise ConfigError(f"{path}: [population] bands must map elementary/middle/high to {{ column = weight }} tables")
    for source in sections["ratings"]:
        _check_scale(source, tier_ids, path)
    for source in sections["directory"] + sections["ratings"]:
        if source["format"] not in ("csv", "xlsx", "xls"):
            raise ConfigError(f"{path}: source '{source['id']}' has format '{source['format']}'; use csv, xlsx or xls")
    if sections["neighborhoods"]["name_case"] not in ("as-is", "title"):
        raise ConfigError(f"{path}: [neighborhoods] name_case must be 'as-is' or 'title'")


def _check_scale(source: dict, tier_ids: list[str], path: Path) -> None:
    where = f"{path}: ratings source '{source['id']}'"
    if source["kind"] not in ("levels", "number"):
        raise ConfigError(f"{where}: kind must be 'levels' or 'number'")
    if source["kind"] == "levels" and not source["levels"]:
        raise ConfigError(f"{where}: kind 'levels' needs the list of levels")
    if tier_ids:
        mapped = list(source["tiers"].values()) + [c[1] for c in source["cut_points"] if isinstance(c, list) and len(c) == 2]
        unknown = [t for t in mapped if t not in tier_ids]
        if unknown:
            raise ConfigError(f"{where}: tier '{unknown[0]}' is not a [[tiers]] id ({', '.join(tier_ids)})")
        if source["kind"] == "levels" and set(source["tiers"]) != set(source["levels"]):
            raise ConfigError(f"{where}: tiers must map every level exactly once: {', '.join(source['levels'])}")
    if source["kind"] == "number" and not all(isinstance(c, list) and len(c) == 2 and isinstance(c[0], (int, float))
                                              for c in source["cut_points"]):
        raise ConfigError(f"{where}: cut_points must be [[minimum, tier id], ...]")
    _check_subgroups(source["subgroups"], where)


def _check_subgroups(spec: dict, where: str) -> None:
    if not spec:
        return
    allowed = {"columns", "kind", "measure", "suppressed"}
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key '{unknown[0]}' in subgroups; known keys: {', '.join(sorted(allowed))}")
    groups = spec.get("columns", {})
    if not groups or any(g not in SUBGROUPS for g in groups):
        raise ConfigError(f"{where}: subgroups.columns must map some of {', '.join(SUBGROUPS)} to columns")
    if spec.get("kind", "levels") not in ("levels", "number"):
        raise ConfigError(f"{where}: subgroups.kind must be 'levels' or 'number'")


def _check_directory(source: dict, where: str, path: Path) -> None:
    columns = source["columns"]
    for field, column in columns.items():
        if field not in CANONICAL_FIELDS:
            raise ConfigError(f"{path}: unknown field '{field}' in [{where}.columns]; known fields: {', '.join(CANONICAL_FIELDS)}")
        several = field in LIST_FIELDS and isinstance(column, list) and column and all(isinstance(c, str) and c for c in column)
        if not several and (not isinstance(column, str) or not column):
            raise ConfigError(f"{path}: [{where}.columns] {field} must name a column" +
                              (" (or a list of columns)" if field in LIST_FIELDS else ""))
    for field in ("school_id", "name"):
        if field not in columns:
            raise ConfigError(f"{path}: [{where}.columns] must map '{field}'")
    sectors = [source["sector"], source["sector_default"], *source["sector_values"].values()]
    for sector in sectors:
        if sector and sector not in SECTORS:
            raise ConfigError(f"{path}: [{where}] sector '{sector}' is not one of {', '.join(SECTORS)}")
    for column, target in source["flag_columns"].items():
        field_name = str(target).split(":", 1)[0].strip()
        if ":" not in str(target) or field_name not in ("programs", "special_ed", "el_supports"):
            raise ConfigError(f"{path}: [{where}.flag_columns] {column} must be \"programs|special_ed|el_supports: label\"")
    if source["unmatched"] not in ("publish", "exclude"):
        raise ConfigError(f"{path}: [{where}] unmatched must be 'publish' or 'exclude'")
    if source["sector"] and source["sector_column"]:
        raise ConfigError(f"{path}: [{where}] set either 'sector' or 'sector_column', not both")


def _data_dir(city: dict, path: Path) -> Path:
    override = os.environ.get(city["data_dir_env"]) if city["data_dir_env"] else None
    base = Path(override) if override else Path(city["data_dir"])
    if not base.is_absolute():
        base = path.parent / base
    return base.resolve()
