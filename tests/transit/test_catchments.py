"""Walk catchments per mode: defaults, config, and the lines named on school pages (Chicago: against CPS's list)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from schoolfinder.problems import ConfigError
from schoolfinder.transit import catchments, nearby_lines

TH = {"walk_speed_kmh": 4.5, "walk_detour_factor": 1.3, "walk_to_stop_minutes": 10.0, "walk_to_stop_by_mode": {}}


def test_modes_and_defaults():
    assert [catchments.mode(t) for t in ("3", 0, "2", "4", "1", "109", "700", "1000", "x")] == [
        "bus", "tram", "rail", "ferry", "subway", "rail", "bus", "ferry", "bus"]
    limits = catchments.minutes_by_mode({**TH, "walk_to_stop_by_mode": {"rail": 28}})
    assert (limits["bus"], limits["tram"], limits["subway"], limits["ferry"], limits["rail"]) == (10, 15, 20, 20, 28)
    with pytest.raises(ConfigError, match="walk_to_stop_by_mode.boat"):
        catchments.check({"boat": 5}, "city.toml")
    with pytest.raises(ConfigError, match="walk_to_stop_by_mode.bus"):
        catchments.check({"bus": -1}, "city.toml")


def test_each_line_within_its_own_catchment_with_its_nearest_stop():
    routes = pd.DataFrame({"route_id": ["B", "R"], "route_type": ["3", "2"]})
    stops = pd.DataFrame({"stop_id": ["b1", "b2", "r1"], "stop_name": ["Bus near", "Bus far", "Station"]})
    times = pd.DataFrame({"stop_id": ["b1", "b2", "r1", "r1"], "route_id": ["B", "B", "R", "R"], "trip_id": ["t1", "t1", "t2", "t3"],
                          "t": [7 * 3600 + 1800, 7 * 3600 + 1900, 7 * 3600 + 2400, 9 * 3600]})
    stops, by_route = nearby_lines.stop_limits(stops, times, routes, TH)
    assert list(stops["walk_limit_min"]) == [10, 10, 20]
    pairs = pd.DataFrame({"i": [0, 0, 0], "stop_id": ["b1", "b2", "r1"], "distance_m": [300.0, 700.0, 1000.0]})
    near = nearby_lines.within_catchment(pairs, stops, TH)
    assert list(near["stop_id"]) == ["b1", "r1"]  # 700 m to a bus stop is 12 minutes' walk: too far; 1 km to rail is 17
    lines_at = nearby_lines.served(times, by_route, 10.0)
    lines, here = nearby_lines.for_school(near, lines_at, times, 8 * 3600, 15 * 3600, {"B": "Bus 1", "R": "Rail"},
                                          dict(zip(stops["stop_id"], stops["stop_name"])))
    assert [(x["name"], x["stop"], x["walk_min"], x["mode"], x["trips_before_bell"]) for x in lines] == [
        ("Bus 1", "Bus near", 5, "bus", 1), ("Rail", "Station", 17, "rail", 1)]
    assert len(here) == 3


@pytest.mark.real_data
def test_chicago_pages_name_a_metra_line_cps_lists(chicago):
    schools = chicago.schools
    listed = schools[schools["transit_rail"].map(lambda r: any("(" in x for x in (r or [])) if isinstance(r, list) else False)]
    agree = 0
    for rail, facts in zip(listed["transit_rail"], listed["transit"]):
        expected = {code for x in rail for code in re.findall(r"\(([A-Z\-]+)\)", x)}
        metra = next((f for f in facts if f["feed"] == "metra"), {})
        agree += bool(expected & {line["route_id"] for line in metra.get("lines", [])})
    print(f"Metra: the site names a line CPS lists for {agree} of {len(listed)} schools ({100 * agree / len(listed):.1f}%)")
    assert len(listed) >= 100 and agree >= 0.9 * len(listed)
