"""The map cache view by view: after a school is renamed, the views that show it (its neighborhood's and the city's)
get new school rows and nothing is drawn or read; after it moves, those two views are made again; the rest, the
shell and the images come from the earlier entry. Every view and file is the same as a pre-pass made from nothing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from schoolfinder import contract
from schoolfinder_site import maps as site_maps
from schoolfinder_site.mapcache import cached_views
from tests.conftest import FIXTURES, run_ok

pytestmark = pytest.mark.site_build


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    """The tiny hostile city through the pipeline (no pages)."""
    out = tmp_path_factory.mktemp("mapcache") / "processed"
    run_ok([sys.executable, "-m", "schoolfinder", "build", str(FIXTURES / "hostile"), "--out", str(out)])
    return out


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def as_json(views) -> str:
    return json.dumps([views.shell, views.city, views.areas], sort_keys=True, ensure_ascii=False)


def test_a_renamed_or_moved_school_remakes_only_the_views_that_show_it(processed, tmp_path, monkeypatch):
    data = contract.read_processed(processed)
    schools = sorted(data["schools"], key=lambda s: (s["name"].casefold(), s["slug"]))
    neighborhoods = data["neighborhoods"]
    cache = tmp_path / "cache"
    cached_views(site_maps.prepare_maps, processed, schools, neighborhoods, tmp_path / "first", cache)
    index = next(i for i, s in enumerate(schools) if s["lat"] is not None and s["neighborhood_slug"])
    its_view = [n["nbhd_id"] for n in neighborhoods if n["slug"] == schools[index]["neighborhood_slug"]]
    made, view = [], site_maps.make_view

    def counting_view(drawer, shell, nbhd_id, *args):
        made.append(nbhd_id)
        return view(drawer, shell, nbhd_id, *args)

    def no_full_prepass(*_args):
        raise AssertionError("the whole pre-pass ran again")

    for name, change, remade in [("renamed", {"name": schools[index]["name"] + " (renamed)"}, []),
                                 ("moved", {"lat": schools[index]["lat"] + 0.001}, [None, *its_view])]:
        changed = [dict(s, **change) if i == index else s for i, s in enumerate(schools)]
        made.clear()
        monkeypatch.setattr(site_maps, "make_view", counting_view)
        partial = cached_views(no_full_prepass, processed, changed, neighborhoods, tmp_path / name, cache)
        assert made == remade, name
        assert partial.drawn == (0 if name == "renamed" else len(remade))  # names are not in the images
        monkeypatch.setattr(site_maps, "make_view", view)
        full = site_maps.prepare_maps(processed, changed, neighborhoods, tmp_path / f"{name}-full", tmp_path / f"{name}-cache")
        assert as_json(partial) == as_json(full), name
        assert files(tmp_path / name) == files(tmp_path / f"{name}-full"), name
        again = cached_views(no_full_prepass, processed, changed, neighborhoods, tmp_path / f"{name}-again", cache)
        assert as_json(again) == as_json(full) and again.copied == len(neighborhoods) + 1  # the whole entry now
