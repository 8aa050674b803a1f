"""Services of a GTFS feed that never run (no active date in calendar.txt or calendar_dates.txt)."""

from __future__ import annotations

from typing import TYPE_CHECKING


from ..problems import Problem

if TYPE_CHECKING:
    import gtfs_kit as gk


def never_running(feed: gk.Feed, source: str) -> list[Problem]:
    """One warning per service that trips use but that is active on no date of the feed (GTFS_SERVICE_NEVER_RUNS)."""
    import gtfs_kit as gk  # loaded only when a feed is read (a cached transit stage never needs it)

    active: set[str] = set()
    for date in feed.get_dates():
        active.update(gk.get_active_services(feed, date))
    trips = feed.trips["service_id"].astype(str).value_counts()
    file = f"{source}/calendar.txt" if feed.calendar is not None else f"{source}/calendar_dates.txt"
    return [Problem("WARN", "GTFS_SERVICE_NEVER_RUNS", file, None, "service_id",
                    f"service is active on no date of the feed (calendar.txt days and dates, calendar_dates.txt); its {count:,} trips never run",
                    service)
            for service, count in sorted(trips.items()) if service not in active]
