"""Write the draft city.toml: every guess followed by a comment holding its evidence; open questions go to the report."""

from __future__ import annotations

import json
import re

from .classify import result_columns, shared_column
import pandas as pd

from . import area
from .columns import grade_enrollment_columns, id_facts, numbers
from .gtfsfacts import feed_facts, feed_timezones
from .sniff import Table, export_date

SECTOR_WORDS = [("charter", "charter"), ("contract", "contract"), ("district", "district"), ("public", "district"),
                ("traditional", "district"), ("state", "state")]
NAME_PROPERTY = re.compile(r"name|label|nbhd|community|neigh", re.I)
MISSING_TOKENS = {"n/a", "na", "-", "--", "null", "none", "#n/a", "."}


def q(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "city"


class Draft:
    """Lines of the draft config and the questions for the report."""

    def __init__(self, city: str):
        self.lines: list[str] = []
        self.questions: list[str] = []
        self.city = city

    def key(self, name: str, value, evidence: str = "") -> None:
        self.lines.append(f"{name} = {q(value) if not isinstance(value, str) or not value.startswith(('{', '[{')) else value}"
                          + (f"  # {evidence}" if evidence else ""))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def write_draft(tables: list[Table], city: str, data_dir: str) -> Draft:
    draft = Draft(city)
    draft.lines += ["# Drafted by `schoolfinder init`: every guess carries its evidence; check each one, then build.",
                    "", "[city]"]
    draft.key("name", city)
    draft.key("slug", slug(city))
    zones = feed_timezones([t.path for t in tables if t.kind == "gtfs"])
    one = len(zones) == 1
    draft.key("timezone", zones[0] if one else "America/Chicago", "agency_timezone in the GTFS agency.txt" if one else "a guess: set your city's IANA time zone")
    if not one:
        draft.questions.append("Which IANA time zone is the city in (`city.timezone`)? The draft says America/Chicago.")
    draft.key("data_dir", data_dir, "the folder init scanned, relative to this file")
    directories = [t for t in tables if t.kind == "directory"]
    head, draft.lines = draft.lines, []
    for table in (t for t in tables if t.kind == "results"):
        _results(draft, table, directories)  # first, so the id columns' evidence can say what they join
    results, draft.lines = draft.lines, head
    locations = [t for t in tables if t.kind == "locations"]
    for table in directories:
        _directory(draft, table, directories)
        _city_rows(draft, table, locations, neighborhoods_file(tables))
    for table in locations:
        _locations_section(draft, table, directories)
    draft.lines += results
    _geography(draft, tables)
    for table in (t for t in tables if t.kind == "gtfs"):
        _gtfs(draft, table)
    for table in (t for t in tables if t.kind == "extract"):
        large, (column, own, joined) = table.properties["extract_of"]
        draft.questions.append(f"`{table.rel or table.name}` looks like an extract of `{large.rel or large.name}` ({joined:,} of its "
                               f"{table.rows:,} rows match on `{own}` = `{column}`); the draft uses the bigger file. Is that the export you keep up to date?")
    for table in (t for t in tables if t.kind in ("unknown", "crosswalk", "older", "gtfs-part")):
        draft.questions.append(f"What does `{table.rel or table.name}` hold? Init read it as {table.kind!r} and left it out of the draft.")
    return draft


def _source_head(draft: Draft, table: Table, section: str) -> None:
    draft.lines += ["", f"[[{section}]]"]
    draft.key("id", slug(table.path.stem))
    draft.key("label", table.path.stem.replace("_", " ").replace("-", " ").capitalize(), "a guess from the file name")
    draft.key("path", table.rel, f"{table.rows:,} rows" + (f"; {'; '.join(table.notes)}" if table.notes else ""))
    if table.fmt != "csv":
        draft.key("format", table.fmt)
    if table.fmt == "csv" and table.encoding != "utf-8":
        draft.key("encoding", table.encoding, "the file does not decode as UTF-8")
    if table.fmt == "csv" and table.delimiter != ",":
        draft.key("delimiter", table.delimiter, "splits every line into the same number of fields")
    if table.properties.get("sheets"):
        draft.key("sheets", table.properties["sheets"], "the sheets that hold rows with the same header")
    if table.header_row != 1:
        draft.key("header_row", table.header_row, "rows above it are titles")
    if table.skip_rows:
        draft.key("skip_rows", table.skip_rows, "a second header row of labels")
    as_of, said = export_date(table.path, year_ok=section != "directory")  # a directory needs a full date
    draft.key("as_of", as_of, f"{said}: set the date the export describes")
    draft.questions.append(f"What date does `{table.rel or table.name}` describe (`as_of`)? The draft uses {said}, {as_of}.")


def _directory(draft: Draft, table: Table, directories: list[Table]) -> None:
    _source_head(draft, table, "directory")
    columns = dict(table.properties["columns"])
    _sector(draft, table, columns)
    status = columns.get("status")
    if status:
        closed = sorted({v for v in table.values(status[0]) if re.search(r"clos|inactive", v, re.I)})
        if closed:
            draft.key("closed_values", closed, f"values of {status[0]} that read as closed")
    missing = sorted({v for c in table.frame.columns for v in table.values(c).unique() if v.lower() in MISSING_TOKENS})
    if missing:
        draft.key("missing_values", missing, "cells that read as 'not reported'")
    if any(table.values(c).str.contains("|", regex=False).mean() > 0.05 for c in table.frame.columns):
        draft.key("list_separator", "|", "list cells are split by '|'")
    _match_on(draft, table, columns, directories)
    grades = grade_enrollment_columns(table)
    if grades and "grades" not in columns and "grade_low" not in columns:
        draft.key("grade_enrollment_columns", "{ " + ", ".join(f"{q(c)} = {q(g)}" for c, g in grades.items()) + " }",
                  "columns named after a grade, holding counts")
    school_id = columns.get("school_id")
    if school_id:
        _, width = id_facts(table, school_id[0])
        if width and table.values(school_id[0]).str.fullmatch(r"0\d+").any() and table.values(school_id[0]).str.isdigit().mean() > 0.95:
            draft.key("id_width", width, f"{school_id[0]} keeps leading zeros ({table.samples(school_id[0], 1)[0]})")
    draft.lines.append("[directory.columns]")
    for fieldname, (column, evidence) in columns.items():
        if fieldname in ("school_id", "state_id", "nces_id"):
            distinct, width = id_facts(table, column)
            evidence = f"{distinct:,} distinct values of {table.rows:,} rows" + (f"; {width} characters" if width else "; widths vary")
            evidence += "".join(table.properties.get("joins", {}).get(column, []))
        draft.key(fieldname, column, evidence)
    if "name" not in columns:
        draft.questions.append(f"Which column of `{table.rel or table.name}` holds the school's name (`columns.name`)?")


def _city_rows(draft: Draft, table: Table, locations: list[Table], shapes: Table | None) -> None:
    """Propose `where` for a wider export: the value the rows located inside the neighborhoods share."""
    columns = table.properties["columns"]
    if shapes is None or "school_id" not in columns:
        return
    box = area.city_shape(shapes.path)
    if "lat" in columns:
        located = area.inside(table, columns["lat"][0], columns["lon"][0], box)
        known = numbers(table.frame[columns["lat"][0]].astype(str)).notna()
    else:
        located, known = (pd.Series(False, index=table.frame.index) for _ in range(2))
        for other in locations:
            key = other.properties["columns"].get("school_id") or other.properties["columns"].get("state_id")
            if key and "lat" in other.properties["columns"]:
                ids = other.frame.loc[area.inside(other, other.properties["columns"]["lat"][0],
                                                  other.properties["columns"]["lon"][0], box), key[0]]
                located |= table.frame[columns["school_id"][0]].isin(set(ids))
                known |= table.frame[columns["school_id"][0]].isin(set(other.frame[key[0]]))
    found = area.city_filter(table, located, known, {c for c, _ in columns.values()})
    if found:
        column, value, evidence = found
        where = "[{ column = " + q(column) + ", equals = " + q(value) + ", reason = \"outside the city\" }]"
        draft.lines.insert(draft.lines.index("[directory.columns]", len(draft.lines) - len(columns) - 2), f"where = {where}  # {evidence}")


def _sector(draft: Draft, table: Table, columns: dict) -> None:
    candidates = [c for c in table.frame.columns if re.search(r"sector|governance|type|management|category", c, re.I)
                  and 1 < table.values(c).nunique() <= 12]
    for column in candidates:
        values = sorted(table.values(column).unique())
        mapped = {v: next((s for w, s in SECTOR_WORDS if w in v.lower()), "") for v in values}
        if any(mapped.values()):
            draft.key("sector_column", column, f"values {', '.join(values)}")
            known = {v: s for v, s in mapped.items() if s in ("district", "charter", "contract")}
            draft.key("sector_values", "{ " + ", ".join(f"{q(v)} = {q(s)}" for v, s in known.items()) + " }",
                      "proposed from the words in each value")
            unknown = [v for v, s in mapped.items() if s not in ("district", "charter", "contract")]
            if unknown and "district" not in known.values() and not any(mapped[v] for v in unknown):
                draft.key("sector_default", "district", f"{len(unknown)} other values ({', '.join(unknown[:4])}...) name no sector: "
                                                        "read as district-run")
            elif unknown:
                draft.questions.append(f"Which sector are the `{column}` values {', '.join(unknown)} of `{table.rel or table.name}` "
                                       "(district, charter, contract, or a `[[sectors]]` entry such as state-run)?")
            return
    fixed = next((s for w, s in SECTOR_WORDS if w in table.path.stem.lower()), "")
    if fixed in ("district", "charter", "contract"):
        draft.key("sector", fixed, f"the file name says {fixed}; no sector column")
    else:
        draft.questions.append(f"Which sector are the schools of `{table.rel or table.name}`? No sector column was found.")


def _match_on(draft: Draft, table: Table, columns: dict, directories: list[Table]) -> None:
    """Match on the id field whose values another directory file shares."""
    for other in directories:
        if other is table:
            continue
        for fieldname in ("state_id", "nces_id", "school_id"):
            mine, theirs = columns.get(fieldname), other.properties["columns"].get(fieldname)
            shared = mine and theirs and shared_column(table, other, [mine[0]], [theirs[0]], least=0.0)
            if shared:
                joined = shared[2]
                draft.key("match_on", [fieldname], f"{joined:,} rows of {other.name} share a {fieldname} with this file")
                return


def _results(draft: Draft, table: Table, directories: list[Table]) -> None:
    links = [(d, shared_column(d, table, [d.properties["columns"]["school_id"][0]]))
             for d in directories if "school_id" in d.properties["columns"]]
    link = max(links, key=lambda pair: pair[1][2] if pair[1] else -1, default=(None, None))
    measure, long_keys = result_columns(table)
    levels = sorted(table.values(measure).unique())[:20] if measure else []
    draft.lines += ["", f"# Results file {table.rel or table.name}: not switched on; a person must order the levels and map them to tiers."]
    if link[1]:
        draft.lines.append(f"# school id {link[1][1]!r} joins {link[1][2]:,} of {table.rows:,} rows to {link[0].name} on {link[1][0]!r}")
        link[0].properties.setdefault("joins", {}).setdefault(link[1][0], []).append(
            f"; joins {link[1][2]:,} rows of {table.rel or table.name} on this column")
    if measure:
        draft.lines.append(f"# measure column {measure!r}: values {', '.join(levels)}")
    ids = table.values(link[1][1]) if link[1] else None
    if ids is not None and ids.duplicated().any():
        keys = {c: sorted(table.values(c).unique())[:8] for c in long_keys}
        draft.lines.append(f"# long file: ids repeat ({ids.nunique():,} schools, {table.rows:,} rows) by "
                           + "; ".join(f"{c} ({', '.join(v)})" for c, v in keys.items()))
        filters = [f"{{ column = {q(c)}, equals = {q(v)} }}" for c, v in _one_row_values(table, long_keys).items()]
        if filters:
            draft.lines.append(f"# where = [{', '.join(filters)}]  # proposed: all students, the latest year")
        weight = next((c for c in table.frame.columns if re.search(r"tested|count|number|^n$|students", c, re.I)
                       and numbers(table.values(c)).notna().mean() > 0.9), None)
        if weight:
            draft.lines.append(f"# aggregate = {{ method = \"weighted_mean\", weight_column = {q(weight)} }}  # proposed: the rows "
                               f"left per school made one figure, weighted by {weight} (the `aggregate` key comes with the ratings work)")
        draft.questions.append(f"`{table.rel or table.name}` repeats school ids: which rows make a school's rating (a `where` on "
                               f"{', '.join(keys) or 'a column'}, or an `aggregate` of the rows left)?")
    draft.questions.append(f"Which values of {measure or 'the rating column'} in `{table.rel or table.name}` are best to worst, and which "
                           "common tier does each mean (`levels`, `tiers`, `[[tiers]]`)?")


def _one_row_values(table: Table, long_keys: list[str]) -> dict[str, str]:
    """Per repeating column, the value that keeps one row per school: an all-students value, or the latest year."""
    chosen = {}
    for column in long_keys:
        values = sorted(table.values(column).unique())
        every = [v for v in values if re.fullmatch(r"(all( students)?|total( population)?|all grades)", v.strip(), re.I)]
        if every:
            chosen[column] = every[0]
        elif re.search(r"year", column, re.I):
            chosen[column] = values[-1]
    return chosen


def _geography(draft: Draft, tables: list[Table]) -> None:
    shapes = [t for t in tables if t.kind in ("boundaries", "areas") and t.rows >= 2]
    table = neighborhoods_file(tables)
    if table is None:
        draft.questions.append("Which file holds the neighborhoods (a geojson of polygons)? None was found.")
        return
    props = list(table.frame.columns)
    id_field = next((p for p in props if re.search(r"id|code|num", p, re.I) and table.values(p).is_unique
                     and table.values(p).nunique() == table.rows), None)
    name_field = next((p for p in props if NAME_PROPERTY.search(p) and p != id_field), None)
    name_field = name_field or next((p for p in props if p != id_field and table.values(p).is_unique), id_field)
    draft.lines += ["", "[neighborhoods]"]
    draft.key("path", table.rel, f"{table.rows:,} features; properties {', '.join(props)}")
    draft.key("label", table.path.stem.replace("_", " ").capitalize())
    if id_field is None:
        id_field = name_field
        draft.questions.append(f"`{table.rel or table.name}` has no id property: the draft uses the name property {name_field!r} as id.")
    draft.key("id_field", id_field, f"unique in every feature; e.g. {', '.join(table.samples(id_field))}")
    draft.key("name_field", name_field, f"e.g. {', '.join(table.samples(name_field))}")
    for other in shapes:
        if other is not table:
            draft.questions.append(f"`{other.name}` is a second boundary file: what is it (school attendance zones? small areas?)")


def neighborhoods_file(tables: list[Table]) -> Table | None:
    """The boundary file with a name-like property and the fewest features (neighborhoods, not census areas)."""
    shapes = [t for t in tables if t.kind in ("boundaries", "areas") and t.rows >= 2]
    named = [t for t in shapes if any(NAME_PROPERTY.search(p) for p in t.frame.columns)] or shapes
    return min(named, key=lambda t: t.rows) if named else None


def _locations_section(draft: Draft, table: Table, directories: list[Table]) -> None:
    columns = table.properties["columns"]
    _source_head(draft, table, "locations")
    draft.lines.remove(next(line for line in draft.lines[::-1] if line.startswith("label =")))
    draft.lines.insert(len(draft.lines) - (2 + bool(table.encoding != "utf-8") + bool(table.delimiter not in (",", ""))),
                       f"label = {q(table.path.stem.replace('_', ' '))}")
    key = columns.get("school_id") or columns.get("state_id")
    if key:
        draft.key("join", "{ " + ", ".join(f"{f} = {q(key[0])}" for f in ("school_id", "state_id")) + " }",
                  "tried for the school id, then the state id")
    draft.key("lat_column", columns["lat"][0], columns["lat"][1])
    draft.key("lon_column", columns["lon"][0], columns["lon"][1])


def _gtfs(draft: Draft, table: Table) -> None:
    facts = feed_facts(table.path)
    draft.lines += ["", "[[gtfs]]"]
    draft.key("id", slug(table.path.stem))
    draft.key("label", facts["agency"] or table.path.stem, "agency_name in agency.txt")
    draft.key("path", table.rel, f"service from {facts['start']} to {facts['end']}; {facts['routes']} routes")
