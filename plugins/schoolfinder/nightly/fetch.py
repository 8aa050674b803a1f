"""Fetch tonight's inputs into a snapshot folder: configured URLs (http, https, file) and every other input file.

The snapshot is what the build reads, so a file changing upstream mid-build cannot mix two versions. Every file
is recorded with its size and SHA-256; a failed download names the source and leaves the published site alone.
"""

from __future__ import annotations

import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from ..outputs.buildinfo import input_paths, sha256_file
from ..config import CityConfig
from ..problems import FetchError
from .progress import Progress

TIMEOUT_S = 120
CHUNK = 1 << 16


def fetch_inputs(config: CityConfig, urls: dict[str, str], snapshot: Path) -> dict[str, dict]:
    """Copy or download every input into ``snapshot`` (same relative paths); return path -> {bytes, sha256, origin}."""
    unknown = sorted(set(urls) - set(input_paths(config)))
    if unknown:
        raise FetchError(f"{config.path}: [nightly] fetch names files the config does not read: {', '.join(unknown)}")
    record = {}
    for name in input_paths(config):
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        url = urls.get(name)
        origin = url or config.source_path(name).as_uri()
        if url:
            download(url, target, label=name)
        else:
            _copy_local(config.source_path(name), target)
        record[name] = {"bytes": target.stat().st_size, "sha256": sha256_file(target), "origin": origin}
    return record


def _copy_local(source: Path, target: Path) -> None:
    if not source.is_file():
        raise FetchError(f"{source}: input file not found")
    try:
        os.link(source, target)  # same filesystem: instant, and the snapshot still cannot change under us
    except OSError:
        shutil.copy2(source, target)


def download(url: str, target: Path, label: str) -> None:
    """Download ``url`` (http, https or file) to ``target`` via a temporary file renamed into place."""
    scheme = urlparse(url).scheme
    if scheme not in ("http", "https", "file"):
        raise FetchError(f"{label}: only http, https and file URLs can be fetched, not {url!r}")
    tmp = target.with_name(target.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response, open(tmp, "wb") as out:  # noqa: S310 (scheme checked)
            total = int(response.headers.get("Content-Length") or 0)
            bar = Progress(f"fetch {label}", total, unit="B")
            for block in iter(lambda: response.read(CHUNK), b""):
                out.write(block)
                bar.advance(len(block))
            bar.done()
            if total and out.tell() != total:
                raise FetchError(f"{label}: {url} ended after {out.tell():,} of {total:,} bytes")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        raise FetchError(f"{label}: could not fetch {url}: {exc}") from None
    os.replace(tmp, target)
