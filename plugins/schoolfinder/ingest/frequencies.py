"""frequencies.txt: headway-based trips expanded into ordinary trips (gtfs-kit), with unusable rows reported."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from . import gtfs_times
from ..problems import Problem

if TYPE_CHECKING:
    import gtfs_kit as gk


def expand(feed: gk.Feed, source: str) -> tuple[gk.Feed, list[Problem]]:
    """The feed with every usable frequencies.txt row turned into trips departing ``start_time + k * headway_secs``
    (``k = 0, 1, ...`` while before ``end_time``), for both ``exact_times`` values; other rows are reported."""
    import gtfs_kit as gk  # loaded only when a feed is read (a cached transit stage never needs it)

    table = getattr(feed, "frequencies", None)
    if table is None or table.empty:
        return feed, []
    file = f"{source}/frequencies.txt"
    start, bad_start = gtfs_times.parse(table["start_time"])
    end, bad_end = gtfs_times.parse(table["end_time"])
    headway = pd.to_numeric(table["headway_secs"], errors="coerce")
    known = table["trip_id"].isin(set(feed.stop_times["trip_id"]))
    usable = known & ~bad_start & ~bad_end & (start < end) & (headway > 0) & (headway % 1 == 0)
    problems = [Problem("WARN", "GTFS_BAD_FREQUENCY", file, int(row) + 2, "trip_id",
                        "unknown trip, unreadable start or end time, end before start, or headway not a positive "
                        "whole number of seconds; row left out", str(trip))
                for row, trip in zip(table.index[~usable], table.loc[~usable, "trip_id"])]
    exact = pd.to_numeric(table.get("exact_times", pd.Series(0, index=table.index)), errors="coerce").fillna(0)
    approximate = table[usable & (exact != 1)]
    if len(approximate):
        problems.append(Problem("WARN", "GTFS_FREQUENCY_APPROXIMATE", file, None, "exact_times",
                                f"{len(approximate):,} rows give a headway, not a timetable (exact_times=0): trips are "
                                "placed at start_time + k x headway_secs, so each figure is a typical case",
                                ", ".join(approximate["trip_id"].astype(str).head(gtfs_times.EXAMPLES))))
    feed = feed.copy()
    feed.frequencies = table[usable].assign(start_time=_clock(start[usable.to_numpy()]), end_time=_clock(end[usable.to_numpy()]),
                                            headway_secs=headway[usable].astype(int))
    return gk.expand_frequencies(feed), problems


def _clock(seconds) -> list[str]:
    return [f"{int(s) // 3600:02d}:{int(s) % 3600 // 60:02d}:{int(s) % 60:02d}" for s in seconds]
