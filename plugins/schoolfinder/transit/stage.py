"""Transit stage: for each school, the stops within a walk, the lines there, and how often they run at the bell."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..config import CityConfig
from ..problems import Problem
from .feeds import school_transit


@dataclass
class TransitResult:
    """Transit facts per school (in the schools' order), each feed's summary, and the scheduled feeds' stops and
    times on the service day (feed id -> (stops, times)), which the travel stage routes over."""

    per_school: list[list[dict]]
    feeds: list[dict]
    day: dict[str, tuple[pd.DataFrame, pd.DataFrame]]
    problems: list[Problem] = field(default_factory=list)

    def stops(self) -> list[dict]:
        """Stops of the feeds with schedules (the ones travel times use), for maps."""
        return [{"feed": feed, "name": str(n), "lat": round(float(y), 6), "lon": round(float(x), 6)}
                for feed, (stops, _times) in sorted(self.day.items())
                for n, y, x in zip(stops["stop_name"].fillna(""), stops["stop_lat"], stops["stop_lon"])]


def run(config: CityConfig, schools: pd.DataFrame, metric_crs) -> TransitResult:
    """Transit for ``schools`` from every feed of ``config`` (none when the city lists no feed)."""
    if not config.gtfs:
        return TransitResult([[] for _ in range(len(schools))], [], {})
    problems: list[Problem] = []
    per_school, feeds, day = school_transit(config, schools, metric_crs, problems)
    return TransitResult(per_school, feeds, day, problems)
