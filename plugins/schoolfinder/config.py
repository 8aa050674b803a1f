"""City configuration: read `data/<city>/city.toml`, check every key, resolve paths."""

from __future__ import annotations

import os
import tomllib
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .ingest import configrules
from .problems import ConfigError
from .ingest.rowfilters import check_filters
from .ratings.gradevocab import grade_token
from .ratings.values import check_result_keys
from .transit import catchments
from .configschema import (  # noqa: F401 (re-exported: the schema is part of this module's interface)
    ADMISSION_VOCABULARY, ARRAY_SECTIONS, CANONICAL_FIELDS, LIST_FIELDS, REQUIRED, REQUIRED_SECTIONS, RULES, SCHEMA, SECTORS,
    SUBGROUPS, SUBSECTIONS,
)
from .ingest.paths import check_relative, confined
from .outputs.safety import has_control

MAX_TOML_DEPTH = 12  # tables and arrays nested deeper than this are refused (the schema needs 4)


@dataclass(frozen=True)
class CityConfig:
    """A checked city configuration with absolute paths."""

    path: Path
    data_dir: Path
    city: dict
    directory: list[dict]
    ratings: list[dict]
    locations: list[dict]
    sectors: list[dict]
    neighborhoods: dict
    population: dict | None
    gtfs: list[dict]
    tiers: list[dict]
    merge: dict
    access: dict
    thresholds: dict
    nightly: dict

    def source_path(self, relative: str) -> Path:
        """Resolve a source path against the data folder, symlinks included; raise (PATH_OUTSIDE_DATA_DIR, naming
        the key and this file) when it lands outside it."""
        keys = [key for key, value in path_keys(self) if value == relative]
        return confined(self.data_dir, relative, keys[0] if keys else f"{relative!r}", self.path)


def path_keys(sections) -> list[tuple[str, str]]:
    """Every source path the config names, as (key as written in messages, value); ``sections`` is a CityConfig or
    the dict of checked sections."""
    get = (lambda name: sections[name]) if isinstance(sections, dict) else (lambda name: getattr(sections, name))
    found = [(f"[{name}[{i}]] path", s["path"]) for name in ("directory", "ratings", "gtfs") for i, s in enumerate(get(name))]
    found.append(("[neighborhoods] path", get("neighborhoods")["path"]))
    population = get("population") or {}
    found += [(f"[population] {key}", population[key]) for key in ("areas_path", "table_path") if key in population]
    if population.get("crosswalk"):
        found.append(("[population.crosswalk] path", population["crosswalk"]["path"]))
    if get("merge")["crosswalk"]:
        found.append(("[merge] crosswalk", get("merge")["crosswalk"]))
    found += [(f"[nightly] fetch.{name}", name) for name in get("nightly")["fetch"]]
    return found


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
    except RecursionError:
        raise ConfigError(f"{path}: tables or arrays nested more than {MAX_TOML_DEPTH} deep") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    _check_depth(raw, path)
    return parse_config(raw, path)


def _check_depth(raw: dict, path: Path) -> None:
    """Refuse values nested deeper than MAX_TOML_DEPTH (walked without recursion), and text with control characters."""
    todo = [(raw, 1)]
    while todo:
        value, depth = todo.pop()
        if depth > MAX_TOML_DEPTH:
            raise ConfigError(f"{path}: tables or arrays nested more than {MAX_TOML_DEPTH} deep")
        texts = [*value.keys(), *value.values()] if isinstance(value, dict) else value if isinstance(value, list) else ()
        bad = [text for text in texts if isinstance(text, str) and has_control(text, multiline=True)]
        if bad:
            raise ConfigError(f"{path}: CONTROL_CHARACTER: {bad[0]!r} holds a control character (NUL, C0 or C1)")
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        todo += [(child, depth + 1) for child in children if isinstance(child, (dict, list))]


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
    for key, value in path_keys(sections):
        check_relative(value, key, path)
    return CityConfig(path=path.resolve(), data_dir=_data_dir(sections["city"], path), **sections)


def _check_table(table: Any, spec: dict, where: str, path: Path) -> dict:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{where}] must be a table")
    for key in table:
        if key not in spec:
            raise ConfigError(f"{path}: unknown key '{key}' in [{where}]; known keys: {', '.join(spec)}")
    checked = {}
    rules = RULES.get(where.split("[")[0], {})
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
        wrong = configrules.problem(rules[key], value) if key in rules else None
        if wrong:
            raise ConfigError(f"{path}: key '{key}' in [{where}] {wrong}")
        checked[key] = value
    return checked


def _check_semantics(sections: dict, path: Path) -> None:
    city = sections["city"]
    for i, tier in enumerate(sections["tiers"]):
        for lang, text in tier["translations"].items():
            if not isinstance(text, dict) or set(text) - {"label", "description"} or not all(isinstance(v, str) for v in text.values()):
                raise ConfigError(f"{path}: [tiers[{i}]] translations.{lang} must be {{ label = \"...\", description = \"...\" }}")
    try:
        zoneinfo.ZoneInfo(city["timezone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{path}: [city] timezone '{city['timezone']}' is not an IANA time zone") from None
    if not city["slug"] or not all(c.isascii() and (c.isalnum() or c == "-") for c in city["slug"]):
        raise ConfigError(f"{path}: [city] slug must use only a-z, 0-9 and '-'")
    if not sections["directory"]:
        raise ConfigError(f"{path}: at least one [[directory]] source is needed")
    ids = [s["id"] for key in ("directory", "ratings", "locations", "gtfs") for s in sections[key]]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"{path}: source id '{dupes[0]}' is used twice")
    _check_sectors_and_filters(sections, path)
    sectors = SECTORS + tuple(s["id"] for s in sections["sectors"])
    for i, source in enumerate(sections["directory"]):
        _check_directory(source, f"directory[{i}]", path, sectors)
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
    if access["definition"] not in ("transit", "walk", "choice", "capacity"):
        raise ConfigError(f"{path}: [access] definition must be 'transit', 'walk', 'choice' or 'capacity'")
    catchments.check(sections["thresholds"]["walk_to_stop_by_mode"], path)
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
    check_result_keys(source, where)  # range, suppressed, id_columns, subgroups


def _check_sectors_and_filters(sections: dict, path: Path) -> None:
    for i, sector in enumerate(sections["sectors"]):
        if not sector["id"] or not all(c.isascii() and (c.isalnum() or c in "-_") for c in sector["id"]):
            raise ConfigError(f"{path}: [sectors[{i}]] id must use only a-z, 0-9, '-' and '_'")
        for lang, text in sector["translations"].items():
            if not isinstance(text, dict) or set(text) != {"label"} or not isinstance(text["label"], str):
                raise ConfigError(f"{path}: [sectors[{i}]] translations.{lang} must be {{ label = \"...\" }}")
    for key in ("directory", "ratings", "locations"):
        for i, source in enumerate(sections[key]):
            check_filters(source["where"], f"{path}: [{key}[{i}]]")
    for i, source in enumerate(sections["locations"]):
        if not source["join"] or any(f not in ("school_id", "state_id", "nces_id") or not isinstance(c, str) or not c
                                     for f, c in source["join"].items()):
            raise ConfigError(f"{path}: [locations[{i}]] join must map school_id, state_id or nces_id to columns")


def _check_directory(source: dict, where: str, path: Path, sectors: tuple = SECTORS) -> None:
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
    for i, rule in enumerate(source["sector_rules"]):
        if not isinstance(rule, dict) or not isinstance(rule.get("sector"), str):
            raise ConfigError(f"{path}: [{where}] sector_rules[{i}] needs a sector")
        check_filters([{k: v for k, v in rule.items() if k != "sector"}], f"{path}: [{where}] sector_rules")
    used = [source["sector"], source["sector_default"], *source["sector_values"].values(),
            *(r["sector"] for r in source["sector_rules"])]
    for sector in used:
        if sector and sector not in sectors:
            raise ConfigError(f"{path}: [{where}] sector '{sector}' is not one of {', '.join(sectors)} (add it as [[sectors]])")
    for token, known in source["grade_aliases"].items():
        if not isinstance(known, str) or grade_token(known) is None:
            raise ConfigError(f"{path}: [{where}.grade_aliases] {token} must name a known grade (PK, K, 1-13, UG)")
    for column, known in source["grade_enrollment_columns"].items():
        if not isinstance(known, str) or grade_token(known) is None:
            raise ConfigError(f"{path}: [{where}.grade_enrollment_columns] {column} must name a known grade (PK, K, 1-13, UG)")
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
