"""The map pre-pass, kept whole: when the processed map inputs and the map code are as in an earlier build, the
views (shell, data blocks) and images are copied from the cache, nothing is computed or drawn.

Key: SHA-256 of the processed cells, neighborhood shapes and stops files, of what the maps show of each school and
neighborhood (name, place, tier, slug), of the map code and of folium's version. Entries live in
``<map cache>/views/<key>/`` (``views.json`` and the images); the newest ``KEEP`` are kept.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

from schoolfinder import contract
from schoolfinder.outputs import foliummap, mappng, maps as outputs_maps

KEEP = 4
_CODE = (Path(__file__).with_name("maps.py"), Path(__file__), Path(outputs_maps.__file__), Path(mappng.__file__),
         Path(foliummap.__file__))


def views_key(processed: Path, schools: list[dict], neighborhoods: list[dict]) -> str:
    """The key of every map of a build (see the module docstring)."""
    digest = hashlib.sha256(metadata.version("folium").encode())
    for path in [processed / name for name in (contract.CELLS, contract.NEIGHBORHOOD_SHAPES, contract.STOPS)] + list(_CODE):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    shown = [[s["name"], s["lat"], s["lon"], s["neighborhood_slug"], s["tier"].get("rank"), s["slug"]] for s in schools]
    digest.update(json.dumps([shown, [[n["nbhd_id"], n["slug"]] for n in neighborhoods]]).encode())
    return digest.hexdigest()


def cached_views(prepare, processed: Path, schools: list[dict], neighborhoods: list[dict], output: Path, cache: Path):
    """``prepare(processed, schools, neighborhoods, output, cache)``'s views, from the cache when it has them."""
    from .maps import SHELL_SCRIPT, MapViews

    entry = Path(cache) / "views" / views_key(processed, schools, neighborhoods)
    if (entry / "views.json").is_file():
        kept = json.loads((entry / "views.json").read_text(encoding="utf-8"))
        (output / SHELL_SCRIPT).parent.mkdir(parents=True, exist_ok=True)
        (output / SHELL_SCRIPT).write_text(kept["shell"]["script"] + "\n", encoding="utf-8")
        for number, image in enumerate(kept["images"]):
            (output / image).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(entry / f"{number}.png", output / image)
        entry.touch()
        return MapViews(kept["shell"], kept["city"], kept["areas"], drawn=0, copied=len(kept["images"]))
    views = prepare(processed, schools, neighborhoods, output, cache)
    _store(entry, views, output)
    return views


def _store(entry: Path, views, output: Path) -> None:
    """Write the entry aside and rename it into place (a crash never leaves half an entry), then prune."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(dir=entry.parent, prefix=".tmp-"))
    images = [views.city["png"]] + [view["png"] for view in views.areas.values()]
    for number, image in enumerate(images):
        shutil.copyfile(output / image, scratch / f"{number}.png")
    data = {"shell": views.shell, "city": views.city, "areas": views.areas, "images": images}
    (scratch / "views.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    try:
        scratch.rename(entry)
    except OSError:  # another build stored the same entry first
        shutil.rmtree(scratch, ignore_errors=True)
    kept = sorted((p for p in entry.parent.iterdir() if not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
    for old in kept[:-KEEP]:
        shutil.rmtree(old, ignore_errors=True)
