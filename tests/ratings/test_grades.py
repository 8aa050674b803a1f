"""Grade spans and bands."""

from __future__ import annotations

import pytest

from schoolfinder.ratings.grades import grade_bands, parse_span, span_label


@pytest.mark.parametrize(("cell", "span"), [
    ("K-8", (0, 8)), ("PK,K-8", (-1, 8)), ("09-12", (9, 12)), ("PK\u20135", (-1, 5)), ("KG", (0, 0)),
    ("PE,PK,K-8", (-1, 8)), ("K,1,2,3", (0, 3)), ("9", (9, 9)), ("6 to 8", (6, 8)),
    ("13", None), ("UG", None), ("8-6", None), ("", None),
])
def test_grade_spans(cell, span):
    assert parse_span(cell) == span


def test_span_label_and_bands():
    assert span_label(-1, 8) == "PK\u20138"
    assert grade_bands(-1, 8) == ["elementary", "middle"]
    assert grade_bands(6, 12) == ["middle", "high"]
