"""Unit tests of the pipeline stages on tiny inline frames."""

from __future__ import annotations

import pandas as pd
import pytest

from schoolfinder.problems import DataError
from schoolfinder.pipeline import reconcile
from schoolfinder.directory.validate import validate_directory
from tests.conftest import ROOT


SOURCE = {"id": "d", "columns": {"school_id": "ID", "name": "NAME", "website": "WEB", "phone": "PHONE", "grades": "G"},
          "sector": "district", "sector_column": "", "sector_values": {}, "sector_default": "", "closed_values": ["Closed"],
          "list_separator": ";", "missing_values": [], "flag_columns": {}}


def mapped(rows):
    frame = pd.DataFrame(rows)
    frame.insert(0, "_source", "d")
    frame["_shape"] = ""
    frame.insert(0, "_row", range(2, len(frame) + 2))
    return frame


@pytest.mark.parametrize(("website", "code"), [
    ("javascript:alert(1)", "URL_SCHEME"), (" JAVASCRIPT:alert(1)", "URL_SCHEME"), ("data:text/html,<b>", "URL_SCHEME"),
    ("https://x.org/\"><script>", "URL_FORMAT"), ("www.x.org", "URL_NO_SCHEME"),
])
def test_website_checks(website, code):
    frame = mapped([{"school_id": "1", "name": "A", "website": website, "phone": "", "grades": "K-5"}])
    rows, problems = validate_directory(frame, SOURCE, "f.csv")
    assert [p.code for p in problems] == [code]
    assert problems[0].row == 2 and problems[0].column == "WEB" and problems[0].file == "f.csv"


def test_every_row_gets_a_fate():
    frame = mapped([
        {"school_id": "1", "name": "A", "website": "", "phone": "(555) 010-0000", "grades": "K-5", "status": "Open"},
        {"school_id": "1", "name": "A again", "website": "", "phone": "", "grades": "K-5", "status": "Open"},
        {"school_id": "2", "name": "", "website": "", "phone": "", "grades": "K-5", "status": "Open"},
        {"school_id": "3", "name": "C", "website": "", "phone": "", "grades": "K-5", "status": "Closed"},
        {"school_id": "4", "name": "D", "website": "", "phone": "", "grades": "XX", "status": "Open"},
    ])
    rows, problems = validate_directory(frame, SOURCE, "f.csv")
    # Same id, different values: the row with more fields filled in (the first) is kept; an unknown grade is a warning.
    assert rows["_fate"].tolist() == ["keep", "duplicate_id", "quarantined", "closed", "keep"]
    assert sorted(p.code for p in problems) == ["DUPLICATE_ID_CONFLICT", "GRADE_TOKEN", "MISSING_NAME"]
    assert rows.attrs["review"][0]["row_a"] == 2 and rows.attrs["review"][0]["row_b"] == 3


def test_reconciliation_failure_fails_the_build():
    counts = {"d": {"kind": "directory", "file": "f.csv", "rows_read": 5, "published": 3, "merged_duplicate": 0,
                    "excluded_closed": 0, "quarantined": 1}}
    with pytest.raises(DataError, match="RECONCILIATION"):
        reconcile(counts)


def test_pipeline_never_imports_pelican():
    for module in (ROOT / "plugins" / "schoolfinder").rglob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "import pelican" not in text and "from pelican" not in text, module
