"""Browse lists for families without JavaScript: schools by grade band, what they offer, sector, how a child gets in
and school type."""

from __future__ import annotations

from schoolfinder.contract import ADMISSION_VOCABULARY, BANDS
from schoolfinder.search.index import offers
from schoolfinder.directory.slugs import slugify, unique_slugs



def browse_lists(schools: list[dict]) -> list[dict]:
    """Every browse list: kind, key (what the template names it by), URL path, and its schools in site order."""
    lists = [{"kind": "band", "key": band, "path": f"browse/grades/{band}",
              "schools": [s for s in schools if band in (s.get("bands") or [])]} for band in BANDS]
    by_offer: dict[str, list[dict]] = {}
    for school in schools:  # one pass, site order kept
        for name in dict.fromkeys(offers(school)):
            by_offer.setdefault(name, []).append(school)
    names = sorted(by_offer, key=str.casefold)
    for name, slug in zip(names, unique_slugs(names, [str(i) for i in range(len(names))])):
        lists.append({"kind": "offer", "key": name, "path": f"browse/offers/{slug}", "schools": by_offer[name]})
    for sector in sorted({s.get("sector") or "" for s in schools}):
        lists.append({"kind": "sector", "key": sector, "path": f"browse/sectors/{slugify(sector, 'not-reported')}",
                      "schools": [s for s in schools if (s.get("sector") or "") == sector]})
    for route in ADMISSION_VOCABULARY:  # how a child gets in, in the vocabulary's order
        lists.append({"kind": "admission", "key": route, "path": f"browse/admission/{slugify(route, route)}",
                      "schools": [s for s in schools if route in (s.get("admission") or [])]})
    types = sorted({s.get("school_type") for s in schools if s.get("school_type")}, key=str.casefold)
    for name, slug in zip(types, unique_slugs(types, [str(i) for i in range(len(types))])):
        lists.append({"kind": "type", "key": name, "path": f"browse/types/{slug}",
                      "schools": [s for s in schools if s.get("school_type") == name]})
    return [entry for entry in lists if entry["schools"]]


def pages(entry: dict, per_page: int) -> list[tuple[str, list[dict], int, int]]:
    """(output file, schools, page number, page count) for one list, ``per_page`` schools a page."""
    chunks = [entry["schools"][i:i + per_page] for i in range(0, len(entry["schools"]), per_page)] or [[]]
    return [(f"{entry['path']}/index.html" if n == 1 else f"{entry['path']}/page/{n}/index.html", chunk, n, len(chunks))
            for n, chunk in enumerate(chunks, start=1)]
