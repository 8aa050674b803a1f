"""The contract of the processed data: its file names, record fields and shared constants, and how to read it.

The pipeline writes ``data/processed/`` (outputs/processed.py); the Pelican glue, the nightly runner and the staff
search read it only through this module, so a renamed file or field changes here once. Constants every stage
shares live here too, and so does the one rule for the build date.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from .problems import SchoolfinderError

WGS84 = "EPSG:4326"  # every coordinate read, compared and written
UNREACHABLE = 255  # travel minutes are stored as uint8; 255 means "not within the limit"
ID_FIELDS = ("school_id", "state_id", "nces_id")  # the identifiers sources are matched on
BANDS = ("elementary", "middle", "high")  # grade bands of the access measures and the browse lists

# files of data/processed/
MANIFEST = "manifest.json"
SCHOOLS = "schools.json"
NEIGHBORHOODS = "neighborhoods.json"
NEIGHBORHOOD_SHAPES = "neighborhoods.geojson"
RECONCILIATION = "reconciliation.json"
PROBLEMS = "problems.json"
COMPARE = "compare.json"
TRAVEL = "travel.json"
TRAVEL_FILES = {"transit": "travel-transit.u8", "walk": "travel-walk.u8"}  # uint8, origins x schools, row-major
ACCESS = "access.json"
CELLS = "cells.geojson"
STOPS = "stops.json"
OPEN_DATA = "open-data"  # folder: schools.csv, schools.geojson, deserts.csv
SEARCH = "search"  # folder: index.json, places.json, cells.json and from/ (travel minutes per origin)
SEARCH_INDEX = f"{SEARCH}/index.json"
SEARCH_PLACES = f"{SEARCH}/places.json"  # one list per PLACES_FIELDS, in the index's school order
SEARCH_CELLS = f"{SEARCH}/cells.json"
REQUIRED = (MANIFEST, SCHOOLS, NEIGHBORHOODS, RECONCILIATION)  # every build writes these

# the fields of one record of schools.json, in the order they are built
SCHOOL_FIELDS = (
    "key", "slug", "school_id", "name", "short_name", "sector", "operator", "grades", "grade_low", "grade_high",
    "grade_set", "ungraded",
    "address", "city", "zip", "phone", "website", "lat", "lon", "neighborhood", "neighborhood_slug", "programs",
    "special_ed", "el_supports", "ratings", "tier", "sources", "field_sources", "ids",
    "enrollment", "capacity", "count_swd", "count_el", "count_low_income", "suspensions_per_100", "expulsions_per_100",
    "how_to_apply", "application_url", "application_deadline", "entry_grades", "midyear_entry", "school_hours",
    "transit_bus", "transit_rail", "map_xy", "transit", "reach",
    "school_type", "admission", "admission_text", "common_application", "common_application_name",
    "common_application_url", "before_care_from", "before_care_text",
    "after_care_until", "after_care_text", "languages_taught", "description", "outcomes",
)
# how a child gets in (directory `admission_values`): the common vocabulary, in the order pages list it
ADMISSION_VOCABULARY = ("attendance_area", "lottery", "selective", "audition", "program_specific")
# search/places.json: latitude, longitude (null when unknown) and the bell travel times arrive by (minutes after
# midnight, null without travel times), so the browser can say "leave by" = bell - minutes
PLACES_FIELDS = ("lat", "lon", "bell")
# the short keys of one school in compare.json (read by the compare and shortlist pages): name, sector, grades,
# neighborhood, tier, programs, special education, EL supports, enrollment, shares, suspensions, application
# deadline, the school's position in the search index (its column in the travel-time files), admission routes,
# care hours as published [before, after], and outcomes (null for schools without high-school grades)
COMPARE_FIELDS = ("n", "s", "g", "h", "t", "p", "se", "el", "e", "sh", "su", "d", "i", "a", "c", "o")


def build_date() -> dt.date:
    """``BUILD_DATE`` (YYYY-MM-DD) from the environment, else today in UTC: the one date rule of every stage."""
    text = os.environ.get("BUILD_DATE", "")
    return dt.date.fromisoformat(text) if text else dt.datetime.now(dt.timezone.utc).date()


def read_processed(folder: Path, object_hook=None) -> dict:
    """Read the files every build writes (keys: manifest, schools, neighborhoods, reconciliation); fail naming a
    missing one (``object_hook``: as for ``json.loads``, called on every object read)."""
    data = {}
    for name in REQUIRED:
        path = Path(folder) / name
        if not path.is_file():
            raise SchoolfinderError(f"{path} is missing: run `make data` first")
        data[name.removesuffix(".json")] = json.loads(path.read_text(encoding="utf-8"), object_hook=object_hook)
    return data


def read_optional(folder: Path, name: str, empty=None):
    """Read an optional JSON file of the processed data (``empty`` when this build did not write it)."""
    path = Path(folder) / name
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else empty
