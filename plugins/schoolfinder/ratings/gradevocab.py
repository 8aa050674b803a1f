"""Grades as a set: the NCES Common Core of Data codes plus the forms exports use, and local aliases.

Grades are numbers (PK = -1, K = 0, 1..13) plus an "ungraded" flag (UG, SE: ungraded special
education; AE: adult education). ``parse_grades`` never fails: tokens it does not know come back in
``unknown`` so the caller can warn and keep the grades it understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .grades import GRADE_LABELS

LABELS = {**GRADE_LABELS, 13: "13"}
UNGRADED = "UG"
_WORDS = {  # token (upper case, spaces removed) -> grade or UNGRADED
    **{t: -1 for t in ("PK", "PREK", "PRE-K", "PREKINDERGARTEN", "PRE-KINDERGARTEN", "P", "PE", "PS", "PK3", "PK4",
                       "3K", "4K", "K3", "K4", "PRESCHOOL", "EARLYCHILDHOOD", "EC")},
    **{t: 0 for t in ("K", "KG", "KN", "0K", "00", "0", "K5", "TK", "KINDERGARTEN", "KINDER")},
    **{t: UNGRADED for t in ("UG", "SE", "UNGRADED", "AE", "SPED")},
}
_ORDINAL = re.compile(r"(\d+)(ST|ND|RD|TH)\b")
_PREFIX = re.compile(r"^(GRADES?|GR\.?)\s*")
_RANGE = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*|\s+(?:TO|THROUGH|THRU)\s+")
_LIST = re.compile(r"\s*(?:[,;/&+|]|\bAND\b)\s*")


@dataclass
class GradeSet:
    """What one grades cell says: numeric grades, whether ungraded students are served, and unknown tokens."""

    grades: set[int] = field(default_factory=set)
    ungraded: bool = False
    unknown: list[str] = field(default_factory=list)

    def add(self, other: "GradeSet") -> None:
        self.grades |= other.grades
        self.ungraded |= other.ungraded
        self.unknown += other.unknown


def grade_token(token: str, aliases: dict[str, str] | None = None) -> int | str | None:
    """One token -> grade number, ``UNGRADED`` or None. ``aliases`` maps local tokens to known ones."""
    text = _PREFIX.sub("", token.strip().upper())
    text = _ORDINAL.sub(r"\1", text).replace(" ", "")
    for local, known in (aliases or {}).items():
        if text == local.strip().upper().replace(" ", ""):
            text = known.strip().upper().replace(" ", "")
            break
    if text in _WORDS:
        return _WORDS[text]
    if text.isdigit() and 1 <= int(text) <= 13:
        return int(text)
    return None


def parse_grades(cell: str, aliases: dict[str, str] | None = None) -> GradeSet:
    """Parse a grades cell such as ``PK,K-8``, ``9th-12th``, ``Pre-K - 8th``, ``Grades 9-12``, ``K to 12``, ``SE``."""
    found = GradeSet()
    text = re.sub(r"PRE[\s-]+K", "PREK", cell.upper())
    for part in filter(None, (p.strip() for p in _LIST.split(_PREFIX.sub("", text.strip())))):
        ends = [e for e in _RANGE.split(part) if e is not None]
        values = [grade_token(end, aliases) for end in ends]
        if len(ends) == 1 and values[0] is not None:
            found.add(_one(values[0]))
        elif len(ends) == 2 and all(isinstance(v, int) for v in values) and values[0] <= values[1]:
            found.grades |= set(range(values[0], values[1] + 1))
        elif len(ends) == 1 and aliases and part in aliases:
            found.add(_one(grade_token(aliases[part])))
        else:
            found.unknown.append(part)
    return found


def _one(value) -> GradeSet:
    if value == UNGRADED:
        return GradeSet(ungraded=True)
    return GradeSet(grades={value}) if value is not None else GradeSet()


def spans_label(grades: set[int]) -> str:
    """``{-1, 0, 1, 2, 9, 10}`` -> ``PK–2, 9–10`` (en dashes); runs of consecutive grades become spans."""
    runs: list[list[int]] = []
    for grade in sorted(grades):
        if runs and grade == runs[-1][-1] + 1:
            runs[-1].append(grade)
        else:
            runs.append([grade])
    return ", ".join(LABELS[r[0]] if len(r) == 1 else f"{LABELS[r[0]]}\u2013{LABELS[r[-1]]}" for r in runs)


def grades_from_enrollment(row: dict, columns: dict[str, str]) -> tuple[GradeSet, list[str]]:
    """Grades served = the grade columns with enrollment above 0. Returns the set and unreadable columns."""
    found, unreadable = GradeSet(), []
    for column, token in columns.items():
        cell = str(row.get(column, "")).replace(",", "").strip()
        if not cell:
            continue
        try:
            count = float(cell)
        except ValueError:
            unreadable.append(column)
            continue
        if count > 0:
            found.add(_one(grade_token(token)))
    return found, unreadable
