"""Where cached stage results live: ``<folder>/stages/<stage>-<digest>.pickle``, written atomically, newest kept.

A result is stored whole (its problems and quarantine records too), so a hit reports exactly what a run would.
"""

from __future__ import annotations

import glob
import os
import pickle
import time
from pathlib import Path

from ..config import CityConfig
from ..outputs.buildinfo import sha256_file
from .digest import code_version, digest

DIGEST_CHARS = 40  # of a stored result's name: <stage>-<digest>.pickle

KEEP = 4  # results kept per stage: tonight's and a few before it (a rollback, a reverted change)


class StageCache:
    """Stage results by the digest of what each stage reads; ``folder`` None turns caching off (always compute).

    ``known`` maps input files (relative to the data folder) to SHA-256 hashes the caller already has (the nightly
    fetch hashes every file), so no file is hashed twice.
    """

    def __init__(self, folder: Path | None, known: dict[str, str] | None = None):
        self.folder = Path(folder) if folder else None
        self.known = dict(known or {})
        self.log: list[tuple[str, str, float]] = []  # (stage, "hit" / "miss" / "off", seconds)

    def files(self, config: CityConfig, names: list[str]) -> dict[str, str]:
        """Relative path -> SHA-256 for each named input (a folder counts as its files, a shapefile its sidecar files);
        missing files read as ""."""
        out = {}
        for name in names:
            path = config.source_path(name)
            found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            found += sorted(p for p in path.parent.glob(f"{path.stem}.*") if p != path) if path.suffix == ".shp" else []
            for file in found:
                relative = str(Path(name) / file.relative_to(path)) if path.is_dir() else \
                    name if file == path else str(Path(name).with_name(file.name))
                if relative not in self.known:
                    self.known[relative] = sha256_file(file) if file.is_file() else ""
                out[relative] = self.known[relative]
        return out

    def run(self, stage: str, reads: dict, compute):
        """``compute()``'s result, or the one stored for the same ``reads`` (and the same code)."""
        began = time.perf_counter()
        if self.folder is None:
            result = compute()
            self.log.append((stage, "off", time.perf_counter() - began))
            return result
        path = self.folder / "stages" / f"{stage}-{digest({'code': code_version(), 'stage': stage, 'reads': reads})[:DIGEST_CHARS]}.pickle"
        result = _load(path)
        outcome = "hit" if result is not None else "miss"
        if result is None:
            result = compute()
            try:
                _store(path, result)
                _prune(path.parent, stage)
            except OSError as exc:  # a full disk or a read-only cache folder costs time, never the build
                outcome = f"miss, not stored ({exc.strerror or exc})"
        self.log.append((stage, outcome, time.perf_counter() - began))
        return result

    def summary(self) -> str:
        """One line: each cached stage, hit or miss, and its seconds."""
        return "stage cache: " + ", ".join(f"{stage} {outcome} {seconds:.1f} s" for stage, outcome, seconds in self.log)


def _load(path: Path):
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as handle:
            result = pickle.load(handle)  # noqa: S301 (our own cache folder, written by this code)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None  # unreadable (a disk problem, code moved): computed again and overwritten
    os.utime(path)  # recently used: kept by _prune
    return result


def _store(path: Path, result) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _prune(folder: Path, stage: str) -> None:
    """Keep the ``KEEP`` most recently used results of ``stage``."""
    mine = folder.glob(f"{glob.escape(stage)}-{'[0-9a-f]' * DIGEST_CHARS}.pickle")  # not another's "<stage>-x-<digest>"
    entries = sorted(mine, key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
