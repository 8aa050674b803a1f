"""The map pre-pass, cached whole and view by view: when the processed map inputs and the map code are as in an
earlier build, the views (shell, data blocks) and images are copied from the cache; when only some schools changed,
only the views showing them (its neighborhood's and the city's) change: a new name or link only rewrites the school
rows of their data (nothing is read or drawn), a new place or tier makes them again.

Keys: the *base* key is the SHA-256 of the processed cells, neighborhood shapes and stops files, of the
neighborhoods' ids and slugs, of the map code and of folium's version: the shell and every view's shapes depend on
nothing else. A view's key adds what the map shows of its schools (name, place, tier, slug, in page order); the
*whole* key adds every school, a view's *picture* key only its schools' places and tiers (what its image shows).
Entries live in ``<map cache>/views/<whole key>/`` (``views.json`` with the base, view and picture keys, and the
images); the newest ``KEEP`` are kept.
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


def _keys(base: str, schools: list[dict], neighborhoods: list[dict]) -> tuple[str, dict[str, str], dict[str, str]]:
    """The whole key, each view's key and each view's picture key (what its image shows of its schools: places and
    tiers, not names); the city's under ``CITY``."""
    whole = hashlib.sha256(base.encode() + json.dumps(_shown(schools)).encode()).hexdigest()
    shown = _view_schools(schools, neighborhoods)
    views = {view: _view_key(base, view, _shown(group)) for view, group in shown.items()}
    pictures = {view: _view_key(base, view, [[s["lat"], s["lon"], s["tier"].get("rank")] for s in group])
                for view, group in shown.items()}
    return whole, views, pictures


def _view_schools(schools: list[dict], neighborhoods: list[dict]) -> dict[str, list[dict]]:
    """The schools each view draws, in its order (as ``maps.DesertMaps`` picks them): the city's, then each area's."""
    located = [s for s in schools if s["lat"] is not None]
    by_slug: dict[str, list[dict]] = {}
    for school in located:
        by_slug.setdefault(school["neighborhood_slug"], []).append(school)
    return {CITY: located} | {n["nbhd_id"]: by_slug.get(n["slug"], []) for n in neighborhoods}


def _view_key(base: str, view: str, shown: list) -> str:
    return hashlib.sha256(f"{base}\0{view}\0".encode() + json.dumps(shown).encode()).hexdigest()


def cached_views(prepare, processed: Path, schools: list[dict], neighborhoods: list[dict], output: Path, cache: Path):
    """``prepare(processed, schools, neighborhoods, output, cache)``'s views: from the cache when it has them all,
    else made again only for the views whose schools changed when the cache has a build of the same shapes."""
    from .maps import MapViews, write_shell

    base = base_key(processed, neighborhoods)
    whole, keys, pictures = _keys(base, schools, neighborhoods)
    folder = Path(cache) / "views"
    entry = folder / whole
    if (entry / "views.json").is_file():
        kept = json.loads((entry / "views.json").read_text(encoding="utf-8"))
        write_shell(output, kept["shell"])
        for number, image in enumerate(kept["images"]):
            _copy(entry / f"{number}.png", output / image)
        entry.touch()
        return MapViews(kept["shell"], kept["city"], kept["areas"], drawn=0, copied=len(kept["images"]))
    earlier = _same_shapes(folder, base)
    if earlier is None:
        views = prepare(processed, schools, neighborhoods, output, cache)
    else:
        views = _remake_changed(earlier, (keys, pictures), processed, schools, neighborhoods, output, cache)
    _store(entry, views, output, base, keys, pictures)
    return views


def _same_shapes(folder: Path, base: str) -> tuple[Path, dict] | None:
    """The newest entry made from the same shapes and code (its folder and views.json), or None."""
    entries = sorted((p for p in folder.glob("*/views.json")), key=lambda p: p.parent.stat().st_mtime, reverse=True)
    for path in entries:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept.get("base") == base:
            return path.parent, kept
    return None


def _remake_changed(earlier: tuple[Path, dict], keys: tuple[dict, dict], processed: Path, schools: list[dict],
                    neighborhoods: list[dict], output: Path, cache: Path):
    """The views of an earlier entry of the same shapes: kept when their key is unchanged; when only names or links
    changed (the same picture key), the same view and image with the schools of its data made again; else made
    again whole (``maps.make_view``)."""
    from .maps import DesertMaps, MapViews, make_view, write_shell

    (entry, kept), (view_keys, picture_keys) = earlier, keys
    shell = kept["shell"]
    write_shell(output, shell)
    images = {png: number for number, png in enumerate(kept["images"])}
    drawer, shown = None, _view_schools(schools, neighborhoods)
    views = MapViews(shell, {})
    for view_id, png in [(CITY, "deserts/map.png")] + [(n["nbhd_id"], f"neighborhoods/{n['slug']}/map.png")
                                                        for n in neighborhoods]:
        before = kept["city"] if view_id == CITY else kept["areas"].get(view_id)
        same = before is not None and before["png"] == png
        if same and kept["view_keys"].get(view_id) == view_keys[view_id]:
            view, made = before, False
        elif same and kept.get("picture_keys", {}).get(view_id) == picture_keys[view_id]:
            view, made = {**before, "data": _with_schools(before["data"], shown[view_id], shell["element"])}, False
        else:
            drawer = drawer or DesertMaps(processed, schools)
            (view, drawn), made = make_view(drawer, shell, view_id or None, png, output, cache), True
        if made:
            views.drawn, views.copied = views.drawn + drawn, views.copied + (not drawn)
        else:
            _copy(entry / f"{images[png]}.png", output / png)
            views.copied += 1
        if view_id == CITY:
            views.city = view
        else:
            views.areas[view_id] = view
    return views


def _with_schools(element: str, schools: list[dict], name: str) -> str:
    """A view's data element with its schools' rows made again from ``schools`` (as ``maps._school_rows`` makes
    them from ``DesertMaps.schools``); everything else of the data as it was."""
    from schoolfinder.outputs import maps

    text = element[element.index(">") + 1:element.rindex("</script>")]
    data = json.loads(text)
    data["schools"] = [maps.school_row(s["lat"], s["lon"], s["tier"].get("rank"), s["name"], f"schools/{s['slug']}/")
                       for s in schools if s["lat"] is not None and s["lon"] is not None]
    return maps.data_element(data, name)


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _store(entry: Path, views, output: Path, base: str, keys: dict[str, str], pictures: dict[str, str]) -> None:
    """Write the entry aside and rename it into place (a crash never leaves half an entry), then prune."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".tmp-"))
    images = [views.city["png"]] + [view["png"] for view in views.areas.values()]
    for number, image in enumerate(images):
        shutil.copyfile(output / image, scratch / f"{number}.png")
    data = {"shell": views.shell, "city": views.city, "areas": views.areas, "images": images, "base": base,
            "view_keys": keys, "picture_keys": pictures}
    (scratch / "views.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        scratch.rename(entry)
    except OSError:  # another build stored the same entry first
        shutil.rmtree(scratch, ignore_errors=True)
    kept = sorted((p for p in entry.parent.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    for old in kept[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
