"""`python -m schoolfinder search PROCESSED "query"`: data staff query the merged directory with whoosh.

The index uses the same analyzer and concept table as the site's search, so what staff see here is what
families get; each hit lists the sources the school came from, its id in each, and which source gave which field.
"""

from __future__ import annotations

import json
from pathlib import Path

from whoosh import fields, qparser
from whoosh.filedb.filestore import RamStorage

from .. import contract
from . import index as search
from ..problems import SchoolfinderError

TEXT = fields.TEXT(analyzer=search._ANALYZER, stored=False)
SCHEMA = fields.Schema(key=fields.ID(stored=True, unique=True), name=fields.TEXT(analyzer=search._ANALYZER),
                       alias=TEXT, neighborhood=TEXT, address=TEXT, offers=TEXT, operator=TEXT,
                       concepts=fields.KEYWORD(lowercase=True))
BOOSTS = {"name": 3.0, "alias": 2.0, "neighborhood": 2.0, "concepts": 1.5}


def build_index(schools: list[dict]):
    """A whoosh index in memory over the merged directory."""
    index = RamStorage().create_index(SCHEMA)
    with index.writer() as writer:
        for s in schools:
            words = " ".join([s.get("name") or "", *search.offers(s)])
            concept_text = " ".join(sorted(search.concepts_in(words) | search.record_concepts(s)))
            writer.add_document(key=s["key"], name=s.get("name") or "", alias=s.get("short_name") or "",
                                neighborhood=s.get("neighborhood") or "", operator=s.get("operator") or "",
                                address=" ".join(str(s.get(k) or "") for k in ("address", "zip")),
                                offers=" ".join(search.offers(s)), concepts=concept_text)
    return index


def parse(text: str):
    """Concept phrases become their tokens; other words match any field, typo-tolerant; all words must match."""
    words = [w for w in search.replace_concepts(text).split() if w not in search.QUERY_STOP_WORDS]
    terms = [w if w in search.CONCEPTS or len(w) < 5 else f"{w}~1" for w in words]
    parser = qparser.MultifieldParser(list(BOOSTS) + ["address", "offers", "operator"], SCHEMA, fieldboosts=BOOSTS)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    return parser.parse(" ".join(terms))


def run(processed: Path, text: str, limit: int = 10) -> list[dict]:
    """Schools matching ``text``, best first, each with its sources."""
    path = Path(processed) / contract.SCHOOLS
    if not path.is_file():
        raise SchoolfinderError(f"{path} is missing: run `make data` first")
    schools = {s["key"]: s for s in json.loads(path.read_text(encoding="utf-8"))}
    index = build_index(list(schools.values()))
    with index.searcher() as searcher:
        hits = [(hit["key"], hit.score) for hit in searcher.search(parse(text), limit=max(limit, 50))]
    wanted = search.folded_words(text)  # a school whose whole name was typed comes first
    hits = sorted(hits, key=lambda hit: search.folded_words(schools[hit[0]]["name"]) != wanted)[:limit]
    return [{"score": round(score, 2), **{k: schools[key].get(k) for k in ("key", "name", "sector", "neighborhood", "ids")},
             "fields_by_source": _fields_by_source(schools[key])} for key, score in hits]


def _fields_by_source(school: dict) -> dict[str, list[str]]:
    by_source: dict[str, list[str]] = {}
    for field, source in sorted((school.get("field_sources") or {}).items()):
        by_source.setdefault(source, []).append(field)
    return by_source


def print_hits(hits: list[dict], text: str) -> None:
    """One block per school: rank, name, sector, neighborhood; the id in each source; the fields each gave."""
    print(f'{len(hits)} result(s) for "{text}"')
    for rank, hit in enumerate(hits, start=1):
        print(f"{rank:>2}. {hit['name']}  [{hit['sector']}; {hit['neighborhood'] or 'no location'}]  score {hit['score']}")
        print(f"    key {hit['key']}; ids: " + ", ".join(f"{src}={sid}" for src, sid in sorted((hit["ids"] or {}).items())))
        for source, names in hit["fields_by_source"].items():
            print(f"    from {source}: {', '.join(names)}")
