"""A planted quality desert and a planted well-served neighborhood for the demo city Port Meridian.

Both are DELIBERATE, so the desert map always shows the two ends of the measure (CRPE's transit preset:
no quality seat within 30 minutes by walking and transit), whatever the seed:

* **Desert: Albatross Key**, an island neighborhood added off the coast, ``GAP_KM`` from the mainland. Children
  live there and two district schools serve every grade band, both rated below the quality tier (1-2 stars).
  The only way off is a ferry whose crossing takes ``ferry.CROSSING_MIN`` (> 30) minutes, and walking
  (straight line, the pipeline's model) to any mainland school takes well over 30 minutes. So no child on the
  island has a quality school for any band within 30 minutes: desert share 100 %.
* **Well served: the neighborhood of a Meridian Line station** (10-minute rail service at the bell). Quality
  campuses (a K-8 and a high school, rated 4-5 stars, with seats) are placed at the station and, greedily,
  until every point of the neighborhood is within ``COVER_KM`` straight line of one, i.e. within a
  ~28-minute walk at the pipeline's default pace: desert share 0 % for every band, even without transit.
  Of the stations' neighborhoods, the one needing the fewest campuses is chosen.

Everything here draws from its own stream, ``random.Random(seed + 3)``, after every other stream, so the
rows, streams and files of the rest of the city are unchanged; the planted schools get school codes after
the generated ones and are listed in ``planted.json``.
"""

import csv
import io
import math
import zipfile

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import MultiPoint, Point, box, shape
from shapely.ops import nearest_points

from . import city as g
from . import extras, ferry

DESERT_NAME = "Albatross Key"
GAP_KM = 5.0  # open water between the mainland and the island
ISLAND_KM = 1.4  # mean radius of the island
COVER_KM = 1.5  # every point of the well-served neighborhood is this close to a planted quality campus
GRID_KM = 0.1
STARS = ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"]


def _to_km(geom, g):
    """Inverse of the generator's ``_to_lonlat``: lon/lat degrees to local km."""
    return shapely.transform(geom, lambda xy: (xy - [g.CENTER_LON, g.CENTER_LAT]) * [g.KM_LON, g.KM_LAT])


def _stations(gtfs_zip, g):
    """Every stop of the city feed as (id, name, point in km); rail stations have ids starting with RS."""
    with zipfile.ZipFile(gtfs_zip) as zf:
        rows = list(csv.DictReader(io.TextIOWrapper(zf.open("stops.txt"), encoding="utf-8")))
    return [(r["stop_id"], r["stop_name"], _to_km(Point(float(r["stop_lon"]), float(r["stop_lat"])), g)) for r in rows]


def _island(rng, outline, rail):
    """A wobbly island off the coast point farthest from the rail line, at least GAP_KM out to sea."""
    coast = [Point(c) for c in outline.exterior.coords[:-1]]
    far = max(coast, key=lambda p: p.distance(rail))
    centre = outline.centroid
    ux, uy = far.x - centre.x, far.y - centre.y
    norm = math.hypot(ux, uy)
    ux, uy = ux / norm, uy / norm
    wobble = [(k, rng.uniform(0.04, 0.1), rng.uniform(0, 2 * math.pi)) for k in (2, 3, 4)]
    ring = [(ISLAND_KM * (1 + sum(a * math.cos(k * t + p) for k, a, p in wobble)) * math.cos(t),
             0.75 * ISLAND_KM * (1 + sum(a * math.cos(k * t + p) for k, a, p in wobble)) * math.sin(t))
            for t in (2 * math.pi * i / 60 for i in range(60))]
    island = affinity.rotate(shapely.Polygon(ring), rng.uniform(0, math.pi), origin=(0, 0), use_radians=True)
    step = GAP_KM + 2 * ISLAND_KM
    while True:
        placed = affinity.translate(island, far.x + ux * step, far.y + uy * step)
        if placed.distance(outline) >= GAP_KM:
            return placed
        step += 0.25


def _island_areas(rng, island, first_id, size=0.7):
    """~700 m squares of the island with child counts (never zero: children live there by design)."""
    minx, miny, maxx, maxy = island.bounds
    features, rows = [], []
    for j in range(math.ceil((maxy - miny) / size)):
        for i in range(math.ceil((maxx - minx) / size)):
            piece = box(minx + i * size, miny + j * size, minx + (i + 1) * size, miny + (j + 1) * size).intersection(island)
            if piece.area < 0.01:
                continue
            area_id = f"A{first_id + len(features):04d}"
            features.append({"type": "Feature", "properties": {"area_id": area_id}, "geometry": piece})
            share = piece.area / size ** 2
            rows.append([area_id] + [max(1, round(base * 0.7 * share * rng.uniform(0.85, 1.15))) for base in (110, 100, 60)])
    return features, rows


def _grid(poly):
    """Points every GRID_KM inside ``poly`` plus its outline sampled every GRID_KM, as an (n, 2) array."""
    minx, miny, maxx, maxy = poly.bounds
    xs, ys = np.meshgrid(np.arange(minx, maxx, GRID_KM), np.arange(miny, maxy, GRID_KM))
    inside = shapely.contains_xy(poly, xs.ravel(), ys.ravel())
    inner = np.column_stack([xs.ravel()[inside], ys.ravel()[inside]])
    return inner, np.vstack([inner, shapely.get_coordinates(shapely.segmentize(poly.boundary, GRID_KM))])


def cover(poly, start):
    """Campus sites: the site nearest ``start``, then greedily the site covering most of the rest within COVER_KM."""
    sites, _ = _grid(poly.buffer(-0.15))
    _, targets = _grid(poly)
    dist = np.hypot(sites[:, None, 0] - targets[None, :, 0], sites[:, None, 1] - targets[None, :, 1]) <= COVER_KM
    chosen = [int(np.argmin(np.hypot(*(sites - [start.x, start.y]).T)))]
    left = ~dist[chosen[0]]
    while left.any():
        chosen.append(int(np.argmax(dist[:, left].sum(axis=1))))
        left &= ~dist[chosen[-1]]
    return [Point(sites[i]) for i in chosen]


def _well_served(nbhds, stations):
    """(name, campus sites) of the station neighborhood that needs the fewest campuses (ties: nearest the centre)."""
    options = []
    for stop_id, _name, point in stations:
        home = next(((name, poly) for name, poly in nbhds if poly.contains(point)), None)
        if stop_id.startswith("RS") and home:
            options.append((len(cover(home[1], point)), point.distance(Point(0, 0)), home[0], point))
    _, _, name, point = min(options)
    return name, cover(dict(nbhds)[name], point)


def _compass(station, site, used):
    """The campus's name: "Station" for the first, else the direction from the station (North, East, ...)."""
    if site.equals(station):
        label = "Station"
    else:
        angle = math.degrees(math.atan2(site.y - station.y, site.x - station.x)) % 360
        label = ["East", "North", "West", "South"][round(angle / 90) % 4]
    label = next(f"{label} {n}".strip() for n in ["", *range(2, 99)] if f"{label} {n}".strip() not in used)
    used.add(label)
    return label


def _campus_schools(rng, g, name, sites):
    """A K-8 and a high school at every campus site (80 m apart); the first campus is the station's."""
    schools, used = [], set()
    for site in sites:
        label = _compass(sites[0], site, used)
        for dx, (level, lo, hi, suffix) in zip((-0.04, 0.04), (("k8", "K", "8", "K-8 Academy"),
                                                               ("high", "9", "12", "High School"))):
            s = g.school(rng, Point(site.x + dx, site.y), level, lo, hi)
            s.update(name=f"{name} {label} {suffix}", network="Harbor Network", stars=("4 stars", "5 stars"))
            schools.append(s)
    return schools


def _island_schools(rng, g, island):
    """The island's two schools, rated below the quality tier in both years."""
    centre = island.representative_point()
    schools = []
    for dx, (level, lo, hi, suffix, stars) in zip((-0.3, 0.3), (("k8", "PK", "8", "School", ("2 stars", "2 stars")),
                                                                 ("high", "9", "12", "High School", ("2 stars", "1 star")))):
        s = g.school(rng, Point(centre.x + dx, centre.y), level, lo, hi)
        s.update(name=f"{DESERT_NAME} {suffix}", network="Harbor Network", zip="96199", stars=stars)
        schools.append(s)
    return schools


def _rows(rng, g, schools, first_code):
    """District SIS rows (all columns) and star-rating rows (with subgroup columns) for the planted schools."""
    for i, s in enumerate(schools):
        lon, lat = g.to_lonlat(Point(s["x"], s["y"])).coords[0]
        s.update(gov="DISTRICT", state_id=f"PM-{190101 + i}", status="Open", lat=f"{lat:.6f}", lon=f"{lon:.6f}")
    rows = g.district_rows(rng, schools, [], first_code)
    extras.add_profiles(rng, schools)
    by_code = {s["code"]: s for s in schools}
    extras.district_columns(rng, rows, by_code, mess=False)
    ratings = [[s["code"], year, stars] for s in sorted(schools, key=lambda s: s["code"])
               for year, stars in zip(g.YEARS, s["stars"])]
    n_suppressed = extras.subgroup_ratings(rng, ratings, by_code, STARS[::-1], "Not rated", "*")
    return rows, ratings, n_suppressed


def plant(out_dir, rng, outline, nbhd_features, first_area, first_code, holiday) -> dict:
    """Plant the desert island (with its ferry, written to ``ferry.zip``) and the well-served neighborhood.

    ``nbhd_features`` are the generated neighborhoods (GeoJSON, lon/lat); the city feed ``gtfs.zip`` must
    already be in ``out_dir``. Returns the island's feature and small areas, child rows, SIS and rating
    rows to append, and the planted facts.
    """

    stops = _stations(out_dir / "gtfs.zip", g)
    rail = MultiPoint([p for stop_id, _, p in stops if stop_id.startswith("RS")])
    island = _island(rng, outline, rail)
    areas, children = _island_areas(rng, island, first_area)
    nbhds = [(f["properties"]["nbhd_name"], _to_km(shape(f["geometry"]), g)) for f in nbhd_features]
    served, sites = _well_served(nbhds, stops)
    schools = _island_schools(rng, g, island) + _campus_schools(rng, g, served, sites)
    rows, ratings, n_suppressed = _rows(rng, g, schools, first_code)
    mainland = min((p for stop_id, _, p in stops if not stop_id.startswith("RS")), key=island.distance)
    pier = nearest_points(island.buffer(-0.2), mainland)[0]
    facts = ferry.write_feed(out_dir, [g.to_lonlat(p).coords[0][::-1] for p in (pier, mainland)], holiday)
    feature = {"type": "Feature", "properties": {"nbhd_id": f"N{len(nbhd_features) + 1:02d}", "nbhd_name": DESERT_NAME},
               "geometry": g.to_lonlat(island)}
    for f in areas:
        f["geometry"] = g.to_lonlat(f["geometry"])
    return {"neighborhood": feature, "areas": areas, "children": children, "district_rows": rows,
            "rating_rows": ratings, "n_suppressed": n_suppressed,
            "facts": {"desert_neighborhood": DESERT_NAME, "well_served_neighborhood": served,
                      "desert_gap_km": round(island.distance(outline), 2), "well_served_campuses": len(sites),
                      "planted_access_codes": sorted(s["code"] for s in schools), **facts}}
