"""Rows of one file that share a school id: exact copies are merged and counted; differing rows yield one school.

The rule for differing rows (stated on the review file): **the row with the most filled-in fields wins; on a
tie, the first row in the file**. Every other row of the id is counted as merged, and both rows are listed in
``review.csv`` (kind ``duplicate_id``) with the rule, so staff can correct the export.
"""

from __future__ import annotations

from ..problems import Problem
from ..ingest.tables import ROW, SOURCE

RULE = "the row with the most filled-in fields wins; on a tie, the first row in the file"
_IGNORED = {ROW, "_fate"}


def resolve_duplicates(records: list[dict], file: str, id_column: str) -> tuple[list[Problem], list[dict]]:
    """Set ``_fate`` of repeated rows to ``duplicate_row`` (exact copy) or ``duplicate_id`` (differs); return
    the problems and the review entries. Only rows that would be published (fate ``keep``/``closed``) take part."""
    problems, review = [], []
    by_id: dict[str, list[dict]] = {}
    for record in records:
        if record.get("school_id") and record["_fate"] in ("keep", "closed"):
            by_id.setdefault(record["school_id"], []).append(record)
    for school_id, rows in by_id.items():
        if len(rows) < 2:
            continue
        distinct: list[dict] = []
        for row in rows:
            copy_of = next((d for d in distinct if _content(d) == _content(row)), None)
            if copy_of is None:
                distinct.append(row)
                continue
            row["_fate"] = "duplicate_row"
            problems.append(Problem("NORMALIZE", "DUPLICATE_ROW", file, row[ROW], id_column,
                                    f"an exact copy of row {copy_of[ROW]}; merged and counted", school_id))
        if len(distinct) < 2:
            continue
        winner = max(distinct, key=lambda r: (_filled(r), -r[ROW]))
        for row in distinct:
            if row is winner:
                continue
            row["_fate"] = "duplicate_id"
            problems.append(Problem("WARN", "DUPLICATE_ID_CONFLICT", file, row[ROW], id_column,
                                    f"same id as row {winner[ROW]} with different values; row {winner[ROW]} is published "
                                    f"({RULE}); both rows are in review.csv", school_id))
            review.append({"kind": "duplicate_id", "school_key": school_id, "source_a": winner[SOURCE], "row_a": winner[ROW],
                           "id_a": school_id, "name_a": winner.get("name", ""), "value_a": f"published: {RULE}",
                           "source_b": row[SOURCE], "row_b": row[ROW], "id_b": school_id, "name_b": row.get("name", ""),
                           "value_b": "merged into row_a"})
    return problems, review


def _content(record: dict) -> tuple:
    return tuple((k, repr(v)) for k, v in sorted(record.items()) if k not in _IGNORED)


def _filled(record: dict) -> int:
    return sum(1 for k, v in record.items() if k not in _IGNORED and v not in (None, "", [], False)
               and not (isinstance(v, float) and v != v))
