"""Page slugs."""

from __future__ import annotations

import pytest

from schoolfinder.directory.slugs import slugify, unique_slugs


@pytest.mark.parametrize(("name", "slug"), [
    ("Peñasco Élementary", "penasco-elementary"), ("../../index", "index"), ("CON", "con-x"),
    ("\U0001F3EB", "x"), ("<img src=x onerror=alert(1)>", "img-src-x-onerror-alert-1"),
])
def test_slugify(name, slug):
    assert slugify(name, fallback="x") == slug


def test_unique_slugs_disambiguate_by_id():
    assert unique_slugs(["Same Name", "Same  name", "Other"], ["1", "2", "3"]) == ["same-name-1", "same-name-2", "other"]
