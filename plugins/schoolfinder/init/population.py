"""Draft `[population]`: the table of children per small area, the small areas it joins, the age columns of school age
split into grade bands, and a crosswalk file naming each small area's neighborhood."""

from __future__ import annotations

import os
import re

from .columns import norm
from .lines import Draft, q
from .sniff import Table, export_date

AGES = re.compile(r"(?<!\d)(\d{1,2})(?: to | and |-| )(\d{1,2})(?!\d)")
NOT_A_COUNT = re.compile(r"margin|error|\bmoe\b|percent|%|share|rate", re.I)
# US school ages: kindergarten at 5, grade 5 at 10, grades 6-8 at 11-13, grades 9-12 at 14-17
BAND_AGES = {"elementary": range(5, 11), "middle": range(11, 14), "high": range(14, 18)}


def population(draft: Draft, tables: list[Table], neighborhoods: Table | None) -> None:
    linked = [(t, *t.properties["areas"]) for t in tables if t.kind == "population" and "areas" in t.properties]
    if not linked:
        draft.questions.append("Which file counts school-age children per small area (`[population]`)? None was found: "
                               "the access and desert measures need one.")
        return
    table, shapes, (shapes_column, table_column, joined) = max(linked, key=lambda link: link[1].rows)
    for other in (t for t, *_ in linked if t is not table):
        draft.questions.append(f"`{other.rel}` also counts people per area ({other.properties['areas'][0].name}); the draft uses "
                               f"`{table.rel}`, the finer areas. Is that the table you want?")
    labels = codebook(table, tables)
    ages = {c: span for c in table.frame.columns if (span := age_span(labels.get(c, c))) and span[0] >= 5 and span[1] <= 17}
    draft.lines += ["", "[population]"]
    draft.key("label", f"{table.path.stem.replace('_', ' ')}: set the name of the estimates",
              "a placeholder from the file name")
    draft.questions.append(f"What are the population estimates of `{table.rel}` (`population.label`, shown on the methodology page)?")
    draft.key("areas_path", shapes.rel, f"{shapes.rows:,} small areas")
    draft.key("area_id_field", shapes_column, f"{joined:,} of its values are {table_column} values of {table.name}")
    draft.key("table_path", table.rel, f"{table.rows:,} rows")
    draft.key("table_id_column", table_column, f"joins {shapes.name} on {shapes_column}")
    if table.encoding not in ("utf-8", ""):
        draft.key("encoding", table.encoding, "the file does not decode as UTF-8")
    as_of, said = census_release(table.path.stem) or export_date(table.path)
    draft.key("as_of", as_of, f"{said}: set the year of the estimates")
    draft.questions.append(f"What year do the estimates of `{table.rel}` describe (`population.as_of`)? The draft says {as_of}.")
    if not ages:
        draft.key("children_columns", [], "no column names an age range within 5-17: list the columns to sum")
        draft.questions.append(f"Which columns of `{table.rel}` count school-age children (`population.children_columns`)?")
        return
    draft.key("children_columns", list(ages), "; ".join(f"{c}: {labels[c]}" if c in labels else c for c in ages)[:300]
              + "; named after ages within 5-17")
    draft.lines.append("[population.bands]  # ages spread evenly within each column: 5-10 elementary, 11-13 middle, 14-17 high; check")
    for band, years in BAND_AGES.items():
        weights = {c: round(len(set(years) & set(range(low, high + 1))) / (high - low + 1), 2) for c, (low, high) in ages.items()}
        draft.key(band, "{ " + ", ".join(f"{q(c)} = {float(w)}" for c, w in weights.items() if w) + " }")
    if neighborhoods is not None:
        _crosswalk(draft, tables, shapes, shapes_column, neighborhoods)


def census_release(stem: str) -> tuple[str, str] | None:
    """(year, why) from a census download's name: "ACS_14_5YR_B01001" -> 2014, the last year of the ACS estimates."""
    match = re.search(r"(?i)(?<![a-z])acs_?(\d{2}|(?:19|20)\d{2})_?(1|3|5)[ _-]?yr", stem)
    if not match:
        return None
    year = match[1] if len(match[1]) == 4 else f"20{match[1]}"
    return year, f"the ACS release in the file name ({match[0]}: estimates up to {year})"


def age_span(text: str) -> tuple[int, int] | None:
    """(lowest, highest) age a count column's name or label gives ("AGE_5_9", "Male: - 10 to 14 years"), or None."""
    if NOT_A_COUNT.search(text):
        return None
    match = AGES.search(norm(text))
    return (int(match[1]), int(match[2])) if match and int(match[1]) < int(match[2]) else None


def codebook(table: Table, tables: list[Table]) -> dict[str, str]:
    """Column -> label from a two-column file listing the table's column names (a census metadata file), if any."""
    for other in tables:
        if other is table or other.fmt != "csv" or len(other.frame.columns) != 2:
            continue
        first, second = other.frame.columns
        pairs = {first: second, **dict(zip(other.frame[first], other.frame[second]))}
        if len(set(pairs) & set(table.frame.columns)) >= 0.5 * len(table.frame.columns):
            table.notes.append(f"column labels from {other.name}")
            return pairs
    return {}


def _crosswalk(draft: Draft, tables: list[Table], shapes: Table, shapes_column: str, neighborhoods: Table) -> None:
    """A file with a column of the small areas' ids (maybe written without their common prefix and leading zeros) and a
    column of the neighborhoods' ids: each small area's children go to its neighborhood."""
    area_ids = set(shapes.values(shapes_column))
    common, lengths = os.path.commonprefix(sorted(area_ids)), {len(a) for a in area_ids}
    # ("", 0): written as the areas' ids; else the shortest shared prefix, the rest zero-padded (17031 + 010100)
    forms = [("", 0)] + ([(common[:k], next(iter(lengths)) - k) for k in range(len(common) + 1)] if len(lengths) == 1 else [])
    hood_field = draft_value(draft, "id_field")
    hood_ids = set(neighborhoods.values(hood_field)) if hood_field in neighborhoods.frame.columns else set()
    for table in (t for t in tables if t.kind in ("crosswalk", "unknown") and t.fmt == "csv" and t.rows):
        area = next(((c, prefix, w) for c in table.frame.columns for prefix, w in forms
                     if _share_in(table.values(c).map(lambda v: prefix + v.zfill(w) if w else v), area_ids) > 0.9), None)
        hood = next((c for c in table.frame.columns if hood_ids and _share_in(table.values(c), hood_ids) > 0.9
                     and len(hood_ids & set(table.values(c))) >= 0.9 * len(hood_ids)), None)
        if not area or not hood or area[0] == hood:
            continue
        table.properties["used_as"] = "the population crosswalk"
        draft.lines.append("[population.crosswalk]")
        draft.key("label", f"{table.path.stem.replace('_', ' ')}: set the name of the crosswalk", "a placeholder from the file name")
        draft.key("path", table.rel, f"{table.rows:,} rows: one per small area")
        column, prefix, width = area
        draft.key("area_column", column, f"its values are {shapes.name} {shapes_column} values"
                  + (f" once padded to {width} digits after {prefix!r}" if width else ""))
        if width:
            draft.key("area_width", width)
            draft.key("area_prefix", prefix, f"the shortest prefix every {shapes_column} shares that makes the ids match")
        draft.key("neighborhood_column", hood, f"its values are the neighborhoods' {hood_field} values")
        draft.questions.append(f"`{table.rel}` names each small area's neighborhood: set `population.crosswalk.label`.")
        return


def _share_in(values, known: set) -> float:
    return float(values.isin(known).mean()) if len(values) else 0.0


def draft_value(draft: Draft, key: str) -> str:
    """The value of the last `key = "..."` line the draft has."""
    line = next((line for line in reversed(draft.lines) if line.startswith(f"{key} = ")), "")
    match = re.match(rf'{key} = "([^"]*)"', line)
    return match[1] if match else ""
