"""Maps once per build: one image per neighborhood plus the city, drawn once for every language (a second build
draws none), one folium shell, and the same map data and image behind every language's pages."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from schoolfinder.outputs import mappng
from tests.conftest import FIXTURES, ROOT, run_ok

pytestmark = pytest.mark.site_build
MAP_DATA = re.compile(r'<script type="application/json" data-sf-map="[^"]+">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    """The tiny hostile city through the pipeline (no pages)."""
    out = tmp_path_factory.mktemp("maps-once") / "processed"
    run_ok([sys.executable, "-m", "schoolfinder", "build", str(FIXTURES / "hostile"), "--out", str(out)])
    return out


def build(processed: Path, output: Path, cache: Path) -> dict:
    """Run Pelican in this process, counting the images drawn and the folium shells built."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        return _counted_build(processed, output, cache, monkeypatch)


def _counted_build(processed: Path, output: Path, cache: Path, monkeypatch) -> dict:
    from pelican import Pelican
    from pelican.settings import read_settings

    from schoolfinder.outputs import maps

    # Counted in a file: with more than one worker the map pre-pass runs in a forked process (maps.Background).
    tally = output.parent / f"{output.name}-calls.txt"
    draw, shell = mappng.draw_png, maps.map_shell

    def counting_draw(*args, **kwargs):
        with tally.open("a") as handle:
            handle.write("drawn\n")
        return draw(*args, **kwargs)

    def counting_shell(*args, **kwargs):
        with tally.open("a") as handle:
            handle.write("shells\n")
        return shell(*args, **kwargs)
    monkeypatch.setattr(mappng, "draw_png", counting_draw)
    monkeypatch.setattr(maps, "map_shell", counting_shell)
    monkeypatch.setenv("SCHOOLFINDER_PROCESSED", str(processed))
    monkeypatch.setenv("SCHOOLFINDER_MAP_CACHE", str(cache))
    monkeypatch.setenv("SCHOOLFINDER_WORKERS", "2")
    monkeypatch.chdir(ROOT)
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"OUTPUT_PATH": str(output)})
    Pelican(settings).run()
    calls = tally.read_text().split() if tally.is_file() else []
    return {"drawn": calls.count("drawn"), "shells": calls.count("shells")}


@pytest.fixture(scope="module")
def builds(processed, tmp_path_factory):
    """Two builds with one cache: cold, then warm."""
    root = tmp_path_factory.mktemp("maps-once-out")
    cold = build(processed, root / "cold", root / "cache")
    warm = build(processed, root / "warm", root / "cache")
    return root, cold, warm


def map_images(site: Path) -> dict[Path, bytes]:
    """Every PNG the site has outside the theme: path from the site root -> bytes."""
    return {p.relative_to(site): p.read_bytes() for p in site.rglob("*.png") if "theme" not in p.relative_to(site).parts}


def neighborhoods(processed: Path) -> list[dict]:
    return json.loads((processed / "neighborhoods.json").read_text(encoding="utf-8"))


def test_one_image_per_neighborhood_plus_the_city(builds, processed):
    root, cold, _warm = builds
    areas = neighborhoods(processed)
    assert len(areas) >= 2
    assert cold["drawn"] == len(areas) + 1, "every image drawn once for all languages"
    assert cold["shells"] == 1, "one folium shell per build"
    images = sorted(map_images(root / "cold"))
    assert images == sorted([Path("deserts/map.png")] + [Path("neighborhoods") / n["slug"] / "map.png" for n in areas])
    assert len(list((root / "cold").rglob("maps/map.js"))) == 1


def test_a_cache_hit_draws_nothing_and_gives_the_same_bytes(builds):
    root, _cold, warm = builds
    assert warm["drawn"] == 0 and warm["shells"] == 0, "the whole map pre-pass comes from the cache"
    assert map_images(root / "cold") == map_images(root / "warm")


def test_every_language_shows_the_same_data_and_image(builds, processed):
    site = builds[0] / "cold"
    for area in neighborhoods(processed):
        pages = [site / lang / "neighborhoods" / area["slug"] / kind / "index.html" for lang in ("", "es") for kind in ("", "embed")]
        data = {MAP_DATA.search(page.read_text(encoding="utf-8")).group(1) for page in pages}
        assert len(data) == 1, f"{area['slug']}: the map data differs between languages or pages"
        for page in pages:
            sources = re.findall(r'<img[^>]+src="([^"]+map\.png)"', page.read_text(encoding="utf-8"))
            assert sources and all((page.parent / s).resolve() == (site / "neighborhoods" / area["slug"] / "map.png").resolve()
                                   for s in sources), (page, sources)
    city = {MAP_DATA.search((site / p / "index.html").read_text(encoding="utf-8")).group(1) for p in ("deserts", "es/deserts")}
    assert len(city) == 1
    assert not [p for p in map_images(site) if p.parts[0] == "es"], "one image for every language, at the site root"


def test_the_page_names_the_map_in_its_language(builds):
    site = builds[0] / "cold"
    english, spanish = ((site / p / "index.html").read_text(encoding="utf-8") for p in ("deserts", "es/deserts"))
    assert 'id="map_desert_1-label"' in english and "Legend" in english and "Leyenda" in spanish
    strings = re.search(r'data-sf-map-strings="map_desert_1">(.*?)</script>', spanish, re.S)
    assert strings and json.loads(strings.group(1))["root"] == "../"
