"""The spreadsheet reader: cells as the user sees them, title rows, header_row, blank trailing rows, several sheets."""

from __future__ import annotations

import datetime as dt

import pytest

from schoolfinder.problems import DataError
from schoolfinder.ingest.workbook import EXCEL_ROW, SHEET, display, read_sheets

openpyxl = pytest.importorskip("openpyxl")


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (338, "#,##0", "338"), (12345, "#,##0", "12,345"), (0.4556213, "0.00%", "45.56%"), (0.5, "0%", "50%"),
    (36, "000000", "000036"), (101.0, "General", "101"), (2.5, "General", "2.5"), (3.14159, "0.0", "3.1"),
    ("036011", "@", "036011"), (None, "General", ""), (True, "General", "TRUE"),
    (dt.datetime(2022, 2, 1), "yyyy-mm-dd", "2022-02-01"), (-7, "000", "-007"),
])
def test_cells_as_displayed(value, number_format, shown):
    assert display(value, number_format) == shown


def _book(path, sheets: dict[str, list[list]], formats: dict[tuple[str, int, int], str] | None = None):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for (sname, r, c), fmt in (formats or {}).items():
            if sname == name:
                sheet.cell(row=r, column=c).number_format = fmt
    book.save(path)
    return path


def test_title_rows_two_row_header_blank_trailing_rows(tmp_path):
    rows = [["Long heading: site code", "Long heading: share"], ["SiteCd", "ED%"], ["036011", 0.927], ["300001", 0.5],
            [None, None], ["", "  "]]
    path = _book(tmp_path / "multi.xlsx", {"Total by Site": rows}, {("Total by Site", 3, 2): "0.00%"})
    frame = read_sheets(path, ["Total by Site"], header_row=2)
    assert list(frame.columns) == [SHEET, EXCEL_ROW, "SiteCd", "ED%"]
    assert frame["SiteCd"].tolist() == ["036011", "300001"]  # text, leading zeros kept
    assert frame["ED%"].tolist() == ["92.70%", "0.5"]
    assert frame[EXCEL_ROW].tolist() == [3, 4]  # the row numbers Excel shows


def test_several_sheets_stacked_and_repeated_headings(tmp_path):
    path = _book(tmp_path / "two.xlsx", {"A": [["Title"], ["ID", "X", "X"], [1, 2, 3]], "B": [["Title"], ["ID", "Y"], [4, 5]]})
    frame = read_sheets(path, ["A", "B"], header_row=2)
    assert frame[SHEET].tolist() == ["A", "B"]
    assert frame["ID"].tolist() == ["1", "4"] and frame["X.1"].tolist() == ["3", ""] and frame["Y"].tolist() == ["", "5"]


def test_first_sheet_by_default_and_one_line_errors(tmp_path):
    path = _book(tmp_path / "one.xlsx", {"First": [["ID"], ["a"]], "Second": [["ID"], ["b"]]})
    assert read_sheets(path, [])["ID"].tolist() == ["a"]
    with pytest.raises(DataError, match="MISSING_SHEET: one.xlsx, column Nope: worksheet not found; the file has: First, Second"):
        read_sheets(path, ["Nope"])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="EXCEL_ERROR: broken.xlsx"):
        read_sheets(broken, [])


_LEVELS = [None, None, "% Advanced", "% Mastery", "% Basic", " % Advanced", "% Mastery"]


@pytest.mark.parametrize(("name", "rows", "header_row", "columns", "first"), [
    ("merged subject over levels, title rows above",
     [["Percent at each level"], ["FERPA note"], ["School Code", "Subgroup", "English I", None, None, "Algebra I", None],
      _LEVELS, ["036011", "Total Population", "9", "32", "25", "< 5", "NR"]], 3,
     ["School Code", "Subgroup", "English I / % Advanced", "English I / % Mastery", "English I / % Basic",
      "Algebra I / % Advanced", "Algebra I / % Mastery"], ["036011", "Total Population", "9", "32", "25", "< 5", "NR"]),
    ("line breaks and runs of spaces in header text",
     [["Site\nCode", "ELA\r\n2022", None], [None, "% Mastery", "% Mastery+  (all)"], ["1", "40", "55"]], 1,
     ["Site Code", "ELA 2022 / % Mastery", "ELA 2022 / % Mastery+ (all)"], ["1", "40", "55"]),
    ("a blank top cell leaves the level's name; a cell over nothing keeps its own",
     [[None, "Name", "Math", None], ["Site Code", None, "2021 % Mastery+", "2022 % Mastery+"], ["7", "A", "10", "12"]], 1,
     ["Site Code", "Name", "Math / 2021 % Mastery+", "Math / 2022 % Mastery+"], ["7", "A", "10", "12"]),
])
def test_two_header_rows_combined(tmp_path, name, rows, header_row, columns, first):
    path = _book(tmp_path / "report.xlsx", {"LEAP HS": rows})
    frame = read_sheets(path, [], header_row=header_row, header_rows=2)
    assert list(frame.columns)[2:] == columns, name
    assert frame.iloc[0, 2:].tolist() == first
    assert frame[EXCEL_ROW].tolist() == [header_row + 2]  # the first data row is below both header rows


def test_two_header_rows_on_several_sheets(tmp_path):
    sheet = [["Title"], ["School", "Math", None], [None, "% Mastery", "% Advanced"]]
    path = _book(tmp_path / "years.xlsx", {"2021": sheet + [["a", "1", "2"]], "2022": sheet + [["b", "3", "4"]]})
    frame = read_sheets(path, ["2021", "2022"], header_row=2, header_rows=2)
    assert frame[SHEET].tolist() == ["2021", "2022"]
    assert frame["Math / % Advanced"].tolist() == ["2", "4"] and frame["School"].tolist() == ["a", "b"]
