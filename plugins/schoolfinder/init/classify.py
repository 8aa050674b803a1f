"""The kind of each file (directory, results, locations, boundaries, population, crosswalk, gtfs) and the ids files share."""

from __future__ import annotations

import re

from .columns import grade_enrollment_columns, guess_columns, norm, numbers, share
from .sniff import Table

RESULT_NAME = re.compile(r"rating|grade$|score|level|tier|star|proficien|percent|pct|result|sqrp|letter", re.I)
LONG_KEYS = re.compile(r"subject|group|subgroup|grade|test|measure|indicator|year|category|student", re.I)


def classify(tables: list[Table]) -> None:
    """Set each table's kind, with its mapping in `table.properties['columns']` for tables."""
    for table in tables:
        if table.kind in ("gtfs", "boundaries"):
            continue
        columns = guess_columns(table)
        table.properties["columns"] = columns
        has_place = "address" in columns or ("lat" in columns and "lon" in columns)
        numeric = [c for c in table.frame.columns if share(numbers(table.values(c)).notna()) > 0.95]
        counts = "enrollment" in columns or grade_enrollment_columns(table)
        if "name" in columns and (has_place or counts):
            table.kind = "directory"
        elif "lat" in columns and "lon" in columns and "school_id" in columns:
            table.kind = "locations"
        elif "school_id" in columns or "state_id" in columns:
            table.kind = "results"
        elif len(numeric) >= 2 and len(numeric) >= min(len(table.frame.columns) - 1, 0.9 * len(table.frame.columns)):
            table.kind = "population"
        else:
            table.kind = "crosswalk" if len(table.frame.columns) <= 4 else "unknown"
    _areas_and_neighborhoods(tables)
    _locations(tables)
    _series(tables)
    _extracts(tables)


def _extracts(tables: list[Table], least: float = 0.9, slice_at_most: float = 0.8) -> None:
    """A directory file whose rows are nearly all rows of a much bigger directory file (same ids) is a filtered extract of
    it: the raw export is used, the extract asked about. Two files of about the same rows are two exports, both kept."""
    directories = sorted((t for t in tables if t.kind == "directory"), key=lambda t: t.rows)
    for small in directories:
        for large in (t for t in directories if small.rows <= slice_at_most * t.rows and t.kind == "directory"):
            link = shared_column(large, small, _id_columns(large), _id_columns(small), least)
            if link and link[2] >= least * small.rows:
                small.kind = "extract"
                small.properties["extract_of"] = (large, link)
                break


def _id_columns(table: Table) -> list[str]:
    columns = table.properties.get("columns", {})
    return [columns[key][0] for key in ("school_id", "state_id") if key in columns]


def _locations(tables: list[Table]) -> None:
    """A directory-like file with coordinates but no counts, beside one with counts but no coordinates: a locations file."""
    directories = [t for t in tables if t.kind == "directory"]
    counted = [t for t in directories if _has_counts(t) and "lat" not in t.properties["columns"]]
    for table in directories:
        columns = table.properties["columns"]
        if counted and "lat" in columns and not _has_counts(table) and table not in counted:
            table.kind = "locations"


def _has_counts(table: Table) -> bool:
    return "enrollment" in table.properties["columns"] or bool(grade_enrollment_columns(table))


def _series(tables: list[Table]) -> None:
    """Files of one kind whose names differ only in digits (years of one export): the newest is used, the others asked about."""
    groups: dict[tuple, list[Table]] = {}
    for table in tables:
        if table.kind in ("directory", "locations"):
            groups.setdefault((table.kind, re.sub(r"\d+", "#", table.path.name)), []).append(table)
    for group in groups.values():
        for older in sorted(group, key=lambda t: t.path.name)[:-1]:
            older.kind = "older"


def _areas_and_neighborhoods(tables: list[Table]) -> None:
    """A boundary file whose ids a population table lists holds small areas; the others are neighborhoods."""
    population = [t for t in tables if t.kind == "population"]
    for shapes in (t for t in tables if t.kind == "boundaries"):
        for table in population:
            covering = _covering(table, shapes)
            link = covering or shared_column(shapes, table)
            if link:
                shapes.kind = "areas"
                rank = (bool(covering), link[2])  # an id column listing every area first, then the most joined
                if rank > table.properties.get("areas_rank", (False, 0)):
                    table.properties["areas"], table.properties["areas_rank"] = (shapes, link), rank


def _covering(table: Table, shapes: Table) -> tuple[str, str, int] | None:
    """(shapes property, table column, areas joined) where a wider table (a statewide census file) lists nearly every area
    of the shapes in a column of unique values."""
    ids = [c for c in table.frame.columns if table.values(c).is_unique and table.values(c).nunique() > 1]
    link = shared_column(table, shapes, ids, None, least=0.9)
    return (link[1], link[0], link[2]) if link and shapes.values(link[1]).is_unique else None


def shared_column(a: Table, b: Table, columns_a=None, columns_b=None, least: float = 0.5) -> tuple[str, str, int] | None:
    """The pair of columns (a, b) with the most rows of b whose value a also has (at least `least` of b's distinct values)."""
    best = None
    for ca in columns_a or a.frame.columns:
        values_a = set(a.values(ca))
        if len(values_a) < 2:
            continue
        for cb in columns_b or b.frame.columns:
            values_b = b.values(cb)
            joined = int(values_b.isin(values_a).sum())
            if values_b.nunique() and joined and values_b[values_b.isin(values_a)].nunique() >= least * values_b.nunique() and (
                    best is None or joined > best[2]):
                best = (ca, cb, joined)
    return best


def result_columns(table: Table) -> tuple[str | None, list[str]]:
    """(the measure column, the columns whose repeated values make the file long)."""
    columns = table.properties.get("columns", {})
    ids = {v[0] for v in columns.values()}
    measure = next((c for c in table.frame.columns if c not in ids and RESULT_NAME.search(norm(c))
                    and not re.search(r"swd|el |ell|low ?inc|frl|subgroup|disab", norm(c) + " ")), None)
    long_keys = [c for c in table.frame.columns if c not in ids and c != measure and LONG_KEYS.search(norm(c))
                 and 1 < table.values(c).nunique() <= 30]
    return measure, long_keys
