"""Seeded, byte-deterministic GTFS feed (a bus grid and one rail line) for the demo city Port Meridian."""

import csv
import datetime
import functools
import io
import itertools
import json
import math
import zipfile

import shapely
from shapely import affinity
from shapely.geometry import LineString, Point, shape

AGENCY = ("PMT", "Port Meridian Transit", "https://transit.portmeridian.example", "Atlantic/South_Georgia", "en")
START, END = datetime.date(2026, 8, 17), datetime.date(2027, 6, 30)
HOLIDAYS = [datetime.date(2026, 10, 12), datetime.date(2026, 11, 11), datetime.date(2026, 11, 26),
            datetime.date(2027, 2, 15), datetime.date(2027, 5, 31)]  # all weekdays
SERVICES = ("WKDY", "SAT", "SUN")
# service -> [(from minute, to minute, headway minutes)]; weekday buses run from 05:30 to 24:30
BUS_BANDS = {"WKDY": [(330, 390, 15), (390, 570, 10), (570, 930, 15), (930, 1110, 10), (1110, 1230, 15),
                      (1230, 1470, 20)],
             "SAT": [(360, 480, 30), (480, 1260, 20), (1260, 1440, 30)], "SUN": [(420, 1380, 30)]}
RAIL_BANDS = {"WKDY": [(300, 390, 20), (390, 570, 10), (570, 930, 20), (930, 1110, 10), (1110, 1500, 20)],
              "SAT": [(360, 1500, 20)], "SUN": [(420, 1440, 30)]}
BUS_KMH, RAIL_KMH = 18.0, 35.0  # average speeds including stops
BUS_GAP, RAIL_GAP = 0.4, 1.5  # km between stops
ZIP_TIME = (2026, 1, 1, 0, 0, 0)
CORRIDORS = ["Harbor Blvd", "Coral Ave", "Quay St", "Mill Rd", "Cedar Ave", "Beacon Blvd", "Tide St", "Anchor Way",
             "Lantern Ave", "Mariner Blvd", "Kelp St", "Juniper Rd", "Compass Ave", "Dune Rd", "Ferry St", "Gull Way",
             "Foundry Ave", "Rope St", "Salt Rd", "Vista Blvd", "Sextant Ave", "Meridian Pkwy", "Bosun St"]
MINOR = ["Albatross", "Binnacle", "Capstan", "Dory", "Estuary", "Fathom", "Galley", "Halyard", "Inlet", "Jetty",
         "Keel", "Lagoon", "Mooring", "Nautilus", "Oar", "Pier", "Reef", "Schooner", "Tiller", "Wharf"]
MINOR = [f"{name} {kind}" for name in MINOR for kind in ("St", "Lane", "Ct", "Pl", "Terrace")]


def _city(feats):
    """Outline and neighborhoods in local km, plus a km -> (lat, lon) function, from neighborhood features."""
    union = shapely.union_all([shape(f["geometry"]) for f in feats])
    lon0, lat0 = union.centroid.x, union.centroid.y
    scale = [111.32 * math.cos(math.radians(lat0)), 110.95]

    def to_km(geom):
        return shapely.transform(geom, lambda xy: (xy - [lon0, lat0]) * scale)

    def to_latlon(x, y):
        return y / scale[1] + lat0, x / scale[0] + lon0

    nbhds = [(f["properties"]["nbhd_name"], to_km(shape(f["geometry"]))) for f in feats]
    return to_km(union).buffer(0.05).buffer(-0.05), nbhds, to_latlon


def _clip(line, region, min_km=3.0):
    """The longest piece of line inside region, or None when shorter than min_km."""
    piece = line.intersection(region)
    piece = max(getattr(piece, "geoms", [piece]), key=lambda g: g.length)
    return piece if piece.geom_type == "LineString" and piece.length >= min_km else None


def _bus_lines(rng, region):
    """A slightly rotated grid of crosstown corridors ~2 km apart, plus two diagonals."""
    angle = rng.uniform(-0.35, 0.35)
    raw = []
    for off in (-6, -4, -2, 0, 2, 4, 6):
        y, x = off + rng.uniform(-0.4, 0.4), off + rng.uniform(-0.4, 0.4)
        raw += [LineString([(-15, y), (15, y)]), LineString([(x, -15), (x, 15)])]
    for sign in (1, -1):
        dy = rng.uniform(-1.5, 1.5)
        raw.append(LineString([(-15, -12 * sign + dy), (15, 12 * sign + dy)]))
    lines = [_clip(affinity.rotate(g, angle, origin=(0, 0), use_radians=True), region) for g in raw]
    return [g for g in lines if g is not None]


def _rail_line(rng, region):
    """A gently curving rail line across the city through the centre."""
    pts = [(-15, -4), (-6, -2), (0, 0), (6, 2.5), (15, 6)]
    pts = [(x, y + rng.uniform(-0.8, 0.8)) for x, y in pts]
    return _clip(affinity.rotate(LineString(pts), rng.uniform(0, math.pi), origin=(0, 0), use_radians=True), region)


def _crossings(lines):
    """For each line, the (point, other line index) where other lines cross it."""
    found = {i: [] for i in range(len(lines))}
    for i, j in itertools.combinations(range(len(lines)), 2):
        hit = lines[i].intersection(lines[j])
        for p in getattr(hit, "geoms", [hit]):
            if p.geom_type == "Point" and not p.is_empty:
                found[i].append((p, j))
                found[j].append((p, i))
    return found


def _anchors(line, crossings, min_gap=0.15):
    """Ends and crossings of a line as (distance along, point, other), too-close crossings dropped."""
    length = line.length
    inner = sorted(((line.project(p), p, o) for p, o in crossings), key=lambda a: a[0])
    kept = [(0.0, Point(line.coords[0]), None)]
    for a in inner:
        if a[0] - kept[-1][0] >= min_gap and length - a[0] >= min_gap:
            kept.append(a)
    return kept + [(length, Point(line.coords[-1]), None)]


def _place(line, crossings, gap, stops, name, prefix="S"):
    """Stops along a line: anchors, evenly filled at about gap km; returns the stop ids in order."""
    kept = _anchors(line, crossings)
    points = []
    for (d0, p0, o0), (d1, _, _) in zip(kept, kept[1:]):
        k = max(1, round((d1 - d0) / gap))
        points += [(p0, o0)] + [(line.interpolate(d0 + (d1 - d0) * i / k), None) for i in range(1, k)]
    points.append(kept[-1][1:])
    ids = []
    for p, other in points:
        key = (round(p.x, 5), round(p.y, 5))
        if key not in stops:
            stops[key] = {"id": f"{prefix}{len(stops) + 1:04d}", "x": p.x, "y": p.y,
                          "name": name(p, other)}
        ids.append(stops[key]["id"])
    return ids


def _nbhd_at(nbhds, p):
    return min(nbhds, key=lambda n: n[1].distance(p))[0]


def _bus_routes(rng, outline, nbhds, stops):
    """Grid corridors plus a shuttle into any neighborhood left more than 450 m from a stop."""
    lines = _bus_lines(rng, outline.buffer(-0.2))
    names = rng.sample(CORRIDORS, len(lines))
    crossings = _crossings(lines)
    routes = [(names[i], line, _place(line, crossings[i], BUS_GAP, stops, _namer(rng, names[i], names)))
              for i, line in enumerate(lines)]
    for nbhd, poly in nbhds:
        near = shapely.multipoints([(s["x"], s["y"]) for s in stops.values()])
        if poly.distance(near) > 0.45:
            start = min(near.geoms, key=poly.distance)
            line = LineString([start, poly.representative_point()])
            routes.append((f"{nbhd} Shuttle", line, _place(line, [], BUS_GAP, stops, _namer(rng, f"{nbhd} Rd", []))))
    return routes


def _namer(rng, corridor, names):
    """Stop names along one corridor: the crossing corridor's name, else a side street not used on it yet."""
    side = iter(rng.sample(MINOR, len(MINOR)))
    return lambda p, other: f"{corridor} & {names[other] if other is not None else next(side)}"


def _rail_route(rng, outline, nbhds):
    line = _rail_line(rng, outline.buffer(-0.3))
    stations, used = {}, set()

    def name(p, other):
        base = _nbhd_at(nbhds, p)
        label = next(f"{base} {kind}" for kind in ("Station", "Junction", "Halt", "Central") if
                     f"{base} {kind}" not in used)
        used.add(label)
        return label
    return ("Meridian Line", line, _place(line, [], RAIL_GAP, stations, name, "RS")), stations


def _departures(rng, bands):
    """Departure minutes over contiguous headway bands, starting at a seeded offset."""
    t, out = bands[0][0] + rng.randrange(bands[0][2]), []
    for start, end, headway in bands:
        t = max(t, start)
        while t < end:
            out.append(t)
            t += headway
    return out


def _speed(base, minute, service):
    hour = minute // 60
    if service == "WKDY" and (7 <= hour < 9 or 16 <= hour < 18):
        return base * 0.85  # rush-hour traffic
    return base * 1.15 if hour >= 21 or hour < 6 else base


@functools.lru_cache(maxsize=None)
def _hms(seconds):
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def _schedule(rng, route_id, route, xy, bands, kmh):
    """trips.txt and stop_times.txt rows of one route, both directions, all services."""
    trips, times = [], []
    for direction, ids in enumerate((route[2], route[2][::-1])):
        cum = [0.0] + list(itertools.accumulate(math.dist(xy[a], xy[b]) for a, b in zip(ids, ids[1:])))
        for service in SERVICES:
            for k, dep in enumerate(_departures(rng, bands[service])):
                trip_id = f"{route_id}-{service}-{direction}-{k + 1:03d}"
                trips.append([route_id, service, trip_id, route[3][direction], direction, f"{route_id}-{direction}"])
                v = _speed(kmh, dep, service)
                for seq, (stop, d) in enumerate(zip(ids, cum)):
                    hms = _hms(dep * 60 + round(d / v * 3600))
                    times.append([trip_id, hms, hms, stop, seq + 1])
    return trips, times


def _transfers(stations, stops, radius=0.3):
    """Rail station <-> bus stop transfers within radius km, both ways, 4 minutes."""
    rows = []
    for s in stations.values():
        for b in stops.values():
            if math.dist((s["x"], s["y"]), (b["x"], b["y"])) <= radius:
                rows += [[s["id"], b["id"], 2, 240], [b["id"], s["id"], 2, 240]]
    return rows


def _write_zip(path, tables):
    """Write CSV tables into a zip whose bytes depend only on the tables."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, header, rows in tables:
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 3, 0o644 << 16
            zf.writestr(info, buf.getvalue().encode("utf-8"), compresslevel=6)


def _calendar(holiday):
    fmt = "%Y%m%d"
    days = {"WKDY": [1, 1, 1, 1, 1, 0, 0], "SAT": [0, 0, 0, 0, 0, 1, 0], "SUN": [0, 0, 0, 0, 0, 0, 1]}
    calendar = [[s, *days[s], START.strftime(fmt), END.strftime(fmt)] for s in SERVICES]
    return calendar, [["WKDY", holiday.strftime(fmt), 2], ["SUN", holiday.strftime(fmt), 1]]


def write_feed(out_dir, rng, features=None):
    """Write gtfs.zip for the city in out_dir; returns the planted facts.

    ``features`` are the GeoJSON neighborhoods the buses serve (default: out_dir's neighborhoods.geojson). The
    generator passes the mainland only: the planted desert island is reached by its own ferry feed.
    """
    if features is None:
        features = json.loads((out_dir / "neighborhoods.geojson").read_text(encoding="utf-8"))["features"]
    outline, nbhds, to_latlon = _city(features)
    stops = {}
    routes = _bus_routes(rng, outline, nbhds, stops)
    rail, stations = _rail_route(rng, outline, nbhds)
    every = list(stops.values()) + list(stations.values())
    xy = {s["id"]: (s["x"], s["y"]) for s in every}
    route_rows, trips, times, shapes = [], [], [], []
    for n, route in enumerate(routes + [rail]):
        is_rail = route is rail
        route_id = "R1" if is_rail else f"B{n + 1:02d}"
        ends = [_nbhd_at(nbhds, Point(xy[route[2][i]])) for i in (0, -1)]
        route_rows.append([route_id, AGENCY[0], "M" if is_rail else str(n + 1), f"{route[0]}: {ends[0]} – {ends[1]}",
                           2 if is_rail else 3, "C8102E" if is_rail else "0067A5", "FFFFFF"])
        t, st = _schedule(rng, route_id, (*route, ends[::-1]), xy, RAIL_BANDS if is_rail else BUS_BANDS,
                          RAIL_KMH if is_rail else BUS_KMH)
        trips += t
        times += st
        for direction, coords in enumerate((route[1].coords, route[1].coords[::-1])):
            shapes += [[f"{route_id}-{direction}", *(f"{v:.6f}" for v in to_latlon(*c)), i + 1]
                       for i, c in enumerate(coords)]
    holiday = rng.choice(HOLIDAYS)
    calendar, dates = _calendar(holiday)
    stop_rows = [[s["id"], s["name"], *(f"{v:.6f}" for v in to_latlon(s["x"], s["y"])), 0] for s in every]
    _write_zip(out_dir / "gtfs.zip", [
        ("agency.txt", ["agency_id", "agency_name", "agency_url", "agency_timezone", "agency_lang"], [AGENCY]),
        ("stops.txt", ["stop_id", "stop_name", "stop_lat", "stop_lon", "location_type"], stop_rows),
        ("routes.txt", ["route_id", "agency_id", "route_short_name", "route_long_name", "route_type", "route_color",
                        "route_text_color"], route_rows),
        ("trips.txt", ["route_id", "service_id", "trip_id", "trip_headsign", "direction_id", "shape_id"], trips),
        ("stop_times.txt", ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"], times),
        ("calendar.txt", ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                          "sunday", "start_date", "end_date"], calendar),
        ("calendar_dates.txt", ["service_id", "date", "exception_type"], dates),
        ("shapes.txt", ["shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"], shapes),
        ("transfers.txt", ["from_stop_id", "to_stop_id", "transfer_type", "min_transfer_time"],
         _transfers(stations, stops)),
        ("feed_info.txt", ["feed_publisher_name", "feed_publisher_url", "feed_lang", "feed_start_date",
                           "feed_end_date", "feed_version"],
         [[AGENCY[1], AGENCY[2], "en", START.strftime("%Y%m%d"), END.strftime("%Y%m%d"), "2026-27"]]),
    ])
    last = {}
    for row in times:
        last[row[0]] = row[1]
    return {"n_bus_routes": len(routes), "n_rail_routes": 1, "n_stops": len(stop_rows), "n_trips": len(trips),
            "n_stop_times": len(times), "gtfs_service_days": list(SERVICES), "gtfs_exception_date": holiday.isoformat(),
            "n_trips_past_midnight": sum(t >= "24:00:00" for t in last.values())}
