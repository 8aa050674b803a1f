"""Geo stage: put every school in a neighborhood, count children per neighborhood, and draw the static shapes."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from ..config import CityConfig
from ..outputs.safety import clean_controls
from ..problems import Problem
from . import neighborhoods as geo
from . import population, svgmap


@dataclass
class GeoResult:
    """Schools with ``nbhd_id``, ``neighborhood`` and ``map_xy``; neighborhoods with counts and SVG paths."""

    schools: pd.DataFrame
    neighborhoods: gpd.GeoDataFrame
    crosswalk: pd.DataFrame | None  # small area -> neighborhood, when the city gives one
    population: dict | None  # how children per neighborhood were counted, and what was left out
    population_files: population.PopulationFiles | None  # read once here, used again by the access stage
    problems: list[Problem] = field(default_factory=list)


def run(config: CityConfig, schools: pd.DataFrame, lead_row: dict, files: dict) -> GeoResult:
    """Locate ``schools`` (``lead_row``/``files`` name the row a problem points to) and count neighborhoods."""
    problems: list[Problem] = []
    neighborhoods = geo.read_neighborhoods(config.source_path(config.neighborhoods["path"]), config.neighborhoods, problems)
    neighborhoods = clean_controls(neighborhoods, ["name"], config.neighborhoods["path"], problems,
                                   names={"name": config.neighborhoods["name_field"]})
    schools, found = _locate(config, schools, neighborhoods, lead_row, files)
    problems += found
    crosswalk = population.read_crosswalk(config, set(neighborhoods["nbhd_id"])) \
        if config.population and config.population["crosswalk"] else None
    files = population.read_population(config) if config.population else None
    neighborhoods, counted, found = _neighborhood_stats(config, schools, neighborhoods, crosswalk, files)
    problems += found
    frames = svgmap.neighborhood_frames(neighborhoods)
    neighborhoods["svg_path"] = [frames[i]["path"] for i in neighborhoods["nbhd_id"]]
    schools["map_xy"] = [svgmap.place(lat, lon, frames.get(n)) for lat, lon, n in zip(schools["lat"], schools["lon"], schools["nbhd_id"])]
    return GeoResult(schools, neighborhoods, crosswalk, counted, files, problems)


def _locate(config, schools, neighborhoods, lead_row, files) -> tuple[pd.DataFrame, list[Problem]]:
    schools, problems = schools.copy(), []
    thresholds = config.thresholds
    nbhd_ids, notes = geo.assign_neighborhoods(schools, neighborhoods, thresholds["neighborhood_snap_m"],
                                               thresholds["city_buffer_m"])
    outside = set()
    for key, code, message in notes:
        source, row = lead_row[key]
        problems.append(Problem("WARN", code, files[source], row, "lat", message))
        if code in ("COORDS_OUTSIDE_CITY", "LIKELY_SWAPPED"):
            outside.add(key)
    schools["nbhd_id"] = nbhd_ids.to_numpy()
    lost = schools["key"].isin(outside)
    schools.loc[lost, ["lat", "lon"]] = None
    for key, n in geo.shared_points(schools, thresholds["shared_point_warn"]):
        source, row = lead_row[key]
        problems.append(Problem("WARN", "SHARED_COORDINATES", files[source], row, "lat", f"{n} schools share this point"))
    names = dict(zip(neighborhoods["nbhd_id"], neighborhoods["name"]))
    slugs = dict(zip(neighborhoods["nbhd_id"], neighborhoods["slug"]))
    schools["neighborhood"] = schools["nbhd_id"].map(lambda i: names.get(i, ""))
    schools["neighborhood_slug"] = schools["nbhd_id"].map(lambda i: slugs.get(i, ""))
    return schools, problems


def _neighborhood_stats(config, schools, neighborhoods, crosswalk, files) -> tuple[gpd.GeoDataFrame, dict | None, list[Problem]]:
    """School and child counts per neighborhood, and the population problems found counting them."""
    neighborhoods, problems = neighborhoods.copy(), []
    per = schools.groupby("nbhd_id")["key"].count()
    neighborhoods["school_count"] = neighborhoods["nbhd_id"].map(per).fillna(0).astype(int)
    neighborhoods["children"] = None
    if not config.population:
        return neighborhoods, None, problems
    children, counted = population.children_by_neighborhood(config, files, neighborhoods, crosswalk, problems)
    neighborhoods["children"] = neighborhoods["nbhd_id"].map(children).round().astype(int)
    return neighborhoods, counted, problems
