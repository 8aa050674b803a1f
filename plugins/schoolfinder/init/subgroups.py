"""Draft a rating's `subgroups`: the columns giving one measure for English learners, students with disabilities and
low-income students beside the school's rating (a wide results file, one row per school)."""

from __future__ import annotations

import re

from .columns import norm, numbers
from .lines import Draft, q
from .scales import SUPPRESSED
from .sniff import Table

GROUPS = {"english_learners": r"english learners?|\bells?\b|\blep\b|limited english",
          "students_with_disabilities": r"diverse learners?|disabilit\w*|\bswd\b|\biep\b|special ed\w*",
          "low_income": r"low income|economically disadvantaged|\bfrl\b"}


def subgroups(draft: Draft, table: Table, rating_column: str) -> None:
    if table.values(table.frame.columns[0]).duplicated().any():
        return  # a long file: its groups are rows, not columns
    found: dict[str, str] = {}
    measure = None
    for group, pattern in GROUPS.items():
        named = [c for c in table.frame.columns if c != rating_column and re.search(pattern, norm(c)) and _numeric(table, c)]
        same = [c for c in named if measure is None or _rest(c, pattern) == measure]
        if same:
            found[group] = same[0]
            measure = measure if measure is not None else _rest(same[0], pattern)
    if not found:
        return
    markers = sorted({v for c in found.values() for v in table.values(c).unique()
                      if numbers(table.values(c).loc[table.values(c) == v]).isna().all()} - set(SUPPRESSED), key=str)
    parts = ["columns = { " + ", ".join(f"{g} = {q(c)}" for g, c in found.items()) + " }", 'kind = "number"',
             f"measure = {q(f'{measure}: set what the number measures')}"] + ([f"suppressed = {q(markers)}"] if markers else [])
    draft.key("subgroups", "{ " + ", ".join(parts) + " }", "columns named for groups of students, holding one measure")
    draft.questions.append(f"What do the group columns {', '.join(found.values())} of `{table.rel or table.name}` measure "
                           "(`subgroups.measure`, shown beside the groups)?")


def _numeric(table: Table, column: str) -> bool:
    values = table.values(column)
    return len(values) > 0 and float(numbers(values).notna().mean()) >= 0.3


def _rest(column: str, pattern: str) -> str:
    """The column's name without the group's words: what it measures ("growth percentile reading")."""
    return re.sub(r"\s+", " ", re.sub(pattern, "", norm(column))).strip(" -")
