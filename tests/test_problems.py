"""The problem registry: every code the pipeline can raise is registered, with a meaning and a remedy, and documented."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from schoolfinder.configdocs import code_markers
from schoolfinder.problems import CODES, GROUPS, Problem, SchoolfinderError, Severity, code_tables

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = ROOT / "plugins" / "schoolfinder"
CODE_LIKE = re.compile(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)+|[A-Z]{4,}")
NOT_CODES = {*Severity, "BUILD_DATE", "PYTHONPATH", "SCHOOLFINDER_CACHE", "SCHOOLFINDER_PAGE_CACHE", "SCHOOLFINDER_MAP_CACHE", "SCHOOLFINDER_PROCESSED", "NFKD", "PREK",
             "KINDERGARTEN", "PREKINDERGARTEN", "PRESCHOOL", "EARLYCHILDHOOD", "KINDER", "UNGRADED", "SPED",
             "TRUE", "FALSE"}  # environment variables, a Unicode form, grade words and spreadsheet booleans


def _literals() -> dict[str, set[str]]:
    """Every code-like string constant in the pipeline's source, with the modules it appears in."""
    found: dict[str, set[str]] = {}
    for path in PIPELINE.rglob("*.py"):
        if {"demo", "problems"} & set(path.relative_to(PIPELINE).parts):
            continue  # the registry's own keys do not count as uses
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_LIKE.fullmatch(node.value):
                found.setdefault(node.value, set()).add(str(path.relative_to(PIPELINE)))
    return found


def _raised() -> set[tuple[str, str]]:
    """(severity, code) of every Problem built with literal arguments, and of the cell-check rules."""
    from schoolfinder.directory.cells import RULES

    pairs = {(severity, code) for code, (severity, _message) in RULES.items()}
    for path in PIPELINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Problem", "problem") and len(node.args) >= 2:
                severity, code = node.args[:2]
                if isinstance(severity, ast.Constant) and isinstance(code, ast.Constant):
                    pairs.add((severity.value, code.value))
    return pairs


def test_every_code_in_the_source_is_registered():
    unregistered = {code: sorted(where) for code, where in _literals().items() if code not in CODES and code not in NOT_CODES}
    assert not unregistered, f"register these in problems.CODES: {unregistered}"


def test_literal_problems_use_a_registered_severity():
    pairs = _raised()
    assert len(pairs) > 40
    wrong = sorted((s, c) for s, c in pairs if c not in CODES or Severity(s) not in CODES[c].severities)
    assert not wrong, f"severity not registered for: {wrong}"


def test_every_registered_code_is_used_and_explained():
    used = _literals()
    for code, entry in CODES.items():
        assert code in used, f"{code} is registered but never raised"
        assert entry.group in GROUPS and entry.severities and entry.meaning and entry.remedy, code
        assert "\n" not in entry.meaning + entry.remedy, code


def test_readme_code_tables_are_generated_from_the_registry():
    docs = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for group in GROUPS:
        start, end = code_markers(group)
        assert docs[docs.index(start) + len(start) + 1: docs.index(end)] == code_tables(group), "run `make config-docs`"
    for code in CODES:
        assert f"| `{code}` |" in docs, code


def test_severity_is_an_enum_that_reads_as_text():
    problem = Problem("WARN", "NO_GRADES", "a.csv", 2, "grades", "grades are empty")
    assert problem.severity is Severity.WARN and problem.as_dict()["severity"] == "WARN"
    assert problem.describe() == "WARN NO_GRADES: a.csv, row 2, column grades: grades are empty"
    with pytest.raises(ValueError):
        Problem("SEVERE", "NO_GRADES", "a.csv", 2, "grades", "")


def test_every_exception_has_one_base():
    classes = []
    for path in PIPELINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", "").endswith(("Error", "Exception"))
                                                      for b in node.bases):
                classes.append((str(path.relative_to(PIPELINE)), node.name))
    assert classes and {p for p, _ in classes} == {"problems/errors.py"}, classes
    import schoolfinder.problems as problems

    for _path, name in classes:
        assert issubclass(getattr(problems, name), SchoolfinderError), name
