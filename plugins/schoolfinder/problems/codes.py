"""Severity, and the registry of problem codes: for each code, the data/README.md table it is listed in, the
severities it is raised with, a one-line meaning and what staff do about it. Register a new code here, then run
`make config-docs`; tests/test_problems.py fails on a code raised but not registered."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How bad a problem is; the value is the text written to reports and processed files."""

    FAIL = "FAIL"  # the build stops
    QUARANTINE = "QUARANTINE"  # the row is not published, and is listed with its reason
    WARN = "WARN"  # published, with the problem recorded
    NORMALIZE = "NORMALIZE"  # a value was fixed in a stated way

    def __repr__(self) -> str:
        return repr(self.value)  # counts print as {'WARN': 3}, as they did when severities were plain strings


@dataclass(frozen=True)
class Code:
    """One registered problem code: where it is documented, how severe it can be, what it means, what staff do."""

    group: str  # the data/README.md table it is listed in: rows, population or transit
    severities: tuple[Severity, ...]
    meaning: str
    remedy: str


def _code(group: str, severities: str, meaning: str, remedy: str) -> Code:
    return Code(group, tuple(Severity(s) for s in severities.split()), meaning, remedy)


F, Q, W, N = "FAIL", "QUARANTINE", "WARN", "NORMALIZE"
GROUPS = {"rows": "Rows of directory and ratings files", "population": "Children per neighborhood",
          "transit": "Transit (GTFS)"}
CODES: dict[str, Code] = {
    # files and their shape
    "MISSING_FILE": _code("rows", F, "a configured file (or a GTFS feed's stops.txt) is not there",
                          "Put the file where city.toml says, or fix the path."),
    "EMPTY_FILE": _code("rows", F, "the file has 0 bytes", "Export the file again."),
    "NO_ROWS": _code("rows", F, "a directory file has a header but no schools", "Export the file again with its rows."),
    "ENCODING_ERROR": _code("rows", F, "a byte does not decode in the declared `encoding` (line and byte named)",
                            "Set the source's encoding in city.toml (e.g. cp1252), or re-export in UTF-8."),
    "ENCODING_NOT_UTF8": _code("rows", F, "a file that must be UTF-8 (GTFS, or a source declared UTF-8) is not",
                               "Re-export the file in UTF-8, or declare its real encoding in city.toml."),
    "CSV_PARSE_ERROR": _code("rows", F, "the CSV cannot be parsed (usually a quote that is never closed)",
                             "Close the quote, or export the whole file again if it was cut short."),
    "DUPLICATE_HEADER": _code("rows", F, "the header names a column twice", "Rename or remove the second column."),
    "MISSING_COLUMN": _code("rows", F, "a column (or GeoJSON property) the config names is not in the file",
                            "Fix the column name in city.toml, or add the column to the export."),
    "MISSING_SHEET": _code("rows", F, "a worksheet named in `sheets` is not in the workbook",
                           "Fix the sheet name in city.toml (the message lists the workbook's sheets)."),
    "EXCEL_ERROR": _code("rows", F, "the workbook cannot be read", "Open and save the workbook again, or export CSV."),
    "UNKNOWN_COLUMN": _code("rows", W, "columns of the file that city.toml does not map; they are ignored",
                            "Nothing to do unless one of these columns should be mapped in city.toml."),
    "MISSING_CELL": _code("rows", Q, "the row has fewer cells than the header",
                          "The row has fewer cells than the header: check for a missing delimiter."),
    "EXTRA_CELL": _code("rows", Q, "the row has more cells than the header (an unquoted delimiter in a value?)",
                        "The row has more cells than the header: quote values that contain the delimiter."),
    # identity and cell formats
    "MISSING_SCHOOL_ID": _code("rows", Q, "the row has no school id, so it cannot be identified",
                               "Fill in the school id in the export."),
    "MISSING_NAME": _code("rows", Q, "the row has no school name", "Fill in the school name in the export."),
    "DUPLICATE_KEY": _code("rows", f"{Q} {F}", "an id (or a school and year, or a crosswalk area) appears twice",
                           "Remove the second copy of this school, or give it its own id."),
    "ID_NON_PRINTABLE": _code("rows", Q, "an id holds spaces, no-break spaces or invisible characters",
                              "Retype the id: it holds a no-break space or an invisible character."),
    "ID_FORMAT": _code("rows", Q, "an NCES id is not 12 digits (a lost leading zero, or Excel notation)",
                       "Export the NCES id as text with all 12 digits (Excel drops leading zeros)."),
    "FORMULA_IN_CELL": _code("rows", Q, "a cell holds a spreadsheet formula, not a value",
                             "Export values, not formulas (paste as values before saving)."),
    "FIELD_TOO_LONG": _code("rows", Q, "a mapped cell is longer than 1,000 characters: the row is quarantined, column named",
                            "Shorten the cell or check that two columns did not run together."),
    "LONG_NAME": _code("rows", W, "a name is longer than 200 characters; shown in full",
                       "Check the name: a long one is often two columns run together."),
    "SUSPECTED_MOJIBAKE": _code("rows", W, "text looks double-encoded (e.g. `Ã©` for `é`)",
                                "Re-export the file in UTF-8, or set the source's encoding in city.toml."),
    "UNKNOWN_SECTOR": _code("rows", Q, "a sector value the config does not cover (sector and status values match "
                            "case-insensitively)",
                            "Add the value to sector_values in city.toml, or set sector_default."),
    "GRADE_TOKEN": _code("rows", W, "a grade token the vocabulary and `grade_aliases` do not cover: the school is "
                         "published with the grades understood (or \"grades not reported\"); an entry grade is left out",
                         "Add the token to grade_aliases in city.toml, or write grades as PK, K, 1-12, UG (K-8, PK,K-5)."),
    "DUPLICATE_ROW": _code("rows", N, "an exact copy of an earlier row with the same id: merged and counted as "
                           "`merged_duplicate`",
                           "Nothing to do: an exact copy of an earlier row was merged. Ask for an export without repeats."),
    "DUPLICATE_ID_CONFLICT": _code("rows", W, "a row with the id of another row of the file but different values: the "
                                   "row with the most filled-in fields is published (on a tie the first), the other "
                                   "counted as merged; both in review.csv (`duplicate_id`)",
                                   "Two rows share an id but differ: check review.csv, correct the export or give each "
                                   "school its own id."),
    "NO_GRADES": _code("rows", W, "grades are empty; shown as not reported", "Fill in the grades the school serves."),
    "URL_SCHEME": _code("rows", Q, "a link that is not http or https is never published",
                        "Use an http or https web address."),
    "URL_FORMAT": _code("rows", Q, "a link with spaces, quotes or `< >` is never published",
                        "Remove spaces, quotes and angle brackets from the web address."),
    "URL_NO_SCHEME": _code("rows", N, "`www.example.org` becomes `https://www.example.org`",
                           "Nothing to do; add https:// in the export to silence it."),
    "PHONE_FORMAT": _code("rows", W, "not a 10-digit phone number; shown as given", "Give a 10-digit phone number."),
    "PHONE_NOT_A_NUMBER": _code("rows", W, "a phone cell with letters or markup (`TBD`, `<script>`) is left out; "
                                "the school is still listed",
                                "Give a 10-digit phone number using only digits, spaces and ()+-."),
    "EXCEL_NUMBER": _code("rows", N, "a phone stored as a number: the trailing `.0` is removed",
                          "Format the phone column as text in the spreadsheet."),
    "ZIP_FORMAT": _code("rows", W, "not a 5-digit ZIP code; shown as given", "Give a 5-digit ZIP code (or ZIP+4)."),
    "SENTINEL_VALUE": _code("rows", W, "a code for \"not reported\" (e.g. -9) in a number column; shown as not reported",
                            "Nothing to do; list the code in missing_values to document it."),
    "NOT_A_NUMBER": _code("rows", f"{W} {F}", "a number column holds text or a negative or fractional count "
                          "(a population count fails the build; a `grade_enrollment_columns` cell leaves that grade out)", "Give a whole number, or leave the cell empty."),
    "NOT_YES_NO": _code("rows", W, "expected yes or no; shown as not reported", "Write yes or no."),
    "ADMISSION_VALUE": _code("rows", W, "an `admission` value not in `admission_values`; shown in the source's words",
                             "Map the value in admission_values in city.toml."),
    "CARE_HOURS_FORMAT": _code("rows", W, "a before- or after-care cell with no readable clock time; shown as published "
                               "and left out of the care filter", "Write times like 7:30 AM or 3:30 PM - 6:00 PM."),
    "RATE_OUT_OF_RANGE": _code("rows", W, "an outcome (rate or test score) that is not a number or is out of range; "
                               "shown as not reported", "Correct the value, or list the code in missing_values or suppressed_values."),
    "UNKNOWN_RATING": _code("rows", Q, "a rating value outside `levels` and `not_rated`",
                            "Add the value to levels or not_rated in city.toml, or correct the file."),
    "RATING_OUT_OF_RANGE": _code("rows", Q, "a `kind = \"number\"` rating that is not finite, is negative or lies outside "
                                 "the source's `range`", "Correct the value in the file, or widen `range` in city.toml."),
    # locations
    "NO_COORDINATES": _code("rows", W, "published with \"location unavailable\"",
                            "Add latitude and longitude so the school appears on maps and in travel times."),
    "BAD_COORDINATES": _code("rows", f"{W} {Q}", "a coordinate is not a number; published with \"location "
                             "unavailable\" (in a `[[locations]]` file: that location is not used)",
                             "Give latitude and longitude as decimal degrees."),
    "POINT_NEAR_ORIGIN": _code("rows", W, "a point near 0,0; treated as missing",
                               "Geocode the address: 0,0 is a placeholder, not a place."),
    "CRS_UNEXPECTED": _code("rows", f"{W} {F}", "coordinates that are not WGS84 degrees: a row is treated as missing; "
                            "most rows of a file, or a boundary file in another CRS, fail the build",
                            "Export WGS84 latitude and longitude (EPSG:4326), not projected coordinates."),
    "COORDS_OUTSIDE_CITY": _code("rows", f"{W} {F}", "more than `city_buffer_m` outside the city: coordinates dropped, "
                                 "\"location unavailable\"; most schools outside fails the build",
                                 "Check the latitude and longitude: the point is far outside the city."),
    "LIKELY_SWAPPED": _code("rows", W, "outside the city, but inside it with latitude and longitude swapped",
                            "Latitude and longitude look swapped: exchange the two columns for this row."),
    "SNAPPED_TO_NEIGHBORHOOD": _code("rows", W, "just outside every neighborhood: put in the nearest one",
                                     "The point is just outside the city edge; check it."),
    "OUTSIDE_NEIGHBORHOODS": _code("rows", W, "outside every neighborhood but within `city_buffer_m`: no neighborhood",
                                   "The point is outside every neighborhood; check it or the boundary file."),
    "SHARED_COORDINATES": _code("rows", W, "several schools share one point",
                                "Several schools share one point (often the district office): geocode each address."),
    "INVALID_GEOMETRY": _code("rows", F, "a neighborhood polygon is empty or cannot be repaired (the reason is named)",
                              "Repair the boundary file (e.g. with a GIS tool's fix-geometries)."),
    "CONTROL_CHARACTER": _code("rows", f"{N} {F}", "control characters (NUL, the rest of C0, DEL and C1) are removed "
                               "from a text field of a directory row, a rating, year or subgroup cell of a ratings file, "
                               "a neighborhood name or a GTFS stop, route or agency name; the cleaned text is shown, the "
                               "row is kept (in city.toml, such text stops the build)",
                               "Nothing to do unless the text looks wrong; remove the characters in the export."),
    "PATH_OUTSIDE_DATA_DIR": _code("rows", F, "a source path in city.toml is absolute, climbs out with `..`, or resolves "
                                   "through a symlink to outside `data_dir`; nothing of the file is read",
                                   "Put the file inside data_dir and give its path relative to it (data_dir itself "
                                   "may be anywhere)."),
    "GEOMETRY_REPAIRED": _code("rows", W, "an invalid boundary polygon repaired with `make_valid`, keeping its "
                               "polygons (a GeometryCollection is reduced to them)",
                               "Check the repaired polygon on a map; fix it in the boundary file if the repair looks wrong."),
    "BOUNDARY_OVERLAP": _code("rows", W, "two neighborhoods overlap; the overlap goes to the first by name, so schools "
                              "and children count once", "Fix the boundary file so neighborhoods do not overlap."),
    "BOUNDARY_MISSING_ID": _code("rows", F, "a boundary feature without its id property (file, property and feature named)",
                                 "Fix the boundary file: give every feature its id."),
    "BOUNDARY_DUPLICATE_ID": _code("rows", F, "two boundary features share an id (file, property and feature named)",
                                   "Fix the boundary file: give each neighborhood its own id."),
    "BOUNDARY_EMPTY_NAME": _code("rows", F, "a boundary feature with an empty name (file, property and feature named)",
                                 "Fix the boundary file: give every neighborhood a name."),
    "JOIN_MOSTLY_FAILED": _code("rows", W, "fewer than half of a ratings or locations file's rows match a school "
                                "(examples of unmatched ids and the nearest existing ids)",
                                "Compare the id columns of both files (leading zeros, id_width, federal vs local codes)."),
    "JOIN_NO_MATCH": _code("rows", F, "no row of a ratings or locations file matches a school, and the source does "
                           "not set `allow_no_match = true`",
                           "Check school_id_column/join and id_width; set allow_no_match = true only if no match is expected."),
    "QUARANTINE_SHARE": _code("rows", F, "more than `thresholds.max_quarantine_share` (5 %) of a source's rows "
                              "quarantined; names the three most common reasons",
                              "Fix the most common reasons named, or correct the source's mapping in city.toml."),
    "RECONCILIATION": _code("rows", F, "rows read do not equal published + merged + excluded + quarantined",
                            "A bug, not a data problem: report it with the file that triggers it."),
    # population
    "CROSSWALK_MISSING_VALUE": _code("population", F, "a crosswalk cell is empty", "Fill in the cell."),
    "CROSSWALK_BAD_ID": _code("population", F, "a crosswalk area id is not a number of at most `area_width` digits",
                              "Fix the id, or area_width in city.toml."),
    "CROSSWALK_UNKNOWN_NEIGHBORHOOD": _code("population", F, "a crosswalk row names no neighborhood of the boundary file",
                                            "Use the neighborhood ids of the boundary file (neighborhoods.id_field)."),
    "CROSSWALK_NO_MATCH": _code("population", F, "no crosswalk area is in the population table",
                                "Fix area_prefix or area_width in city.toml so the ids match the table's."),
    "AREA_NOT_IN_CROSSWALK": _code("population", W, "a small area the crosswalk does not list; its children "
                                   "(stated) are in no neighborhood", "Add the area to the crosswalk."),
    "CROSSWALK_AREA_NOT_IN_TABLE": _code("population", W, "a crosswalk area with no row in the population table; "
                                         "it adds no children", "Check the area id, or the population table's coverage."),
    # transit
    "GTFS_ARCHIVE_UNSAFE": _code("transit", F, "a zip member's path leaves the archive; members are never extracted",
                                 "Use the agency's published feed; do not edit the zip by hand."),
    "GTFS_TOO_LARGE": _code("transit", F, "the archive unpacks to more than the size limit",
                            "Check that the file is a GTFS feed; trim it to the city's agencies."),
    "GTFS_FILES_IN_SUBFOLDER": _code("transit", F, "the GTFS files are in a folder inside the zip",
                                     "Zip the .txt files at the archive's root."),
    "GTFS_NOT_A_ZIP": _code("transit", F, "the feed file is not a zip (an HTML error page), or the zip is cut short "
                            "or damaged", "Download the feed again from the agency; check the URL gives the zip."),
    "GTFS_NO_CALENDAR": _code("transit", F, "neither calendar.txt nor calendar_dates.txt",
                              "Use a complete feed: schedules need a calendar."),
    "GTFS_PARSE_ERROR": _code("transit", F, "gtfs-kit cannot read the feed", "Validate the feed; use the agency's latest."),
    "GTFS_NO_SERVICE": _code("transit", F, "the calendar has no service dates", "Use a feed with current service."),
    "GTFS_NO_STOP_TIMES": _code("transit", W, "no schedules: the feed gives nearest stops only",
                                "Nothing to do unless the agency publishes stop_times.txt."),
    "GTFS_EXPIRED": _code("transit", W, "the schedule has ended (pages say so)", "Download the agency's current feed."),
    "GTFS_CALENDAR_GAP": _code("transit", W, "the schedule has a break of more than 13 days",
                               "Check the feed covers the school year; use the agency's latest."),
    "TRIP_TIME_TRAVEL": _code("transit", W, "a trip whose times go backwards is left out", "Report it to the agency."),
    "UNUSABLE_TRIP": _code("transit", W, "a trip with a single stop is left out", "Nothing to do."),
    "GTFS_UNKNOWN_STOP": _code("transit", W, "stop_times rows naming a `stop_id` missing from stops.txt are left out "
                               "(one line per feed: rows, trips, examples)",
                               "Report the missing stops to the agency, or use its latest feed."),
    "GTFS_BAD_TIME": _code("transit", W, "stop_times rows whose time is not `H:MM:SS` (e.g. `6h00`) are left out; "
                           "the trip runs on between its other stops", "Report the times to the agency."),
    "GTFS_TIME_UNPLACED": _code("transit", W, "rows with a blank time before a trip's first or after its last "
                                "timepoint cannot be placed and are left out",
                                "Report it to the agency: a trip's first and last stops need times."),
    "GTFS_TIMES_INTERPOLATED": _code("transit", N, "blank times between two timepoints were filled in, in proportion "
                                     "to `shape_dist_traveled` when the trip gives it at every stop (a blank at the "
                                     "first stop counts as 0), else to the straight-line distance along its stops",
                                     "Nothing to do; GTFS allows blank times between timepoints."),
    "GTFS_SERVICE_NEVER_RUNS": _code("transit", W, "a service whose calendar sets no weekday in its date range and "
                                     "that calendar_dates.txt never adds: its trips (counted) never run",
                                     "Nothing to do unless the service should run: then report it to the agency."),
    "GTFS_BAD_FREQUENCY": _code("transit", W, "a frequencies.txt row with an unknown trip, an unreadable or reversed "
                                "time window, or a headway that is not a positive whole number of seconds is left out",
                                "Report the row to the agency."),
    "GTFS_FREQUENCY_APPROXIMATE": _code("transit", W, "frequencies.txt rows with `exact_times = 0` give a headway, "
                                        "not a timetable: trips are placed at `start_time + k x headway_secs`, like "
                                        "exact ones, so each figure is a typical case",
                                        "Nothing to do; pages give typical, not scheduled, times for these trips."),
    "STOP_COORDS_SUSPECT": _code("transit", W, "a stop more than 100 km from the city is left out",
                                 "Report the stop's coordinates to the agency."),
}


def remedy(code: str) -> str:
    """What staff do about ``code`` (empty for an unregistered code)."""
    entry = CODES.get(code)
    return entry.remedy if entry else ""


def code_tables(group: str) -> str:
    """Markdown table of one group of codes, for data/README.md (`make config-docs`)."""
    out = ["| code | severity | meaning | what to do |", "|---|---|---|---|"]
    for name, entry in CODES.items():
        if entry.group == group:
            out.append(f"| `{name}` | {', '.join(entry.severities)} | {entry.meaning} | {entry.remedy} |")
    return "\n".join(out) + "\n"
