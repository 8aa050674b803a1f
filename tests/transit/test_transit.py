"""Transit stage: GTFS checks (GTFS-01...09, SEC-08), times past midnight, bell times, and the real Chicago feeds."""

from __future__ import annotations

import io
import re
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from schoolfinder.ingest import gtfs
from schoolfinder.transit import nearby as transit
from schoolfinder.problems import DataError

FEED = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Test,https://example.org,UTC\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon\nS1,One,-31.00,-24.00\nS2,Two,-31.01,-24.01\nS3,Three,-31.02,-24.02\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_type\nR1,A,1,3\n",
    "trips.txt": "route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,T2\nR1,WK,BACK\nR1,WK,LONE\nR1,WE,T3\n",
    "stop_times.txt": ("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"
                       "T1,07:10:00,07:10:00,S1,1\nT1,07:20:00,07:20:00,S2,2\nT1,07:30:00,07:30:00,S3,3\n"
                       "T2,24:50:00,24:50:00,S1,1\nT2,25:10:00,25:10:00,S2,2\n"
                       "BACK,09:00:00,09:00:00,S1,1\nBACK,08:50:00,08:50:00,S2,2\n"
                       "LONE,10:00:00,10:00:00,S1,1\nT3,5:07:00,5:07:00,S1,1\nT3,5:20:00,5:20:00,S2,2\n"),
    "calendar.txt": ("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
                     "WK,1,1,1,1,1,0,0,20260901,20261231\nWE,0,0,0,0,0,1,1,20260901,20261231\n"),
    "calendar_dates.txt": "service_id,date,exception_type\nWK,20260907,2\nWE,20260907,1\n",
}


def write_zip(path, files, **extra):
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in {**files, **extra}.items():
            archive.writestr(name, text)
    return path


def test_times_past_midnight_and_short_hours():
    assert list(gtfs.seconds(pd.Series(["25:10:00", "47:59:59", "5:07:00", "00:00:00"]))) == [90600, 172799, 18420, 0]
    assert transit.clock(90600) == "25:10"


def test_day_stop_times_calendar_exception_and_bad_trips(tmp_path):
    feed = gtfs.load_feed(write_zip(tmp_path / "f.zip", FEED))
    weekday, problems = gtfs.day_stop_times(feed, "20260908", "f")
    assert sorted(weekday["trip_id"].unique()) == ["T1", "T2"]
    assert sorted(p.code for p in problems) == ["TRIP_TIME_TRAVEL", "UNUSABLE_TRIP"]
    holiday, _ = gtfs.day_stop_times(feed, "20260907", "f")  # Labor Day: weekday service removed, Sunday added
    assert sorted(holiday["trip_id"].unique()) == ["T3"]
    assert gtfs.school_day(feed) == "20260901" and gtfs.school_day(feed, "2026-09-10") == "20260910"


def test_gtfs01_no_calendar(tmp_path):
    files = {k: v for k, v in FEED.items() if not k.startswith("calendar")}
    with pytest.raises(DataError, match="GTFS_NO_CALENDAR"):
        gtfs.load_feed(write_zip(tmp_path / "f.zip", files))


def test_gtfs07_not_utf8(tmp_path):
    files = {**FEED, "stops.txt": FEED["stops.txt"].replace("One", "Caf\u00e9").encode("cp1252")}
    with pytest.raises(DataError, match="ENCODING_NOT_UTF8"):
        gtfs.load_feed(write_zip(tmp_path / "f.zip", files))


def test_gtfs09_files_in_a_subfolder(tmp_path):
    with pytest.raises(DataError, match="GTFS_FILES_IN_SUBFOLDER: f.zip, column gtfs/agency.txt"):
        gtfs.load_feed(write_zip(tmp_path / "f.zip", {f"gtfs/{k}": v for k, v in FEED.items()}))


def test_sec08_unsafe_member_and_zip_bomb(tmp_path):
    with pytest.raises(DataError, match=r"GTFS_ARCHIVE_UNSAFE: f.zip, column \.\./\.\./x"):
        gtfs.load_feed(write_zip(tmp_path / "f.zip", FEED, **{"../../x": "boom"}))
    bomb = write_zip(tmp_path / "bomb.zip", FEED, **{"notes.txt": "0" * 5_000_000})
    with pytest.raises(DataError, match="GTFS_TOO_LARGE"):
        gtfs.check_archive(bomb, max_bytes=1_000_000)
    assert not (tmp_path / "x").exists()


def test_service_around_the_bell():
    times = pd.DataFrame({"trip_id": ["a", "a", "b", "c", "d"], "stop_id": ["S1", "S2", "S1", "S1", "S2"],
                          "route_id": ["R1", "R1", "R2", "R1", "R2"], "t": [7 * 3600 + 600, 7 * 3600 + 900, 7 * 3600 + 1800,
                                                                          15 * 3600 + 600, 25 * 3600]})
    facts = transit.service_at_stops(times, ["S1", "S2"], 8 * 3600, 15 * 3600)
    assert facts == {"routes": ["R1", "R2"], "trips_before_bell": 2, "trips_after_dismissal": 1, "first": "07:10", "last": "25:00"}


@pytest.mark.parametrize(("hours", "expected"), [
    ("8:00 AM-3:00 PM", (28800, 54000)), ("07:45 AM-02:45 PM", (27900, 53100)), ("", (28800, 54000)), ("TBD", (28800, 54000)),
])
def test_bell_times(hours, expected):
    assert transit.bell_times(hours, "8:00 AM", "3:00 PM") == expected


# --- Real Chicago feeds -------------------------------------------------------------------------------------

@pytest.mark.real_data
def test_metra_lines_within_a_mile_match_the_profile(chicago_dir):
    profile = pd.read_csv(chicago_dir / "schools" / "Chicago_Public_Schools_-_School_Profile_Information_SY1819.csv",
                          dtype=str, encoding="utf-8-sig", keep_default_na=False)
    listed = profile[profile["Transportation_Metra"] != ""]
    feed = gtfs.load_feed(chicago_dir / "gtfs" / "metra_2023-05-31_to_2023-12-31")
    times, _ = gtfs.day_stop_times(feed, "20230912", "metra")
    assert times["trip_id"].nunique() == 662  # PROVENANCE's worked check for Tuesday 2023-09-12
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(listed["School_Longitude"].astype(float),
                                                          listed["School_Latitude"].astype(float)), crs="EPSG:4326")
    pairs = transit.stops_near(points, feed.stops, 1609.34, "EPSG:32616")
    routes_at = times.groupby("stop_id")["route_id"].apply(set).to_dict()
    agree = 0
    for i, cell in enumerate(listed["Transportation_Metra"]):
        expected = set(re.findall(r"\(([A-Z\-]+)\)", cell))
        found = set().union(*[routes_at.get(s, set()) for s in pairs.loc[pairs["i"] == i, "stop_id"]])
        agree += bool(expected & found)
    assert len(listed) == 110
    print(f"Metra lines within 1 mile agree for {agree} of {len(listed)} schools")
    assert agree / len(listed) >= 0.9, agree


@pytest.mark.real_data
def test_every_chicago_school_has_a_nearest_cta_stop(chicago):
    cta = [next(t for t in facts if t["feed"] == "cta") for facts in chicago.schools["transit"]]
    assert len(cta) == 654 and all(t["nearest_stop"] and t["nearest_m"] < 2000 for t in cta)
    assert np.median([t["nearest_m"] for t in cta]) < 200
    assert all(not t["schedules"] for t in cta)


def test_demo_travel_matrix(demo_city, tmp_path):
    from schoolfinder import pipeline
    from schoolfinder.cache.store import StageCache
    from schoolfinder.config import load_config

    result = pipeline.run(load_config(demo_city), StageCache(tmp_path / "cache"))
    travel = result.travel
    n_cells, n_schools = travel["transit"].shape
    assert n_cells > 200 and n_schools == result.schools["lat"].notna().sum()
    both, walk = travel["transit"].astype(int), travel["walk"].astype(int)
    assert (both <= walk).all()  # walk + transit is never longer than walking (255 = unreachable)
    assert (both < walk).mean() > 0.2  # and transit actually helps for many trips
    again_cache = StageCache(tmp_path / "cache")
    again = pipeline.run(load_config(demo_city), again_cache)  # unchanged inputs: the stored matrix is reused
    assert ("travel", "hit") in [(stage, outcome) for stage, outcome, _s in again_cache.log]
    assert (again.travel["transit"] == travel["transit"]).all()


def test_gtfs03_calendar_gap(tmp_path):
    files = {**FEED, "calendar.txt": FEED["calendar.txt"].replace("WE,0,0,0,0,0,1,1,20260901,20261231",
                                                                  "WE,0,0,0,0,0,1,1,20270101,20270131")}
    files["calendar.txt"] = files["calendar.txt"].replace("WK,1,1,1,1,1,0,0,20260901,20261231", "WK,1,1,1,1,1,0,0,20260901,20261130")
    feed = gtfs.load_feed(write_zip(tmp_path / "f.zip", files))
    assert gtfs.calendar_gaps(feed) == [("2026-11-30", "2027-01-02")]


def test_gtfs06_far_away_stop_is_left_out():
    from schoolfinder.transit.feeds import plausible

    stops = pd.DataFrame({"stop_id": ["near", "swapped"], "stop_lat": [-31.0, -24.0], "stop_lon": [-24.0, -31.0]})
    center = gpd.GeoSeries(gpd.points_from_xy([-24.0], [-31.0]), crs="EPSG:4326").to_crs("EPSG:32726").iloc[0]
    problems = []
    kept = plausible(stops, center, "EPSG:32726", "f", problems)
    assert list(kept["stop_id"]) == ["near"] and [p.code for p in problems] == ["STOP_COORDS_SUSPECT"]
