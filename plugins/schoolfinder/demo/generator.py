"""Seeded, byte-deterministic generator of the fictional demo city Port Meridian (see data/demo/city.toml)."""

import csv
import json
import math
import pathlib
import random

import shapely
from shapely.geometry import MultiPoint, Point, box, mapping

from . import deserts, extras, gtfs
from .city import CENTER_LAT, CENTER_LON, CITY, STREETS, YEARS, district_rows, school, slug, to_lonlat

N_DISTRICT, N_CHARTER, N_BOTH, N_DISTRICT_MISSING = 245, 60, 15, 3

NBHD_NAMES = [
    "Harbor Point", "Old Mill", "Saltmarsh", "Bellavista Alta", "Peñasco", "Lighthouse Hill", "Cedar Ridge",
    "Anchor Bay", "Windward", "Tidewater", "Foundry Row", "Gull Island", "Kelp Flats", "Mariner's Rest",
    "North Quay", "Sandpiper", "Coral Heights", "Driftwood", "Fisher's Landing", "Ropewalk", "Seabreeze",
    "Mirador", "Lantern Square", "Breakwater", "Cormorant Cove", "Juniper Park", "São Brás", "Vista Mar",
    "Eastgate", "Compass Green", "Ferry Terminal", "Dunes",
]
PEOPLE = ["Amália Rocha", "Joaquim Nunes", "Grace Okafor", "Rosa Delgado", "Henry Vance", "Mei Lin Tan",
          "Tomás Ibarra", "Ada Whitcombe", "Samuel Achebe", "Inês Carvalho", "Frederick Moss", "Lucía Paredes"]
NETWORKS = ["North Network", "South Network", "East Network", "West Network", "Harbor Network", "Innovation Network"]
OPERATORS = ["Meridian Charter Network", "Fundación Educación Atlántica", "St. Brígida’s Learning Trust",
             "Éxito Schools", "Compass Rose Academies", "Harborlight Education", "Nova Learning Partners",
             "Independent"]
CHARTER_PREFIX = ["Meridian", "Harborlight", "Peñasco", "Café Street", "Tidewater", "O’Neill", "Brightwater",
                  "Summit", "Compass", "Estrella", "Ascend", "Keystone", "Lumen", "Nova", "Beacon", "Crescent"]
CHARTER_THEME = ["Academy of Science", "Preparatory", "Leadership Academy", "Arts Academy", "Classical Academy",
                 "Montessori", "Collegiate", "Language Academy", "STEM Academy"]
# level -> (grade spans, name suffixes)
LEVELS = {
    "elem": ([("PK", "5"), ("K", "5")], ["Elementary", "Elementary School", "Primary School"]),
    "k8": ([("K", "8"), ("PK", "8")], ["K-8 School", "School", "K-8 Academy"]),
    "middle": ([("6", "8")], ["Middle School", "Middle"]),
    "high": ([("9", "12")], ["High School", "Senior High"]),
    "secondary": ([("6", "12")], ["Secondary School", "Academy"]),
}
DISTRICT_LEVEL_WEIGHTS = {"elem": 55, "k8": 10, "middle": 17, "high": 15, "secondary": 3}
CHARTER_SPANS = [(("K", "8"), 25), (("9", "12"), 20), (("PK", "5"), 15), (("6", "8"), 15), (("K", "5"), 15),
                 (("6", "12"), 10)]
# program -> levels allowed


def _rounded(obj):
    """Round every float in nested GeoJSON coordinates to 6 decimals."""
    return [_rounded(v) for v in obj] if isinstance(obj, (list, tuple)) else round(obj, 6)


def _outline(rng):
    """A smooth, irregular ~18 km x 16 km city outline in local km."""
    harmonics = [(k, rng.uniform(0.02, 0.06), rng.uniform(0, 2 * math.pi)) for k in range(2, 6)]
    angles = [2 * math.pi * i / 120 for i in range(120)]
    radii = [9 * 8 / math.hypot(8 * math.cos(t), 9 * math.sin(t))  # 9 km x 8 km ellipse, wobbled
             * (1 + sum(a * math.cos(k * t + p) for k, a, p in harmonics)) for t in angles]
    return shapely.Polygon([(r * math.cos(t), r * math.sin(t)) for r, t in zip(radii, angles)])


def _sample_points(rng, region, n, min_dist=0.0):
    """Rejection-sample n points inside region, at least min_dist km apart."""
    minx, miny, maxx, maxy = region.bounds
    pts = []
    while len(pts) < n:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if region.contains(p) and all(p.distance(q) >= min_dist for q in pts):
            pts.append(p)
    return pts


def _neighborhoods(rng, outline):
    """Voronoi cells of seeded points clipped to the outline, as GeoJSON features."""
    seeds = _sample_points(rng, outline, len(NBHD_NAMES), min_dist=1.5)
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline.buffer(5), ordered=True).geoms
    names = rng.sample(NBHD_NAMES, len(NBHD_NAMES))
    return [{"type": "Feature", "properties": {"nbhd_id": f"N{i + 1:02d}", "nbhd_name": name},
             "geometry": to_lonlat(cell.intersection(outline))} for i, (cell, name) in enumerate(zip(cells, names))]


def _small_areas(rng, outline, size=0.7):
    """~700 m grid squares clipped to the outline, with seeded child counts."""
    minx, miny, maxx, maxy = outline.bounds
    features, rows = [], []
    for j in range(math.ceil((maxy - miny) / size)):
        for i in range(math.ceil((maxx - minx) / size)):
            x, y = minx + i * size, miny + j * size
            piece = box(x, y, x + size, y + size).intersection(outline)
            if piece.area < 0.01:
                continue
            area_id = f"A{len(features) + 1:04d}"
            features.append({"type": "Feature", "properties": {"area_id": area_id}, "geometry": to_lonlat(piece)})
            c = piece.centroid
            density = math.exp(-(c.x ** 2 + c.y ** 2) / 72) * piece.area / size ** 2
            density = 0.0 if rng.random() < 0.08 else density * rng.lognormvariate(0, 0.45)
            rows.append([area_id] + [round(base * density * rng.uniform(0.85, 1.15)) for base in (110, 100, 60)])
    return features, rows


def _unique(used, make):
    """Draw a name not used yet; after 10 tries accept a repeat (real cities have a few)."""
    for _ in range(10):
        name = make()
        if name not in used:
            break
    used.add(name)
    return name


def _schools(rng, outline):
    """Build district-governed and charter school records (closed/missing/both planted)."""
    places = NBHD_NAMES + PEOPLE + [f"{s} Street" for s in STREETS[:8]]
    pts = _sample_points(rng, outline.buffer(-0.25), N_DISTRICT + N_CHARTER)
    used, district, charter = set(), [], []
    for i in range(N_DISTRICT):
        level = rng.choices(list(DISTRICT_LEVEL_WEIGHTS), list(DISTRICT_LEVEL_WEIGHTS.values()))[0]
        spans, suffixes = LEVELS[level]
        s = school(rng, pts[i], level, *rng.choice(spans))
        s.update(gov="DISTRICT", state_id=f"PM-{100101 + i}", network=rng.choice(NETWORKS), status="Open",
                 name=_unique(used, lambda: f"{rng.choice(places)} {rng.choice(suffixes)}"))
        district.append(s)
    spans, weights = zip(*CHARTER_SPANS)
    for j in range(N_CHARTER):
        lo, hi = rng.choices(spans, weights)[0]
        level = {"5": "elem", "8": "middle" if lo == "6" else "k8", "12": "high" if lo == "9" else "secondary"}[hi]
        s = school(rng, pts[N_DISTRICT + j], level, lo, hi)
        form = rng.choice(["{} {} Charter", "{} {}", "{} {} Charter School"])
        s.update(gov="CHARTER", state_id=f"PM-{300101 + j}", campus_id=f"C-{j + 1:03d}", dash="-",
                 network=OPERATORS[j % len(OPERATORS)], status="Open",
                 name=_unique(used, lambda: form.format(rng.choice(CHARTER_PREFIX), rng.choice(CHARTER_THEME))))
        charter.append(s)
    return district, charter


def _plant(rng, district, charter):
    """Choose both-listed, closed and missing-coordinate schools; fill coordinates."""
    both = rng.sample(charter, N_BOTH)
    only = [c for c in charter if all(c is not b for b in both)]
    dashed = rng.choice([c for c in only if (c["lo"], c["hi"]) == ("PK", "5")] or only)
    dashed.update(lo="PK", hi="5", dash="–")  # en dash: encodable in cp1252, not ASCII
    picks = rng.sample(district, N_DISTRICT_MISSING + 1)
    picks[0]["status"] = "Closed"
    missing = picks[1:] + [rng.choice([c for c in only if c is not dashed])]
    for s in district + charter:
        if not any(s is m for m in missing):
            lon, lat = to_lonlat(Point(s["x"], s["y"])).coords[0]
            s["lat"], s["lon"] = f"{lat:.6f}", f"{lon:.6f}"
    return both, [picks[0]], missing


def _charter_rows(charter):
    rows = []
    for s in charter:
        a, b, c = s["phone"]
        web = f"https://{slug(s['network'])}.example/{slug(s['name'])}" if s["has_web"] else ""
        rows.append([s["campus_id"], s["state_id"], s["name"], s["network"], f"{s['lo']}{s['dash']}{s['hi']}",
                     f"{s['street']}, {CITY}", s["zip"], f"({a}) {b}-{c}", web, s["lat"], s["lon"],
                     "|".join(s["programs"]), "|".join(s["sped"]), "|".join(s["el"])])
    return rows


def _ratings(rng, ids, levels, not_rated, n_not_rated):
    """Two yearly rows per id; a few ids are not rated; others drift by at most one level."""
    unrated = set(rng.sample(ids, n_not_rated))
    rows = []
    for sid in ids:
        first = min(len(levels) - 1, max(0, round(rng.gauss((len(levels) - 1) / 2, 1.1))))
        second = min(len(levels) - 1, max(0, first + rng.choice([-1, 0, 0, 0, 1])))
        for year, lvl in zip(YEARS, (first, second)):
            rows.append([sid, year, not_rated if sid in unrated else levels[lvl]])
    return rows


def _write_csv(path, header, rows, encoding="utf-8", delimiter=",", lineterminator="\n"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, lineterminator=lineterminator)
        writer.writerow(header)
        writer.writerows(rows)


def _write_json(path, obj, indent=None):
    seps = (",", ": ") if indent else (",", ":")
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(obj, sort_keys=True, separators=seps, indent=indent, ensure_ascii=False) + "\n")


def _as_geojson(features):
    """Turn the shapely geometries of features into GeoJSON with 6-decimal coordinates (in place)."""
    for f in features:
        geom = f["geometry"]
        if not isinstance(geom, dict):
            f["geometry"] = {"type": geom.geom_type, "coordinates": _rounded(mapping(geom)["coordinates"])}
    return features


def _write_geojson(path, features):
    _write_json(path, {"type": "FeatureCollection", "features": _as_geojson(features)})


def generate(out_dir: pathlib.Path, seed: int = 2026) -> dict:
    """Write the fictional city's raw files into out_dir and return the planted facts.

    Parameters
    ----------
    out_dir : pathlib.Path
        Folder to write into (created if missing), normally ``data/demo/raw``.
    seed : int, default 2026
        Seed of the random sources; the same seed gives byte-identical files. Geography, schools and
        overall ratings come from ``Random(seed)``; the enrollment, discipline, application and
        subgroup-rating columns (see :mod:`schoolfinder.demo.extras`) from ``Random(seed + 1)``, so
        adding those columns changed nothing that was drawn before. The GTFS feed ``gtfs.zip`` (see
        :mod:`schoolfinder.demo.gtfs`) comes from ``Random(seed + 2)``. The planted desert island
        "Albatross Key" (with its schools, children and ``ferry.zip``) and the planted well-served neighborhood
        around a rail station (see :mod:`schoolfinder.demo.deserts`) come from ``Random(seed + 3)``; they are
        added deliberately, so the desert map always shows both a desert and a well-served place.

    Returns
    -------
    dict
        The planted facts (counts and state ids of the planted mess), also written
        to ``planted.json`` in `out_dir`.
    """
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    outline = _outline(rng)
    neighborhoods = _neighborhoods(rng, outline)
    areas, children = _small_areas(rng, outline)
    district, charter = _schools(rng, outline)
    both, closed, missing = _plant(rng, district, charter)
    d_rows = district_rows(rng, district, both)
    c_rows = _charter_rows(charter)
    rng_x = random.Random(seed + 1)
    extras.add_profiles(rng_x, district + charter)
    n_sentinel = extras.district_columns(rng_x, d_rows, {s["code"]: s for s in district + both})
    n_sentinel += extras.charter_columns(rng_x, c_rows, charter)

    rated = sorted(s["code"] for s in district if s["status"] == "Open")
    stars, letters = ["1 star", "2 stars", "3 stars", "4 stars", "5 stars"], ["F", "D", "C", "B", "A"]
    dr_rows = _ratings(rng, rated, stars, "Not rated", 5)
    cr_rows = _ratings(rng, [s["campus_id"] for s in charter], letters, "N/R", 3)
    n_suppressed = extras.subgroup_ratings(rng_x, dr_rows, {s["code"]: s for s in district if s["code"] in rated},
                                           stars, "Not rated", "*")
    n_suppressed += extras.subgroup_ratings(rng_x, cr_rows, {s["campus_id"]: s for s in charter}, letters, "N/R",
                                            "n<10")
    transit = gtfs.write_feed(out_dir, random.Random(seed + 2), _as_geojson(neighborhoods))
    access = deserts.plant(out_dir, random.Random(seed + 3), outline, neighborhoods, len(areas) + 1,
                           101 + len(d_rows), transit["gtfs_exception_date"])
    d_rows += access["district_rows"]
    dr_rows += access["rating_rows"]
    n_suppressed += access["n_suppressed"]
    neighborhoods.append(access["neighborhood"])
    areas += access["areas"]
    children += access["children"]

    _write_csv(out_dir / "district_sis.csv",
               ["SCHOOL_CODE", "STATE_SCHOOL_ID", "SCHOOL_NAME", "GOVERNANCE", "NETWORK", "GRADE_LOW", "GRADE_HIGH",
                "STREET", "CITY", "ZIP", "PHONE", "WEB", "LAT", "LON", "STATUS", "PROGRAMS", "SPED_PROGRAMS",
                "ELL_SUPPORTS"] + extras.DISTRICT_COLUMNS, d_rows)
    cp1252 = {"encoding": "cp1252", "delimiter": ";", "lineterminator": "\r\n"}
    _write_csv(out_dir / "charter_authorizer.csv",
               ["Campus ID", "State ID", "Campus Name", "Operator", "Grades Served", "Address", "Zip Code",
                "Telephone", "Website", "Latitude", "Longitude", "Program Offerings", "Special Education",
                "EL Services"] + extras.CHARTER_COLUMNS, c_rows, **cp1252)
    _write_csv(out_dir / "district_ratings.csv",
               ["SCHOOL_CODE", "SCHOOL_YEAR", "STAR_RATING"] + extras.DISTRICT_RATING_COLUMNS, dr_rows)
    _write_csv(out_dir / "charter_ratings.csv", ["Campus ID", "Year", "Grade"] + extras.CHARTER_RATING_COLUMNS,
               cr_rows, **cp1252)
    _write_geojson(out_dir / "neighborhoods.geojson", neighborhoods)
    _write_geojson(out_dir / "small_areas.geojson", areas)
    _write_csv(out_dir / "children.csv", ["AREA_ID", "AGE_5_9", "AGE_10_14", "AGE_15_17"], children)

    planted = {"seed": seed, "city": CITY, "center": [CENTER_LAT, CENTER_LON], "n_district_rows": len(d_rows),
               "n_charter_rows": len(c_rows), "n_both": len(both), "n_closed": len(closed),
               "n_missing_coords": len(missing), "n_neighborhoods": len(neighborhoods), "n_small_areas": len(areas),
               "n_schools_expected": len(d_rows) + len(c_rows) - len(both) - len(closed),
               "n_sentinel_counts": n_sentinel, "n_suppressed_subgroups": n_suppressed}
    for key, group in (("closed", closed), ("both", both), ("missing_coords", missing)):
        planted[f"{key}_state_ids"] = sorted(s["state_id"] for s in group)
    planted.update(transit)
    planted.update(access["facts"])
    _write_json(out_dir / "planted.json", planted, indent=2)
    return planted
