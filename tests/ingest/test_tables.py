"""Reading tables: encodings and one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from schoolfinder.problems import DataError
from schoolfinder.ingest.tables import read_table
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
