"""The city config's schema: every section and key, its type, default and documentation (data only)."""

from __future__ import annotations

from typing import Any

# One declarative table per section: key -> (type, default, help).
# REQUIRED marks keys without a default. data/README.md documents every key
# (tests/test_config.py checks that), so add the docs when you add a key.
REQUIRED = object()
_SOURCE_KEYS = {
    "id": (str, REQUIRED, "Short identifier of the source, unique in the file; appears in reports and on pages."),
    "label": (str, REQUIRED, "Human-readable name of the source, shown next to every value it supplies."),
    "path": (str, REQUIRED, "File path, relative to `city.data_dir`."),
    "format": (str, "csv", "`csv`, `xlsx` or `xls`."),
    "encoding": (str, "utf-8", "Text encoding of a CSV file, e.g. `utf-8`, `utf-8-sig`, `cp1252`, `latin-1`. A byte that does not decode fails the build."),
    "delimiter": (str, ",", "Field delimiter of a CSV file."),
    "sheets": (list, [], "Worksheets read from an `xlsx`/`xls` source, stacked in this order (default: the first sheet)."),
    "header_row": (int, 1, "Row of the file (1-based) that holds the column names; rows above it are titles."),
    "skip_rows": (list, [], "Data rows (1-based, after the header) to skip, e.g. a second header row of labels."),
    "as_of": (str, REQUIRED, "Date the export describes (YYYY-MM-DD); shown as \"data as of\" on pages."),
}
SCHEMA: dict[str, dict[str, Any]] = {
    "city": {
        "name": (str, REQUIRED, "City name shown on every page."),
        "slug": (str, REQUIRED, "Lower-case identifier of the city (`a-z`, `0-9`, `-`)."),
        "timezone": (str, REQUIRED, "IANA time zone, e.g. `America/Chicago`."),
        "fictional": (bool, False, "True for a made-up city: every page then says the data is fictional."),
        "data_dir": (str, ".", "Folder holding the source files. Relative paths resolve against the folder of `city.toml`."),
        "data_dir_env": (str, "", "Name of an environment variable that, when set, replaces `data_dir`."),
        "description": (str, "", "One sentence about the city's data shown on the home page."),
    },
    "directory": {
        **_SOURCE_KEYS,
        "columns": (dict, REQUIRED, "Map of canonical field -> column name in this file (see the field list below)."),
        "sector": (str, "", "Fixed sector for every row: `district`, `charter` or `contract`. Leave empty when `sector_column` is used or the source does not say."),
        "sector_column": (str, "", "Column whose value gives the sector, translated by `sector_values`."),
        "sector_values": (dict, {}, "Map of `sector_column` value -> sector. Values not listed take `sector_default`."),
        "sector_default": (str, "", "Sector for `sector_column` values not in `sector_values` (empty: the row is quarantined)."),
        "closed_values": (list, [], "Values of the `status` column that mean the school is closed; such rows are excluded and counted."),
        "list_separator": (str, ";", "Separator inside list cells (programs, supports)."),
        "flag_columns": (dict, {}, "Yes/no columns that add a program: `{ COLUMN = \"special_ed: Deaf and hard of hearing program\" }` (field `programs`, `special_ed` or `el_supports`, then the label). A cell of true/yes/y/1/x adds it."),
        "missing_values": (list, [], "Cell values that mean \"not reported\" in number columns, e.g. `-9` or `n/a`."),
        "unmatched": (str, "publish", "`publish` rows that match no other source, or `exclude` them (counted as excluded_unmatched): for an older or secondary file that should only confirm schools the other sources list."),
        "match_on": (list, ["school_id"], "Fields that identify the same school in another source: any of `school_id`, `state_id`, `nces_id`. Two rows match when they share a value of a field both sources list."),
    },
    "ratings": {
        **_SOURCE_KEYS,
        "directory": (str, REQUIRED, "Id of the `[[directory]]` source whose `school_id` this file uses."),
        "school_id_column": (str, REQUIRED, "Column holding that school id."),
        "rating_column": (str, REQUIRED, "Column holding the rating exactly as the source publishes it."),
        "year_column": (str, "", "Column holding the school year of the rating."),
        "year": (str, "", "School year of every row when there is no `year_column`."),
        "series": (str, "", "Name shared by ratings sources that are years of one rating (e.g. one file per year); default: the source id."),
        "kind": (str, "levels", "`levels` (an ordered list of values, e.g. stars, letter grades, SQRP levels) or `number` (a score cut into tiers by `cut_points`)."),
        "levels": (list, [], "For `kind = \"levels\"`: every rating value the source uses, best first."),
        "tiers": (dict, {}, "For `kind = \"levels\"`: level -> common tier id (every level must be mapped)."),
        "cut_points": (list, [], "For `kind = \"number\"`: `[[minimum, tier id], ...]`, highest first; a score at or above a minimum gets that tier."),
        "not_rated": (list, [], "Values that mean \"not rated\": shown as not rated, never as the lowest tier."),
        "not_rated_reason": (str, "", "Plain-language reason shown next to a \"not rated\" value."),
        "subgroups": (dict, {}, "Results for groups of students: `{ columns = { english_learners = \"COL\", students_with_disabilities = \"COL\", low_income = \"COL\" }, kind = \"levels\" or \"number\", measure = \"what the number is\", suppressed = [\"*\"] }`."),
        "scale_note": (str, "", "One sentence explaining the source's scale, shown on school pages."),
    },
    "neighborhoods": {
        "path": (str, REQUIRED, "GeoJSON of neighborhood polygons (WGS84), relative to `data_dir`."),
        "label": (str, REQUIRED, "Name of the boundary source."),
        "id_field": (str, REQUIRED, "Feature property holding a unique id."),
        "name_field": (str, REQUIRED, "Feature property holding the name."),
        "name_case": (str, "as-is", "`as-is` or `title` (turns `ROGERS PARK` into `Rogers Park`)."),
        "unit": (str, "neighborhood", "What a polygon is called locally, e.g. `community area`."),
    },
    "population": {
        "label": (str, REQUIRED, "Name of the population source."),
        "areas_path": (str, REQUIRED, "GeoJSON of the small areas (tracts, blocks), relative to `data_dir`."),
        "area_id_field": (str, REQUIRED, "Feature property holding the area id."),
        "table_path": (str, REQUIRED, "CSV with one row per small area."),
        "table_id_column": (str, REQUIRED, "Column joining the table to `area_id_field`."),
        "encoding": (str, "utf-8", "Encoding of the table."),
        "skip_rows": (list, [], "Data rows (1-based, after the header) to skip."),
        "children_columns": (list, REQUIRED, "Columns summed to give school-age children per area."),
        "bands": (dict, {}, "Children per grade band: `{ elementary = { COL = weight, ... }, middle = {...}, high = {...} }` (weights split an age column between bands). Needed for the access and desert measures."),
        "crosswalk": (dict, {}, "Optional `[population.crosswalk]` table (keys below): sum each small area's children into the one neighborhood a crosswalk file names, instead of area weighting."),
        "as_of": (str, REQUIRED, "Year or date of the estimates."),
    },
    "tiers": {
        "id": (str, REQUIRED, "Short id of a common tier, used in `ratings.tiers` and `ratings.cut_points`."),
        "label": (str, REQUIRED, "Plain-language name families see, e.g. \"Strong\"."),
        "description": (str, REQUIRED, "One sentence on what the tier means, shown on the methodology page."),
        "translations": (dict, {}, "The label and description in the site's other languages, e.g. `{ es = { label = \"Sólido\", description = \"...\" } }`; pages in a language without one show the label as written."),
    },
    "gtfs": {
        "id": (str, REQUIRED, "Short identifier of the feed."),
        "label": (str, REQUIRED, "Agency or feed name shown to families."),
        "path": (str, REQUIRED, "GTFS folder or zip, relative to `data_dir`."),
        "service_date": (str, "", "Representative school day (YYYY-MM-DD) for schedules; default: the busiest weekday in the feed."),
    },
    "access": {
        "quality_tier": (str, "", "Id of the lowest common tier that counts as a quality school (empty: no desert measures)."),
        "minutes": (int, 30, "Time limit for the desert measure; pages also show 15 and 45 minutes (`thresholds.travel_minutes`)."),
        "definition": (str, "transit", "Desert preset: `transit` (no quality seat within the limit by walk + transit, CRPE's Denver measure), `walk` (on foot), `choice` (fewer than `choice_min_options` schools of any quality within the limit), or `capacity` (quality seats per 1,000 children reachable by walk + transit, E2SFCA, below `capacity_min_per_1000`)."),
        "choice_min_options": (int, 2, "For `definition = \"choice\"`: fewer schools than this within the limit is a desert."),
    },
    "merge": {
        "field_precedence": (dict, {}, "Per-field order of sources, e.g. `{ name = [\"authorizer\", \"district\"] }`; other fields follow the order of the `[[directory]]` sources."),
        "crosswalk": (str, "", "Optional CSV (relative to `data_dir`) with columns `group`, `source`, `school_id`: rows sharing a `group` are the same school."),
        "fuzzy_distance_m": (float, 150.0, "Rows of different sources closer than this (or at the same normalised address) with similar names are match candidates."),
        "fuzzy_name_similarity": (float, 0.85, "Minimum name similarity (0-1, after removing case, accents and words like 'school') for a match candidate."),
        "fuzzy_accept": (bool, False, "Merge match candidates automatically. When false they go to `reports/review.csv` for a person to decide (add them to the crosswalk)."),
    },
    "thresholds": {
        "walk_speed_kmh": (float, 4.5, "Walking speed for walk times (transit stage)."),
        "walk_detour_factor": (float, 1.3, "Straight-line distance x this factor = walking distance (transit stage)."),
        "travel_minutes": (list, [15, 30, 45], "Travel-time limits for access and desert measures (access stage)."),
        "neighborhood_snap_m": (float, 200.0, "A school outside every polygon but this close to one is put in it, with a warning."),
        "walk_to_stop_minutes": (float, 10.0, "Walk to a stop no scheduled line serves (e.g. a feed without stop_times): stops within this many minutes count as nearby (transit stage)."),
        "walk_to_stop_by_mode": (dict, {}, "Minutes families walk to a stop, per mode of the line (GTFS `route_type`), e.g. `{ rail = 28 }`; modes not listed keep the defaults: bus, trolleybus and cable_tram 10, tram (streetcar and light rail) 15, subway, rail, monorail, ferry, aerial_lift and funicular 20. Nearby lines on school pages and the stops a trip may start or end at use these catchments; a stop served by several modes takes the longest."),
        "bell_start": (str, "8:00 AM", "Start of the school day when a school gives no hours; trips arriving in the hour before are counted."),
        "dismissal": (str, "3:00 PM", "End of the school day when a school gives no hours; trips leaving in the hour after are counted."),
        "h3_resolution": (int, 8, "H3 resolution of the travel-time origins (8: cells about 0.7 km2)."),
        "max_travel_minutes": (float, 90.0, "Longer trips count as unreachable in the travel-time matrix."),
        "reach_minutes": (int, 30, "School pages list the neighborhoods within this many minutes by walk + transit."),
        "city_buffer_m": (float, 5000.0, "Coordinates farther than this outside the neighborhoods are dropped (COORDS_OUTSIDE_CITY)."),
        "shared_point_warn": (int, 3, "Warn when at least this many schools share one coordinate."),
        "stale_after_days": (int, 400, "Every page shows an 'out of date' banner when the newest source's `as_of` date is more than this many days before `BUILD_DATE` (default: today)."),
    },
    "nightly": {
        "fetch": (dict, {}, "Where tonight's copy of an input comes from: `{ \"path as in this file\" = \"https://...\" }` (http, https or file URLs). Inputs not listed are read from `data_dir`. Every input's size and SHA-256 go into `build-manifest.json`."),
        "keep_builds": (int, 7, "Published builds kept for `make rollback` (the live one is always kept)."),
        "max_count_drop": (float, 0.05, "Delta guard: refuse to publish when the school count falls by more than this share of the last published build."),
        "max_moved_share": (float, 0.01, "Delta guard: refuse when more than this share of schools moved farther than `moved_km`."),
        "moved_km": (float, 1.0, "Delta guard: a school moving farther than this counts as moved far."),
        "budgets": (dict, {"index.html": 30000, "schools/*/index.html": 20000, "neighborhoods/*/index.html": 60000,
                           "deserts/index.html": 120000, "search/index.json": 80000, "*.html": 150000},
                    "Byte budgets (gzip) checked before publishing: `{ \"glob relative to the site\" = bytes }`; the first matching glob applies."),
        "axe_pages": (int, 2, "axe-core (WCAG 2.2 AA) runs on the home, search, deserts, data and browse pages plus this many school and neighborhood pages; 0 turns the check off."),
    },
}
# Tables inside a section, checked key by key like a section: (section, key) -> key table.
SUBSECTIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("population", "crosswalk"): {
        "label": (str, REQUIRED, "Name of the crosswalk, shown where the site says how children were counted."),
        "path": (str, REQUIRED, "CSV (relative to `data_dir`) with one row per small area and the neighborhood it lies in. Neighborhood totals are then exact sums (every child in a listed area counted once); small areas it does not list are reported. Travel-time cells still use area weighting."),
        "area_column": (str, REQUIRED, "Column holding the small area's id (as in `table_id_column`, after `area_width` and `area_prefix`)."),
        "area_width": (int, 0, "Zero-pad the `area_column` value to this many digits, e.g. `6` for tract codes written `10100` (0: as written)."),
        "area_prefix": (str, "", "Text put before the padded value, e.g. `17031` (state and county FIPS codes) to make an 11-digit tract GEOID."),
        "neighborhood_column": (str, REQUIRED, "Column holding the neighborhood's id (the `neighborhoods.id_field` value)."),
        "encoding": (str, "utf-8", "Encoding of the crosswalk file."),
    },
}
ARRAY_SECTIONS = {"directory", "ratings", "gtfs", "tiers"}
REQUIRED_SECTIONS = {"city", "directory", "neighborhoods"}

# Canonical fields a directory source may map in `columns`.
CANONICAL_FIELDS = {
    "school_id": "Local school id; schools with the same id in several sources are merged.",
    "state_id": "State school id (optional second merge key).",
    "nces_id": "12-digit NCES id (optional merge key).",
    "name": "Full school name (required).",
    "short_name": "Short name.",
    "operator": "Network, operator or charter management organisation.",
    "grades": "Grades as one cell, e.g. `K-8`, `PK,K-8`, `09-12`.",
    "grade_low": "Lowest grade (with `grade_high`, instead of `grades`).",
    "grade_high": "Highest grade.",
    "address": "Street address.",
    "city": "City of the address.",
    "zip": "ZIP code.",
    "phone": "Phone number.",
    "website": "Website (http/https only; anything else is dropped with a warning).",
    "lat": "Latitude, WGS84.",
    "lon": "Longitude, WGS84.",
    "status": "Open/closed status (see `closed_values`).",
    "programs": "Programs offered (list cell).",
    "special_ed": "Special-education programs and services (list cell).",
    "el_supports": "English-learner supports (list cell).",
    "enrollment": "Number of students enrolled.",
    "count_swd": "Number of students with disabilities (IEP).",
    "count_el": "Number of English learners.",
    "count_low_income": "Number of low-income students.",
    "suspensions_per_100": "Out-of-school suspensions per 100 students.",
    "expulsions_per_100": "Expulsions per 100 students.",
    "how_to_apply": "How to enroll or apply, in one or two sentences.",
    "application_url": "Web address of the application (http/https only).",
    "application_deadline": "Application deadline (YYYY-MM-DD or as published).",
    "entry_grades": "Grades where new students usually start (list cell).",
    "midyear_entry": "Whether students can join during the year (yes/no/true/false/Y/N).",
    "school_hours": "School day, e.g. `8:00 AM - 3:00 PM`.",
    "transit_bus": "Bus routes serving the school, as the source lists them (list cell).",
    "transit_rail": "Rail lines serving the school, as the source lists them (list cell).",
}
SUBGROUPS = {"students_with_disabilities": "Students with disabilities", "english_learners": "English learners",
             "low_income": "Low-income students"}
SECTORS = ("district", "charter", "contract")
LIST_FIELDS = ("programs", "special_ed", "el_supports", "entry_grades", "transit_bus", "transit_rail")
