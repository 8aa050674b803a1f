"""The static map image: drawn with Pillow in a few milliseconds, no text in it, deterministic, cached on its inputs."""

from __future__ import annotations


import pytest
import shapely
from PIL import Image, ImageDraw

from schoolfinder.outputs import mappng, maps
from tests.outputs.test_maps import large, tiny



def pixel_colours(path) -> set[tuple[int, int, int]]:
    return {colour for _count, colour in Image.open(path).convert("RGB").getcolors(maxcolors=1 << 16)}


def test_image_is_deterministic_palette_and_sized(tmp_path):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    for path in (first, second):
        mappng.draw_png(*tiny()[:2], tiny()[3], path)
    assert first.read_bytes() == second.read_bytes()
    image = Image.open(first)
    assert image.size == (mappng.WIDTH, mappng.HEIGHT) and image.mode == "P"
    assert not image.info.get("Software") and b"tEXt" not in first.read_bytes() and b"tIME" not in first.read_bytes()


def test_image_has_no_text_only_the_map_colours(tmp_path, monkeypatch):
    """No words are drawn (titles and legends are HTML, in the page's language): only cells, lines and dots."""
    def no_text(*args, **kwargs):
        raise AssertionError("the map image must carry no text")
    monkeypatch.setattr(ImageDraw.ImageDraw, "text", no_text)
    monkeypatch.setattr(ImageDraw.ImageDraw, "multiline_text", no_text)
    path = tmp_path / "map.png"
    mappng.draw_png(*large()[:2], large()[3], path)
    flat = mappng.palette()
    allowed = {tuple(flat[i:i + 3]) for i in range(0, len(flat), 3)}
    used = pixel_colours(path)
    assert used <= allowed
    tiers = {tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in maps.TIER_COLORS}
    assert tiers <= used, "every tier (and unrated) has its own colour-blind-safe dot"
    assert tuple(flat[3:6]) in used and tuple(flat[6:9]) in used, "desert and served cells are both drawn"


def test_school_dot_sits_on_the_school(tmp_path):
    cells, schools, _stops, outline = tiny()
    schools = schools.iloc[[0]]  # tier 1
    path = tmp_path / "one.png"
    mappng.draw_png(cells, schools, outline, path)
    frame = mappng._Frame(outline.total_bounds, mappng.WIDTH, mappng.HEIGHT)
    (x, y), = frame.pixels(schools[["lon", "lat"]].to_numpy(dtype=float)).tolist()
    assert Image.open(path).convert("RGB").getpixel((round(x), round(y))) == (0x44, 0x01, 0x54)


def test_key_follows_every_input_and_nothing_else():
    cells, schools, _stops, outline = tiny()
    key = mappng.png_key(cells, schools, outline)
    assert key == mappng.png_key(*tiny()[:2], tiny()[3])
    assert key == mappng.png_key(cells, schools.assign(name="Renamed", tier_label="Other words"), outline), \
        "names and labels are not in the image, so they do not change it"
    flipped = cells.assign(desert=~cells["desert"])
    moved = schools.assign(lat=schools["lat"] + 0.001)
    retiered = schools.assign(tier_rank=[5, 2, None, 4, 5, 3])
    reshaped = outline.assign(geometry=outline.geometry.apply(lambda g: shapely.affinity.scale(g, 1.01)))
    others = {mappng.png_key(flipped, schools, outline), mappng.png_key(cells, moved, outline),
              mappng.png_key(cells, retiered, outline), mappng.png_key(cells, schools, reshaped)}
    assert key not in others and len(others) == 4


def test_cache_hit_copies_bytes_and_draws_nothing(tmp_path, monkeypatch):
    cells, schools, _stops, outline = tiny()
    cache = tmp_path / "cache"
    assert mappng.cached_png(cells, schools, outline, tmp_path / "a" / "map.png", cache) is True
    assert len(list(cache.glob("*.png"))) == 1 and not list(cache.glob("*.tmp*"))

    def no_drawing(*args, **kwargs):
        raise AssertionError("a cache hit must not draw")
    monkeypatch.setattr(mappng, "draw_png", no_drawing)
    assert mappng.cached_png(cells, schools, outline, tmp_path / "b" / "map.png", cache) is False
    assert (tmp_path / "a" / "map.png").read_bytes() == (tmp_path / "b" / "map.png").read_bytes()
    with pytest.raises(AssertionError, match="must not draw"):  # other inputs miss the cache
        mappng.cached_png(cells.assign(desert=True), schools, outline, tmp_path / "c.png", cache)
    assert sorted(p.suffix for p in cache.iterdir()) == [".png"], "a failed drawing leaves nothing behind"
