"""Guess which canonical field each column holds, from its name and its values; every guess carries its evidence."""

from __future__ import annotations

import re

import pandas as pd

from .sniff import Table

# canonical field -> name patterns (lower-case, matched against the column name with _ and - as spaces), best first
NAME_PATTERNS = {
    "school_id": [r"^(school|campus|site|sch) ?(id|code|cd|number|no)$", r"^school ?id$", r"^campus ?id$", r"^(site|school|sch) ?cd$", r"^id$", r"site ?code$"],
    "state_id": [r"^state( school)? ?(id|code|number)$", r"state.*id", r"^fed ?site ?cd$", r"^federal.*site code"],
    "nces_id": [r"nces"],
    "name": [r"^(school|campus|site)? ?(long|full)? ?name$", r"^long ?name$", r"^(school|campus) ?name", r"name$"],
    "short_name": [r"^short ?name$"],
    "operator": [r"operator", r"network", r"management", r"^cmo", r"^nonprofit( organi[sz]ation)?$"],
    "grades": [r"^grades?( served| offered| span| level)?$", r"grades served", r"grade ?span"],
    "grade_low": [r"(low|lowest|min|start|from) ?grade|grade ?(low|lo|min|start|from)"],
    "grade_high": [r"(high|highest|max|end|to) ?grade|grade ?(high|hi|max|end|to)"],
    "address": [r"^(street )?address( ?1| line 1)?$", r"^street$", r"address"],
    "city": [r"^city$"],
    "zip": [r"^zip", r"postal"],
    "phone": [r"phone", r"telephone"],
    "website": [r"web", r"url$", r"^site url"],
    "lat": [r"^lat(itude)?$", r"latitude"],
    "lon": [r"^(lon|long|lng)(itude)?$", r"longitude"],
    "status": [r"^(school )?status$", r"(school|open|operating|operational) ?status"],
    "enrollment": [r"^(total )?enrollment$", r"^enrollment", r"total enrollment", r"^total students$", r"^student count total$"],
    "count_swd": [r"^(student )?count (special ed|swd|diverse learners?|students with disabilities)$"],
    "count_el": [r"^(student )?count (english learners?|el|ell)$"],
    "count_low_income": [r"^(student )?count (low income|economically disadvantaged|frl)$"],
}
ORDER = list(NAME_PATTERNS)


def norm(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_\-.]", " ", name.lower())).strip()


def numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.str.replace(",", "", regex=False), errors="coerce")


def share(mask: pd.Series) -> float:
    return float(mask.mean()) if len(mask) else 0.0


VALUE_CHECKS = {
    "lat": lambda v: share(numbers(v).between(-180, 180) & (numbers(v).round(0) != numbers(v))),
    "lon": lambda v: share(numbers(v).between(-180, 180) & (numbers(v).round(0) != numbers(v))),
    "zip": lambda v: share(v.str.fullmatch(r"\d{5}(-\d{4})?")),
    "phone": lambda v: share(v.str.replace(r"\D", "", regex=True).str.len().between(10, 11)),
    "website": lambda v: share(v.str.contains(r"^(?:https?://|www\.)|\.(?:org|com|net|edu|gov|us|example)\b", regex=True)),
    "grades": lambda v: share(v.str.contains(r"^(?:PK|P|K|KG|\d{1,2})\s*(?:-|–|to|,)\s*(?:K|\d{1,2})", case=False, regex=True)),
    "grade_low": lambda v: share(v.str.fullmatch(r"(PK|PS|P3|P4|K|KG|0?\d|1[0-2])", case=False)),
    "grade_high": lambda v: share(v.str.fullmatch(r"(PK|K|KG|0?\d|1[0-2])", case=False)),
    "enrollment": lambda v: share(numbers(v).notna()),
    **{count: (lambda v: share(numbers(v).notna())) for count in ("count_swd", "count_el", "count_low_income")},
    "address": lambda v: share(v.str.contains(r"^\d+\s+\w", regex=True)),
}


def guess_columns(table: Table) -> dict[str, tuple[str, str]]:
    """canonical field -> (column, evidence); each column is used once, name first, value patterns confirming."""
    found: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    for fieldname in ORDER:
        for column in _named_like(fieldname, table.frame.columns, taken):
            values = table.values(column)
            check = VALUE_CHECKS.get(fieldname)
            fit = check(values) if check is not None and len(values) else 1.0
            if fit < 0.6:
                continue
            found[fieldname] = (column, _evidence(table, column, fieldname, fit))
            taken.add(column)
            break
    _coordinates_by_range(table, found, taken)
    return found


def _named_like(fieldname: str, columns, taken: set) -> list[str]:
    """Columns whose name fits the field, those fitting its best pattern first."""
    return [c for pattern in NAME_PATTERNS[fieldname] for c in columns if c not in taken and re.search(pattern, norm(c))]


def _evidence(table: Table, column: str, fieldname: str, fit: float) -> str:
    samples = ", ".join(table.samples(column))
    text = f"filled in {table.fill(column):.0%} of {table.rows:,} rows; e.g. {samples}"
    return text + (f"; {fit:.0%} look like a {fieldname}" if fieldname in VALUE_CHECKS else "")


def _coordinates_by_range(table: Table, found: dict, taken: set) -> None:
    """Latitude and longitude by value range: the pair of decimal columns whose spreads fit; swapped if the names lie."""
    if "lat" in found and "lon" in found:
        lat, lon = numbers(table.values(found["lat"][0])), numbers(table.values(found["lon"][0]))
        if lat.abs().max() > 90 >= lon.abs().max():
            found["lat"], found["lon"] = ((found["lon"][0], "values fit a latitude (|value| <= 90), named like a longitude: swapped"),
                                          (found["lat"][0], "values beyond 90: a longitude, named like a latitude: swapped"))
        return
    decimals = [c for c in table.frame.columns if c not in taken and VALUE_CHECKS["lon"](table.values(c)) > 0.9]
    if len(decimals) == 2:
        a, b = decimals
        if numbers(table.values(a)).abs().max() > 90:
            a, b = b, a
        found.setdefault("lat", (a, f"decimal values within ±90 ({', '.join(table.samples(a, 2))}): a latitude by its range"))
        found.setdefault("lon", (b, f"decimal values ({', '.join(table.samples(b, 2))}): the other coordinate"))


def id_facts(table: Table, column: str) -> tuple[int, int | None]:
    """(distinct values, stable width or None)."""
    values = table.values(column)
    widths = values.str.len().unique()
    return values.nunique(), (int(widths[0]) if len(widths) == 1 else None)


GRADE_COLUMN = re.compile(r"^(grade|gr|g)?[ _]?(pk|pre ?k|prek|k|kg|kindergarten|\d{1,2})$|^(pk|pre ?k|kindergarten)[ _]?(enrollment|count)?$"
                          r"|^(grade|gr)[ _]?[a-z]\d{1,2}$", re.I)  # GradeT9: a program within grade 9 (transitional ninth)


def grade_enrollment_columns(table: Table) -> dict[str, str]:
    """Columns named after a grade that hold counts: column -> grade token."""
    out = {}
    for column in table.frame.columns:
        match = GRADE_COLUMN.match(norm(column).replace(" ", "_")) or GRADE_COLUMN.match(norm(column))
        if not match or share(numbers(table.values(column)).notna()) < 0.9:
            continue
        token = re.sub(r"^(grade|gr|g)[ _]?", "", norm(column)).replace(" ", "").upper()
        token = re.sub(r"^[A-Z](?=\d)", "", token)  # T9 -> 9
        token = {"PREK": "PK", "KINDERGARTEN": "K", "KG": "K"}.get(token, token.lstrip("0") or "0")
        if token in {"PK", "K"} or token.isdigit() and 1 <= int(token) <= 12:
            out[column] = token
    return out if len(out) >= 3 else {}


GRADE_RANGE = re.compile(r"(?i)\bgr(?:ade)?s?\.? ?(k|\d{1,2}) ?(?:-|–|to) ?(\d{1,2})\b")
HIGH_SCHOOL = re.compile(r"(?i)(?<![a-z])(hs|high ?school|end of course|eoc)(?![a-z])")


def tested_grades(*texts: str) -> tuple[list[int], str]:
    """(grades, why) a results column or file name names: "Grades 3-8" -> 3..8; "hs", "high school" -> 9..12 (US)."""
    for text in texts:
        match = GRADE_RANGE.search(text.replace("_", " "))
        if match:
            low, high = 0 if match[1].lower() == "k" else int(match[1]), int(match[2])
            if low < high <= 12:
                return list(range(low, high + 1)), f"{match[0]!r} in the name"
    for text in texts:
        match = HIGH_SCHOOL.search(text.replace("_", " "))
        if match:
            return [9, 10, 11, 12], f"{match[0]!r} in the name: the high-school grades"
    return [], ""
