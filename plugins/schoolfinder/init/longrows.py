"""A long results file (ids repeating by subject, group or year): the `where` keeping one row per school, and a file
without a known rating scale, drafted as comments and questions."""

from __future__ import annotations

import re

from .classify import result_columns
from .columns import norm
from .lines import Draft, q
from .sniff import Table


def long_rows(draft: Draft, table: Table, id_column: str, column: str, year_column: str | None) -> None:
    """`where` keeping one row per school (and year) in a long file, with the values found."""
    keys = [k for k in (table.values(id_column), table.frame[year_column] if year_column else None) if k is not None]
    rows = table.frame[table.frame[column].astype(str).str.strip() != ""]
    if not rows.duplicated([id_column] + ([year_column] if year_column else [])).any():
        return
    chosen = one_row_values(table, [c for c in result_columns(table)[1] if c not in (column, year_column)])
    level = next((c for c in table.frame.columns if re.search(r"summary level|^level$|aggregation", norm(c))
                  and 1 < table.values(c).nunique() <= 6), None)
    if level:
        values = sorted(table.values(level).unique(), key=lambda v: not re.fullmatch(r"school|site|campus", v.strip(), re.I))
        school = next((v for v in values if re.search(r"school|site|campus", v, re.I)), None)
        chosen = ({level: school} if school else {}) | chosen
    if chosen and keys:
        draft.key("where", "[" + ", ".join(f"{{ column = {q(c)}, equals = {q(v)} }}" for c, v in chosen.items()) + "]",
                  "proposed: ids repeat; the school-level, all-students rows")


def one_row_values(table: Table, long_keys: list[str]) -> dict[str, str]:
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


def commented(draft: Draft, table: Table, link) -> None:
    """A results file without a rating column of a known scale: the evidence as comments, the choices as questions."""
    measure, long_keys = result_columns(table)
    draft.lines += ["", f"# Results file {table.rel or table.name}: not switched on; a person must order the levels and map them to tiers."]
    ids = None
    if link:
        directory, (own, theirs, joined) = link
        draft.lines.append(f"# school id {theirs!r} joins {joined:,} of {table.rows:,} rows to {directory.name} on {own!r}")
        directory.properties.setdefault("joins", {}).setdefault(own, []).append(
            f"; joins {joined:,} rows of {table.rel or table.name} on this column")
        ids = table.values(theirs)
    if measure:
        draft.lines.append(f"# measure column {measure!r}: values {', '.join(sorted(table.values(measure).unique())[:20])}")
    if ids is not None and ids.duplicated().any():
        keys = {c: sorted(table.values(c).unique())[:8] for c in long_keys}
        draft.lines.append(f"# long file: ids repeat ({ids.nunique():,} schools, {table.rows:,} rows) by "
                           + "; ".join(f"{c} ({', '.join(v)})" for c, v in keys.items()))
        filters = [f"{{ column = {q(c)}, equals = {q(v)} }}" for c, v in one_row_values(table, long_keys).items()]
        if filters:
            draft.lines.append(f"# where = [{', '.join(filters)}]  # proposed: all students, the latest year")
        draft.questions.append(f"`{table.rel or table.name}` repeats school ids: which rows make a school's rating (a `where` on "
                               f"{', '.join(keys) or 'a column'}, or an `aggregate` of the rows left)?")
    draft.questions.append(f"Which values of {measure or 'the rating column'} in `{table.rel or table.name}` are best to worst, and which "
                           "common tier does each mean (`levels`, `tiers`, `[[tiers]]`)?")
