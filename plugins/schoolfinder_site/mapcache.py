"""The map pre-pass, cached whole and view by view: when the processed map inputs and the map code are as in an
earlier build, the views (shell, data blocks) and images are copied from the cache; when only some schools changed
(a renamed school), only the views showing them (its neighborhood's and the city's) are made again.

Keys: the *base* key is the SHA-256 of the processed cells, neighborhood shapes and stops files, of the
neighborhoods' ids and slugs, of the map code and of folium's version: the shell and every view's shapes depend on
nothing else. A view's key adds what the map shows of its schools (name, place, tier, slug, in page order); the
*whole* key adds every school. Entries live in ``<map cache>/views/<whole key>/`` (``views.json`` with the base
and view keys, and the images); the newest ``KEEP`` are kept.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

import schoolfinder
from schoolfinder import contract

KEEP = 4
_OUTPUTS = Path(schoolfinder.__file__).parent / "outputs"  # named, not imported: importing them loads folium
_CODE = (Path(__file__).with_name("maps.py"), Path(__file__), _OUTPUTS / "maps.py", _OUTPUTS / "mappng.py",
         _OUTPUTS / "foliummap.py")
CITY = ""  # the city view's id among the view keys (neighborhood ids name the others)


def base_key(processed: Path, neighborhoods: list[dict]) -> str:
    """The key of the shell and of every view's shapes (see the module docstring)."""
    digest = hashlib.sha256(metadata.version("folium").encode())
    for path in [processed / name for name in (contract.CELLS, contract.NEIGHBORHOOD_SHAPES, contract.STOPS)] + list(_CODE):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(json.dumps([[n["nbhd_id"], n["slug"]] for n in neighborhoods]).encode())
    return digest.hexdigest()


def _shown(schools: list[dict]) -> list[list]:
    return [[s["name"], s["lat"], s["lon"], s["neighborhood_slug"], s["tier"].get("rank"), s["slug"]] for s in schools]


def views_key(processed: Path, schools: list[dict], neighborhoods: list[dict]) -> str:
    """The key of every map of a build (see the module docstring)."""
    return _keys(base_key(processed, neighborhoods), schools, neighborhoods)[0]


def _keys(base: str, schools: list[dict], neighborhoods: list[dict]) -> tuple[str, dict[str, str]]:
    """The whole key, and each view's key (the city's under ``CITY``)."""
    whole = hashlib.sha256(base.encode() + json.dumps(_shown(schools)).encode()).hexdigest()
    located = [s for s in schools if s["lat"] is not None]  # what DesertMaps draws, in its order
    by_slug: dict[str, list[dict]] = {}
    for school in located:
        by_slug.setdefault(school["neighborhood_slug"], []).append(school)
    views = {CITY: _view_key(base, CITY, located)}
    views |= {n["nbhd_id"]: _view_key(base, n["nbhd_id"], by_slug.get(n["slug"], [])) for n in neighborhoods}
    return whole, views


def _view_key(base: str, view: str, schools: list[dict]) -> str:
    return hashlib.sha256(f"{base}\0{view}\0".encode() + json.dumps(_shown(schools)).encode()).hexdigest()


def cached_views(prepare, processed: Path, schools: list[dict], neighborhoods: list[dict], output: Path, cache: Path):
    """``prepare(processed, schools, neighborhoods, output, cache)``'s views: from the cache when it has them all,
    else made again only for the views whose schools changed when the cache has a build of the same shapes."""
    from .maps import MapViews

    base = base_key(processed, neighborhoods)
    whole, keys = _keys(base, schools, neighborhoods)
    folder = Path(cache) / "views"
    entry = folder / whole
    if (entry / "views.json").is_file():
        kept = json.loads((entry / "views.json").read_text(encoding="utf-8"))
        _write_shell(output, kept["shell"])
        for number, image in enumerate(kept["images"]):
            _copy(entry / f"{number}.png", output / image)
        entry.touch()
        return MapViews(kept["shell"], kept["city"], kept["areas"], drawn=0, copied=len(kept["images"]))
    earlier = _same_shapes(folder, base)
    if earlier is None:
        views = prepare(processed, schools, neighborhoods, output, cache)
    else:
        views = _remake_changed(earlier, keys, processed, schools, neighborhoods, output, cache)
    _store(entry, views, output, base, keys)
    return views


def _same_shapes(folder: Path, base: str) -> tuple[Path, dict] | None:
    """The newest entry made from the same shapes and code (its folder and views.json), or None."""
    entries = sorted((p for p in folder.glob("*/views.json")), key=lambda p: p.parent.stat().st_mtime, reverse=True)
    for path in entries:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept.get("base") == base:
            return path.parent, kept
    return None


def _remake_changed(earlier: tuple[Path, dict], keys: dict[str, str], processed: Path, schools: list[dict],
                    neighborhoods: list[dict], output: Path, cache: Path):
    """The views of an earlier entry of the same shapes, each made again (``maps._view``) when its key changed."""
    from .maps import DesertMaps, MapViews, _view

    entry, kept = earlier
    shell = kept["shell"]
    _write_shell(output, shell)
    images = {png: number for number, png in enumerate(kept["images"])}
    drawer = None
    views = MapViews(shell, {})
    for view_id, png in [(CITY, "deserts/map.png")] + [(n["nbhd_id"], f"neighborhoods/{n['slug']}/map.png")
                                                        for n in neighborhoods]:
        before = kept["city"] if view_id == CITY else kept["areas"].get(view_id)
        if before is not None and kept["view_keys"].get(view_id) == keys[view_id] and before["png"] == png:
            view, drawn = before, False
            _copy(entry / f"{images[png]}.png", output / png)
            views.copied += 1
        else:
            drawer = drawer or DesertMaps(processed, schools)
            view, drawn = _view(drawer, shell, view_id or None, png, output, cache)
            views.drawn, views.copied = views.drawn + drawn, views.copied + (not drawn)
        if view_id == CITY:
            views.city = view
        else:
            views.areas[view_id] = view
    return views


def _write_shell(output: Path, shell: dict) -> None:
    from .maps import SHELL_SCRIPT

    (output / SHELL_SCRIPT).parent.mkdir(parents=True, exist_ok=True)
    (output / SHELL_SCRIPT).write_text(shell["script"] + "\n", encoding="utf-8")


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _store(entry: Path, views, output: Path, base: str, keys: dict[str, str]) -> None:
    """Write the entry aside and rename it into place (a crash never leaves half an entry), then prune."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".tmp-"))
    images = [views.city["png"]] + [view["png"] for view in views.areas.values()]
    for number, image in enumerate(images):
        shutil.copyfile(output / image, scratch / f"{number}.png")
    data = {"shell": views.shell, "city": views.city, "areas": views.areas, "images": images, "base": base,
            "view_keys": keys}
    (scratch / "views.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        scratch.rename(entry)
    except OSError:  # another build stored the same entry first
        shutil.rmtree(scratch, ignore_errors=True)
    kept = sorted((p for p in entry.parent.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    for old in kept[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
