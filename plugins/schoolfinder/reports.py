"""Reports for data staff (not published): quarantine.csv, review.csv, data-quality.html, reconciliation.json."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import jinja2

from .io import dumps
from .pipeline import BuildResult

PROBLEM_COLUMNS = ("severity", "code", "file", "row", "column", "message", "value")
REVIEW_COLUMNS = ("kind", "school_key", "field", "source_a", "row_a", "id_a", "name_a", "value_a",
                  "source_b", "row_b", "id_b", "name_b", "value_b", "name_similarity", "distance_m")
WHAT_TO_DO = {
    "MISSING_SCHOOL_ID": "Fill in the school id in the export.",
    "MISSING_NAME": "Fill in the school name in the export.",
    "ID_NON_PRINTABLE": "Retype the id: it holds a no-break space or an invisible character.",
    "ID_FORMAT": "Export the NCES id as text with all 12 digits (Excel drops leading zeros).",
    "FORMULA_IN_CELL": "Export values, not formulas (paste as values before saving).",
    "FIELD_TOO_LONG": "Shorten the cell or check that two columns did not run together.",
    "MISSING_CELL": "The row has fewer cells than the header: check for a missing delimiter.",
    "EXTRA_CELL": "The row has more cells than the header: quote values that contain the delimiter.",
    "DUPLICATE_KEY": "Remove the second copy of this school, or give it its own id.",
    "DUPLICATE_ROW": "Nothing to do: an exact copy of an earlier row was merged. Ask for an export without repeats.",
    "DUPLICATE_ID_CONFLICT": "Two rows share an id but differ: check review.csv, correct the export or give each school its own id.",
    "UNKNOWN_SECTOR": "Add the value to sector_values in city.toml, or set sector_default.",
    "GRADE_TOKEN": "Add the token to grade_aliases in city.toml, or write grades as PK, K, 1-12, UG (K-8, PK,K-5).",
    "JOIN_MOSTLY_FAILED": "Compare the id columns of both files (leading zeros, id_width, federal vs local codes).",
    "JOIN_NO_MATCH": "Check school_id_column/join and id_width; set allow_no_match = true only if no match is expected.",
    "QUARANTINE_SHARE": "Fix the most common reasons named, or correct the source's mapping in city.toml.",
    "GEOMETRY_REPAIRED": "Check the repaired polygon on a map; fix it in the boundary file if the repair looks wrong.",
    "BOUNDARY_OVERLAP": "Fix the boundary file so neighborhoods do not overlap.",
    "URL_SCHEME": "Use an http or https web address.",
    "URL_FORMAT": "Remove spaces, quotes and angle brackets from the web address.",
    "PHONE_FORMAT": "Give a 10-digit phone number.",
    "PHONE_NOT_A_NUMBER": "Give a 10-digit phone number using only digits, spaces and ()+-.",
    "UNKNOWN_RATING": "Add the value to levels or not_rated in city.toml, or correct the file.",
    "NO_COORDINATES": "Add latitude and longitude so the school appears on maps and in travel times.",
    "COORDS_OUTSIDE_CITY": "Check the latitude and longitude: the point is far outside the city.",
    "LIKELY_SWAPPED": "Latitude and longitude look swapped: exchange the two columns for this row.",
    "SHARED_COORDINATES": "Several schools share one point (often the district office): geocode each address.",
    "SNAPPED_TO_NEIGHBORHOOD": "The point is just outside the city edge; check it.",
    "OUTSIDE_NEIGHBORHOODS": "The point is outside every neighborhood; check it or the boundary file.",
    "SUSPECTED_MOJIBAKE": "Re-export the file in UTF-8, or set the source's encoding in city.toml.",
    "UNKNOWN_COLUMN": "Nothing to do unless one of these columns should be mapped in city.toml.",
}


def to_csv(rows: list[dict], columns: tuple[str, ...]) -> str:
    """Render dicts as CSV with a fixed column order (missing keys left empty)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def quality_page(result: BuildResult) -> str:
    """Render the data-quality page: counts per source, then every problem with what to do."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("schoolfinder", "templates"), autoescape=True)
    problems = [p.as_dict() | {"todo": WHAT_TO_DO.get(p.code, "")} for p in result.problems]
    severities = Counter(p["severity"] for p in problems)
    return env.get_template("data-quality.html").render(
        city=result.config.city, reconciliation=result.reconciliation, problems=problems, severities=severities,
        codes=sorted(Counter((p["severity"], p["code"]) for p in problems).items()),
        review=Counter((r["kind"], r.get("field", "")) for r in result.candidates + result.conflicts + result.excluded),
        excluded=result.excluded, schools=len(result.schools))


def write_reports(result: BuildResult, out_dir: Path) -> None:
    """Write the four staff reports into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    quarantined = [p.as_dict() for p in result.problems if p.severity == "QUARANTINE"]
    (out_dir / "quarantine.csv").write_text(to_csv(quarantined, PROBLEM_COLUMNS), encoding="utf-8")
    (out_dir / "problems.csv").write_text(to_csv([p.as_dict() for p in result.problems], PROBLEM_COLUMNS), encoding="utf-8")
    (out_dir / "review.csv").write_text(to_csv(result.candidates + result.conflicts + result.excluded, REVIEW_COLUMNS), encoding="utf-8")
    (out_dir / "data-quality.html").write_text(quality_page(result), encoding="utf-8")
    (out_dir / "reconciliation.json").write_text(dumps(result.reconciliation), encoding="utf-8")
