"""GTFS ingest: read feeds (a zip's GTFS files are unpacked by gtfszip under a size limit), check them, pick the day."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import frequencies, gtfs_service, gtfs_times, gtfszip
from ..problems import DataError, Problem

if TYPE_CHECKING:
    import gtfs_kit as gk

MAX_UNCOMPRESSED = 1 << 30  # default of [[gtfs]] max_unzipped_bytes: a real city's feed is well under 1 GiB unzipped
DATE_COLUMNS = {"calendar": ("start_date", "end_date"), "calendar_dates": ("date",), "feed_info": ("feed_start_date", "feed_end_date")}


def check_archive(path: Path, max_bytes: int = MAX_UNCOMPRESSED) -> None:
    """Fail on a file that is not a zip, a zip whose members escape the folder or sit in a subfolder, or one that
    unpacks to more than ``max_bytes`` (counted while decompressing; nothing is kept)."""
    if path.is_dir():
        return
    with tempfile.TemporaryDirectory(prefix="gtfs-") as folder:
        gtfszip.unpack(path, Path(folder), max_bytes)


def load_feed(path: Path, max_bytes: int = MAX_UNCOMPRESSED) -> gk.Feed:
    """Read a GTFS folder or zip with gtfs-kit and normalise it (whitespace after commas, dates as text)."""
    if not path.exists():
        raise DataError(Problem("FAIL", "MISSING_FILE", str(path), None, "", "GTFS feed not found"))
    if path.is_dir():
        return _read_feed(path, path.name)
    with tempfile.TemporaryDirectory(prefix="gtfs-") as folder:
        gtfszip.unpack(path, Path(folder), max_bytes)
        return _read_feed(Path(folder), path.name)


def _read_feed(path: Path, name: str) -> gk.Feed:
    import gtfs_kit as gk  # here, not at the top: a run whose transit stage is cached never loads gtfs-kit (nor folium)

    try:
        feed = gk.read_feed(path, dist_units="km")
    except UnicodeDecodeError as exc:
        raise DataError(Problem("FAIL", "ENCODING_NOT_UTF8", name, None, "", f"GTFS files must be UTF-8: {exc}")) from None
    except (ValueError, KeyError, pd.errors.ParserError) as exc:
        raise DataError(Problem("FAIL", "GTFS_PARSE_ERROR", name, None, "", str(exc))) from None
    for table in ("agency", "stops", "routes", "trips", "stop_times", "calendar", "calendar_dates", "transfers", "feed_info"):
        frame = getattr(feed, table, None)
        if frame is not None:
            setattr(feed, table, _normalise(frame, DATE_COLUMNS.get(table, ())))
    if feed.calendar is None and feed.calendar_dates is None:
        raise DataError(Problem("FAIL", "GTFS_NO_CALENDAR", name, None, "calendar.txt",
                                "neither calendar.txt nor calendar_dates.txt (missing_calendar_and_calendar_date_files)"))
    if feed.stops is None:
        raise DataError(Problem("FAIL", "MISSING_FILE", name, None, "stops.txt", "the feed has no stops.txt"))
    return feed


def _normalise(frame: pd.DataFrame, date_columns: tuple[str, ...]) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].astype("string").str.strip()
    for column in date_columns:
        if column in frame:
            frame[column] = frame[column].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    for column in ("exception_type", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    return frame


def feed_dates(feed: gk.Feed) -> tuple[str, str]:
    """First and last service date (YYYYMMDD) of the feed."""
    dates = feed.get_dates()
    if not dates:
        raise DataError(Problem("FAIL", "GTFS_NO_SERVICE", "calendar.txt", None, "", "the calendar has no service dates"))
    return dates[0], dates[-1]


def school_day(feed: gk.Feed, configured: str = "") -> str:
    """The representative school day (YYYYMMDD): the configured date, else the busiest weekday of the feed."""
    import gtfs_kit as gk

    if configured:
        return configured.replace("-", "")
    weekdays = [d for d in feed.get_dates() if dt.datetime.strptime(d, "%Y%m%d").weekday() < 5]
    if not weekdays:
        return feed_dates(feed)[0]
    trips_per_service = feed.trips["service_id"].value_counts().to_dict()
    counts = [sum(trips_per_service.get(s, 0) for s in gk.get_active_services(feed, d)) for d in weekdays]
    return weekdays[counts.index(max(counts))]  # the earliest of the busiest weekdays


def calendar_gaps(feed: gk.Feed, max_days: int = 13) -> list[tuple[str, str]]:
    """Runs of more than ``max_days`` days without service inside the feed's validity (GTFS-03)."""
    import gtfs_kit as gk

    dates = [dt.datetime.strptime(d, "%Y%m%d").date() for d in feed.get_dates()]
    active = [d for d in dates if gk.get_active_services(feed, d.strftime("%Y%m%d"))]
    return [(a.isoformat(), b.isoformat()) for a, b in zip(active, active[1:]) if (b - a).days > max_days]


def seconds(times: pd.Series) -> np.ndarray:
    """Parse GTFS times (``H:MM:SS``, hours may pass 23) into seconds after the service day's start; NaN if blank."""
    return gtfs_times.parse(times)[0]


def day_stop_times(feed: gk.Feed, date: str, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Stop times of the trips running on ``date`` with ``t`` in seconds and their ``route_id``.

    frequencies.txt is expanded first; rows that cannot be used are left out and reported by class (gtfs_times);
    trips whose times go backwards or that have a single stop are left out and reported (GTFS-05), as are services
    that never run.
    """
    import gtfs_kit as gk

    feed, problems = frequencies.expand(feed, source)
    problems += gtfs_service.never_running(feed, source)
    services = set(gk.get_active_services(feed, date))
    trips = feed.trips[feed.trips["service_id"].isin(services)][["trip_id", "route_id"]]
    times = feed.stop_times.merge(trips, on="trip_id")
    times = times.assign(stop_sequence=pd.to_numeric(times["stop_sequence"], errors="coerce"))
    times = times.sort_values(["trip_id", "stop_sequence"], kind="stable").reset_index(drop=True)
    times, found = gtfs_times.clean(times, feed.stops, source)
    problems += found
    backwards = times.groupby("trip_id")["t"].transform(lambda s: (s.diff() < 0).any()).astype(bool)
    single = times.groupby("trip_id")["t"].transform("size") < 2
    for code, mask, message in (("TRIP_TIME_TRAVEL", backwards, "times go backwards along the trip; trip left out"),
                                ("UNUSABLE_TRIP", single, "trip has a single stop; left out")):
        for trip in sorted(times.loc[mask, "trip_id"].unique()):
            problems.append(Problem("WARN", code, f"{source}/stop_times.txt", None, "trip_id", message, str(trip)))
    return times[~(backwards | single)].reset_index(drop=True), problems
