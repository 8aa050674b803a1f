"""The Albatross Key ferry: a second, tiny GTFS feed (``ferry.zip``) for the demo city's planted desert island.

No randomness: two stops (the island pier and a mainland landing beside a city bus stop), half-hourly on
weekdays and hourly at weekends, and a crossing of CROSSING_MIN minutes. Because the crossing alone takes
longer than the desert measure's 30-minute limit, no trip from the island reaches a mainland school within
30 minutes (see :mod:`schoolfinder.demo.deserts`). Calendar, validity and holiday match the city feed.
"""

import datetime

from . import gtfs

AGENCY = ("PMF", "Albatross Key Ferry", "https://ferry.portmeridian.example", "Atlantic/South_Georgia", "en")
CROSSING_MIN = 40  # pier to landing, boarding included: longer than the 30-minute desert limit on purpose
STOPS = (("F1", "Albatross Key Pier"), ("F2", "Albatross Ferry Landing"))
# service -> (first departure, last departure, headway), in minutes after midnight
DEPARTURES = {"WKDY": (6 * 60, 21 * 60 + 30, 30), "SAT": (7 * 60, 21 * 60, 60), "SUN": (8 * 60, 20 * 60, 60)}


def _trips():
    """trips.txt and stop_times.txt rows: both directions, every service."""
    trips, times = [], []
    for service, (first, last, headway) in DEPARTURES.items():
        for direction, (a, b) in enumerate((STOPS, STOPS[::-1])):
            for k, dep in enumerate(range(first, last + 1, headway)):
                trip_id = f"F-{service}-{direction}-{k + 1:03d}"
                trips.append(["F", service, trip_id, b[1], direction])
                times += [[trip_id, gtfs._hms(dep * 60), gtfs._hms(dep * 60), a[0], 1],
                          [trip_id, gtfs._hms((dep + CROSSING_MIN) * 60), gtfs._hms((dep + CROSSING_MIN) * 60), b[0], 2]]
    return trips, times


def write_feed(out_dir, latlons, holiday: str) -> dict:
    """Write ``ferry.zip`` with the pier and landing at ``latlons`` [(lat, lon), (lat, lon)]; returns the facts."""
    calendar, dates = gtfs._calendar(datetime.date.fromisoformat(holiday))
    trips, times = _trips()
    fmt = "%Y%m%d"
    gtfs._write_zip(out_dir / "ferry.zip", [
        ("agency.txt", ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"], [AGENCY]),
        ("stops.txt", ["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type"],
         [[i, name, f"{lat:.6f}", f"{lon:.6f}", 0] for (i, name), (lat, lon) in zip(STOPS, latlons)]),
        ("routes.txt", ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type", "route_color",
                        "route_text_color"],
         [["F", AGENCY[0], "F", f"Albatross Key Ferry: {STOPS[0][1]} – {STOPS[1][1]}", 4, "00857C", "FFFFFF"]]),
        ("trips.txt", ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id"], trips),
        ("stop_times.txt", ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"], times),
        ("calendar.txt", ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                          "sunday", "start_date", "end_date"], calendar),
        ("calendar_dates.txt", ["service_id", "date", "exception_type"], dates),
        ("feed_info.txt", ["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date",
                           "feed_end_date", "feed_version"],
         [[AGENCY[1], AGENCY[2], "en", gtfs.START.strftime(fmt), gtfs.END.strftime(fmt), "2026-27"]]),
    ])
    return {"ferry_crossing_min": CROSSING_MIN, "n_ferry_trips": len(trips)}
