"""The link check: relative, absolute and escaping links on a tiny site, each looked up the way a browser would."""

import pytest

from schoolfinder.nightly import checks


@pytest.mark.parametrize("href, missing", [
    ("../b/", False),  # a folder with index.html
    ("../b/index.html", False),
    ("../b", False),  # a folder without the slash
    ("../c/", True),  # no such folder
    ("../b/map.png", False),
    ("../b/gone.png", True),
    ("../../../etc/passwd", True),  # outside the site, even if the file exists
    ("/b/", False),
    ("/nowhere/", True),
    ("../b/%69ndex.html", False),  # percent-encoded
    ("../b/#top", False),
])
def test_links_are_found_or_reported(tmp_path, href, missing):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "index.html").write_text("<p>b</p>", encoding="utf-8")
    (tmp_path / "b" / "map.png").write_bytes(b"png")
    (tmp_path / "a" / "index.html").write_text(f'<a href="{href}">x</a>', encoding="utf-8")
    found = checks.reference_problems(tmp_path, pages=["a/index.html"])["links"]
    assert bool(found) == missing, found
