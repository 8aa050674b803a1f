"""Reading tables: encodings and one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from schoolfinder.problems import DataError
from schoolfinder.ingest.tables import ROW, read_table
from tests.conftest import ROOT


def test_wrong_encoding_names_file_and_line(tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes("ID,NAME\n1,Caf\u00e9\n".encode("cp1252"))
    with pytest.raises(DataError, match=r"ENCODING_NOT_UTF8: d\.csv, row 2: byte 0xe9"):
        read_table(path, {"encoding": "utf-8"})


def test_cli_reports_missing_column_without_traceback(tmp_path):
    (tmp_path / "schools.csv").write_text("ID,SCHOOL\n1,A\n")
    toml = (ROOT / "tests" / "fixtures" / "hostile" / "city.toml").read_text()
    (tmp_path / "city.toml").write_text(toml)
    (tmp_path / "neighborhoods.geojson").write_text((ROOT / "tests/fixtures/hostile/neighborhoods.geojson").read_text())
    proc = subprocess.run([sys.executable, "-m", "schoolfinder", "build", str(tmp_path), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "plugins")})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "MISSING_COLUMN: schools.csv, row 1, column NAME" in proc.stderr


@pytest.mark.parametrize(("fmt", "skip_rows", "schools"), [("csv", [], ["1", "2"]), ("csv", [1], ["2"]),
                                                            ("xlsx", [], ["1", "2"]), ("xlsx", [1], ["2"])])
def test_header_rows_two_in_csv_and_xlsx_and_skip_rows_count_after_both(tmp_path, fmt, skip_rows, schools):
    rows = [["Report title", "", ""], ["School", "English I", ""], ["", "% Advanced", "% Mastery"],
            ["1", "9", "32"], ["2", "NR", "< 5"]]
    if fmt == "csv":
        path = tmp_path / "wide.csv"
        path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    else:
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        for r in rows:
            book.active.append([c or None for c in r])
        path = tmp_path / "wide.xlsx"
        book.save(path)
    frame = read_table(path, {"format": fmt, "header_row": 2, "header_rows": 2, "skip_rows": skip_rows})
    assert frame["School"].tolist() == schools
    assert "English I / % Mastery" in frame.columns and frame[ROW].tolist() == [4, 5][-len(schools):]
