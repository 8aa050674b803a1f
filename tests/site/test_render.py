"""Page rendering: worker processes give the same bytes as one process; the page cache renders only what changed."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from benchmarks import pages as bench
from schoolfinder_site import pagecache

ROOT = Path(__file__).resolve().parents[2]
ABSOLUTE = {"SITEURL": "https://schools.example.org", "RELATIVE_URLS": False}  # sitemap.xml is written too


@pytest.fixture(scope="module")
def demo_processed(tmp_path_factory) -> Path:
    return bench.demo_processed(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def small_processed(demo_processed, tmp_path_factory) -> Path:
    """120 synthetic schools without the access figures (no maps: pages only, quick builds)."""
    out = tmp_path_factory.mktemp("small") / "processed"
    bench.write_synthetic(demo_processed, 120, out)
    (out / "access.json").unlink()
    return out


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def different(first: Path, second: Path) -> list[str]:
    a, b = files(first), files(second)
    assert a.keys() == b.keys()
    return [name for name in a if a[name] != b[name]]


def test_parallel_build_is_byte_identical_to_serial(demo_processed, tmp_path):
    serial = bench.run_pelican(demo_processed, tmp_path / "serial", ABSOLUTE, workers=1)
    parallel = bench.run_pelican(demo_processed, tmp_path / "parallel", ABSOLUTE, workers=2)
    assert (serial["workers"], parallel["workers"]) == (1, 2)
    for name in ("sitemap.xml", "build-manifest.json", "robots.txt", "es/index.html", "deserts/map.png"):
        assert (tmp_path / "parallel" / name).is_file(), name
    assert serial["pages"] == parallel["pages"] > 800
    assert different(tmp_path / "serial", tmp_path / "parallel") == []


def rendered(cache: Path) -> dict:
    return json.loads((cache / pagecache.RENDERED).read_text(encoding="utf-8"))


def test_page_cache_renders_only_what_changed(small_processed, tmp_path):
    cache = tmp_path / "cache"
    first = bench.run_pelican(small_processed, tmp_path / "first", page_cache=str(cache), workers=2,
                              map_cache=str(tmp_path / "maps-1"))
    pages = sorted(str(p.relative_to(tmp_path / "first")) for p in (tmp_path / "first").rglob("*.html"))
    assert rendered(cache) == {"rendered": pages, "reused": 0} and first["rendered"] == len(pages) > 250

    bench.run_pelican(small_processed, tmp_path / "again", page_cache=str(cache), workers=2,
                      map_cache=str(tmp_path / "maps-2"))  # other output and map-cache folders too
    assert rendered(cache) == {"rendered": [], "reused": len(pages)}
    assert different(tmp_path / "first", tmp_path / "again") == []

    changed = tmp_path / "changed"
    shutil.copytree(small_processed, changed)
    schools = json.loads((changed / "schools.json").read_text(encoding="utf-8"))
    school = next(s for s in schools if s["neighborhood_slug"])
    school["phone"] = "(555) 010-9999"
    (changed / "schools.json").write_text(json.dumps(schools), encoding="utf-8")
    bench.run_pelican(changed, tmp_path / "incremental", page_cache=str(cache), workers=1)
    again = rendered(cache)
    own = {f"schools/{school['slug']}/index.html", f"es/schools/{school['slug']}/index.html"}
    school_pages = {p for p in again["rendered"] if re.fullmatch(r"(es/)?schools/[^/]+/index\.html", p)}
    assert school_pages == own
    lists = {f"{lang}neighborhoods/{school['neighborhood_slug']}/index.html" for lang in ("", "es/")}
    assert lists <= set(again["rendered"]) and {"schools/index.html", "es/schools/index.html"} <= set(again["rendered"])
    assert len(again["rendered"]) + again["reused"] == len(pages) and len(again["rendered"]) < len(pages) // 4
    bench.run_pelican(changed, tmp_path / "fresh", workers=1)  # no cache: what the incremental build must equal
    assert different(tmp_path / "fresh", tmp_path / "incremental") == []


def test_template_change_renders_every_page(small_processed, tmp_path):
    theme, cache = tmp_path / "theme", tmp_path / "cache"
    shutil.copytree(ROOT / "theme", theme, ignore=shutil.ignore_patterns("vendor"))
    (theme / "static" / "vendor").symlink_to(ROOT / "theme" / "static" / "vendor")
    bench.run_pelican(small_processed, tmp_path / "first", {"THEME": str(theme)}, page_cache=str(cache))
    total = len(rendered(cache)["rendered"])
    base = theme / "templates" / "base.html"
    base.write_text(base.read_text(encoding="utf-8").replace("</footer>", "<!-- changed -->\n</footer>"), encoding="utf-8")
    bench.run_pelican(small_processed, tmp_path / "second", {"THEME": str(theme)}, page_cache=str(cache))
    assert rendered(cache) == {"rendered": rendered(cache)["rendered"], "reused": 0}
    assert len(rendered(cache)["rendered"]) == total
    assert "<!-- changed -->" in (tmp_path / "second" / "es" / "index.html").read_text(encoding="utf-8")


def test_the_string_sharing_hook_keeps_one_copy_in_values_lists_and_rows():
    from schoolfinder_site.generators import shared_strings

    text = '[{"n": "Oak Park", "tags": ["Oak Park"], "within": [["Oak Park", "oak", 5]]}, {"n": "Oak Park"}]'
    first, second = json.loads(text, object_hook=shared_strings())
    assert first == {"n": "Oak Park", "tags": ["Oak Park"], "within": [["Oak Park", "oak", 5]]}
    assert first["n"] is second["n"] is first["tags"][0] is first["within"][0][0]
