"""What families ask first: admission, school type, common application, care hours, languages, description, outcomes.

Each reader takes a mapped row and a ``problem(severity, code, field, message, value)`` callback, and returns the
record fields. Hours and rates that cannot be read are kept as published (hours) or left out (rates), with a
row-level warning; the school is always published.
"""

from __future__ import annotations

import re

DESCRIPTION_MAX = 600  # characters of a school's own description shown on its page
OUTCOMES = ("graduation_rate", "college_enrollment_rate", "average_test_score")
_PERCENT = {"graduation_rate", "college_enrollment_rate"}
_TIME = re.compile(r"(\d{1,2})(?:[:.;] ?(\d{2}))?\s*([ap])\.?\s*m\.?|(\d{1,2})[:.;] ?(\d{2})(?!\s*[ap]\.?m)", re.IGNORECASE)
YES = {"y", "yes", "true", "1", "x"}  # a yes/no cell as the build reads it (init drafts by it too)
NO = {"n", "no", "false", "0"}


def family_fields(row: dict, source: dict, problem) -> dict:
    """The record fields of issue 20 for one mapped row."""
    record = {"school_type": row.get("school_type", ""), "admission_text": row.get("admission", "")}
    record["admission"] = _admission(row, source, problem)
    record["common_application"] = _common_application(row.get("common_application", ""), problem)
    applies = record["common_application"]
    record["common_application_name"] = source.get("common_application_name", "") if applies else ""
    record["common_application_url"] = source.get("common_application_url", "") if applies else ""
    record["before_care_text"] = row.get("before_care_from", "")
    record["after_care_text"] = row.get("after_care_until", "")
    record["before_care_from"] = _care_time(record["before_care_text"], "before_care_from", earliest=True, problem=problem)
    record["after_care_until"] = _care_time(record["after_care_text"], "after_care_until", earliest=False, problem=problem)
    record["description"] = _description(row.get("description", ""))
    record["outcomes"] = _outcomes(row, source, problem)
    return record


def _admission(row: dict, source: dict, problem) -> list[str]:
    routes = list(row.get("_admission_flags") or [])
    words = row.get("admission", "").strip()
    if words:
        values = {k.strip().casefold(): v for k, v in source.get("admission_values", {}).items()}
        route = values.get(words.casefold())
        if route:
            routes.append(route)
        else:
            problem("WARN", "ADMISSION_VALUE", "admission", "not in admission_values; shown as published", words)
    return list(dict.fromkeys(routes))


def _common_application(value: str, problem) -> bool | None:
    text = value.strip().casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    if text:
        problem("WARN", "NOT_YES_NO", "common_application", "expected yes or no; shown as not reported", value)
    return None


def parse_clock_times(text: str) -> list[int]:
    """Every clock time in ``text`` as minutes after midnight: `3:30 pm-5:30 pm`, `7:30AM`, `15:00`, `6 p.m.`.

    A time without am/pm takes the am/pm of the next time that has one (`3:30-5:30 PM`)."""
    found = []
    for match in _TIME.finditer(text):
        if match.group(3):
            hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3).lower()
        else:
            hour, minute, half = int(match.group(4)), int(match.group(5)), ""
        found.append([hour, minute, half])
    for i in range(len(found) - 2, -1, -1):
        if not found[i][2] and found[i + 1][2] and found[i][0] <= 12:
            found[i][2] = found[i + 1][2] if found[i][0] <= found[i + 1][0] or found[i + 1][0] == 12 else "a"
    minutes = []
    for hour, minute, half in found:
        if half and not 1 <= hour <= 12 or hour > 23 or minute > 59:
            return []
        if half:
            hour = hour % 12 + (12 if half == "p" else 0)
        minutes.append(hour * 60 + minute)
    return minutes


def _care_time(text: str, field: str, earliest: bool, problem) -> str | None:
    """``HH:MM`` (24-hour) of the earliest (drop-off) or latest (pick-up) time in ``text``; None when unreadable."""
    if not text.strip():
        return None
    minutes = parse_clock_times(text)
    if not minutes:
        problem("WARN", "CARE_HOURS_FORMAT", field, "no clock time could be read; shown as published", text)
        return None
    if not earliest:  # care ends in the afternoon: a bare `5:30` (no am/pm) is 17:30
        minutes = [m + 720 if m < 9 * 60 else m for m in minutes]
    value = min(minutes) if earliest else max(minutes)
    return f"{value // 60:02d}:{value % 60:02d}"


def _description(text: str) -> str:
    text = re.sub(r"<[^>]*>", " ", text)  # plain text: markup in the source is dropped, the rest is escaped where shown
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= DESCRIPTION_MAX:
        return text
    return text[:DESCRIPTION_MAX].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _outcomes(row: dict, source: dict, problem) -> dict:
    """Each outcome the row reports: value, comparison value, year, or suppressed."""
    year = row.get("outcomes_year", "") or source.get("outcomes_year", "")
    suppressed = {v.strip().casefold() for v in source.get("suppressed_values", [])}
    missing = {v.strip().casefold() for v in source.get("missing_values", [])}
    out = {}
    for name in OUTCOMES:
        raw = row.get(name, "").strip()
        if not raw or raw.casefold() in missing:
            continue
        if raw.casefold() in suppressed:
            out[name] = {"suppressed": True, "year": year}
            continue
        value = _rate(raw, name, problem)
        if value is not None:
            compare = _rate(row.get(f"{name}_compare", "").strip(), f"{name}_compare", problem)
            out[name] = {"value": value, "compare": compare, "year": year}
    return out


def _rate(raw: str, field: str, problem) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw.rstrip("%").replace(",", ""))
    except ValueError:
        problem("WARN", "RATE_OUT_OF_RANGE", field, "not a number; shown as not reported", raw)
        return None
    high = 100 if field.removesuffix("_compare") in _PERCENT else 1600
    if not 0 <= value <= high:
        problem("WARN", "RATE_OUT_OF_RANGE", field, f"outside 0-{high}; shown as not reported", raw)
        return None
    return value
