"""The stage cache's pieces: content digests, hit / miss / invalidation, stored problems, pruning, a damaged entry."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from schoolfinder.cache import store
from schoolfinder.cache.digest import digest
from schoolfinder.cache.store import StageCache
from schoolfinder.problems import Problem


def test_digest_follows_content_not_identity():
    frame = pd.DataFrame({"key": ["a", "b"], "lat": [41.1, 41.2], "tags": [["x"], {"y": 1}]})
    assert digest(frame) == digest(frame.copy())
    assert digest({"b": 1, "a": [1, 2]}) == digest({"a": [1, 2], "b": 1})
    changed = frame.assign(lat=[41.1, 41.2000001])
    assert digest(changed) != digest(frame)
    assert digest(frame.assign(tags=[["x"], {"y": 2}])) != digest(frame)
    assert digest(frame.set_axis([5, 6])) != digest(frame)  # the index is read too (positions, .loc)
    assert digest(pd.DataFrame({"v": [1, "1"]}, dtype=object)) != digest(pd.DataFrame({"v": ["1", "1"]}, dtype=object))
    assert digest(np.arange(3, dtype=np.int64)) != digest(np.arange(3, dtype=np.int32))
    assert digest(dt.date(2026, 11, 26)) != digest(dt.date(2026, 11, 27))


def test_digest_reads_geometry_and_refuses_unknown_types():
    areas = gpd.GeoDataFrame({"nbhd_id": ["n1"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    moved = areas.set_geometry([shapely.box(0, 0, 1, 2)])
    assert digest(areas) == digest(areas.copy()) and digest(moved) != digest(areas)
    with pytest.raises(TypeError, match="cannot hash"):
        digest(object())


def test_hit_miss_and_invalidation(tmp_path):
    calls = []

    def compute(value):
        calls.append(value)
        return {"value": value, "problems": [Problem("WARN", "GTFS_EXPIRED", "gtfs.zip", None, "end_date", "old")]}

    cache = StageCache(tmp_path)
    first = cache.run("transit", {"x": 1}, lambda: compute(1))
    again = StageCache(tmp_path).run("transit", {"x": 1}, lambda: compute(99))
    assert calls == [1] and again == first  # a hit returns the stored result, problems included
    assert StageCache(tmp_path).run("transit", {"x": 2}, lambda: compute(2))["value"] == 2  # other inputs: a miss
    assert StageCache(tmp_path).run("travel", {"x": 1}, lambda: compute(3))["value"] == 3  # other stage: a miss
    assert calls == [1, 2, 3]
    assert [outcome for _stage, outcome, _s in cache.log] == ["miss"]


def test_no_folder_always_computes(tmp_path):
    cache, calls = StageCache(None), []
    for _ in range(2):
        cache.run("access", {"x": 1}, lambda: calls.append(1) or len(calls))
    assert calls == [1, 1] and [o for _s, o, _t in cache.log] == ["off", "off"]


def test_damaged_entry_is_computed_again(tmp_path):
    StageCache(tmp_path).run("travel", {"x": 1}, lambda: "good")
    (entry,) = (tmp_path / "stages").glob("travel-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert StageCache(tmp_path).run("travel", {"x": 1}, lambda: "again") == "again"
    assert StageCache(tmp_path).run("travel", {"x": 1}, lambda: "never") == "again"


def test_old_results_are_pruned(tmp_path):
    cache = StageCache(tmp_path)
    for n in range(store.KEEP + 3):
        cache.run("transit", {"n": n}, lambda: n)
    assert len(list((tmp_path / "stages").glob("transit-*.pickle"))) == store.KEEP


def test_pruning_a_stage_keeps_a_stage_whose_name_it_begins(tmp_path):
    """Directory files are cached per source id: pruning ``directory.a`` leaves ``directory.a-b``'s results."""
    cache = StageCache(tmp_path)
    for n in range(store.KEEP):
        cache.run("directory.a-b", {"n": n}, lambda: n)
    for n in range(store.KEEP + 2):
        cache.run("directory.a", {"n": n}, lambda: n)
    names = [p.name for p in (tmp_path / "stages").glob("*.pickle")]
    assert sum(name.startswith("directory.a-b-") for name in names) == store.KEEP
    assert len(names) == 2 * store.KEEP


def test_files_are_hashed_once_and_known_hashes_reused(tmp_path):
    class Config:
        def source_path(self, name):
            return tmp_path / name

    (tmp_path / "feed").mkdir()
    (tmp_path / "feed" / "stops.txt").write_text("a")
    (tmp_path / "schools.csv").write_text("b")
    cache = StageCache(tmp_path / "cache", known={"schools.csv": "given"})
    found = cache.files(Config(), ["feed", "schools.csv"])
    assert found["schools.csv"] == "given" and set(found) == {"feed/stops.txt", "schools.csv"}
    (tmp_path / "feed" / "stops.txt").write_text("changed")
    assert StageCache(None).files(Config(), ["feed"])["feed/stops.txt"] != found["feed/stops.txt"]


def test_a_shapefile_counts_with_its_sidecar_files(tmp_path):
    class Config:
        def source_path(self, name):
            return tmp_path / name

    for suffix in (".shp", ".dbf", ".shx"):
        (tmp_path / f"areas{suffix}").write_bytes(suffix.encode())
    found = StageCache(None).files(Config(), ["areas.shp"])
    assert sorted(found) == ["areas.dbf", "areas.shp", "areas.shx"]
    (tmp_path / "areas.dbf").write_bytes(b"new attributes")
    assert StageCache(None).files(Config(), ["areas.shp"])["areas.dbf"] != found["areas.dbf"]


def test_a_cache_that_cannot_be_written_still_builds(tmp_path):
    (tmp_path / "stages").write_text("a file where the folder should be")
    cache = StageCache(tmp_path)
    assert cache.run("geo", {"x": 1}, lambda: "computed") == "computed"
    assert cache.log[0][1].startswith("miss, not stored")
