"""Transit for each school from every configured GTFS feed: nearest stop, routes, trips around the bell."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd

from . import catchments, nearby_lines
from ..ingest import gtfs
from . import nearby as transit
from ..config import CityConfig
from ..contract import build_date
from ..problems import Problem
from ..outputs.safety import clean_controls

FAR_M = 100_000


def school_transit(config: CityConfig, schools: pd.DataFrame, metric_crs,
                   problems: list[Problem]) -> tuple[list[list[dict]], list[dict], dict[str, tuple[pd.DataFrame, pd.DataFrame]]]:
    """Return per school a list of per-feed facts, a summary of each feed, and each scheduled feed's (stops, day's times)."""
    located = schools["lat"].notna() & schools["lon"].notna()
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(schools.loc[located, "lon"], schools.loc[located, "lat"]), crs="EPSG:4326")
    per_school: list[list[dict]] = [[] for _ in range(len(schools))]
    positions = list(located[located].index)
    summaries, day = [], {}
    th = config.thresholds
    center = points.to_crs(metric_crs).union_all().centroid if len(points) else None
    for spec in config.gtfs:
        feed = gtfs.load_feed(config.source_path(spec["path"]), spec["max_unzipped_bytes"])
        _strip_controls(feed, spec["path"], problems)
        summary, times = _feed_summary(feed, spec, problems)
        summaries.append(summary)
        names = _route_names(feed.routes)
        stops = plausible(boardable(feed.stops), center, metric_crs, spec["path"], problems)
        stops, by_route = nearby_lines.stop_limits(stops, times, feed.routes, th)
        nearest = transit.nearest_stops(points, stops, metric_crs)
        pairs = transit.stops_near(points, stops, catchments.radius_m(stops["walk_limit_min"].max(), th), metric_crs)
        pairs = nearby_lines.within_catchment(pairs, stops, th)
        if times is not None:
            times = times[times["stop_id"].isin(set(stops["stop_id"]))].assign(route_id=lambda f: f["route_id"].astype(str))
            day[spec["id"]] = (stops, times)
        context = {"times": times, "names": names, "stop_names": dict(zip(stops["stop_id"], stops["stop_name"])),
                   "lines_at": None if times is None else nearby_lines.served(times, by_route, th["walk_to_stop_minutes"])}
        by_point = dict(list(pairs.groupby("i")))
        empty = pairs.iloc[:0]
        for i, position in enumerate(positions):
            school = schools.loc[position]
            per_school[schools.index.get_loc(position)].append(
                _facts(spec, summary, nearest.loc[i], by_point.get(i, empty), school, th, context))
    return per_school, summaries, day


def _strip_controls(feed, path: str, problems: list[Problem]) -> None:
    """Names riders see, without control characters (CONTROL_CHARACTER, one per cell)."""
    for table, columns in (("stops", ["stop_name"]), ("routes", ["route_short_name", "route_long_name"]),
                           ("agency", ["agency_name"])):
        frame = getattr(feed, table, None)
        if frame is not None:
            setattr(feed, table, clean_controls(frame, columns, f"{path}/{table}.txt", problems))


def _route_names(routes: pd.DataFrame | None) -> dict[str, str]:
    """route_id -> the name riders see (short name, else long name, else the id)."""
    if routes is None:
        return {}
    short = routes.get("route_short_name", pd.Series(pd.NA, index=routes.index)).fillna("")
    long = routes.get("route_long_name", pd.Series(pd.NA, index=routes.index)).fillna("")
    return {str(r): str(s or l or r) for r, s, l in zip(routes["route_id"], short, long)}


def boardable(stops: pd.DataFrame) -> pd.DataFrame:
    """Stops and platforms a rider can board at (not stations, entrances or nodes), with coordinates."""
    usable = stops.dropna(subset=["stop_lat", "stop_lon"])
    if "location_type" in usable:
        kind = pd.to_numeric(usable["location_type"], errors="coerce").fillna(0)
        usable = usable[kind == 0]
    return usable


def plausible(stops: pd.DataFrame, center, metric_crs, path: str, problems: list[Problem]) -> pd.DataFrame:
    """Leave out stops more than 100 km from the schools (swapped or mistyped coordinates, GTFS-06)."""
    if center is None or stops.empty:
        return stops
    xy = transit.project_xy(stops["stop_lon"], stops["stop_lat"], metric_crs)
    far = ((xy[:, 0] - center.x) ** 2 + (xy[:, 1] - center.y) ** 2) > FAR_M**2
    for stop_id in stops.loc[far, "stop_id"]:
        problems.append(Problem("WARN", "STOP_COORDS_SUSPECT", f"{path}/stops.txt", None, "stop_lat",
                                "stop is more than 100 km from the city; left out of nearest-stop figures", str(stop_id)))
    return stops[~far]


def _feed_summary(feed, spec: dict, problems: list[Problem]) -> tuple[dict, pd.DataFrame | None]:
    start, end = gtfs.feed_dates(feed)
    summary = {"id": spec["id"], "label": spec["label"], "valid_from": _iso(start), "valid_to": _iso(end),
               "schedules": feed.stop_times is not None, "service_date": "", "expired": _iso(end) < build_date().isoformat()}
    if summary["expired"]:
        problems.append(Problem("WARN", "GTFS_EXPIRED", f"{spec['path']}/calendar.txt", None, "end_date",
                                f"the feed's service ended on {_iso(end)}; transit figures describe that schedule"))
    if feed.stop_times is None:
        problems.append(Problem("WARN", "GTFS_NO_STOP_TIMES", f"{spec['path']}/stop_times.txt", None, "",
                                "no schedules: this feed is used for stop locations only"))
        return summary, None
    date = gtfs.school_day(feed, spec["service_date"])
    summary["service_date"] = _iso(date)
    times, found = gtfs.day_stop_times(feed, date, spec["path"])
    problems.extend(found)
    for gap_start, gap_end in gtfs.calendar_gaps(feed):
        problems.append(Problem("WARN", "GTFS_CALENDAR_GAP", f"{spec['path']}/calendar.txt", None, "",
                                f"no service between {gap_start} and {gap_end}"))
    return summary, times


def _facts(spec, summary, nearest, near: pd.DataFrame, school, th, context: dict) -> dict:
    start, end = transit.bell_times(school.get("school_hours", ""), th["bell_start"], th["dismissal"])
    facts = {"feed": spec["id"], "label": spec["label"], "schedules": summary["schedules"],
             "nearest_stop": str(nearest["stop_name"]), "nearest_m": int(round(nearest["distance_m"])),
             "nearest_walk_min": max(1, int(round(transit.walk_minutes(nearest["distance_m"], th["walk_detour_factor"], th["walk_speed_kmh"])))),
             "stops_nearby": len(near), "bell": transit.clock(start), "dismissal": transit.clock(end)}
    if context["times"] is not None:
        lines, here = nearby_lines.for_school(near, context["lines_at"], context["times"], start, end,
                                              context["names"], context["stop_names"])
        facts.update(transit.service_at_stops(here, list(near["stop_id"]), start, end))
        facts["route_names"] = [context["names"].get(r, r) for r in facts["routes"]]
        facts["lines"] = lines
    return facts


def _iso(date: str) -> str:
    return dt.datetime.strptime(date, "%Y%m%d").date().isoformat()
