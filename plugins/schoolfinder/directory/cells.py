"""Format checks on raw text cells with pandera, before anything is cast: one failure never hides another."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..contract import ID_FIELDS
from ..problems import Problem
from ..ingest.tables import ROW

MAX_FIELD = 1000  # characters; longer cells are quarantined
MAX_DESCRIPTION = 20_000  # a school's description may be long: it is cut for pages (familyfields.DESCRIPTION_MAX)
LONG_NAME = 200

# code -> (severity, message)
RULES = {
    "MISSING_SCHOOL_ID": ("QUARANTINE", "school id is empty"),
    "MISSING_NAME": ("QUARANTINE", "name is empty"),
    "ID_NON_PRINTABLE": ("QUARANTINE", "id has spaces, no-break spaces or invisible characters"),
    "ID_FORMAT": ("QUARANTINE", "NCES id must be 12 digits (lost leading zero or Excel notation?)"),
    "FORMULA_IN_CELL": ("QUARANTINE", "cell holds a spreadsheet formula, not a value"),
    "FIELD_TOO_LONG": ("QUARANTINE", f"cell is longer than {MAX_FIELD} characters"),
    "LONG_NAME": ("WARN", f"name is longer than {LONG_NAME} characters; shown in full"),
    "SUSPECTED_MOJIBAKE": ("WARN", "text looks double-encoded (e.g. 'Ã©' for 'é'); check the export's encoding"),
    "BAD_COORDINATES": ("WARN", "coordinate is not a number; the school is published with \"location unavailable\""),
}


def _ok(pattern: str):
    return lambda s: s.str.fullmatch(pattern)


def _not(pattern: str):
    return lambda s: ~s.str.contains(pattern, regex=True)


def _column_checks(field: str) -> list[pa.Check]:
    longest = MAX_DESCRIPTION if field == "description" else MAX_FIELD
    checks = [pa.Check(_not(r"^=[A-Za-z]+\("), name="FORMULA_IN_CELL"),
              pa.Check(lambda s: s.str.len() <= longest, name="FIELD_TOO_LONG")]
    if field in ID_FIELDS:
        checks.append(pa.Check(_ok(r"[\x21-\x7e]*(?:[\x20][\x21-\x7e]+)*"), name="ID_NON_PRINTABLE"))
    if field == "school_id":
        checks.append(pa.Check(lambda s: s != "", name="MISSING_SCHOOL_ID"))
    if field == "nces_id":
        checks.append(pa.Check(_ok(r"(\d{12})?"), name="ID_FORMAT"))
    if field == "name":
        checks += [pa.Check(lambda s: s.str.strip() != "", name="MISSING_NAME"),
                   pa.Check(lambda s: s.str.len() <= LONG_NAME, name="LONG_NAME")]
    if field in ("name", "short_name", "address", "operator", "city"):
        checks.append(pa.Check(_not(r"[ÃÂâ][^\x00-\x7f]"), name="SUSPECTED_MOJIBAKE"))
    if field in ("lat", "lon"):
        checks.append(pa.Check(_ok(r"(\s*[-+]?\d+(\.\d*)?([eE][-+]?\d+)?\s*)?"), name="BAD_COORDINATES"))
    return checks


def check_cells(mapped: pd.DataFrame, columns: dict[str, str], file: str) -> list[Problem]:
    """Run every format rule on the mapped text frame; return one Problem per failing cell.

    ``columns`` maps canonical fields to the file's column names (for the messages).
    """
    fields = [f for f in columns if f in mapped.columns]
    schema = pa.DataFrameSchema({f: pa.Column(str, checks=_column_checks(f), nullable=False) for f in fields})
    try:
        schema.validate(mapped[fields], lazy=True)
        return []
    except SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases[cases["index"].notna() & cases["check"].isin(RULES)]
    problems = []
    for case in cases.sort_values(["index", "column"], kind="stable").to_dict("records"):
        severity, message = RULES[case["check"]]
        row = int(mapped.loc[int(case["index"]), ROW])
        problems.append(Problem(severity, case["check"], file, row, columns[case["column"]], message, str(case["failure_case"])))
    return problems
