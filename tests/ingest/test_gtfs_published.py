"""GTFS as agencies publish it: blank times between timepoints, frequencies.txt, odd time text, dropped rows
reported by class, services that never run, calendar_dates.txt-only feeds, and the demo with blanked times."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from schoolfinder.ingest import gtfs
from tests.transit.test_transit import FEED, write_zip

STOPS = "stop_id,stop_name,stop_lat,stop_lon\nS1,One,0.000,0.0\nS2,Two,0.001,0.0\nS3,Three,0.004,0.0\nS4,Four,0.005,0.0\n"


def day(files: dict, date: str = "20260908"):
    with tempfile.TemporaryDirectory() as folder:
        feed = gtfs.load_feed(write_zip(Path(folder) / "f.zip", files))
        times, problems = gtfs.day_stop_times(feed, date, "f")
    return times, {p.code: p for p in problems}, problems


def test_blank_times_between_timepoints_follow_the_distance_along_the_stops():
    files = {**FEED, "stops.txt": STOPS, "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\n",
             "stop_times.txt": ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                                "T1,07:00:00,07:00:00,S1,1\nT1,,,S2,2\nT1,,,S3,3\nT1,07:10:00,07:10:00,S4,4\n")}
    times, codes, _ = day(files)
    assert list(times["t"]) == [25200, 25320, 25680, 25800]  # 1/5, 4/5 of the way
    assert "GTFS_TIMES_INTERPOLATED" in codes and codes["GTFS_TIMES_INTERPOLATED"].severity == "NORMALIZE"
    assert codes["GTFS_TIMES_INTERPOLATED"].message.startswith("2 rows (1 trips)")


def test_shape_dist_traveled_wins_over_stop_distance_even_when_blank_at_the_first_stop():
    files = {**FEED, "stops.txt": STOPS, "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\n",
             "stop_times.txt": ("trip_id,arrival_time,departure_time,stop_id,stop_sequence,shape_dist_traveled\n"
                                " T1, 7:00:00, 7:00:00,S1,1,\nT1,,,S2,2,0.5\nT1,,,S3,3,0.75\nT1, 7:10:00, 7:10:00,S4,4,1.0\n")}
    times, _, _ = day(files)
    assert list(times["t"]) == [25200, 25500, 25650, 25800]


def test_leading_space_single_digit_and_late_hours_parse():
    assert list(gtfs.seconds(pd.Series([" 6:00:00", "6:00:00", "29:05:00", "  ", "6h00"]))[:3]) == [21600, 21600, 104700]
    assert np.isnan(gtfs.seconds(pd.Series(["", "6h00"]))).all()


def test_every_dropped_class_is_counted_with_examples():
    files = {**FEED, "stops.txt": STOPS, "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T2\nR1,WK,T3\nR1,WK,T4\n",
             "stop_times.txt": ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                                "T1,07:00:00,07:00:00,S1,1\nT1,6h05,6h05,S2,2\nT1,07:10:00,07:10:00,S3,3\n"
                                "T2,07:00:00,07:00:00,S1,1\nT2,07:05:00,07:05:00,GHOST,2\nT2,07:10:00,07:10:00,S3,3\n"
                                "T3,07:00:00,07:00:00,S1,1\nT3,07:05:00,07:05:00,S2,2\nT3,,,S3,3\n"
                                "T4,07:00:00,07:00:00,S1,1\nT4,06:05:00,06:05:00,S2,2\n")}
    times, codes, problems = day(files)
    assert codes["GTFS_BAD_TIME"].message.startswith("1 rows (1 trips)") and codes["GTFS_BAD_TIME"].value == "trip T1 stop S2"
    assert codes["GTFS_UNKNOWN_STOP"].value == "trip T2 stop GHOST"
    assert codes["GTFS_TIME_UNPLACED"].value == "trip T3 stop S3"
    assert codes["TRIP_TIME_TRAVEL"].value == "T4"
    assert sorted(times["trip_id"].unique()) == ["T1", "T2", "T3"]  # T1 and T2 skip the bad stop, T3 ends at S2
    assert len(times) == 6


FREQ_TRIPS = "route_id,service_id,trip_id\nR1,WK,F1\nR1,WK,F2\n"
FREQ_TIMES = ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
              "F1,00:00:00,00:00:00,S1,1\nF1,00:05:00,00:05:00,S2,2\nF2,10:00:00,10:00:00,S1,1\nF2,10:03:00,10:03:00,S3,2\n")


@pytest.mark.parametrize("exact", ["0", "1", ""])
def test_frequencies_expand_for_both_exact_times_values(exact):
    files = {**FEED, "stops.txt": STOPS, "trips.txt": FREQ_TRIPS, "stop_times.txt": FREQ_TIMES,
             "frequencies.txt": ("trip_id,start_time,end_time,headway_secs,exact_times\n"
                                 f"F1, 7:00:00,08:00:00,900,{exact}\nF2,07:00:00,07:30:00,600,{exact}\nNOPE,07:00:00,08:00:00,600,{exact}\n"
                                 f"F1,09:00:00,08:00:00,600,{exact}\n")}
    times, codes, problems = day(files)
    starts = times.groupby("trip_id")["t"].min().sort_values().to_numpy()
    assert times["trip_id"].nunique() == 7  # F1 at 7:00, 7:15, 7:30, 7:45; F2 at 7:00, 7:10, 7:20 (end excluded)
    assert sorted(starts) == sorted([25200, 26100, 27000, 27900, 25200, 25800, 26400])
    assert [p.value for p in problems if p.code == "GTFS_BAD_FREQUENCY"] == ["NOPE", "F1"]
    assert ("GTFS_FREQUENCY_APPROXIMATE" in codes) == (exact != "1")


def test_a_service_that_never_runs_is_reported():
    files = {**FEED, "trips.txt": FEED["trips.txt"] + "R1,NEVER,N1\nR1,NEVER,N2\n",
             "calendar.txt": FEED["calendar.txt"] + "NEVER,0,0,0,0,0,0,0,20260901,20261231\n"}
    _, codes, _ = day(files)
    never = codes["GTFS_SERVICE_NEVER_RUNS"]
    assert never.value == "NEVER" and "2 trips" in never.message and never.file == "f/calendar.txt"


def test_a_feed_with_calendar_dates_only():
    files = {k: v for k, v in FEED.items() if k != "calendar.txt"}
    files["calendar_dates.txt"] = "service_id,date,exception_type\nWK,20260908,1\nWK,20260909,1\nWE,20260912,1\n"
    times, codes, _ = day(files)
    assert sorted(times["trip_id"].unique()) == ["T1", "T2"]
    with tempfile.TemporaryDirectory() as folder:
        feed = gtfs.load_feed(write_zip(Path(folder) / "f.zip", files))
        assert gtfs.school_day(feed) == "20260908" and gtfs.feed_dates(feed) == ("20260908", "20260912")


def _blank_intermediate_times(zip_path: Path, keep_every: int = 4) -> None:
    """Rewrite the feed's stop_times with only every ``keep_every``-th stop (and each trip's last) as a timepoint."""
    with zipfile.ZipFile(zip_path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    times = pd.read_csv(io.BytesIO(files["stop_times.txt"]), dtype=str, keep_default_na=False)
    sequence = times["stop_sequence"].astype(int)
    last = sequence == sequence.groupby(times["trip_id"]).transform("max")
    blank = ~(((sequence - 1) % keep_every == 0) | last)
    times.loc[blank, ["arrival_time", "departure_time"]] = ""
    files["stop_times.txt"] = times.to_csv(index=False).encode()
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_demo_with_blanked_intermediate_times_keeps_its_reach(demo_city, tmp_path):
    import shutil

    from schoolfinder import pipeline
    from schoolfinder.config import load_config

    original = pipeline.run(load_config(demo_city)).travel["transit"]
    blanked_city = tmp_path / "blanked"
    shutil.copytree(demo_city, blanked_city)
    _blank_intermediate_times(blanked_city / "raw" / "gtfs.zip")
    result = pipeline.run(load_config(blanked_city))
    interpolated = [p for p in result.problems if p.code == "GTFS_TIMES_INTERPOLATED"]
    reach, reach_blanked = int((original != 255).sum()), int((result.travel["transit"] != 255).sum())
    print(f"reachable cell-school pairs: {reach:,} as published, {reach_blanked:,} with blanked times")
    assert interpolated and int(interpolated[0].message.split()[0].replace(",", "")) > 50_000
    assert abs(reach_blanked - reach) <= 0.01 * reach
    unlocated = int(result.schools["lat"].isna().sum())  # left out of travel figures, and counted
    assert unlocated > 0 and result.travel["schools_without_location"] == unlocated
    assert result.travel["transit"].shape[1] + unlocated == len(result.schools)
