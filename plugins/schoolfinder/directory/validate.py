"""Validate stage: check and normalise mapped directory rows, one Problem per bad cell."""

from __future__ import annotations

import re

import pandas as pd

from ..problems import Problem
from ..config import LIST_FIELDS
from ..ratings.grades import GRADE_LABELS, parse_grade
from ..ratings.gradevocab import parse_grades, spans_label
from .cells import check_cells
from .duplicates import resolve_duplicates
from .familyfields import family_fields
from ..ingest.tables import ROW, SHAPE, SOURCE
from ..outputs.safety import clean_controls

_PHONE_CHARS = re.compile(r"^[0-9()+.\-\s/x]*$")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
COUNT_FIELDS = ("enrollment", "capacity", "count_swd", "count_el", "count_low_income")
RATE_FIELDS = ("suspensions_per_100", "expulsions_per_100")
TEXT_FIELDS = ("how_to_apply", "application_deadline", "school_hours")
SENTINELS = {"-1", "-2", "-3", "-9", "999999", "-99"}


def validate_directory(mapped: pd.DataFrame, source: dict, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Return the rows that may be published (with ``_fate`` set) and the problems found.

    Every input row comes back once: ``_fate`` is ``keep``, ``closed``, ``quarantined``, or
    ``duplicate_row``/``duplicate_id`` (another row of the file has its id), so the caller can reconcile counts.
    """
    problems: list[Problem] = []
    text_fields = [f for f in [*source["columns"], "_sector_raw"] if f not in ("school_id", "state_id", "nces_id")]
    mapped = clean_controls(mapped, text_fields, file, problems, ROW, {f: str(c) for f, c in source["columns"].items()})
    by_row: dict[int, list[Problem]] = {}
    for problem in check_cells(mapped, source["columns"], file):
        by_row.setdefault(problem.row, []).append(problem)
    records = []
    for row in mapped.astype(object).to_dict("records"):  # object first: Arrow-backed strings box one by one
        found: list[Problem] = by_row.get(row[ROW], [])
        if row[SHAPE]:  # cells are shifted, so other checks on this row would only add noise
            found = [Problem("QUARANTINE", row[SHAPE], file, row[ROW], "",
                                 "the row has fewer cells than the header" if row[SHAPE] == "MISSING_CELL"
                                 else "the row has more cells than the header (an unquoted delimiter in a value?)")]
        flagged = {p.code for p in found}
        record = _normalise_row(row, source, file, [] if row[SHAPE] else found, flagged)
        if any(p.severity == "QUARANTINE" for p in found):
            record["_fate"] = "quarantined"
        elif record.get("status_closed"):
            record["_fate"] = "closed"
        else:
            record["_fate"] = "keep"
        problems.extend(found)
        records.append(record)
    found, review = resolve_duplicates(records, file, source["columns"]["school_id"])
    checked = pd.DataFrame.from_records(records)
    checked.attrs["review"] = review  # rows of one id that differ: both rows and the rule, for review.csv
    return checked, problems + found


def _normalise_row(row: dict, source: dict, file: str, found: list[Problem], flagged: set[str]) -> dict:
    columns = source["columns"]
    line = row[ROW]

    def problem(severity, code, field, message, value=""):
        found.append(Problem(severity, code, file, line, columns.get(field, field), message, value))

    record = {ROW: line, SOURCE: row[SOURCE]}
    for field in ("school_id", "state_id", "nces_id", "name", "short_name", "operator", "address", "city"):
        record[field] = row.get(field, "")
    record["sector"] = _sector(row, source, problem)
    record.update(_grades(row, source, problem))
    record["phone"] = _phone(row.get("phone", ""), problem)
    record["zip"] = _zip(row.get("zip", ""), problem)
    record["website"] = _website(row.get("website", ""), problem)
    record["lat"], record["lon"] = (None, None) if "BAD_COORDINATES" in flagged else _coordinates(row, problem)
    record["status_closed"] = row.get("status", "").strip().casefold() in {v.strip().casefold() for v in source["closed_values"]}
    for field in LIST_FIELDS:
        record[field] = _split_list(row.get(field, ""), source["list_separator"])
    record["entry_grades"] = _entry_grades(record["entry_grades"], problem)
    for field in COUNT_FIELDS + RATE_FIELDS:
        record[field] = _number(row.get(field, ""), field, field in COUNT_FIELDS, source["missing_values"], problem)
    for field in TEXT_FIELDS:
        record[field] = row.get(field, "")
    record["application_url"] = _website(row.get("application_url", ""), problem, "application_url")
    record["midyear_entry"] = _yes_no(row.get("midyear_entry", ""), problem)
    record.update(family_fields(row, source, problem))
    return record


def _number(value: str, field: str, whole: bool, missing: list[str], problem) -> float | int | None:
    """Parse a count or rate; sentinels, declared missing values and text mean "not reported", never zero."""
    if not value or value in missing:
        return None
    if value in SENTINELS:
        problem("WARN", "SENTINEL_VALUE", field, "a code for \"not reported\"; shown as not reported", value)
        return None
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        problem("WARN", "NOT_A_NUMBER", field, "not a number; shown as not reported", value)
        return None
    if number < 0 or (whole and not number.is_integer()):
        problem("WARN", "NOT_A_NUMBER", field, "not a valid count or rate; shown as not reported", value)
        return None
    return int(number) if whole else number


def _yes_no(value: str, problem) -> bool | None:
    text = value.strip().lower()
    if text in ("y", "yes", "true", "1"):
        return True
    if text in ("n", "no", "false", "0"):
        return False
    if text:
        problem("WARN", "NOT_YES_NO", "midyear_entry", "expected yes or no; shown as not reported", value)
    return None


def _entry_grades(items: list[str], problem) -> list[str]:
    labels = []
    for item in items:
        grade = parse_grade(item)
        if grade is None:
            problem("WARN", "GRADE_TOKEN", "entry_grades", "not a grade; left out", item)
        else:
            labels.append(GRADE_LABELS[grade])
    return labels


def _sector(row: dict, source: dict, problem) -> str:
    if row.get("_sector_rule"):
        return row["_sector_rule"]
    if source["sector"]:
        return source["sector"]
    if not source["sector_column"]:
        return ""
    raw = row["_sector_raw"]
    values = {k.strip().casefold(): v for k, v in source["sector_values"].items()}
    sector = values.get(raw.strip().casefold(), source["sector_default"])
    if not sector:
        problem("QUARANTINE", "UNKNOWN_SECTOR", source["sector_column"],
                "value is not in sector_values and there is no sector_default", raw)
    return sector


def _grades(row: dict, source: dict, problem) -> dict:
    """Grades as a set; unknown tokens are warnings and never remove a school (see ratings/gradevocab.py)."""
    empty = {"grade_low": None, "grade_high": None, "grades": "", "grade_set": [], "ungraded": False}
    if "grades" in row:
        cell, field = row["grades"], "grades"
    elif "grade_low" in row and "grade_high" in row:
        cell, field = f"{row['grade_low']}-{row['grade_high']}", "grade_low"
    else:
        return empty
    for column, value in row.get("_grade_unreadable") or []:
        problem("WARN", "NOT_A_NUMBER", column, "enrollment in a grade column is not a number; that grade is left out", value)
    if not cell.strip("-"):
        problem("WARN", "NO_GRADES", field, "grades are empty; shown as not reported")
        return empty
    found = parse_grades(cell, source.get("grade_aliases"))
    if found.unknown:
        problem("WARN", "GRADE_TOKEN", field, "not a grade (add it to grade_aliases); the school is published with the "
                "grades that were understood", "; ".join(found.unknown))
    if not found.grades:
        return {**empty, "ungraded": found.ungraded}
    grades = sorted(found.grades)
    return {"grade_low": grades[0], "grade_high": grades[-1], "grades": spans_label(found.grades),
            "grade_set": grades, "ungraded": found.ungraded}


def _phone(value: str, problem) -> str:
    if not value:
        return ""
    if re.fullmatch(r"\d{10,11}\.0", value):
        problem("NORMALIZE", "EXCEL_NUMBER", "phone", "phone was stored as a number; '.0' removed", value)
        value = value[:-2]
    if not _PHONE_CHARS.match(value):
        problem("WARN", "PHONE_NOT_A_NUMBER", "phone", "not a phone number (letters or markup); left out, the school is still listed", value)
        return ""
    digits = re.sub(r"\D", "", value.split("x")[0])
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) == 10:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    problem("WARN", "PHONE_FORMAT", "phone", "not a 10-digit phone number; shown as given", value)
    return value


def _zip(value: str, problem) -> str:
    if value and not _ZIP.match(value):
        problem("WARN", "ZIP_FORMAT", "zip", "not a 5-digit ZIP code; shown as given", value)
    return value


def _website(value: str, problem, field: str = "website") -> str:
    if not value:
        return ""
    compact = re.sub(r"\s", "", value).lower()
    scheme = compact.split(":", 1)[0] if ":" in compact else ""
    if scheme in ("http", "https"):
        if re.search(r'[\s"<>`]', value.strip()):
            problem("QUARANTINE", "URL_FORMAT", field, "a web address cannot contain spaces, quotes or < >", value)
            return ""
        return value.strip()
    if not scheme or scheme.startswith("www") or "." in scheme:
        if " " not in value and "." in value and "<" not in value:
            problem("NORMALIZE", "URL_NO_SCHEME", field, "added https:// to a web address without a scheme", value)
            return "https://" + value.strip()
    problem("QUARANTINE", "URL_SCHEME", field, "only http and https links are published", value)
    return ""


def _coordinates(row: dict, problem) -> tuple[float | None, float | None]:
    if "lat" not in row or "lon" not in row:
        return None, None
    raw_lat, raw_lon = row["lat"], row["lon"]
    if not raw_lat or not raw_lon:
        problem("WARN", "NO_COORDINATES", "lat", "no coordinates: published with \"location unavailable\"")
        return None, None
    lat, lon = float(raw_lat), float(raw_lon)
    if abs(lat) < 1 and abs(lon) < 1:
        problem("WARN", "POINT_NEAR_ORIGIN", "lat", "point is near 0,0; treated as missing", f"{raw_lat}, {raw_lon}")
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problem("WARN", "CRS_UNEXPECTED", "lat", "not WGS84 degrees (projected coordinates?); treated as missing",
                f"{raw_lat}, {raw_lon}")
        return None, None
    return lat, lon


def _split_list(cell: str, separator: str) -> list[str]:
    items = [item.strip() for item in cell.split(separator)] if cell else []
    return list(dict.fromkeys(item for item in items if item))
