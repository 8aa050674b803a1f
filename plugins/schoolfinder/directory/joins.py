"""Join checks: a file whose rows mostly match no school is a warning; one that matches none is an error.

Ids are compared in canonical form (``ingest.canonical_id``), so ``00101``, ``101`` and ``101.0`` meet when
the directory source sets ``id_width``.
"""

from __future__ import annotations

import difflib

from ..problems import DataError, Problem


def pad_id(value: str, width: int) -> str:
    """Zero-pad a numeric id to the directory's ``id_width`` (and drop Excel's ``.0``)."""
    value = value.strip()
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    return value.zfill(width) if width and value.isdigit() else value


def check_join(file: str, column: str, considered: int, attached: int, unmatched: list[str], known: list[str],
               allow_no_match: bool, problems: list[Problem]) -> None:
    """Warn (JOIN_MOSTLY_FAILED) when fewer than half of ``considered`` rows attached; fail when none did."""
    if not considered or attached * 2 >= considered:
        return
    examples = sorted(set(unmatched))[:3]
    known = sorted(set(known))
    nearest = {u: difflib.get_close_matches(u, known, n=2, cutoff=0.5) for u in examples}
    shown = "; ".join(f"{u} (nearest: {', '.join(n) or 'none'})" for u, n in nearest.items())
    message = f"only {attached} of {considered} rows match a school; unmatched ids, e.g. {shown}"
    if attached == 0 and not allow_no_match:
        raise DataError(Problem("FAIL", "JOIN_NO_MATCH", file, None, column,
                                message + ". Check the id column and id_width, or set allow_no_match = true"))
    problems.append(Problem("WARN", "JOIN_MOSTLY_FAILED", file, None, column, message, ", ".join(examples)))
