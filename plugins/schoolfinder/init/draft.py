"""Write the draft city.toml: every guess followed by a comment holding its evidence; open questions go to the report."""

from __future__ import annotations

import re

import pandas as pd

from ..configschema import LIST_FIELDS
from . import area
from .admission import admission
from .classify import shared_column
from .columns import grade_enrollment_columns, id_facts, numbers, share
from .family import family_by_file, system_name
from .geography import geography, neighborhoods_file
from .gtfsfacts import feed_facts, feed_timezones
from .lines import Draft, q, slug, source_head
from .population import population
from .ratings import combined_copies, results_section, tier_scale
from .sectors import sector
from .sniff import Table

MISSING_TOKENS = {"n/a", "na", "-", "--", "null", "none", "#n/a", "."}


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
    draft.key("data_dir_env", f"schoolfinder_{slug(city)}_data".upper().replace("-", "_"), "set it to read the files from elsewhere")
    directories = [t for t in tables if t.kind == "directory"]
    locations = [t for t in tables if t.kind == "locations"]
    for table in directories:  # before the results: they count the city's schools they join
        table.properties["city"] = _city_filter(table, locations, neighborhoods_file(tables))
    head, draft.lines, switched_on = draft.lines, [], {}
    rating_files = sorted((t for t in tables if t.kind in ("results", "locations")), key=lambda t: t.rel, reverse=True)
    combined = combined_copies(rating_files, directories)
    rated = [results_section(draft, table, directories, switched_on, combined)  # first: the id columns' evidence says what they join
             for table in rating_files]
    if any(rated):
        tier_scale(draft)
    results, draft.lines = draft.lines, head
    for table in directories:
        _directory(draft, table, directories)
        _city_rows(draft, table)
    for table in locations:
        _locations_section(draft, table, directories)
    draft.lines += results
    geography(draft, tables)
    population(draft, tables, neighborhoods_file(tables))
    for table in (t for t in tables if t.kind == "gtfs"):
        _gtfs(draft, table)
    for table in (t for t in tables if t.kind == "extract"):
        large, (column, own, joined) = table.properties["extract_of"]
        draft.questions.append(f"`{table.rel or table.name}` looks like an extract of `{large.rel or large.name}` ({joined:,} of its "
                               f"{table.rows:,} rows match on `{own}` = `{column}`); the draft uses the bigger file. Is that the export you keep up to date?")
    for table in (t for t in tables if t.kind in ("unknown", "crosswalk", "older", "gtfs-part") and "used_as" not in t.properties):
        draft.questions.append(f"What does `{table.rel or table.name}` hold? Init read it as {table.kind!r} and left it out of the draft.")
    return draft


def _directory(draft: Draft, table: Table, directories: list[Table]) -> None:
    source_head(draft, table, "directory")
    columns = dict(table.properties["columns"])
    columns.update(family_by_file(directories)[table.rel or table.name])
    _yearly_from_newest(draft, table, columns, directories)
    sector(draft, table, columns)
    admission(draft, table, columns)
    end = school_year_end(table.path.stem) if re.search(r"(?i)SY ?\d{4}|\d{4}[-_]\d{2}", table.path.stem) else None
    if end and {"graduation_rate", "college_enrollment_rate", "average_test_score"} & set(columns):
        draft.key("outcomes_year", f"{end - 1}-{end % 100:02d}", "the school year in the file name")  # SY1819 -> 2018-19
    status = columns.get("status")
    if status:
        closed = sorted({v for v in table.values(status[0]) if re.search(r"clos|inactive", v, re.I)})
        if closed:
            draft.key("closed_values", closed, f"values of {status[0]} that read as closed")
    missing = sorted({v for c in table.frame.columns for v in table.values(c).unique() if v.lower() in MISSING_TOKENS
                      and share(numbers(table.values(c)).notna()) >= 0.8})  # the schema's meaning: in number columns
    if missing:
        draft.key("missing_values", missing, "cells of number columns that read as 'not reported'")
    separator = _list_separator(table, columns)
    if separator:
        draft.key("list_separator", separator, f"list cells are split by {separator!r}")
    _match_on(draft, table, columns, directories)
    _older_than_others(draft, table, directories)
    grades = grade_enrollment_columns(table)
    if grades and "grades" not in columns and "grade_low" not in columns:
        draft.key("grade_enrollment_columns", "{ " + ", ".join(f"{q(c)} = {q(g)}" for c, g in grades.items()) + " }",
                  "columns named after a grade, holding counts")
    school_id = columns.get("school_id")
    if school_id:
        _, width = id_facts(table, school_id[0])
        if width and table.values(school_id[0]).str.fullmatch(r"0\d+").any() and table.values(school_id[0]).str.isdigit().mean() > 0.5:
            draft.key("id_width", width, f"{school_id[0]} keeps leading zeros ({table.samples(school_id[0], 1)[0]})")
    if "common_application" in columns:
        _common_application(draft, table, columns["common_application"][0])
    draft.lines.append("[directory.columns]")
    for fieldname, (column, evidence) in columns.items():
        if fieldname in ("school_id", "state_id", "nces_id"):
            distinct, width = id_facts(table, column)
            evidence = f"{distinct:,} distinct values of {table.rows:,} rows" + (f"; {width} characters" if width else "; widths vary")
            evidence += "".join(table.properties.get("joins", {}).get(column, []))
        draft.key(fieldname, column, evidence)
    if "name" not in columns:
        draft.questions.append(f"Which column of `{table.rel or table.name}` holds the school's name (`columns.name`)?")


YEARLY = ("operator",)  # assignments that change from one school year to the next (a network, a management organisation)


def _yearly_from_newest(draft: Draft, table: Table, columns: dict, directories: list[Table]) -> None:
    """A file of an older school year than another file mapping the same yearly field leaves that field to the newer file:
    its value is last year's for the schools the newer file leaves blank."""
    mine = school_year_end(table.path.stem) or 9999
    for fieldname in (f for f in YEARLY if f in columns):
        newer = next((t for t in directories if t is not table and fieldname in t.properties["columns"]
                      and (school_year_end(t.path.stem) or 0) > mine), None)
        if newer:
            draft.lines.append(f"# {fieldname}: {columns.pop(fieldname)[0]!r} left out, {newer.name} (a newer school year) gives it")


def _common_application(draft: Draft, table: Table, column: str) -> None:
    """The common application's name, from the yes/no column's name ("Is_GoCPS_Participant"), and a question for its address."""
    name = system_name(column)
    if name:
        draft.key("common_application_name", name, f"the name in the column {column!r}")
    draft.questions.append(f"`{column}` of `{table.rel or table.name}` says which schools take the city's common application: "
                           + ("" if name else "what is it called (`common_application_name`)? ")
                           + "at which address do families apply (`common_application_url`)?")


def _list_separator(table: Table, columns: dict) -> str:
    """The separator the list fields' cells use ("," for "Spanish, French"); else "|" where any column splits by it."""
    lists = [c for f, (c, _) in columns.items() if f in LIST_FIELDS for c in ([c] if isinstance(c, str) else c)]
    counts = {s: sum(int(table.values(c).str.contains(s, regex=False).sum()) for c in lists) for s in (";", "|", ",")}
    best = max(counts, key=counts.get)
    if counts[best]:
        return "" if best == ";" else best  # ";" is the default
    return "|" if any(table.values(c).str.contains("|", regex=False).mean() > 0.05 for c in table.frame.columns) else ""


def _city_filter(table: Table, locations: list[Table], shapes: Table | None) -> tuple[str, str, str] | None:
    """(column, value, evidence) for a wider export: the value the rows located inside the neighborhoods share."""
    columns = table.properties["columns"]
    if shapes is None or "school_id" not in columns:
        return None
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
    return area.city_filter(table, located, known, {c for c, _ in columns.values()})


def _city_rows(draft: Draft, table: Table) -> None:
    """`where`: the rows of the city (a wider export), less the rows that are not schools."""
    columns, found = table.properties["columns"], table.properties.get("city")
    if "school_id" not in columns:
        return
    entries, evidence = [], []
    if found:
        column, value, said = found
        entries.append("{ column = " + q(column) + ", equals = " + q(value) + ", reason = \"outside the city\" }")
        evidence.append(said)
    kept = table.frame[found[0]].astype(str).str.strip() == found[1] if found else pd.Series(True, index=table.frame.index)
    offices = _not_schools(table, kept)
    if offices:
        entries.append("{ column = " + q(columns["school_id"][0]) + ", not_in = " + q(list(offices)) + ", reason = \"not a school\" }")
        evidence.append("not schools: " + "; ".join(f"{i} {why}" for i, why in offices.items()))
        draft.questions.append(f"Are these rows of `{table.rel or table.name}` not schools (an office, a program)? The draft excludes "
                               + ", ".join(f"{i} ({why})" for i, why in offices.items()) + ".")
    if entries:
        at = draft.lines.index("[directory.columns]", max(i for i, line in enumerate(draft.lines) if line == "[[directory]]"))
        draft.lines.insert(at, f"where = [{', '.join(entries)}]  # {'; '.join(evidence)}")


OFFICE = re.compile(r"\b(central|district|main|administrative|board|admin)? ?office\b|\badministration\b", re.I)


def _not_schools(table: Table, kept: pd.Series) -> dict[str, str]:
    """Kept rows named like an office, or with students but none in any grade column: id -> why."""
    columns = table.properties["columns"]
    grades = list(grade_enrollment_columns(table))
    found = {}
    for index, row in table.frame[kept].iterrows():
        name = str(row.get(columns["name"][0], "")) if "name" in columns else ""
        counts = numbers(row[grades].astype(str)) if grades else None
        if OFFICE.search(name):
            found[str(row[columns["school_id"][0]]).strip()] = f"named {name!r}"
        elif counts is not None and counts.fillna(0).sum() == 0 and "enrollment" in columns and (
                numbers(pd.Series([str(row[columns["enrollment"][0]])])).fillna(0).iloc[0] > 0):
            found[str(row[columns["school_id"][0]]).strip()] = f"{name!r}: students but none in a grade"
    return found


SCHOOL_YEAR = re.compile(r"(?i)(?<![a-z\d])SY ?(\d{2})(\d{2})(?!\d)|(?<!\d)(?:19|20)\d{2}[-_](\d{2})(?!\d)|(?<!\d)((?:19|20)\d{2})(?!\d)")


def school_year_end(stem: str) -> int | None:
    """The year a file name's school year ends in: SY1718 -> 2018, 2018-19 -> 2019, 2022 -> 2022."""
    match = SCHOOL_YEAR.search(stem)
    if not match:
        return None
    return 2000 + int(match[2]) if match[2] else 2000 + int(match[3]) if match[3] else int(match[4])


def _older_than_others(draft: Draft, table: Table, directories: list[Table]) -> None:
    """A directory file of an earlier school year than the others only confirms their schools: its other rows are
    schools closed since (`unmatched = "exclude"`), asked about."""
    mine = school_year_end(table.path.stem)
    newer = [t for t in directories if t is not table and (school_year_end(t.path.stem) or 0) > (mine or 9999)]
    if newer:
        draft.key("unmatched", "exclude", f"the file name's school year ({mine}) is older than {newer[0].name}'s: its schools the "
                                          "newer files do not list are taken as closed")
        draft.questions.append(f"`{table.rel or table.name}` is older than `{newer[0].rel or newer[0].name}`: should its schools that "
                               "no newer file lists be left out (`unmatched = \"exclude\"`, as drafted) or published?")



def _match_on(draft: Draft, table: Table, columns: dict, directories: list[Table]) -> None:
    """Match on the id field whose values another directory file shares."""
    for other in directories:
        if other is table:
            continue
        for fieldname in ("state_id", "nces_id", "school_id"):
            mine, theirs = columns.get(fieldname), other.properties["columns"].get(fieldname)
            shared = mine and theirs and shared_column(table, other, [mine[0]], [theirs[0]], least=0.0)
            if shared:
                if fieldname != "school_id":  # school_id is the default
                    draft.key("match_on", [fieldname], f"{shared[2]:,} rows of {other.name} share a {fieldname} with this file")
                return


def _locations_section(draft: Draft, table: Table, directories: list[Table]) -> None:
    columns = table.properties["columns"]
    source_head(draft, table, "locations")
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
    words = re.split(r"[_\-\s]+", table.path.stem)
    short = words[0] if len(words) > 1 and words[0].isalpha() and any(c.isdigit() for c in table.path.stem) else ""
    draft.key("id", slug(facts["agency_id"] or short or table.path.stem),
              "agency_id in agency.txt" if facts["agency_id"] else "the feed's name before its date" if short else "")
    draft.key("label", facts["agency"] or table.path.stem, "agency_name in agency.txt")
    draft.key("path", table.rel, f"service from {facts['start']} to {facts['end']}; {facts['routes']} routes")
