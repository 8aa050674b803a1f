"""Stop times as agencies publish them: lenient time parsing, blank times between timepoints, dropped rows reported."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..problems import Problem

TIME = r"^\s*(\d{1,3}):([0-5]\d):([0-5]\d)\s*$"  # H:MM:SS or HH:MM:SS, hours may pass 23, spaces around allowed
EXAMPLES = 5


def parse(times: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Seconds after the service day's start (NaN where blank or unreadable) and a mask of unreadable, non-blank cells.

    Accepts ``' 6:00:00'`` (a space for the leading zero), ``6:00:00`` and hours of 24 and more.
    """
    text = times.astype("string").str.strip().fillna("")
    parts = text.str.extract(TIME).apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    seconds = parts[:, 0] * 3600 + parts[:, 1] * 60 + parts[:, 2]
    return seconds, (text != "").to_numpy() & np.isnan(seconds)


def summary(code: str, source: str, column: str, rows: pd.DataFrame, what: str, severity: str = "WARN") -> list[Problem]:
    """One problem for a whole class of rows: how many, and the first few as examples (trip and stop)."""
    if rows.empty:
        return []
    examples = "; ".join(f"trip {t} stop {s}" for t, s in zip(rows["trip_id"].head(EXAMPLES), rows["stop_id"].head(EXAMPLES)))
    return [Problem(severity, code, f"{source}/stop_times.txt", None, column,
                    f"{len(rows):,} rows ({rows['trip_id'].nunique():,} trips) {what}", examples)]


def clean(times: pd.DataFrame, stops: pd.DataFrame, source: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Give every usable stop time ``t`` in seconds; report and leave out the rows that cannot be used.

    ``times`` holds one day's stop times sorted by trip and ``stop_sequence``. Rows naming an unknown stop or with
    an unreadable time are left out; blank times between two timepoints are interpolated (by ``shape_dist_traveled``
    when the trip gives it, else by the straight-line distance along its stops); blank times before a trip's first or
    after its last timepoint cannot be placed and are left out.
    """
    problems = []
    unknown = ~times["stop_id"].isin(set(stops["stop_id"]))
    problems += summary("GTFS_UNKNOWN_STOP", source, "stop_id", times[unknown], "name a stop_id missing from stops.txt; left out")
    times = times[~unknown]
    departure, bad_departure = parse(times["departure_time"])
    arrival, bad_arrival = parse(times["arrival_time"])
    bad = bad_departure | bad_arrival
    problems += summary("GTFS_BAD_TIME", source, "departure_time", times[bad],
                        "have a time that is not H:MM:SS (e.g. 6h00); left out")
    times = times[~bad].assign(t=np.where(np.isnan(departure), arrival, departure)[~bad])
    blank = times["t"].isna()
    times = _interpolate(times, stops)
    unplaced = times["t"].isna()
    problems += summary("GTFS_TIME_UNPLACED", source, "arrival_time", times[unplaced],
                        "have no time and no timepoint on both sides; left out")
    problems += summary("GTFS_TIMES_INTERPOLATED", source, "arrival_time", times[blank & ~unplaced],
                        "had blank times between timepoints; interpolated by distance", "NORMALIZE")
    return times[~unplaced].reset_index(drop=True), problems


def _interpolate(times: pd.DataFrame, stops: pd.DataFrame) -> pd.DataFrame:
    """Fill blank ``t`` linearly in distance between the timepoints either side, within each trip."""
    if not times["t"].isna().any():
        return times
    trip = times["trip_id"].to_numpy()
    distance = _distance_along(times, stops)
    timed = times["t"].notna().to_numpy()
    frame = pd.DataFrame({"trip": trip, "t": times["t"].to_numpy(float), "d": np.where(timed, distance, np.nan)})
    by_trip = frame.groupby("trip", sort=False)
    before_t, after_t = by_trip["t"].ffill().to_numpy(), by_trip["t"].bfill().to_numpy()
    before_d, after_d = by_trip["d"].ffill().to_numpy(), by_trip["d"].bfill().to_numpy()
    span = after_d - before_d
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.clip(np.where(span > 0, (distance - before_d) / span, 0.0), 0.0, 1.0)
    filled = np.round(before_t + share * (after_t - before_t))
    return times.assign(t=np.where(timed, times["t"].to_numpy(float), filled))


def _distance_along(times: pd.DataFrame, stops: pd.DataFrame) -> np.ndarray:
    """Distance travelled at each row: ``shape_dist_traveled`` for trips that give it at every row after the first,
    else the cumulative straight-line metres between consecutive stops."""
    coords = stops.drop_duplicates("stop_id").set_index("stop_id")[["stop_lat", "stop_lon"]].astype(float)
    lat = np.radians(times["stop_id"].map(coords["stop_lat"]).to_numpy(float))
    lon = np.radians(times["stop_id"].map(coords["stop_lon"]).to_numpy(float))
    trip = times["trip_id"].to_numpy()
    first = np.r_[True, trip[1:] != trip[:-1]]
    hop = 6_371_000 * np.hypot(np.diff(lat, prepend=lat[:1]), np.diff(lon, prepend=lon[:1]) * np.cos(lat))
    hop[first] = 0.0
    metres = pd.Series(np.nan_to_num(hop)).groupby(trip, sort=False).cumsum().to_numpy()
    if "shape_dist_traveled" not in times:
        return metres
    shape = pd.to_numeric(times["shape_dist_traveled"], errors="coerce").to_numpy(float, copy=True)
    shape[first & np.isnan(shape)] = 0.0  # often left blank at a trip's first stop
    complete = pd.Series(~np.isnan(shape)).groupby(trip, sort=False).transform("all").to_numpy()
    return np.where(complete, shape, metres)
