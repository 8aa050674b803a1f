"""Geo stage units on tiny inline frames: which neighborhood a school is in, area weighting, shared points."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from schoolfinder.contract import WGS84
from schoolfinder.geo.neighborhoods import allocate_by_area, assign_neighborhoods, shared_points

# two 0.01-degree squares side by side (about 830 m x 1.1 km) in Chicago
WEST, EAST = box(-87.65, 41.80, -87.64, 41.81), box(-87.64, 41.80, -87.63, 41.81)
NBHDS = gpd.GeoDataFrame({"nbhd_id": ["W", "E"]}, geometry=[WEST, EAST], crs=WGS84)


def _schools(*points):
    return pd.DataFrame({"key": [f"s{i}" for i in range(len(points))],
                         "lat": [p[0] for p in points], "lon": [p[1] for p in points]})


def test_points_fall_in_their_polygon_or_are_reported():
    schools = _schools((41.805, -87.645), (41.805, -87.635), (41.8105, -87.645), (41.83, -87.645), (-87.645, 41.805),
                       (None, None))
    ids, notes = assign_neighborhoods(schools, NBHDS, snap_m=100, buffer_m=1000)
    assert ids.tolist() == ["W", "E", "W", "", "", ""]
    assert [(k, code) for k, code, _ in notes] == [("s2", "SNAPPED_TO_NEIGHBORHOOD"), ("s3", "COORDS_OUTSIDE_CITY"),
                                                  ("s4", "LIKELY_SWAPPED")]


def test_outside_but_near_keeps_no_neighborhood():
    ids, notes = assign_neighborhoods(_schools((41.8150, -87.645)), NBHDS, snap_m=100, buffer_m=1000)
    assert ids.tolist() == [""] and notes[0][1] == "OUTSIDE_NEIGHBORHOODS"


def test_area_weighting_splits_by_share_of_area():
    area = gpd.GeoDataFrame(geometry=[box(-87.645, 41.80, -87.635, 41.81)], crs=WGS84)  # half in each square
    per_zone = allocate_by_area(area, pd.DataFrame({"children": [100.0]}), NBHDS, "nbhd_id", NBHDS.estimate_utm_crs())
    assert per_zone["children"].to_dict() == pytest.approx({"W": 50.0, "E": 50.0}, rel=1e-3)


def test_shared_points_name_every_school_at_a_crowded_point():
    schools = _schools((41.805, -87.645), (41.805, -87.645), (41.805, -87.645), (41.806, -87.645))
    assert shared_points(schools, 3) == [("s0", 3), ("s1", 3), ("s2", 3)]
    assert shared_points(schools, 4) == []
