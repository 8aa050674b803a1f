"""Read spreadsheet sheets (xlsx, xls) as text, the way a person sees the cells, with physical row numbers.

``read_sheets`` is the one entry point: it returns a DataFrame of strings (never numbers, so ids keep
their leading zeros) plus ``_sheet`` and ``_excel_row`` (the row number Excel shows). The header is
the row ``header_row``; rows above it are titles; rows that are blank in every cell are not records.
Header text is read as one line (line breaks and runs of spaces become one space). With ``header_rows = 2``
a report layout's two header rows become one: a subject cell (merged over the achievement-level cells below
it, so blank after its first column) is carried right over those cells and combined as ``Subject / Level``;
a cell with nothing below it keeps its own name, and a blank top cell leaves the level's name alone.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from ..problems import DataError, Problem

SHEET, EXCEL_ROW = "_sheet", "_excel_row"
_SECTION = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # quoted text, escapes and [colour]/[locale] parts of a format


def read_sheets(path: Path, sheets: list[str], header_row: int = 1, header_rows: int = 1) -> pd.DataFrame:
    """Read the named sheets (default: the first) stacked in order, every cell as displayed text."""
    try:
        book = _open(path)
        names = book.names()
        missing = [s for s in sheets if s not in names]
        if missing:
            raise DataError(Problem("FAIL", "MISSING_SHEET", path.name, None, missing[0],
                                    f"worksheet not found; the file has: {', '.join(names)}"))
        frames = [_sheet_frame(book.rows(sheet), sheet, header_row, header_rows, path.name) for sheet in (sheets or names[:1])]
    except DataError:
        raise
    except Exception as exc:  # a broken or mislabelled workbook: one line, never a traceback
        raise DataError(Problem("FAIL", "EXCEL_ERROR", path.name, None, "", f"{type(exc).__name__}: {exc}")) from None
    return pd.concat(frames, ignore_index=True).fillna("")  # sheets may differ in columns


def _sheet_frame(rows, sheet: str, header_row: int, header_rows: int, file: str) -> pd.DataFrame:
    header, heading, records, numbers = None, [], [], []
    for number, cells in enumerate(rows, start=1):
        if number < header_row:
            continue
        if header is None:
            heading.append([" ".join(c.split()) for c in cells])
            if len(heading) == header_rows:
                header = _header(combine_header(heading), file, sheet, header_row)
            continue
        cells = (cells + [""] * len(header))[: len(header)]
        if any(c.strip() for c in cells):  # blank rows (often trailing) are not records
            records.append(cells)
            numbers.append(number)
    if header is None:
        raise DataError(Problem("FAIL", "EMPTY_FILE", file, header_row, "", f"sheet '{sheet}' has no row {header_row}"))
    keep = [i for i, name in enumerate(header) if name]
    frame = pd.DataFrame([[r[i] for i in keep] for r in records], columns=[header[i] for i in keep], dtype=str)
    frame.insert(0, SHEET, sheet)
    frame.insert(1, EXCEL_ROW, numbers)
    return frame


def combine_header(heading: list[list[str]]) -> list[str]:
    """One name per column from one or two header rows (see the module docstring)."""
    if len(heading) == 1:
        return heading[0]
    top, levels = heading
    width = max(len(top), len(levels))
    top, levels = top + [""] * (width - len(top)), levels + [""] * (width - len(levels))
    names, subject = [], ""
    for above, below in zip(top, levels):
        subject = above or (subject if below else "")  # merged cells are blank after their first column
        if not below:
            subject = ""
        names.append(f"{subject} / {below}" if subject and below else (below or above))
    return names


def _header(cells: list[str], file: str, sheet: str, number: int) -> list[str]:
    names = [c if c.strip() else "" for c in cells]
    while names and not names[-1]:
        names.pop()
    if not names:
        raise DataError(Problem("FAIL", "EMPTY_FILE", file, number, "", f"sheet '{sheet}': the header row is empty"))
    seen: dict[str, int] = {}
    for i, name in enumerate(names):  # spreadsheet headings repeat under merged title cells: "X", "X.1", as pandas does
        if name in seen:
            seen[name] += 1
            names[i] = f"{name}.{seen[name]}"
        seen.setdefault(names[i], 0)
    return names


class _Xlsx:
    def __init__(self, path: Path):
        import openpyxl

        self.book = openpyxl.load_workbook(path, read_only=True, data_only=True)

    def names(self) -> list[str]:
        return self.book.sheetnames

    def rows(self, sheet: str):
        for row in self.book[sheet].iter_rows():
            yield [display(c.value, c.number_format) for c in row]


class _Xls:
    def __init__(self, path: Path):
        import xlrd

        self.book = xlrd.open_workbook(path, formatting_info=True, on_demand=True)

    def names(self) -> list[str]:
        return self.book.sheet_names()

    def rows(self, sheet: str):
        import xlrd

        table = self.book.sheet_by_name(sheet)
        for r in range(table.nrows):
            out = []
            for c in range(table.ncols):
                cell = table.cell(r, c)
                fmt = self.book.format_map[self.book.xf_list[cell.xf_index].format_key].format_str
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(value, self.book.datemode)
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    value = None
                out.append(display(value, fmt))
            yield out


def _open(path: Path):
    with path.open("rb") as handle:
        magic = handle.read(4)
    return _Xlsx(path) if magic.startswith(b"PK") else _Xls(path)  # by content: exports are often misnamed


def display(value, number_format: str = "General") -> str:
    """Return a cell value as the spreadsheet shows it: ``0.4556`` with ``0.00%`` is ``45.56%``,
    ``36`` with ``000000`` is ``000036``, a whole number never gets ``.0``. Text is returned as stored."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return _number(float(value), number_format or "General")


def _number(value: float, number_format: str) -> str:
    fmt = _SECTION.sub("", number_format.split(";")[0]).strip()
    if fmt in ("", "General", "@") or not re.search(r"[0#]", fmt):
        return str(int(value)) if value.is_integer() else repr(value)
    percent = "%" in fmt
    if percent:
        value *= 100
    integer, _, fraction = re.sub(r"[^0#.,]", "", fmt).partition(".")
    decimals = fraction.count("0") + fraction.count("#")
    text = f"{value:{',' if ',' in integer else ''}.{decimals}f}"
    if "#" in fraction:  # optional digits: drop trailing zeros
        text = text.rstrip("0").rstrip(".") if "." in text else text
    width = integer.count("0")
    if width > 1 and "," not in integer:
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        head, dot, tail = digits.partition(".")
        text = sign + head.zfill(width) + dot + tail
    return text + ("%" if percent else "")
