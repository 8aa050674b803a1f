"""The quality-desert map: self-hosted assets only, data as JSON (never template source), the same in every
language, deterministic bytes, small output."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from schoolfinder.outputs import maps
from schoolfinder.outputs.safety import json_for_html
from schoolfinder.problems import SchoolfinderError

ROOT = Path(__file__).resolve().parents[2]
LEAFLET = ROOT / "theme" / "static" / "vendor" / "leaflet"
MAP_SCRIPT = ROOT / "theme" / "static" / "js" / "desertmap.js"
BASE = "/theme/vendor/leaflet/"
PAYLOADS = ["<img src=x onerror=alert(1)>", "Lincoln ${alert(document.domain)} Elementary", "`",
            "A\\`);alert(2);//", "</script><script>alert(3)</script>", "{{7*7}} {% raw %}{# x #}\u2028\u202e"]
# What a page writes for the map script in its language (theme/templates/map.html): here, hostile tier names.
PAGE_STRINGS = {"root": "", "tiers": [PAYLOADS[4], "Tier 2", "Tier 3", "Tier 4", "Tier 5"], "unrated": "Not rated",
                "attribution": "© OpenStreetMap contributors"}
ATTR = re.compile(r"""(?:src|href)\s*=\s*\\?["']?([^"'\\\s>]+)""", re.IGNORECASE)


def boxes(nx: int, ny: int, size: float = 0.005, x0: float = -87.8, y0: float = 41.7) -> list:
    return [shapely.box(x0 + i * size, y0 + j * size, x0 + (i + 1) * size, y0 + (j + 1) * size)
            for j in range(ny) for i in range(nx)]


def tiny() -> tuple:
    """Four cells, two neighborhoods (one hostile), one school per payload, hostile stops."""
    cells = gpd.GeoDataFrame({"desert": [True, False, False, True], "quality_reachable": [0, 2, 1, 0]},
                             geometry=boxes(2, 2, size=0.05), crs=4326)
    outline = gpd.GeoDataFrame({"name": [PAYLOADS[0], "North Side"]},
                               geometry=[shapely.box(-87.8, 41.7, -87.75, 41.8), shapely.box(-87.75, 41.7, -87.7, 41.8)],
                               crs=4326)
    n = len(PAYLOADS)
    schools = pd.DataFrame({"name": PAYLOADS, "lat": [41.71 + 0.018 * i for i in range(n)], "lon": [-87.74] * n,
                            "tier_rank": [1, 2, None, 4, 5, 3],
                            "tier_label": [PAYLOADS[4], "Tier 2", None, "Tier 4", "Tier 5", PAYLOADS[5]],
                            "url": [f"schools/school-{i}/" for i in range(n)]})
    stops = pd.DataFrame({"name": PAYLOADS, "lat": [41.79] * n, "lon": [-87.79 + 0.005 * i for i in range(n)]})
    return cells, schools, stops, outline


def large(seed: int = 1) -> tuple:
    """650 schools, 3,000 cells, 1,000 stops: a city-sized map."""
    rng = np.random.default_rng(seed)
    cells = gpd.GeoDataFrame({"desert": rng.random(3000) < 0.3, "quality_reachable": rng.integers(0, 5, 3000)},
                             geometry=boxes(60, 50), crs=4326)
    outline = gpd.GeoDataFrame({"name": [f"Neighborhood {i}" for i in range(6)]},
                               geometry=[shapely.box(-87.8 + 0.1 * i, 41.7, -87.7 + 0.1 * i, 41.95) for i in range(3)] +
                                        [shapely.box(-87.8 + 0.1 * i, 41.6, -87.7 + 0.1 * i, 41.7) for i in range(3)], crs=4326)
    schools = pd.DataFrame({"name": [f"Sample School {i} Elementary" for i in range(650)],
                            "lat": 41.7 + rng.random(650) * 0.25, "lon": -87.8 + rng.random(650) * 0.3,
                            "tier_rank": [None if i % 9 == 0 else i % 5 + 1 for i in range(650)],
                            "tier_label": [f"Tier {i % 5 + 1}" for i in range(650)],
                            "url": [f"schools/sample-school-{i}-elementary/" for i in range(650)]})
    stops = pd.DataFrame({"name": [f"Ashland & {i}th Street" for i in range(1000)],
                          "lat": 41.7 + rng.random(1000) * 0.25, "lon": -87.8 + rng.random(1000) * 0.3})
    return cells, schools, stops, outline


def render(data=None, **kwargs) -> dict:
    return maps.desert_map(*(data or tiny()), asset_base=kwargs.pop("asset_base", BASE), **kwargs)


@pytest.fixture(scope="module")
def pieces() -> dict:
    return render()


def test_only_vendored_assets(pieces):
    urls = [u for text in pieces.values() for u in ATTR.findall(text)]
    assert f"{BASE}leaflet.js" in urls and f"{BASE}leaflet.css" in urls
    remote = [u for u in urls if u.lower().startswith(("http", "//"))]
    assert set(remote) <= {maps.OSM_COPYRIGHT}, remote
    everything = "".join(pieces.values()).lower()
    for word in ("jquery", "bootstrap", "fontawesome", "font-awesome", "awesome-markers", "cdn", "glyphicons"):
        assert word not in everything
    source = (ROOT / "plugins" / "schoolfinder" / "outputs" / "maps.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s+(folium|branca|jinja2)", source, re.MULTILINE), "data must not meet a template engine"


def test_a_remote_asset_raises():
    with pytest.raises(SchoolfinderError, match="cdn.example"):
        maps.check_no_remote_assets({"head": '<script src="https://cdn.example/x.js"></script>'})
    with pytest.raises(SchoolfinderError):
        maps.check_no_remote_assets({"head": '<link rel="stylesheet" href="//cdn.example/x.css">'})
    maps.check_no_remote_assets({"script": f'L.tileLayer("{maps.TILE_URL}")'})


def map_data(pieces: dict) -> dict:
    """The JSON inside the data piece's <script type="application/json">."""
    match = re.fullmatch(r'<script type="application/json" data-sf-map="map_desert_1">(.*)</script>', pieces["data"], re.DOTALL)
    assert match, pieces["data"][:200]
    return json.loads(match.group(1))


def test_hostile_names_travel_as_data_and_script_stays_valid(pieces):
    for piece in (pieces["head"], pieces["body"]):
        for payload in PAYLOADS[:2] + PAYLOADS[3:]:
            assert payload not in piece
    inner = pieces["data"].removeprefix('<script type="application/json" data-sf-map="map_desert_1">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "\u2028" not in inner and "\u2029" not in inner
    data = map_data(pieces)
    names = [row[3] for row in data["schools"]]
    assert names == PAYLOADS, "names must reach the map as the very text of the input, not escaped"
    assert [row[3] for row in data["stops"]] == PAYLOADS
    assert data["outline"]["features"][0]["properties"]["name"] == PAYLOADS[0]
    assert "49" not in pieces["data"]
    node = shutil.which("node")
    if node:
        proc = subprocess.run([node, "--check", str(MAP_SCRIPT)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    script = MAP_SCRIPT.read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "eval(" not in script


LIPSUM = "{{ lipsum.__globals__['os'].popen('id').read() }}"


def _strings_in(value) -> list:
    """Every string inside a call's arguments (nested lists, tuples and dicts included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings_in(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings_in(v)]
    return []


def test_folium_is_handed_no_input_text(monkeypatch):
    """folium/branca render Jinja templates: they get numbers and constants, never a name, a label or a UI string."""
    from schoolfinder.outputs import foliummap

    cells, schools, stops, outline = tiny()
    hostile = [*PAYLOADS, LIPSUM, f"Lincoln {LIPSUM} Elementary", "{{7*7}}"]
    schools["name"] = hostile[:len(schools)]
    schools["tier_label"] = [LIPSUM, "{{7*7}}", None, LIPSUM, "{{7*7}} Tier", PAYLOADS[5]]
    stops["name"] = hostile[-len(stops):]
    outline["name"] = [LIPSUM, "{{7*7}} North"]
    inputs = {*hostile, LIPSUM, "{{7*7}} Tier", "{{7*7}} North", *PAYLOADS}
    calls = []
    for cls in (foliummap._Map, foliummap.folium.TileLayer):
        original = cls.__init__

        def spy(self, *args, _original=original, **kwargs):
            calls.append((args, kwargs))
            _original(self, *args, **kwargs)
        monkeypatch.setattr(cls, "__init__", spy)
    leaflet_calls = []
    real = maps.leaflet_map
    monkeypatch.setattr(maps, "leaflet_map", lambda *a, **k: leaflet_calls.append((a, k)) or real(*a, **k))
    out = maps.desert_map(cells, schools, stops, outline, asset_base=BASE)
    (center, zoom), kwargs = leaflet_calls[0]
    assert all(type(x) in (int, float) for x in center) and type(zoom) is int
    assert kwargs == {"map_id": "desert", "asset_base": BASE}
    assert len(calls) == 1, "one map object and no tile layer: the map script adds the tiles with the page's attribution"
    handed = [s for args, kw in calls for s in _strings_in([args, kw])]
    assert handed == [], handed
    for args, kw in calls:
        assert all(type(x) in (int, float) for x in kw.get("location", ()))
    folium_rendered = "\n".join((out["head"], out["script"], out["body"]))
    for text in inputs:
        assert text not in folium_rendered
    for fragment in ("{{", "{%", "lipsum", "__globals__", "popen", "49", "alert"):
        assert fragment not in folium_rendered
    assert re.match(r'var map_desert_1 = L\.map\("map_desert_1"', out["script"])
    assert "tileLayer" not in out["script"]
    data = map_data(out)
    assert [row[3] for row in data["schools"]] == list(schools["name"])  # the names go to the map as JSON instead
    assert data["outline"]["features"][0]["properties"]["name"] == LIPSUM
    assert [len(row) for row in data["schools"]] == [5] * len(schools), "no tier label in the data: the page names tiers"
    assert LIPSUM not in json.dumps([row[4] for row in data["schools"]])


def test_folium_script_is_deterministic_and_valid(pieces):
    assert render()["script"] == pieces["script"]
    assert "map_other_1" in render(map_id="other")["script"]
    node = shutil.which("node")
    if node:
        proc = subprocess.run([node, "--check", "-"], input=pieces["script"], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    assert "openstreetmap" not in render(tiles=False)["script"]


def test_a_url_in_a_name_is_text_not_an_asset():
    cells, schools, stops, outline = tiny()
    schools.loc[0, "name"] = "Visit https://evil.example/x.js and //cdn.example/y"
    pieces = maps.desert_map(cells, schools, stops, outline, asset_base=BASE)
    data = map_data(pieces)
    assert data["schools"][0][3] == "Visit https://evil.example/x.js and //cdn.example/y"
    assert data["tiles"]["url"] == maps.TILE_URL


def test_legend_keys_carry_no_text():
    """The page names the legend in its language; the module gives only keys, swatch kinds and colours."""
    keys = maps.legend_keys(with_stops=True)
    assert [k["key"] for k in keys] == ["desert", "served", "outline", "tier1", "tier2", "tier3", "tier4", "tier5",
                                        "unrated", "stop"]
    assert [k["colour"] for k in keys[3:9]] == list(maps.TIER_COLORS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", k["colour"]) for k in keys)
    assert "stop" not in [k["key"] for k in maps.legend_keys(with_stops=False)]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "//evil.example/x", "https://evil.example/", "a\"onmouseover=x"])
def test_school_links_must_be_relative(url):
    cells, schools, stops, outline = tiny()
    schools.loc[0, "url"] = url
    with pytest.raises(SchoolfinderError, match="relative"):
        maps.desert_map(cells, schools, stops, outline, asset_base=BASE)


def test_the_shell_is_one_for_every_map_and_page():
    """One folium shell per build: no map's data in it, and its head moves under any page's path."""
    one, other = render(), render(large())
    assert one["body"] == other["body"] and one["head"] == other["head"]
    centre = re.compile(r"center: \[[-0-9., ]+\]")
    assert centre.sub("", one["script"]) == centre.sub("", other["script"]), "only the opening centre differs"
    shell = maps.map_shell([41.8, -87.7])
    head = maps.shell_head(shell, "../../")
    assert 'defer src="../../theme/vendor/leaflet/leaflet.js"' in head and 'href="../../theme/vendor/leaflet/leaflet.css"' in head
    assert maps.shell_head(shell, "") .count("<script defer src=") == 1


def test_folium_compilations_do_not_grow_with_maps(monkeypatch):
    """Building the shell compiles a fixed number of folium templates; map data compiles none."""
    import jinja2

    maps.map_shell([41.8, -87.7])  # folium's own class templates, compiled on first use
    counted = []
    real = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, *a, **k: counted.append(1) or real(self, *a, **k))
    maps.map_shell([41.8, -87.7])
    per_shell = len(counted)
    for data in (tiny(), large(), large(2)):
        maps.data_element(maps.map_data(*data), "map_desert_1")
    assert len(counted) == per_shell, "map data must never be compiled as a template"


def test_two_renders_are_identical(pieces):
    assert render() == pieces
    assert render(map_id="other")["body"] != pieces["body"]


def test_tiles_only_when_asked(pieces):
    assert maps.TILE_URL in pieces["data"] and maps.OSM_COPYRIGHT in pieces["data"]
    without = render(tiles=False)
    everything = "".join(without.values())
    assert "openstreetmap" not in everything and map_data(without)["tiles"] is None and "http" not in everything


def test_head_leaves_the_page_in_charge(pieces):
    head = pieces["head"].lower()
    assert "viewport" not in head and "user-scalable" not in head and "<title" not in head
    assert "charset" not in head and "html, body" not in head and "#map {" not in head
    region = r'<div class="folium-map" id="map_desert_1" role="region"\s+aria-labelledby="map_desert_1-label">'
    assert re.search(region, pieces["body"]), "the page labels the map in its language"
    assert ".sf-map-legend" in pieces["head"]


def test_size_budget(record_property):
    out = render(large())
    raw = sum(len(p.encode()) for p in out.values())
    gz = len(gzip.compress("".join(out.values()).encode(), 9))
    record_property("map_bytes_raw", raw)
    record_property("map_bytes_gzip", gz)
    print(f"\n650 schools + 3,000 cells + 1,000 stops: {raw:,} bytes raw, {gz:,} bytes gzip")
    assert raw <= 1_200_000
    assert not re.search(r"\d\.\d{6,}", out["data"]), "coordinates must be rounded to 5 decimals"


def page_html(pieces: dict) -> str:
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Map</title>"
            f"{pieces['head']}</head><body><main><h1>Map</h1>{pieces['body']}"
            '<p id="map_desert_1-label" hidden>Map of quality deserts</p></main>'
            f'<script type="application/json" data-sf-map-strings="map_desert_1">{json_for_html(PAGE_STRINGS)}</script>'
            f"{pieces['data']}<script defer src=\"desertmap.js\"></script></body></html>")


def write_page(folder: Path, pieces: dict, folium_script: bool = True) -> None:
    """The page, folium's map script in map.js beside it (deferred, after Leaflet) and the static map script."""
    head = pieces["head"].replace("<script src=", "<script defer src=")
    if folium_script:
        (folder / "map.js").write_text(pieces["script"] + "\n", encoding="utf-8")
        head += '\n<script defer src="map.js"></script>'
    (folder / "index.html").write_text(page_html({**pieces, "head": head}), encoding="utf-8")


def settle(page):
    """Wait until the map has stopped zooming and panning: the canvas only hit-tests markers at rest."""
    page.wait_for_function("() => map_desert_1._loaded && !map_desert_1._animatingZoom"
                           " && !(map_desert_1._panAnim && map_desert_1._panAnim._inProgress)")
    page.wait_for_timeout(50)


@pytest.mark.browser
def test_in_browser_hostile_names_shown_literally(browser, tmp_path):
    from tests.browser import PageWatch, serve

    if not (LEAFLET / "leaflet.js").exists():
        pytest.skip("run `make vendor` to vendor Leaflet")
    shutil.copytree(LEAFLET, tmp_path / "vendor" / "leaflet")
    shutil.copy(MAP_SCRIPT, tmp_path / "desertmap.js")
    cells, schools, stops, outline = tiny()
    write_page(tmp_path, render((cells, schools, stops, outline), asset_base="vendor/leaflet/"))
    with serve(tmp_path) as base:
        page = browser.new_page(viewport={"width": 800, "height": 900})
        watch = PageWatch(page)
        page.goto(base + "/index.html", wait_until="load")
        settle(page)
        rect = page.eval_on_selector(".folium-map", "e => { const r = e.getBoundingClientRect(); return [r.x, r.y]; }")

        def point(lat, lon):
            x, y = page.evaluate("ll => { const p = map_desert_1.latLngToContainerPoint(ll); return [p.x, p.y]; }", [lat, lon])
            return rect[0] + x, rect[1] + y

        def hover(lat, lon) -> str:
            settle(page)
            x, y = point(lat, lon)
            tooltip = page.locator(".leaflet-tooltip")
            for nudge in (0, 1, -1):  # the canvas throttles mousemove, so one event can be missed: nudge and retry
                page.mouse.move(x + nudge, y)
                page.wait_for_timeout(300)  # a closed tooltip fades out for 200 ms
                if tooltip.count():
                    break
            return tooltip.inner_text(timeout=5000)

        for name, lat, lon in zip(schools["name"], schools["lat"], schools["lon"]):
            assert name in hover(lat, lon)
            page.mouse.click(*point(lat, lon))
            page.wait_for_timeout(300)  # let the popup finish opening (and auto-panning)
            settle(page)
            popup = page.locator(".leaflet-popup-content")
            assert name in popup.inner_text()
            assert popup.locator("a").get_attribute("href").startswith("schools/school-")
            page.evaluate("map_desert_1.closePopup()")
            page.wait_for_timeout(300)  # the closed popup fades out over the next marker for 200 ms
        assert PAYLOADS[0] in hover(41.75, -87.77)  # inside the hostile neighborhood, away from markers
        assert PAYLOADS[4] in hover(schools["lat"][0], schools["lon"][0])  # the school whose tier label is hostile
        assert watch.dialogs == []
        assert page.locator("main img:not(.leaflet-tile), main script, main iframe").count() == 0
        errors = [e for e in watch.console_errors if "Failed to load resource" not in e]  # the blocked tiles
        assert errors == []
        assert watch.blocked and all(u.startswith("https://tile.openstreetmap.org/") for u in watch.blocked)


@pytest.mark.browser
@pytest.mark.parametrize("folium_script", [True, False], ids=["folium", "fallback"])
def test_in_browser_data_drawn_on_folium_map(browser, tmp_path, folium_script):
    """desertmap.js draws on the map folium declared (one tile layer); without folium's script it makes its own."""
    from tests.browser import PageWatch, serve

    if not (LEAFLET / "leaflet.js").exists():
        pytest.skip("run `make vendor` to vendor Leaflet")
    shutil.copytree(LEAFLET, tmp_path / "vendor" / "leaflet")
    shutil.copy(MAP_SCRIPT, tmp_path / "desertmap.js")
    write_page(tmp_path, render(asset_base="vendor/leaflet/"), folium_script)
    with serve(tmp_path) as base:
        page = browser.new_page(viewport={"width": 800, "height": 900})
        watch = PageWatch(page)
        page.goto(base + "/index.html", wait_until="load")
        settle(page)
        counts = page.evaluate("""() => { const n = {tiles: 0, markers: 0};
            map_desert_1.eachLayer(l => { if (l instanceof L.TileLayer) n.tiles++;
                                          if (l instanceof L.CircleMarker) n.markers++; });
            return n; }""")
        assert counts == {"tiles": 1, "markers": len(PAYLOADS) * 2}
        assert page.locator(".leaflet-control-attribution a[href='https://www.openstreetmap.org/copyright']").count() == 1
        errors = [e for e in watch.console_errors if "Failed to load resource" not in e]
        assert errors == [] and watch.dialogs == []
