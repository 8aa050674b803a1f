"""Which schools each results source covers (per sector, from the join reports), and why a school has no result.

Reasons, tried in this order for every series that shows nothing for a school (its newest source decides):
``join_failed`` (the file matched no school of the directory), ``suppressed`` (the school's rows are all withheld),
``no_tested_grades`` (the source lists `tested_grades` and the school serves none of them), ``sector_not_covered``
(the source attached no school of this school's sector) and ``not_in_file`` (the school's id is not in the file).
"""

from __future__ import annotations

import pandas as pd

REASONS = {
    "join_failed": "its file could not be matched to the school directory",
    "suppressed": "the state withheld this school's results (too few students)",
    "no_tested_grades": "the school has none of the grades it tests",
    "sector_not_covered": "it covers no school of this school's sector",
    "not_in_file": "this school is not in its file",
}


def sector_counts(schools: pd.DataFrame, keys: set[str]) -> dict[str, list[int]]:
    """{sector: [schools with a row of the source, published schools]} ("" for a school without a sector)."""
    covered: dict[str, list[int]] = {}
    for key, sector in zip(schools["key"], schools["sector"].fillna("")):
        entry = covered.setdefault(str(sector), [0, 0])
        entry[0] += key in keys
        entry[1] += 1
    return dict(sorted(covered.items()))


def gaps(school: dict, sources: list[dict], counts: dict[str, dict]) -> list[dict]:
    """For each series with no result shown for ``school`` (newest source of the series first in config order),
    ``{"source": label, "why": reason}``."""
    shown = {r["series"] for r in school["ratings"] if r.get("status") != "suppressed"}
    withheld = {r["series"] for r in school["ratings"]}
    found, seen = [], set()
    for source in sources:
        series = source["series"] or source["id"]
        if series in seen or series in shown:
            continue
        seen.add(series)
        found.append({"source": source["label"], "why": _why(school, source, counts[source["id"]], series in withheld)})
    return found


def _why(school: dict, source: dict, count: dict, withheld: bool) -> str:
    if withheld:
        return "suppressed"
    if count["attached"] + count.get("suppressed", 0) == 0:
        return "join_failed"
    tested = {int(g) for g in source["tested_grades"]}
    if tested and not tested & set(school.get("grade_set") or []):
        return "no_tested_grades"
    if not count.get("sectors", {}).get(str(school.get("sector") or ""), [0, 0])[0]:
        return "sector_not_covered"
    return "not_in_file"


def reason_text(found: list[dict]) -> str:
    """The reasons in plain English (the pages translate them from ``gaps``)."""
    if not found:
        return "No rating source covers this school."
    return " ".join(f"{g['source']}: {REASONS[g['why']]}." for g in found)
