"""Tests for the demo city's GTFS feed (gtfs.zip, written by the generator from Random(seed + 2))."""

import datetime
import json
import math
import random
import re
import zipfile

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from schoolfinder.demo import gtfs
from schoolfinder.demo.generator import generate

REQUIRED = ["agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt", "calendar.txt",
            "calendar_dates.txt", "feed_info.txt"]
HMS = re.compile(r"^\d\d:[0-5]\d:[0-5]\d$")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("gtfs")
    return out, generate(out, seed=2026)


@pytest.fixture(scope="module")
def feed(city):
    with zipfile.ZipFile(city[0] / "gtfs.zip") as zf:
        return {name: pd.read_csv(zf.open(name), dtype=str, keep_default_na=False) for name in zf.namelist()}


@pytest.fixture(scope="module")
def times(feed):
    st = feed["stop_times.txt"].copy()
    st["seq"] = st["stop_sequence"].astype(int)
    st["secs"] = [seconds(t) for t in st["arrival_time"]]
    return st.sort_values(["trip_id", "seq"])


def seconds(hms):
    h, m, s = map(int, hms.split(":"))
    return 3600 * h + 60 * m + s


def neighborhoods_km(out):
    """Neighborhood polygons and a lat/lon -> local km projection (equirectangular at the centroid)."""
    feats = json.loads((out / "neighborhoods.geojson").read_text(encoding="utf-8"))["features"]
    polys = [shape(f["geometry"]) for f in feats]
    c = shapely.union_all(polys).centroid
    kx, ky = 111.32 * math.cos(math.radians(c.y)), 110.95

    def to_km(geom):
        return shapely.transform(geom, lambda xy: (xy - [c.x, c.y]) * [kx, ky])
    return [to_km(p) for p in polys], to_km


def stop_points(feed, to_km):
    stops = feed["stops.txt"]
    return to_km(shapely.points(stops["stop_lon"].astype(float), stops["stop_lat"].astype(float)))


def test_same_seed_gives_byte_identical_zip(city, tmp_path):
    out, _ = city
    generate(tmp_path / "again", seed=2026)
    generate(tmp_path / "other", seed=7)
    data = (out / "gtfs.zip").read_bytes()
    assert (tmp_path / "again" / "gtfs.zip").read_bytes() == data
    assert (tmp_path / "other" / "gtfs.zip").read_bytes() != data
    assert len(data) < 3_000_000
    with zipfile.ZipFile(out / "gtfs.zip") as zf:
        infos = zf.infolist()
        assert zf.testzip() is None
    assert [i.filename for i in infos][:len(REQUIRED) - 1] == REQUIRED[:-1]  # fixed order, feed_info last
    assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}


def test_required_files_at_zip_root_and_parse(feed):
    assert set(REQUIRED) <= set(feed)
    assert all("/" not in name for name in feed)
    assert all(len(table) > 0 for table in feed.values())
    agency = feed["agency.txt"]
    assert len(agency) == 1
    assert (agency.loc[0, "agency_name"], agency.loc[0, "agency_timezone"]) == ("Port Meridian Transit",
                                                                                "Atlantic/South_Georgia")
    info = feed["feed_info.txt"].iloc[0]
    assert (info["feed_start_date"], info["feed_end_date"]) == ("20260817", "20270630")


def test_ids_are_unique_and_references_resolve(feed):
    stops, routes, trips, st = feed["stops.txt"], feed["routes.txt"], feed["trips.txt"], feed["stop_times.txt"]
    cal = feed["calendar.txt"]
    for table, key in ((stops, "stop_id"), (routes, "route_id"), (trips, "trip_id"), (cal, "service_id")):
        assert table[key].is_unique, key
    assert set(st["trip_id"]) == set(trips["trip_id"])  # every trip has stop times, and no orphans
    assert set(st["stop_id"]) <= set(stops["stop_id"])
    assert set(trips["route_id"]) == set(routes["route_id"])
    assert set(trips["service_id"]) <= set(cal["service_id"])
    assert set(feed["calendar_dates.txt"]["service_id"]) <= set(cal["service_id"])
    assert set(trips["shape_id"]) <= set(feed["shapes.txt"]["shape_id"])
    transfers = feed["transfers.txt"]
    assert set(transfers["from_stop_id"]) | set(transfers["to_stop_id"]) <= set(stops["stop_id"])


def test_times_well_formed_and_never_decrease_along_a_trip(times):
    assert times["arrival_time"].str.match(HMS).all()
    assert (times["arrival_time"] == times["departure_time"]).all()
    grouped = times.groupby("trip_id", sort=False)
    assert (grouped["seq"].diff().dropna() > 0).all()
    assert (grouped["secs"].diff().dropna() >= 0).all()
    assert (grouped["seq"].first() == 1).all()


def test_route_counts_and_types(city, feed):
    _, planted = city
    types = feed["routes.txt"]["route_type"]
    assert (types == "3").sum() == planted["n_bus_routes"] >= 15
    assert types.isin(["1", "2"]).sum() == planted["n_rail_routes"] == 1
    assert set(types) <= {"1", "2", "3"}


def test_service_runs_past_midnight(city, times):
    _, planted = city
    assert (times["secs"] >= 24 * 3600).any()
    last = times.groupby("trip_id")["secs"].max()
    assert (last >= 24 * 3600).sum() == planted["n_trips_past_midnight"] > 0
    assert last.max() < 27 * 3600


def test_calendar_and_exception(city, feed):
    _, planted = city
    cal = feed["calendar.txt"].set_index("service_id")
    assert list(cal.index) == planted["gtfs_service_days"] and len(cal) == 3
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    assert sorted("".join(cal.loc[s, days]) for s in cal.index) == ["0000001", "0000010", "1111100"]
    day = datetime.date.fromisoformat(planted["gtfs_exception_date"])
    assert day.weekday() < 5 and datetime.date(2026, 8, 17) <= day <= datetime.date(2027, 6, 30)
    exceptions = feed["calendar_dates.txt"]
    assert set(exceptions["date"]) == {day.strftime("%Y%m%d")}
    weekday = next(s for s in cal.index if cal.loc[s, "monday"] == "1")
    sunday = next(s for s in cal.index if cal.loc[s, "sunday"] == "1")
    assert sorted(zip(exceptions["service_id"], exceptions["exception_type"])) == sorted(
        [(weekday, "2"), (sunday, "1")])


def test_frequencies_and_speeds_are_plausible(feed, times):
    trips = feed["trips.txt"].set_index("trip_id")
    rail_routes = set(feed["routes.txt"].query("route_type != '3'")["route_id"])
    first = times.groupby("trip_id")["secs"].agg(["min", "max"]).join(trips)
    weekday = first[first["service_id"] == "WKDY"].sort_values("min")
    for _, group in weekday.groupby(["route_id", "direction_id"]):
        gaps = group["min"].diff().dropna() / 60
        assert gaps.between(10, 20).all()
        assert group["min"].min() <= 6 * 3600 and group["min"].max() >= 24 * 3600
    stops = feed["stops.txt"].set_index("stop_id")
    lat, lon = stops["stop_lat"].astype(float), stops["stop_lon"].astype(float)
    one = times.drop_duplicates("trip_id", keep="first").set_index("trip_id")["stop_id"]
    end = times.drop_duplicates("trip_id", keep="last").set_index("trip_id")["stop_id"]
    for trip_id in first.groupby("route_id").head(3).index:  # a few trips of each route
        rows = times[times["trip_id"] == trip_id]
        km = sum(math.hypot((lat[a] - lat[b]) * 110.95, (lon[a] - lon[b]) * 95.4)
                 for a, b in zip(rows["stop_id"], rows["stop_id"][1:]))
        kmh = km / ((rows["secs"].max() - rows["secs"].min()) / 3600)
        low, high = (25, 45) if trips.loc[trip_id, "route_id"] in rail_routes else (12, 25)
        assert low <= kmh <= high, (trip_id, kmh)
        assert one[trip_id] != end[trip_id]


@pytest.fixture(scope="module")
def ferry(city):
    with zipfile.ZipFile(city[0] / "ferry.zip") as zf:
        return {name: pd.read_csv(zf.open(name), dtype=str, keep_default_na=False) for name in zf.namelist()}


def test_stops_inside_city_and_every_neighborhood_served(city, feed, ferry):
    out, _ = city
    polys, to_km = neighborhoods_km(out)
    points = stop_points(feed, to_km)
    outline = shapely.union_all(polys).buffer(0.5)
    assert shapely.contains(outline, points).all()
    everywhere = shapely.multipoints(list(points) + list(stop_points(ferry, to_km)))  # the island: by ferry
    for i, poly in enumerate(polys):
        assert poly.distance(everywhere) <= 0.5, f"neighborhood N{i + 1:02d} has no stop within 500 m"


def test_shuttles_reach_neighborhoods_a_sparse_grid_misses(city, tmp_path, monkeypatch):
    out, _ = city
    (tmp_path / "neighborhoods.geojson").write_bytes((out / "neighborhoods.geojson").read_bytes())
    grid = gtfs._bus_lines
    monkeypatch.setattr(gtfs, "_bus_lines", lambda rng, region: grid(rng, region)[::4])  # 4 corridors only
    facts = gtfs.write_feed(tmp_path, random.Random(1))
    with zipfile.ZipFile(tmp_path / "gtfs.zip") as zf:
        sparse = {name: pd.read_csv(zf.open(name), dtype=str) for name in ("routes.txt", "stops.txt")}
    assert sparse["routes.txt"]["route_long_name"].str.contains("Shuttle").sum() == facts["n_bus_routes"] - 4 > 0
    polys, to_km = neighborhoods_km(out)
    everywhere = shapely.multipoints(stop_points(sparse, to_km))
    assert max(poly.distance(everywhere) for poly in polys) <= 0.5


def test_stop_spacing_and_transfer_points(city, feed, times):
    out, _ = city
    trips = feed["trips.txt"].set_index("trip_id")
    routes_at = times.join(trips["route_id"], on="trip_id").groupby("stop_id")["route_id"].nunique()
    assert (routes_at >= 2).sum() >= 20  # crossings share one stop
    _, to_km = neighborhoods_km(out)
    stops = feed["stops.txt"].set_index("stop_id")
    xy = dict(zip(stops.index, shapely.get_coordinates(stop_points(feed, to_km))))
    rail = set(feed["routes.txt"].query("route_type != '3'")["route_id"])
    for direction0 in trips[trips["direction_id"] == "0"].groupby("route_id").head(1).index:
        ids = list(times.loc[times["trip_id"] == direction0, "stop_id"])
        gaps = [math.dist(xy[a], xy[b]) for a, b in zip(ids, ids[1:])]
        low, high = (1.2, 1.8) if trips.loc[direction0, "route_id"] in rail else (0.25, 0.5)
        assert low <= sum(gaps) / len(gaps) <= high, direction0


def test_planted_counts_match_feed(city, feed):
    out, planted = city
    assert json.loads((out / "planted.json").read_text(encoding="utf-8")) == planted
    assert planted["n_stops"] == len(feed["stops.txt"])
    assert planted["n_trips"] == len(feed["trips.txt"])
    assert planted["n_stop_times"] == len(feed["stop_times.txt"])
    assert 2000 <= planted["n_trips"] and 100_000 <= planted["n_stop_times"] <= 250_000
    assert len(planted["gtfs_service_days"]) == 3


def test_ferry_to_the_planted_desert_island_is_slower_than_the_desert_limit(city, feed, ferry):
    out, planted = city
    assert ferry["routes.txt"]["route_type"].tolist() == ["4"]
    st = ferry["stop_times.txt"].assign(secs=lambda f: f["arrival_time"].map(seconds))
    crossing = st.groupby("trip_id")["secs"].agg(lambda s: s.max() - s.min()) / 60
    assert len(crossing) == planted["n_ferry_trips"] and (crossing == planted["ferry_crossing_min"]).all()
    assert planted["ferry_crossing_min"] > 30  # longer than the demo's 30-minute desert limit, on purpose
    polys, to_km = neighborhoods_km(out)
    names = [f["properties"]["nbhd_name"] for f in json.loads((out / "neighborhoods.geojson").read_text())["features"]]
    island = polys[names.index(planted["desert_neighborhood"])]
    pier, landing = stop_points(ferry, to_km)
    assert island.contains(pier) and not island.contains(landing)
    assert island.distance(shapely.union_all([p for p, n in zip(polys, names) if p is not island])) >= 5
    assert shapely.multipoints(stop_points(feed, to_km)).distance(landing) < 0.4  # transfer to the city's buses
    assert ferry["calendar.txt"].equals(feed["calendar.txt"]) and ferry["calendar_dates.txt"].equals(feed["calendar_dates.txt"])
