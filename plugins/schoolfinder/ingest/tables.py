"""Ingest stage: read source files as text and map them onto canonical school fields."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from ..problems import DataError, Problem
from ..ratings.gradevocab import LABELS, UNGRADED, grades_from_enrollment
from .rowfilters import matches
from .workbook import EXCEL_ROW, SHEET, combine_header, read_sheets  # noqa: F401 (SHEET: where a spreadsheet row came from)

ROW = "_row"  # 1-based row in the file, the header is row 1
SOURCE = "_source"
SHAPE = "_shape"  # "", MISSING_CELL or EXTRA_CELL: the row had fewer or more cells than the header


def read_table(path: Path, source: dict) -> pd.DataFrame:
    """Read a CSV/XLSX/XLS source as strings, with the file row number in ``_row``.

    Fails with a DataError naming the file (and line, column) when the file is
    missing, empty, not in its declared encoding, or has a duplicate header.
    """
    name = path.name
    if not path.is_file():
        raise DataError(Problem("FAIL", "MISSING_FILE", str(path), None, "", "file not found"))
    if path.stat().st_size == 0:
        raise DataError(Problem("FAIL", "EMPTY_FILE", name, None, "", "file is empty (0 bytes)"))
    if source.get("format", "csv") == "csv":
        frame = _read_csv(path, source)
    else:
        frame = _read_excel(path, source)
        frame[SHAPE] = ""
        frame.insert(0, ROW, frame[EXCEL_ROW].to_numpy())  # spreadsheets: each sheet's own row numbers
    # skip_rows counts data rows after the header: data row n is physical row (last header row) + n
    skip = {int(r) + 1 for r in source.get("skip_rows", [])}
    last_header = source.get("header_row", 1) + source.get("header_rows", 1) - 1
    return frame[~(frame[ROW] - last_header + 1).isin(skip)].reset_index(drop=True)


csv.field_size_limit(64 * 1024 * 1024)  # a huge cell is a row problem (FIELD_TOO_LONG), never a failed file


def _read_csv(path: Path, source: dict) -> pd.DataFrame:
    """Read a CSV as text. ``_row`` is the physical line where each record starts (cells may hold newlines);
    lines above ``header_row`` are titles; trailing empty cells (a delimiter at the end of each line) are dropped."""
    text = _decode(path, source.get("encoding", "utf-8")).removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=source.get("delimiter", ","), strict=True)
    try:
        for _ in range(source.get("header_row", 1) - 1):
            next(reader, None)
        header = _trim(next(reader, []))
        if source.get("header_rows", 1) == 2:  # a subject row over a level row (see workbook.combine_header)
            header = _trim(combine_header([[" ".join(c.split()) for c in header],
                                           [" ".join(c.split()) for c in next(reader, [])]]))
        _check_header(header, path.name)
        rows, lines = [], []
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if any(cell.strip() for cell in cells):  # blank lines are not records (trailing newlines, stray \r)
                rows.append(cells)
                lines.append(line)
    except csv.Error as exc:
        raise DataError(Problem("FAIL", "CSV_PARSE_ERROR", path.name, reader.line_num, "",
                                f"{exc} (a quote is probably not closed; was the file cut short?)")) from None
    if _trailing_delimiter(rows, len(header)):  # every long row is one empty cell too long: an export habit
        rows = [r[:-1] if len(r) == len(header) + 1 else r for r in rows]
    shapes = ["" if len(r) == len(header) else ("MISSING_CELL" if len(r) < len(header) else "EXTRA_CELL") for r in rows]
    records = [(r + [""] * len(header))[: len(header)] for r in rows]
    frame = pd.DataFrame(records, columns=header, dtype=str)
    frame[SHAPE] = shapes
    frame.insert(0, ROW, lines)
    return frame


def _trailing_delimiter(rows: list[list[str]], width: int) -> bool:
    """True when most data rows end with a delimiter the header lacks, and every longer row is exactly that."""
    longer = [r for r in rows if len(r) > width]
    return len(longer) * 2 > len(rows) and all(len(r) == width + 1 and r[-1] == "" for r in longer)


def _trim(cells: list[str]) -> list[str]:
    """Drop empty cells at the end of a line (a trailing delimiter), keeping at least one cell."""
    end = len(cells)
    while end > 1 and cells[end - 1] == "":
        end -= 1
    return cells[:end]


def _decode(path: Path, encoding: str) -> str:
    data = path.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        code = "ENCODING_NOT_UTF8" if encoding.lower().replace("_", "-").startswith("utf-8") else "ENCODING_ERROR"
        raise DataError(Problem("FAIL", code, path.name, line, "",
                                f"byte 0x{byte} is not valid {encoding}; fix the file or set the source's encoding")) from None


def _check_header(header: list[str], file: str) -> None:
    if not header:
        raise DataError(Problem("FAIL", "EMPTY_FILE", file, 1, "", "the file has no header row"))
    seen = set()
    for column in header:
        if column in seen:
            raise DataError(Problem("FAIL", "DUPLICATE_HEADER", file, 1, column, "the header names this column twice"))
        seen.add(column)


def _read_excel(path: Path, source: dict) -> pd.DataFrame:
    """Read one or more worksheets as displayed text (see workbook.py)."""
    return read_sheets(path, source.get("sheets") or [], source.get("header_row", 1), source.get("header_rows", 1))


def require_columns(frame: pd.DataFrame, columns: list[str], file: str) -> None:
    """Fail naming the first configured column the file does not have."""
    for column in columns:
        if column not in frame.columns:
            raise DataError(Problem("FAIL", "MISSING_COLUMN", file, 1, column,
                                    f"column not found; the file has: {', '.join(map(str, frame.columns[1:12]))}…"))


def clean_text(value: str) -> str:
    """NFC-normalise, collapse whitespace (including no-break and zero-width spaces), drop Excel's leading apostrophe."""
    value = unicodedata.normalize("NFC", value).removeprefix("'")
    value = value.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(value.split())


TRUE_VALUES = {"true", "yes", "y", "1", "x"}
PLACEHOLDER_IDS = {"n/a", "#n/a", "0", "-", "--", "tbd", "tba", "null"}


def canonical_id(value: str, width: int = 0) -> str:
    """The form ids are compared in: trimmed (spaces only), Excel's ``.0`` removed, zero-padded to ``width`` when
    numeric; placeholders (``N/A``, ``0``, ``-``, ``TBD``, blank) are no id at all."""
    value = value.strip(" ")
    if re.fullmatch(r"\d+\.0+", value):
        value = value.split(".")[0]
    if value.casefold() in PLACEHOLDER_IDS or not value.strip("0"):
        return ""
    return value.zfill(width) if width and value.isdigit() else value


def used_columns(source: dict) -> list[str]:
    """Every column of the file the source's config reads."""
    used = []
    for column in source["columns"].values():
        used += column if isinstance(column, list) else [column]
    used += list(source.get("flag_columns", {})) + list(source.get("grade_enrollment_columns", {}))
    used += list(source.get("admission_flag_columns", {}))
    return used + ([source["sector_column"]] if source.get("sector_column") else [])


def unmapped_columns(frame: pd.DataFrame, source: dict) -> list[str]:
    """Columns of the file that the source's config does not use."""
    used = set(used_columns(source))
    return [str(c) for c in frame.columns if c not in used and not str(c).startswith("_")]


def map_directory(frame: pd.DataFrame, source: dict, file: str) -> pd.DataFrame:
    """Rename a directory source's columns to canonical fields and clean the text.

    Returns a frame with ``_row``, ``_source`` and one column per mapped field.
    """
    require_columns(frame, used_columns(source), file)
    separator = source.get("list_separator", ";")
    mapped = pd.DataFrame({ROW: frame[ROW].to_numpy()})
    mapped[SOURCE] = source["id"]
    mapped[SHAPE] = frame[SHAPE].to_numpy()
    for field, column in source["columns"].items():
        if isinstance(column, list):  # several columns feed one list field
            values = frame[column].astype(str).apply(lambda cells: separator.join(c for c in cells if c.strip()), axis=1)
        else:
            values = frame[column].astype(str)
        # Ids keep invisible characters so the checks can quarantine them; names are normalised.
        convert = (lambda v: canonical_id(v, source.get("id_width", 0))) \
            if field in ("school_id", "state_id", "nces_id") else clean_text
        mapped[field] = np.array([convert(v) for v in values.tolist()], dtype=object)  # a list: Arrow-backed
        # strings are slow to walk one value at a time (Series.map does)
    for column, target in source.get("flag_columns", {}).items():
        field, label = (part.strip() for part in target.split(":", 1))
        flagged = frame[column].astype(str).str.strip().str.lower().isin(TRUE_VALUES).to_numpy()
        current = mapped[field].tolist() if field in mapped else [""] * len(mapped)
        mapped[field] = [separator.join(filter(None, [c, label])) if f else c for c, f in zip(current, flagged)]
    mapped["_admission_flags"] = [[] for _ in range(len(mapped))]
    for column, route in source.get("admission_flag_columns", {}).items():
        flagged = frame[column].astype(str).str.strip().str.lower().isin(TRUE_VALUES).to_numpy()
        mapped["_admission_flags"] = [routes + [route] if f else routes for routes, f in zip(mapped["_admission_flags"], flagged)]
    if source.get("grade_enrollment_columns"):
        mapped["grades"], mapped["_grade_unreadable"] = _grades_from_columns(frame, source["grade_enrollment_columns"])
    if source["sector_column"]:
        mapped["_sector_raw"] = frame[source["sector_column"]].astype(str).map(clean_text).to_numpy()
    mapped["_sector_rule"] = ""
    for rule in reversed(source.get("sector_rules", [])):  # the first matching rule wins
        require_columns(frame, [rule["column"]], file)
        mapped.loc[matches(frame, rule).to_numpy(), "_sector_rule"] = rule["sector"]
    return mapped


def _grades_from_columns(frame: pd.DataFrame, columns: dict[str, str]) -> tuple[list[str], list[list]]:
    """A grades cell (``PK,K,1,UG``) per row from enrollment columns above 0, and the unreadable cells."""
    cells, unreadable = [], []
    for row in frame[list(columns)].astype(str).to_dict("records"):
        found, bad = grades_from_enrollment(row, columns)
        cells.append(",".join([LABELS[g] for g in sorted(found.grades)] + ([UNGRADED] if found.ungraded else [])))
        unreadable.append([(column, row[column]) for column in bad])
    return cells, unreadable
