"""Draft `[neighborhoods]` from the boundary files."""

from __future__ import annotations

import re

from .lines import Draft
from .sniff import Table

UNIT = re.compile(r"(?i)\b(community area|neighbou?rhood|ward|planning district|council district|parish|borough|township)s?\b")
NAME_PROPERTY = re.compile(r"name|label|nbhd|community|neigh", re.I)


def geography(draft: Draft, tables: list[Table]) -> None:
    shapes = [t for t in tables if t.kind in ("boundaries", "areas") and t.rows >= 2]
    table = neighborhoods_file(tables)
    if table is None:
        draft.questions.append("Which file holds the neighborhoods (a geojson of polygons)? None was found.")
        return
    props = list(table.frame.columns)
    copies_last = sorted(props, key=lambda p: bool(re.search(r"_\d+$", p)))  # area_num_1: a copy a GIS tool made of a field
    id_field = next((p for p in copies_last if re.search(r"id|code|num", p, re.I) and table.values(p).is_unique
                     and table.values(p).nunique() == table.rows), None)
    name_field = next((p for p in props if NAME_PROPERTY.search(p) and p != id_field), None)
    name_field = name_field or next((p for p in props if p != id_field and table.values(p).is_unique), id_field)
    draft.lines += ["", "[neighborhoods]"]
    draft.key("path", table.rel, f"{table.rows:,} features; properties {', '.join(props)}")
    draft.key("label", table.path.stem.replace("_", " ").capitalize())
    unit = UNIT.search(table.path.stem.replace("_", " "))
    if unit and unit[1].lower() != "neighborhood":
        draft.key("unit", unit[1].lower(), "what the file name calls an area")
    if id_field is None:
        id_field = name_field
        draft.questions.append(f"`{table.rel or table.name}` has no id property: the draft uses the name property {name_field!r} as id.")
    draft.key("id_field", id_field, f"unique in every feature; e.g. {', '.join(table.samples(id_field))}")
    draft.key("name_field", name_field, f"e.g. {', '.join(table.samples(name_field))}")
    names = table.values(name_field)
    names = names[names.str.contains(r"[A-Za-z]")]
    if len(names) >= 2 and names.str.isupper().mean() >= 0.9:  # ROGERS PARK: a GIS export in capitals, shown as Rogers Park
        draft.key("name_case", "title", f"{names.str.isupper().mean():.0%} of the names are in capitals ({names.iloc[0]})")
    for other in shapes:
        if other is not table:
            draft.questions.append(f"`{other.name}` is a second boundary file: what is it (school attendance zones? small areas?)")


def neighborhoods_file(tables: list[Table]) -> Table | None:
    """The boundary file with a name-like property and the fewest features (neighborhoods, not census areas)."""
    shapes = [t for t in tables if t.kind in ("boundaries", "areas") and t.rows >= 2]
    named = [t for t in shapes if any(NAME_PROPERTY.search(p) for p in t.frame.columns)] or shapes
    return min(named, key=lambda t: t.rows) if named else None
