"""The benchmark compares like with like: its plain jinja2 baseline writes the very pages Pelican writes."""

from __future__ import annotations

from schoolfinder.contract import read_processed
from benchmarks import pages as bench


def test_baseline_pages_are_byte_identical_to_pelicans(tmp_path):
    (tmp_path / "demo").mkdir()
    bench.write_synthetic(bench.demo_processed(tmp_path / "demo"), 700, tmp_path / "processed")
    schools = read_processed(tmp_path / "processed")["schools"]
    assert len({s["slug"] for s in schools}) == len({s["key"] for s in schools}) == 700
    pel = bench.run_pelican(tmp_path / "processed", tmp_path / "pelican")
    jin = bench.run_jinja(tmp_path / "processed", tmp_path / "jinja")
    written = sorted(p.relative_to(tmp_path / "jinja") for p in (tmp_path / "jinja").rglob("*.html"))
    assert len(written) == jin["pages"] == pel["pages"] - 2  # Pelican also writes content/pages/about(.es).md
    for rel in written:
        assert (tmp_path / "pelican" / rel).read_bytes() == (tmp_path / "jinja" / rel).read_bytes(), rel
