"""What a build is made of: every input file (size, SHA-256), the code version, the build id and freshness.

The build id is a hash of the inputs, the city config and the code, so the same inputs and code always give
the same id (and, with the same ``BUILD_DATE``, byte-identical pages). ``BUILD_DATE`` only decides whether the
"data may be out of date" banner shows.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from pathlib import Path

from ..config import CityConfig
from ..contract import build_date

ROOT = Path(__file__).resolve().parents[3]
CODE_PATHS = ("plugins", "theme/templates", "theme/static/css", "theme/static/js", "pelicanconf.py",
              "requirements.lock", "package-lock.json")


def input_paths(config: CityConfig) -> list[str]:
    """Every file the config reads, relative to its data folder (a GTFS folder counts as its files)."""
    names = [s["path"] for s in config.directory] + [r["path"] for r in config.ratings]
    names += [config.neighborhoods["path"]] + [g["path"] for g in config.gtfs]
    if config.population:
        names += [config.population["areas_path"], config.population["table_path"]]
        names += [config.population["crosswalk"]["path"]] if config.population.get("crosswalk") else []
    names += [config.merge["crosswalk"]] if config.merge.get("crosswalk") else []
    out = []
    for name in dict.fromkeys(names):
        path = config.source_path(name)
        if path.is_dir():
            out += sorted(str(Path(name) / p.relative_to(path)) for p in path.rglob("*") if p.is_file())
        else:
            out.append(name)
    return out


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_hashes(config: CityConfig) -> dict[str, dict]:
    """Relative path -> {bytes, sha256} for every input file that exists (a missing one fails later, named)."""
    out = {}
    for name in input_paths(config):
        path = config.source_path(name)
        if path.is_file():
            out[name] = {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
    return out


@functools.lru_cache(maxsize=None)  # the code does not change while a build runs
def code_version(root: Path = ROOT) -> str:
    """SHA-256 over the code and pinned dependencies that shape the output (not the git history)."""
    digest = hashlib.sha256()
    for base in CODE_PATHS:
        target = root / base
        files = sorted(p for p in target.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if target.is_dir() else [target]
        for path in files:
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def source_dates(config: CityConfig) -> list[str]:
    """The "as of" dates the config gives its sources (directory, ratings, population)."""
    dates = [s.get("as_of", "") for s in config.directory] + [r.get("as_of", "") for r in config.ratings]
    return dates + ([config.population["as_of"]] if config.population else [])


def newest_as_of(dates: list[str]) -> str:
    """The latest of the sources' "as of" dates (YYYY, YYYY-MM or YYYY-MM-DD), as written; "" when none."""
    parsed = [(_as_date(d), d) for d in dates if d and _as_date(d)]
    return max(parsed)[1] if parsed else ""


def _as_date(text: str) -> dt.date | None:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text.strip())
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2] or 12), int(match[3] or 0)
    return dt.date(year, month, day) if day else (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))


def build_info(config: CityConfig, inputs: dict[str, dict] | None = None) -> dict:
    """Build id, inputs, code version, BUILD_DATE and whether the newest data is older than the config's
    ``stale_after_days``. ``inputs`` (path -> bytes, sha256) when the caller has hashed them already."""
    inputs = input_hashes(config) if inputs is None else {k: {"bytes": v["bytes"], "sha256": v["sha256"]} for k, v in inputs.items()}
    stale_after_days = config.thresholds["stale_after_days"]
    code = code_version()
    digest = hashlib.sha256(code.encode())
    digest.update(config.path.read_bytes())
    for name, facts in sorted(inputs.items()):
        digest.update(f"{name}\0{facts['sha256']}\0".encode())
    today, as_of = build_date(), newest_as_of(source_dates(config))
    age = (today - _as_date(as_of)).days if as_of else None
    return {"id": digest.hexdigest()[:16], "date": today.isoformat(), "code_version": code[:16],
            "config_sha256": hashlib.sha256(config.path.read_bytes()).hexdigest(), "inputs": inputs,
            "data_as_of": as_of, "data_age_days": age, "stale_after_days": stale_after_days,
            "stale": age is not None and age > stale_after_days}
