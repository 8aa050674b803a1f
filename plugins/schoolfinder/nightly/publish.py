"""Atomic publishing of complete builds: ``<root>/current`` is a symlink swapped with one rename(2).

Layout under the publish root::

    builds/<build id>[-n]/site/    what the web server serves (docroot: <root>/current/site)
    builds/<build id>/processed/   the data it was built from (next night's delta guard and change report)
    builds/<build id>/build-manifest.json, changes.json, changes.html, reports/
    staging/<build id>.<pid>/      work in progress; never served, removed by the next run
    current -> builds/<build id>   the published build
    history.json                   published build folders, oldest first (for rollback)

A build killed at any moment leaves ``current`` pointing at the last complete build: the new build is
assembled in ``staging/``, moved into ``builds/`` with one rename, and only then is ``current`` swapped.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
from pathlib import Path

from ..problems import PublishError


def current_build(root: Path) -> Path | None:
    """The published build folder, or None before the first publish."""
    link = root / "current"
    return (root / os.readlink(link)).resolve() if link.is_symlink() else None


def new_staging(root: Path, build_id: str) -> Path:
    """A fresh staging folder for this run; staging left by killed runs is removed first."""
    staging = root / "staging"
    shutil.rmtree(staging, ignore_errors=True)
    folder = staging / f"{build_id}.{os.getpid()}"
    folder.mkdir(parents=True)
    return folder


BUILD_ID_META = re.compile(rb'<meta name="build-id" content="[^"]*">')


def reuse_unchanged(new_site: Path, old_site: Path | None) -> tuple[int, int]:
    """Keep the published file wherever tonight's is the same, as a hard link (same inode and mtime: uploads stay small).

    A page whose only difference is its ``build-id`` meta tag counts as the same: its ``build-id`` then names the
    build that last changed it, while ``build-manifest.json`` names the live build. Returns (kept, new or changed).
    """
    reused = changed = 0
    for path in sorted(p for p in new_site.rglob("*") if p.is_file()):
        old = old_site / path.relative_to(new_site) if old_site else None
        if old and old.is_file() and _same(old, path):
            tmp = path.with_name(path.name + ".link-tmp")
            os.link(old, tmp)
            os.replace(tmp, path)
            reused += 1
        else:
            changed += 1
    return reused, changed


def _same(old: Path, new: Path) -> bool:
    if new.suffix == ".html":
        return BUILD_ID_META.sub(b"", old.read_bytes()) == BUILD_ID_META.sub(b"", new.read_bytes())
    return old.stat().st_size == new.stat().st_size and filecmp.cmp(old, new, shallow=False)


def publish(root: Path, staging: Path, build_id: str, keep: int) -> Path:
    """Move a complete staged build into ``builds/`` and point ``current`` at it; keep the newest ``keep`` builds."""
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    target, n = builds / build_id, 1
    while target.exists():  # the same inputs published again (--force, or after a rollback): a folder of its own
        n += 1
        target = builds / f"{build_id}-{n}"
    os.replace(staging, target)
    _point_current(root, target)
    history = read_history(root) + [target.name]
    _write_history(root, history)
    _prune(root, history, keep)
    return target


def rollback(root: Path) -> str:
    """Point ``current`` at the build published before it; return that build id."""
    history = read_history(root)
    live = current_build(root)
    if live is None or live.name not in history or history.index(live.name) == 0:
        raise PublishError("no earlier build to roll back to")
    previous = history[history.index(live.name) - 1]
    if not (root / "builds" / previous).is_dir():
        raise PublishError(f"build {previous} is no longer kept")
    _point_current(root, root / "builds" / previous)
    _write_history(root, history[:history.index(live.name)])
    return previous


def read_history(root: Path) -> list[str]:
    path = root / "history.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def _write_history(root: Path, history: list[str]) -> None:
    tmp = root / "history.json.tmp"
    tmp.write_text(json.dumps(history, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, root / "history.json")


def _point_current(root: Path, target: Path) -> None:
    """Swap the ``current`` symlink atomically (a new link renamed over the old one)."""
    tmp = root / "current.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(os.path.relpath(target, root), tmp)
    os.replace(tmp, root / "current")


def _prune(root: Path, history: list[str], keep: int) -> None:
    """Remove builds beyond the newest ``keep`` published ones (never the live one)."""
    live = current_build(root)
    wanted = set(history[-keep:]) | ({live.name} if live else set())
    for folder in (root / "builds").iterdir():
        if folder.name not in wanted:
            shutil.rmtree(folder, ignore_errors=True)
