"""Golden files: each stage's output on the demo city, small and sorted, compared with what is committed.

A change in behaviour shows up here as a reviewable diff of tests/golden/<stage>.json. After an intended change,
run `make golden` (SCHOOLFINDER_UPDATE_GOLDEN=1) and review `git diff tests/golden` before committing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from schoolfinder import contract, pipeline
from schoolfinder.config import load_config
from schoolfinder.outputs import processed

GOLDEN = Path(__file__).resolve().parent
UPDATE = os.environ.get("SCHOOLFINDER_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def built(demo_city, tmp_path_factory, monkeypatch_module):
    """The demo city's pipeline result and its processed folder (BUILD_DATE fixed, as in reproducible builds)."""
    monkeypatch_module.setenv("BUILD_DATE", "2026-11-26")
    result = pipeline.run(load_config(demo_city))
    folder = tmp_path_factory.mktemp("golden") / "processed"
    processed.write_processed(result, folder)
    return result, folder


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def _line(*parts) -> str:
    return " | ".join("" if p is None else str(p) for p in parts)


def directory(result, _folder) -> dict:
    schools = result.schools
    return {"counts": {k: v for k, v in result.reconciliation.items() if v["kind"] == "directory"},
            "review": {"candidates": len(result.candidates), "conflicts": len(result.conflicts), "excluded": len(result.excluded)},
            "schools": {k: _line(n, s, g, "+".join(sorted(src))) for k, n, s, g, src
                        in zip(schools["key"], schools["name"], schools["sector"], schools["grades"], schools["sources"])}}


def ratings(result, _folder) -> dict:
    return {"counts": {k: v for k, v in result.reconciliation.items() if v["kind"] == "ratings"},
            "tiers": {k: _line(t.get("status"), t.get("tier"), len(r)) for k, t, r
                      in zip(result.schools["key"], result.schools["tier"], result.schools["ratings"])}}


def geo(result, _folder) -> dict:
    nbhd = result.neighborhoods
    return {"population": result.population,
            "neighborhoods": {i: _line(n, c, ch) for i, n, c, ch in zip(nbhd["nbhd_id"], nbhd["name"], nbhd["school_count"], nbhd["children"])},
            "schools": {k: _line(n, xy) for k, n, xy in zip(result.schools["key"], result.schools["nbhd_id"], result.schools["map_xy"])}}


def transit(result, _folder) -> dict:
    return {"feeds": result.feeds, "stops": len(result.stops),
            "schools": {k: "; ".join(_line(f["feed"], f["nearest_stop"], f["stops_nearby"], f.get("trips_before_bell")) for f in facts)
                        for k, facts in zip(result.schools["key"], result.schools["transit"])}}


def travel(result, _folder) -> dict:
    matrix = result.travel
    out = {"shape": list(matrix["transit"].shape), "origins": len(matrix["origins"])}
    for mode in contract.TRAVEL_FILES:
        minutes = matrix[mode]
        reached = minutes[minutes != contract.UNREACHABLE]
        out[mode] = {"unreachable": int((minutes == contract.UNREACHABLE).sum()), "sum": int(reached.sum(dtype=np.int64)),
                     "median": float(np.median(reached))}
    out["reach"] = {k: r and r["share_within"] for k, r in zip(result.schools["key"], result.schools["reach"])}
    return out


def access(_result, folder) -> dict:
    data = json.loads((folder / contract.ACCESS).read_text(encoding="utf-8"))
    areas = {i: {band: _line(v["children"], v["quality_seats"], v["desert_pct"]) for band, v in a.items()}
             for i, a in data["areas"].items()}
    return {"city": data["city"], "areas": areas}


def search(_result, folder) -> dict:
    index = json.loads((folder / contract.SEARCH_INDEX).read_text(encoding="utf-8"))
    return {"sizes": {k: len(v) if isinstance(v, (list, dict)) else v for k, v in index.items()},
            "concepts": sorted(index["concepts"]) if isinstance(index["concepts"], (list, dict)) else index["concepts"]}


def problems(result, _folder) -> dict:
    return {"counts": {f"{s} {c}": n for (s, c), n in sorted(Counter((str(p.severity), p.code) for p in result.problems).items())},
            "problems": sorted(p.describe() for p in result.problems)}


def outputs(_result, folder) -> dict:
    """sha256 of every processed file (the manifest without its build block, which no pipeline run writes)."""
    digests = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name == contract.MANIFEST:
            data = json.dumps({k: v for k, v in json.loads(data).items() if k != "build"}, sort_keys=True).encode()
        digests[str(path.relative_to(folder))] = hashlib.sha256(data).hexdigest()[:16]
    return digests


STAGES = {f.__name__: f for f in (directory, ratings, geo, transit, travel, access, search, problems, outputs)}


@pytest.mark.parametrize("stage", STAGES)
def test_stage_output_matches_its_golden_file(built, stage):
    text = json.dumps(STAGES[stage](*built), indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    path = GOLDEN / f"{stage}.json"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
        pytest.skip(f"rewrote {path.name}: review `git diff tests/golden`")
    assert path.is_file(), f"{path.name} is missing: run `make golden`"
    assert text == path.read_text(encoding="utf-8"), f"{stage} changed: run `make golden` and review `git diff tests/golden`"
