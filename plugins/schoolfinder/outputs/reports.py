"""Reports for data staff (not published): quarantine.csv, review.csv, data-quality.html, reconciliation.json."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import jinja2

from ..problems import Severity, remedy
from .processed import dumps
from ..pipeline import BuildResult
from .safety import csv_text, html_finalize

PROBLEM_COLUMNS = ("severity", "code", "file", "row", "column", "message", "value")
REVIEW_COLUMNS = ("kind", "school_key", "field", "source_a", "row_a", "id_a", "name_a", "value_a",
                  "source_b", "row_b", "id_b", "name_b", "value_b", "name_similarity", "distance_m")


def to_csv(rows: list[dict], columns: tuple[str, ...]) -> str:
    """Render dicts as CSV with a fixed column order (missing keys left empty), formulas neutralised."""
    return csv_text(rows, columns)


def quality_page(result: BuildResult) -> str:
    """Render the data-quality page: counts per source, then every problem with what to do."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("schoolfinder", "templates"), autoescape=True,
                             finalize=html_finalize)
    problems = [p.as_dict() | {"todo": remedy(p.code)} for p in result.problems]
    severities = Counter(p["severity"] for p in problems)
    return env.get_template("data-quality.html").render(
        city=result.config.city, reconciliation=result.reconciliation, problems=problems, severities=severities,
        codes=sorted(Counter((p["severity"], p["code"]) for p in problems).items()),
        review=Counter((r["kind"], r.get("field", "")) for r in result.candidates + result.conflicts + result.excluded),
        excluded=result.excluded, schools=len(result.schools))


def write_reports(result: BuildResult, out_dir: Path) -> None:
    """Write the four staff reports into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    quarantined = [p.as_dict() for p in result.problems if p.severity == Severity.QUARANTINE]
    (out_dir / "quarantine.csv").write_text(to_csv(quarantined, PROBLEM_COLUMNS), encoding="utf-8")
    (out_dir / "problems.csv").write_text(to_csv([p.as_dict() for p in result.problems], PROBLEM_COLUMNS), encoding="utf-8")
    (out_dir / "review.csv").write_text(to_csv(result.candidates + result.conflicts + result.excluded, REVIEW_COLUMNS), encoding="utf-8")
    (out_dir / "data-quality.html").write_text(quality_page(result), encoding="utf-8")
    (out_dir / "reconciliation.json").write_text(dumps(result.reconciliation), encoding="utf-8")
