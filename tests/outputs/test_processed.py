"""Outputs and the processed-data contract: deterministic JSON, required files, optional files."""

from __future__ import annotations

import json

import pytest

from schoolfinder import contract
from schoolfinder.outputs.opendata import compare_records
from schoolfinder.outputs.processed import dumps
from schoolfinder.problems import SchoolfinderError
from schoolfinder.search import index as search


def test_dumps_is_deterministic_and_refuses_nan():
    assert dumps({"b": 1, "a": [1.5, None]}) == dumps({"a": [1.5, None], "b": 1}) == '{\n "a": [\n  1.5,\n  null\n ],\n "b": 1\n}\n'
    assert dumps({"b": 1, "a": 2}, compact=True) == '{"a":2,"b":1}\n'
    with pytest.raises(ValueError):
        dumps({"a": float("nan")})


def test_read_processed_names_the_missing_file(tmp_path):
    for name in contract.REQUIRED[:-1]:
        (tmp_path / name).write_text("{}", encoding="utf-8")
    with pytest.raises(SchoolfinderError, match=contract.REQUIRED[-1]):
        contract.read_processed(tmp_path)
    (tmp_path / contract.REQUIRED[-1]).write_text('{"x": 1}', encoding="utf-8")
    assert contract.read_processed(tmp_path)["reconciliation"] == {"x": 1}


def test_optional_files_read_as_empty_when_absent(tmp_path):
    assert contract.read_optional(tmp_path, contract.ACCESS) is None
    assert contract.read_optional(tmp_path, contract.STOPS, []) == []
    (tmp_path / contract.ACCESS).write_text(json.dumps({"city": {}}), encoding="utf-8")
    assert contract.read_optional(tmp_path, contract.ACCESS) == {"city": {}}


def test_compare_and_places_fields_are_the_contracts():
    """compare.json per school and search/places.json carry exactly the fields contract.py names; ``i`` is the
    school's position in the index (its travel-time column), the deadline "" when unknown."""
    record = {"slug": "a", "key": "a", "name": "A", "sector": "district", "grades": "K-5", "neighborhood": "N",
              "tier": {"rank": 1}, "programs": [], "special_ed": [], "el_supports": [], "enrollment": 10, "shares": {},
              "suspensions_per_100": None, "lat": 41.0, "lon": -87.0}
    compared = json.loads(compare_records([record, {**record, "slug": "b", "application_deadline": "2027-01-15"}]))
    assert all(tuple(sorted(v)) == tuple(sorted(contract.COMPARE_FIELDS)) for v in compared.values())
    assert (compared["a"]["i"], compared["a"]["d"], compared["b"]["i"], compared["b"]["d"]) == (0, "", 1, "2027-01-15")
    assert tuple(search.places([record], None)) == contract.PLACES_FIELDS


def test_files_an_earlier_build_left_are_removed_unless_written_again(tmp_path):
    """Another city's access.json or deserts.csv in the processed folder would be read as this city's."""
    from schoolfinder.outputs.processed import remove_stale

    for name in (contract.ACCESS, contract.CELLS, contract.STOPS, contract.TRAVEL, contract.SCHOOLS):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / contract.OPEN_DATA).mkdir()
    (tmp_path / contract.OPEN_DATA / "deserts.csv").write_text("old", encoding="utf-8")
    remove_stale(tmp_path, {contract.TRAVEL, contract.SCHOOLS})
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([contract.TRAVEL, contract.SCHOOLS])
