"""Ingest stage: read source files as text and map them onto canonical school fields."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pandas as pd

from .errors import DataError, Problem
from .grades import parse_span

ROW = "_row"  # 1-based row in the file, the header is row 1
SOURCE = "_source"


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
    frame.insert(0, ROW, range(2, len(frame) + 2))
    skip = {int(r) + 1 for r in source.get("skip_rows", [])}
    return frame[~frame[ROW].isin(skip)].reset_index(drop=True)


def _read_csv(path: Path, source: dict) -> pd.DataFrame:
    data = path.read_bytes()
    encoding = source.get("encoding", "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise DataError(Problem("FAIL", "ENCODING_ERROR", path.name, line, "",
                                f"byte 0x{byte} is not valid {encoding}; fix the file or set the source's encoding")) from None
    text = text.removeprefix("\ufeff")
    delimiter = source.get("delimiter", ",")
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    seen = set()
    for column in header:
        if column in seen:
            raise DataError(Problem("FAIL", "DUPLICATE_HEADER", path.name, 1, column, "the header names this column twice"))
        seen.add(column)
    try:
        return pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise DataError(Problem("FAIL", "CSV_PARSE_ERROR", path.name, None, "", str(exc))) from None


def _read_excel(path: Path, source: dict) -> pd.DataFrame:
    sheet = source.get("sheet") or 0
    engine = "xlrd" if source["format"] == "xls" else "openpyxl"
    try:
        frame = pd.read_excel(path, sheet_name=sheet, dtype=str, engine=engine, keep_default_na=False)
    except ValueError as exc:
        raise DataError(Problem("FAIL", "SHEET_ERROR", path.name, None, "", str(exc))) from None
    return frame.fillna("")


def require_columns(frame: pd.DataFrame, columns: list[str], file: str) -> None:
    """Fail naming the first configured column the file does not have."""
    for column in columns:
        if column not in frame.columns:
            raise DataError(Problem("FAIL", "MISSING_COLUMN", file, 1, column,
                                    f"column not found; the file has: {', '.join(map(str, frame.columns[1:12]))}…"))


def clean_text(value: str) -> str:
    """NFC-normalise and collapse whitespace (including no-break and zero-width spaces)."""
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\u200b", "").replace("\ufeff", "")
    return " ".join(value.split())


def map_directory(frame: pd.DataFrame, source: dict, file: str) -> pd.DataFrame:
    """Rename a directory source's columns to canonical fields and clean the text.

    Returns a frame with ``_row``, ``_source`` and one column per mapped field.
    """
    columns = source["columns"]
    needed = list(columns.values()) + ([source["sector_column"]] if source["sector_column"] else [])
    require_columns(frame, needed, file)
    mapped = pd.DataFrame({ROW: frame[ROW].to_numpy()})
    mapped[SOURCE] = source["id"]
    for field, column in columns.items():
        mapped[field] = frame[column].astype(str).map(clean_text).to_numpy()
    if source["sector_column"]:
        mapped["_sector_raw"] = frame[source["sector_column"]].astype(str).map(clean_text).to_numpy()
    return mapped
