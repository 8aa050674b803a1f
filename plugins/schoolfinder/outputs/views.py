"""Per-school view data: what the school page derives from a record the same way in every language, computed once
here (the pipeline, when it writes schools.json) instead of on each of a school's pages.

Every value is plain data (ids, digits, text): the templates still escape what they show. Nothing here is HTML.

- ``as_of``: for each block of the school page, the ids of the sources of its facts (first-seen order, no repeats);
- ``leave_by``: per row of ``reach.within``, the time to leave to arrive by the first line's bell (``HH:MM``);
- ``phone_tel``: the phone number for a ``tel:`` link; ``enrollment``: the count with thousands separators;
- ``entry_grades``, ``transit_bus``, ``transit_rail``, ``languages_taught``: the lists joined for reading.
"""

from __future__ import annotations

# The fields whose sources each block of the school page names (templates/school.html, school_family.html).
AS_OF_BLOCKS = {
    "summary": ("name", "grades", "address"),
    "facts": ("name", "sector", "grades", "address", "phone", "website"),
    "programs": ("programs", "special_ed", "el_supports"),
    "enroll": ("how_to_apply", "application_url", "application_deadline", "entry_grades", "midyear_entry"),
    "family": ("admission", "school_type", "common_application", "before_care_text", "after_care_text",
               "languages_taught", "description"),
    "outcomes": ("outcomes",),
    "equity": ("enrollment", "count_swd", "count_el", "count_low_income", "suspensions_per_100", "expulsions_per_100"),
    "transit": ("transit_bus", "transit_rail"),
}
JOINED = ("entry_grades", "transit_bus", "transit_rail", "languages_taught")


def school_view(record: dict) -> dict:
    """The view data of one school record (see the module docstring)."""
    sources = record.get("field_sources") or {}
    view = {"as_of": {block: _source_ids(sources, fields) for block, fields in AS_OF_BLOCKS.items()}}
    transit, reach = record.get("transit"), record.get("reach")
    if transit and reach and reach.get("within"):
        bell = transit[0]["bell"]
        view["leave_by"] = [leave_by(bell, minutes) for _name, _slug, minutes in reach["within"]]
    if record.get("phone"):
        view["phone_tel"] = str(record["phone"]).replace(" ", "")
    if record.get("enrollment") is not None:
        view["enrollment"] = "{:,}".format(record["enrollment"])
    for field in JOINED:
        if record.get(field):
            view[field] = ", ".join(str(item) for item in record[field])
    return view


def _source_ids(sources: dict, fields: tuple[str, ...]) -> list[str]:
    ids: list[str] = []
    for field in fields:
        if field in sources and sources[field] not in ids:
            ids.append(sources[field])
    return ids


def leave_by(bell: str, minutes) -> str:
    """``HH:MM`` to leave for a trip of ``minutes`` arriving by ``bell`` (``HH:MM``); as the page always wrote it
    (Jinja's ``int`` filter: a value that is not a number counts as 0)."""
    parts = str(bell).split(":")
    t = _int(parts[0]) * 60 + _int(parts[1] if len(parts) > 1 else "") - _int(minutes)
    return "%02d:%02d" % (t // 60, t % 60)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError, OverflowError):
            return 0
