"""The pages benchmark: synthetic schools are unique, and its figures add up for a small build."""

from __future__ import annotations

from schoolfinder.contract import read_processed
from benchmarks import pages as bench


def test_synthetic_schools_and_build_figures(tmp_path, capsys):
    (tmp_path / "demo").mkdir()
    bench.write_synthetic(bench.demo_processed(tmp_path / "demo"), 700, tmp_path / "processed")
    schools = read_processed(tmp_path / "processed")["schools"]
    assert len({s["slug"] for s in schools}) == len({s["key"] for s in schools}) == 700
    result = bench.run_pelican(tmp_path / "processed", tmp_path / "out", workers=2)
    assert result["pages"] == result["rendered"] > 2 * 700  # every page, both languages, written by the generator
    assert result["workers"] == 2 and result["pss"] > 0
    assert 0 < result["maps"] < result["wall"] and 0 < result["render"] < result["wall"] and result["render_cpu"] > 0
    result["rss_self"] = 1
    bench.report(10_000, result)
    bench.verdict([(10_000, result)])
    out = capsys.readouterr().out
    assert "pages/s per core" in out and "N=10,000: " in out and "verdict: " in out
