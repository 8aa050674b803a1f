"""A GTFS feed's agency and service dates, read from a folder or zip without unpacking it."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path


def _read(path: Path, name: str) -> list[dict]:
    try:
        if path.is_dir():
            text = (path / name).read_text(encoding="utf-8-sig")
        else:
            with zipfile.ZipFile(path) as archive:
                member = next(n for n in archive.namelist() if Path(n).name == name)
                text = archive.read(member).decode("utf-8-sig")
    except (FileNotFoundError, StopIteration, KeyError):
        return []
    return list(csv.DictReader(io.StringIO(text), skipinitialspace=True))  # "a, b": spaces after commas


def feed_facts(path: Path) -> dict:
    agency = _read(path, "agency.txt")
    agencies = [row.get("agency_name", "") for row in agency]
    dates = [row[k] for row in _read(path, "calendar.txt") for k in ("start_date", "end_date") if row.get(k)]
    dates += [row["date"] for row in _read(path, "calendar_dates.txt") if row.get("date")]
    ids = [row.get("agency_id", "").strip() for row in agency]
    return {"agency": " / ".join(a for a in agencies if a), "agency_id": ids[0] if len(ids) == 1 else "", "start": min(dates, default="?"), "end": max(dates, default="?"),
            "routes": len(_read(path, "routes.txt"))}


def feed_timezones(paths: list[Path]) -> list[str]:
    """The distinct agency_timezone values of the feeds' agency.txt, in order."""
    zones = [row.get("agency_timezone", "").strip() for path in paths for row in _read(path, "agency.txt")]
    return list(dict.fromkeys(z for z in zones if z))
