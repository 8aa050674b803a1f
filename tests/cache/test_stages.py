"""Cached stages on the demo city: the same processed/ bytes as an uncached build; a renamed school reuses the other
directory file's reading, geo, transit, travel and access, a moved one computes them again. (Runs the demo pipeline: left to `make test`.)"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from schoolfinder import pipeline
from schoolfinder.cache.store import StageCache
from schoolfinder.config import load_config
from schoolfinder.outputs import processed

SOURCE = "district_sis.csv"
DOWNSTREAM_HITS = {"ratings": "hit", "geo": "hit", "transit": "hit", "travel": "hit", "access": "hit"}


@pytest.fixture
def city(demo_city, tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("BUILD_DATE", "2026-11-26")
    shutil.copytree(demo_city, tmp_path / "city")
    return tmp_path / "city"


def build(city: Path, out: Path, cache: StageCache | None) -> dict[str, bytes]:
    result = pipeline.run(load_config(city), cache)
    processed.write_processed(result, out)
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def outcomes(cache: StageCache) -> dict[str, str]:
    return {stage: outcome for stage, outcome, _seconds in cache.log}


def edit_first_school(city: Path, change) -> None:
    path = city / "raw" / SOURCE
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    change(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_cached_builds_match_an_uncached_one_byte_for_byte(city, tmp_path):
    plain = build(city, tmp_path / "plain", None)
    cold, warm = StageCache(tmp_path / "cache"), StageCache(tmp_path / "cache")
    assert build(city, tmp_path / "cold", cold) == plain
    assert set(outcomes(cold).values()) == {"miss"}
    assert build(city, tmp_path / "warm", warm) == plain
    assert outcomes(warm) == {"directory.authorizer": "hit", "directory.district": "hit", **DOWNSTREAM_HITS}


def test_a_new_name_reuses_travel_and_access_a_move_recomputes_them(city, tmp_path):
    build(city, tmp_path / "first", StageCache(tmp_path / "cache"))
    edit_first_school(city, lambda row: row.update(SCHOOL_NAME=row["SCHOOL_NAME"] + " Academy"))
    renamed = StageCache(tmp_path / "cache")
    files = build(city, tmp_path / "renamed", renamed)
    assert outcomes(renamed) == {"directory.authorizer": "hit", "directory.district": "miss", **DOWNSTREAM_HITS}
    assert files == build(city, tmp_path / "renamed-plain", None)
    edit_first_school(city, lambda row: row.update(LAT=f"{float(row['LAT']) + 0.01:.6f}"))
    moved = StageCache(tmp_path / "cache")
    files = build(city, tmp_path / "moved", moved)
    assert outcomes(moved) == {"directory.authorizer": "hit", "directory.district": "miss", "ratings": "hit", "geo": "miss",
                               "transit": "miss", "travel": "miss", "access": "miss"}
    assert files == build(city, tmp_path / "moved-plain", None)
