"""New Orleans (NORTA, 2018): the whole city bus, streetcar and ferry network through the project's GTFS ingest and
the router, checked pair by pair against a brute-force search on the time-expanded graph."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from schoolfinder.ingest import gtfs
from schoolfinder.transit import catchments, feeds, nearby_lines
from schoolfinder.transit import nearby as transit
from schoolfinder.travel import matrix as travel
from schoolfinder.travel import router
from schoolfinder.travel import stage as travelstage
from tests.travel.timeexpanded import TimeExpanded

METRIC = "EPSG:32615"  # UTM zone 15N
TH = {"walk_speed_kmh": 4.5, "walk_detour_factor": 1.3, "walk_to_stop_minutes": 10.0, "walk_to_stop_by_mode": {}}
BELL, LIMIT_MIN, SCHOOL_DAY = 8 * 3600, 90, "20180109"  # a Tuesday inside 2018-01-07 .. 2018-05-27


def nola_network(nola_dir: Path, origins: gpd.GeoSeries):
    """The school-day network and the router's inputs, built the way the travel stage builds them."""
    feed = gtfs.load_feed(nola_dir / "gtfs" / "norta_2018-01-07")
    times, problems = gtfs.day_stop_times(feed, SCHOOL_DAY, "norta")
    stops, _ = nearby_lines.stop_limits(feeds.boardable(feed.stops), times, feed.routes, TH)
    times = times[times["stop_id"].isin(set(stops["stop_id"]))]
    schools = pd.read_csv(nola_dir / "schools" / "la_schools_2016_locations_sps.csv", dtype=str)
    schools = schools[schools["city"].str.strip().str.lower() == "new orleans"]
    located = schools.dropna(subset=["lat", "lon"])
    index = {("norta", str(s)): i for i, s in enumerate(stops["stop_id"])}
    xy = {"stops": transit.project_xy(stops["stop_lon"], stops["stop_lat"], METRIC),
          "schools": transit.project_xy(located["lon"].astype(float), located["lat"].astype(float), METRIC),
          "origins": transit.project_xy(origins.x, origins.y, METRIC)}
    walk = (TH["walk_detour_factor"], TH["walk_speed_kmh"])
    radius = catchments.radius_m(stops["walk_limit_min"].to_numpy(float), TH)
    return {"problems": problems, "schools": schools, "located": located, "n_stops": len(stops),
            "connections": travel.connections({"norta": times}, index),
            "footpaths": travel.links(xy["stops"], xy["stops"], travelstage.TRANSFER_M, *walk, exclude_self=True),
            "origin_links": travel.links(xy["origins"], xy["stops"], radius, *walk),
            "school_links": travel.links(xy["schools"], xy["stops"], radius, *walk),
            "walk": travel.direct_walk(xy["origins"], xy["schools"], *walk)}


def random_origins(nola_dir: Path, n: int, seed: int = 16) -> gpd.GeoSeries:
    areas = gpd.read_file(nola_dir / "neighborhoods" / "new-orleans-neighborhoods-fullsize.geojson").union_all()
    rng, found = np.random.default_rng(seed), []
    x0, y0, x1, y1 = areas.bounds
    while len(found) < n:
        points = shapely.points(rng.uniform(x0, x1, 4 * n), rng.uniform(y0, y1, 4 * n))
        found += list(points[shapely.contains(areas, points)])
    return gpd.GeoSeries(found[:n], crs="EPSG:4326")


@pytest.mark.real_data
def test_norta_router_equals_brute_force_on_the_time_expanded_graph(nola_dir):
    net = nola_network(nola_dir, random_origins(nola_dir, 200))
    codes = {(p.code, p.value) for p in net["problems"]}
    assert ("GTFS_SERVICE_NEVER_RUNS", "4") in codes and ("GTFS_SERVICE_NEVER_RUNS", "601") in codes
    assert len(net["schools"]) == 71 and len(net["located"]) == 71
    network = router.build_network(net["connections"], dict(zip(router.FOOTPATH_FIELDS, net["footpaths"])), net["n_stops"])
    minutes, _ = router.travel_matrix(network, net["origin_links"], net["school_links"], net["walk"], BELL, LIMIT_MIN)
    graph = TimeExpanded(net["connections"], net["footpaths"], net["n_stops"], BELL - LIMIT_MIN * 60, BELL)
    o_rows, o_stops, o_walks = net["origin_links"]
    s_rows, s_stops, s_walks = net["school_links"]
    expected = np.full(minutes.shape, np.nan, dtype=np.float32)
    for j in range(minutes.shape[1]):
        mine = s_rows == j
        latest = graph.latest_at_stops(list(zip(s_stops[mine].tolist(), s_walks[mine].tolist())), BELL)
        best = np.full(minutes.shape[0], -np.inf)
        for o, s, w in zip(o_rows, o_stops, o_walks):
            if s in latest:
                best[o] = max(best[o], latest[s] - w)
        seconds = np.minimum(BELL - best, np.where(np.isfinite(net["walk"][:, j]), net["walk"][:, j], np.inf))
        expected[:, j] = np.where(seconds <= LIMIT_MIN * 60, seconds / 60.0, np.nan)
    mismatches = ~((minutes == expected) | (np.isnan(minutes) & np.isnan(expected)))
    transit_used = np.isfinite(expected) & (expected < net["walk"] / 60)
    print(f"NORTA {SCHOOL_DAY}: {network.dep_stop.size:,} connections; {minutes.size:,} origin-school pairs checked, "
          f"{int(np.isfinite(expected).sum()):,} within {LIMIT_MIN} min, {int(transit_used.sum()):,} of them faster by transit than on foot, {int(mismatches.sum())} mismatches")
    assert minutes.size >= 200 and transit_used.sum() >= 200
    assert mismatches.sum() == 0
