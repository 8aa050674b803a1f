"""Open data: the merged directory as schools.csv and schools.geojson, with a documented column list."""

from __future__ import annotations

import json

from .safety import csv_text

# Open data: column -> description, in order. The site's data-dictionary page is generated from this.
OPEN_DATA_COLUMNS = {
    "id": "Stable id: the lead source's id and the school's id in it (source:id).",
    "name": "Full name of the school.",
    "short_name": "Short name, where a source gives one.",
    "sector": "district (run by the school district), charter, or contract (run by a private operator under contract with the district).",
    "operator": "Network, operator or charter management organisation.",
    "grades": "Grades served, e.g. PK–8.",
    "grade_low": "Lowest grade: -1 = pre-kindergarten, 0 = kindergarten, 1-12.",
    "grade_high": "Highest grade, same coding.",
    "address": "Street address.",
    "city": "City.",
    "zip": "ZIP code.",
    "phone": "Phone number (10-digit numbers are formatted (555) 555-5555).",
    "website": "Website (http or https only).",
    "latitude": "Latitude, WGS84 (empty when no usable location was given).",
    "longitude": "Longitude, WGS84.",
    "neighborhood": "Neighborhood the school is in (point in polygon).",
    "programs": "Programs offered, separated by '; '.",
    "special_ed": "Special-education programs and services, separated by '; '.",
    "el_supports": "English-learner supports, separated by '; '.",
    "ratings": "Latest rating from each ratings source as 'source: value (school year)', separated by '; '; a figure made from several file rows (`aggregate`) adds them: '(2024; file rows 4 5 9)'.",
    "sources": "Directory sources that list the school, by id (see the sources on the About the data page).",
    "field_sources": "Which source each field came from, as field=source, separated by '; '.",
    "transit": "Per transit feed: nearest stop and its distance in metres, and for feeds with schedules the trips arriving in the hour before the bell, as 'feed: stop (metres m, trips before bell)', separated by '; '.",
    "page": "Path of the school's page on this site.",
}


def dumps(data, compact: bool = False) -> str:
    """Serialise deterministically (sorted keys, no NaN); ``compact`` drops the indentation for big files."""
    layout = {"separators": (",", ":")} if compact else {"indent": 1}
    return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False, **layout) + "\n"


def open_data_rows(records: list[dict]) -> list[dict]:
    """Flatten school records into the open-data columns (lists joined with '; ')."""
    rows = []
    for r in records:
        rows.append({
            "id": r["key"], "name": r["name"], "short_name": r["short_name"], "sector": r["sector"], "operator": r["operator"],
            "grades": r["grades"], "grade_low": r["grade_low"], "grade_high": r["grade_high"], "address": r["address"],
            "city": r["city"], "zip": r["zip"], "phone": r["phone"], "website": r["website"], "latitude": r["lat"],
            "longitude": r["lon"], "neighborhood": r["neighborhood"], "programs": "; ".join(r["programs"]),
            "special_ed": "; ".join(r["special_ed"]), "el_supports": "; ".join(r["el_supports"]),
            "ratings": "; ".join(f"{x['source']}: {x['value']} ({x['year']}{_rows(x)})" for x in r["current_ratings"]),
            "sources": "; ".join(r["sources"]),
            "field_sources": "; ".join(f"{k}={v}" for k, v in sorted(r["field_sources"].items())),
            "transit": "; ".join(f"{t['feed']}: {t['nearest_stop']} ({t['nearest_m']} m"
                                 + (f", {t['trips_before_bell']} trips before {t['bell']})" if t["schedules"] else ")")
                                 for t in r.get("transit", [])),
            "page": f"schools/{r['slug']}/",
        })
    return rows


def open_data_files(records: list[dict]) -> dict[str, str]:
    """Return the open-data CSV and GeoJSON texts for the merged directory."""
    rows = open_data_rows(records)
    features = [{"type": "Feature", "properties": {k: v for k, v in row.items() if k not in ("latitude", "longitude")},
                 "geometry": None if row["latitude"] is None else
                 {"type": "Point", "coordinates": [round(row["longitude"], 6), round(row["latitude"], 6)]}} for row in rows]
    return {"schools.csv": csv_text(rows, list(OPEN_DATA_COLUMNS)), "schools.geojson": dumps({"type": "FeatureCollection", "features": features})}


def compare_records(records: list[dict]) -> str:
    """Compact per-school facts for the compare and shortlist pages (one JSON fetched by their scripts); ``i`` is the
    school's position in the search index, and so its column in the travel-time files."""
    out = {}
    for i, r in enumerate(records):
        tier = r["tier"]
        out[r["slug"]] = {
            "n": r["name"], "s": r["sector"], "g": r["grades"], "h": r["neighborhood"],
            "t": [tier.get("rank"), tier.get("label", ""), tier.get("value", ""), tier.get("source_label", ""), tier.get("year", "")],
            "p": r["programs"], "se": r["special_ed"], "el": r["el_supports"], "e": r["enrollment"], "sh": r["shares"],
            "su": r["suspensions_per_100"], "d": r.get("application_deadline") or "", "i": i,
            "a": r.get("admission") or [], "c": [r.get("before_care_text") or "", r.get("after_care_text") or ""],
            "o": (r.get("outcomes") or {}) if (r.get("grade_high") is not None and r["grade_high"] >= 9) else None,
        }
    return json.dumps(out, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _rows(rating: dict) -> str:
    """The file rows behind a figure that `aggregate` made from several rows (one row needs no note)."""
    rows = str(rating.get("rows", ""))
    return f"; file rows {rows}" if " " in rows else ""
