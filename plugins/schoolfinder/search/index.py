"""Search stage: whoosh's analyzer turns each school into keywords, written into a compact index for the browser.

The browser runs MiniSearch over the index (``search.json``). Three things keep both ends in step:

* ``CONCEPTS``: families type "pre-k", "HS", "educación especial"; schools say "PK–5", "Senior High",
  "Program for students with significantly modified curriculum". Every phrase of a concept is folded into one
  canonical token, on the school side here and on the query side in the browser (the phrase table ships in the
  index, so the two cannot drift).
* Keywords are whoosh tokens: lower-cased, accents folded, stop words dropped, Porter-stemmed. The browser
  stems query words with the same algorithm (Porter), so "academies" finds "Academy".
* Facets travel as small integers (indexes into lists written once), so 2,000 schools stay well under budget.
"""

from __future__ import annotations

import re
import unicodedata
import warnings

import numpy as np
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.support.charset import accent_map

from ..contract import ADMISSION_VOCABULARY, UNREACHABLE  # UNREACHABLE: the travel matrix's "not within the limit"

INDEX_VERSION = 1
CELL_CHUNK = 64  # origin rows per "near me" travel file

# canonical token -> phrases (English and Spanish) that mean it; matched on folded, lower-cased text
CONCEPTS: dict[str, tuple[str, ...]] = {
    "prek": ("pk", "pre k", "prek", "pre-k", "prekindergarten", "pre-kindergarten", "preschool", "pre-school",
             "preescolar", "prekinder", "pre-kinder", "pre kinder", "early childhood"),
    "kindergarten": ("kindergarten", "kinder", "kg", "jardin de ninos", "jardin de infantes"),
    "elementary": ("elementary", "primary", "grade school", "primaria", "escuela primaria", "escuela elemental"),
    "middle": ("middle school", "junior high", "intermediate", "secundaria", "escuela secundaria", "escuela intermedia"),
    "highschool": ("hs", "high school", "senior high", "secondary", "preparatoria", "prepa", "escuela superior",
                   "bachillerato", "college prep", "high schools"),
    "ib": ("ib", "international baccalaureate", "bachillerato internacional"),
    "sped": ("sped", "special education", "autism", "autismo", "special ed", "special needs", "iep", "disability", "disabilities",
             "modified curriculum", "inclusion", "inclusive", "resource room", "educacion especial",
             "necesidades especiales", "deaf", "hard of hearing", "visual impairment", "visual impairments",
             "sordos", "discapacidad", "discapacidades"),
    "ell": ("ell", "esl", "english learner", "english learners", "english language learners",
            "english as a second language", "bilingual", "bilingue", "sheltered instruction", "newcomer", "refugee",
            "ingles como segundo idioma", "aprendices de ingles", "refugiados"),
    "duallanguage": ("dual language", "two way immersion", "two-way immersion", "dual immersion", "lenguaje dual",
                     "doble inmersion", "dos idiomas", "dual"),
    "charter": ("charter", "escuela charter", "escuela autonoma", "autonoma"),
    "district": ("district", "distrito", "escuela del distrito", "district-run"),
    "stem": ("stem", "science", "technology", "engineering", "ciencia", "ciencias", "tecnologia", "steam"),
    "arts": ("fine arts", "the arts", "arts", "music", "bellas artes", "artes", "musica"),
    "cte": ("cte", "career and technical", "career and technical education", "vocational", "career",
            "vocacional", "carrera tecnica"),
    "spanish": ("spanish", "espanol"),
    "montessori": ("montessori",),
    # how a child gets in and what kind of school it is (school_type words, admission routes, care hours)
    "selectiveenrollment": ("selective enrollment", "selective enrollment high school", "escuela selectiva",
                            "escuelas selectivas", "inscripcion selectiva", "selectiva"),
    "selectiveadmission": ("test in", "test-in", "admission test", "entrance exam", "examen de admision", "selective admission"),
    "magnet": ("magnet", "magnet school", "escuela magnet", "escuela magneto", "magneto"),
    "gifted": ("gifted", "regional gifted center", "gifted and talented", "dotados", "superdotados", "talentosos"),
    "classical": ("classical", "classical school", "clasica", "escuela clasica"),
    "military": ("military", "military academy", "militar", "academia militar"),
    "careeracademy": ("career academy", "academia de carreras", "academia profesional"),
    "citywideoption": ("citywide option", "citywide-option", "opcion en toda la ciudad"),
    "neighborhoodschool": ("neighborhood school", "attendance area", "attendance boundary", "zoned", "zoned school",
                           "escuela de barrio", "escuela del vecindario", "zona de asistencia", "escuela asignada"),
    "lottery": ("lottery", "loteria", "sorteo", "open enrollment", "inscripcion abierta"),
    "audition": ("audition", "auditions", "audicion", "audiciones"),
    "commonapp": ("common application", "gocps", "solicitud comun"),
    "afterschool": ("after school", "after-school", "afterschool", "after care", "aftercare", "after-care",
                    "despues de clases", "despues de la escuela", "cuidado despues de clases", "extended day"),
    "beforecare": ("before care", "before-care", "before school", "before-school", "early drop off", "early drop-off",
                   "drop off", "antes de clases", "cuidado antes de clases", "entrada temprana"),
    "french": ("french", "frances"), "chinese": ("chinese", "mandarin", "chino", "mandarin chinese"),
    "arabic": ("arabic", "arabe"), "japanese": ("japanese", "japones"), "german": ("german", "aleman"),
    "italian": ("italian", "italiano"), "latin": ("latin", "latin language", "latin classes"), "polish": ("polish", "polaco"),
    "russian": ("russian", "ruso"), "korean": ("korean", "coreano"), "portuguese": ("portuguese", "portugues"),
    "asl": ("american sign language", "sign language", "lenguaje de senas", "lengua de senas"),
}
# admission route -> the concept a school with it carries
ADMISSION_CONCEPTS = {"attendance_area": "neighborhoodschool", "lottery": "lottery", "selective": "selectiveadmission",
                      "audition": "audition", "program_specific": "programadmission"}

# Words a family types that say nothing about which school: dropped from queries (English and Spanish).
QUERY_STOP_WORDS = ("a", "an", "and", "the", "of", "in", "at", "for", "school", "schools", "public",
                    "de", "del", "la", "las", "el", "los", "en", "y", "cerca", "escuela", "escuelas", "publica")

_ANALYZER = RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter() | StemFilter()


def fold(text: str) -> str:
    """Lower-case and strip accents the way the browser does (NFD, drop combining marks)."""
    decomposed = unicodedata.normalize("NFD", str(text or "")).casefold()
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("’", "'")


def folded_words(text: str) -> str:
    """A name reduced to folded words, so "Amália  Rocha Elementary School." equals "amalia rocha elementary school"."""
    return " ".join(re.findall(r"\w+", fold(text)))


def phrase_table() -> dict[str, str]:
    """Folded phrase -> canonical token, longest phrases first (the browser applies them in this order)."""
    pairs = [(fold(p), token) for token, phrases in CONCEPTS.items() for p in phrases]
    return dict(sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0])))


_PHRASES = phrase_table()
_PHRASE_RE = re.compile(r"(?<!\w)(" + "|".join(re.escape(p) for p in _PHRASES) + r")(?!\w)")


def concepts_in(text: str) -> set[str]:
    """Canonical concept tokens whose phrases occur in ``text``."""
    return {_PHRASES[m.group(1)] for m in _PHRASE_RE.finditer(fold(text))}


def replace_concepts(text: str) -> str:
    """``text`` folded, with every concept phrase replaced by its canonical token (what the browser does to a query)."""
    return _PHRASE_RE.sub(lambda m: _PHRASES[m.group(1)], fold(text))


def analyze(text: str) -> list[str]:
    """whoosh tokens: words, lower-cased, accents folded, stop words dropped, Porter stems."""
    return [token.text for token in _ANALYZER(str(text or ""))]


def grade_concepts(low, high) -> set[str]:
    """Concept tokens for a grade span (-1 = PK, 0 = K)."""
    if low is None or high is None or low != low or high != high:
        return set()
    spans = {"prek": (-1, -1), "kindergarten": (0, 0), "elementary": (0, 5), "middle": (6, 8), "highschool": (9, 12)}
    return {token for token, (a, b) in spans.items() if int(low) <= b and int(high) >= a}


def offers(school: dict) -> list[str]:
    """Everything a school offers that a family can filter on: programs, special-education and EL services."""
    return [*(school.get("programs") or []), *(school.get("special_ed") or []), *(school.get("el_supports") or [])]


def keywords(text: str, *concepts: str) -> str:
    """What whoosh adds to the words the browser already indexes: stems and concept tokens, space-separated.

    The browser indexes ``text``'s own words (folded); a stem or concept equal to one of them is left out.
    """
    words = set(re.findall(r"\w+", fold(text)))
    tokens = set(analyze(text)) | concepts_in(text) | set(concepts)
    return " ".join(sorted(tokens - words))


def record_concepts(school: dict) -> set[str]:
    """Concepts a school has by its record rather than its words: its sector, the grade bands it serves, its type,
    how a child gets in, the care it offers and the languages it teaches."""
    found = concepts_in(school.get("sector") or "") | grade_concepts(school.get("grade_low"), school.get("grade_high"))
    found |= concepts_in(" ; ".join([school.get("school_type") or "", *(school.get("languages_taught") or [])]))
    found |= {ADMISSION_CONCEPTS[route] for route in school.get("admission") or [] if route in ADMISSION_CONCEPTS}
    found |= {"afterschool"} if school.get("after_care_until") else set()
    found |= {"beforecare"} if school.get("before_care_from") else set()
    return found | ({"commonapp"} if school.get("common_application") else set())


def school_keywords(school: dict) -> str:
    """Keywords of the school's own words (name, short name, grades), its sector and the grade bands it serves."""
    text = " ".join(str(school.get(k)) for k in ("name", "short_name", "grades") if school.get(k))
    return keywords(text, *record_concepts(school))


def _listed(values) -> tuple[list[list[str]], dict[str, int]]:
    """Distinct values sorted for people, each with its keywords; and value -> position."""
    ordered = sorted({v for v in values if v}, key=fold)
    return [[v, keywords(v)] for v in ordered], {v: i for i, v in enumerate(ordered)}


def client_index(schools: list[dict], neighborhoods: list[dict], tier_ids: list[str]) -> dict:
    """The browser's search index: lists (each value with its keywords), then one compact row per school."""
    nbhd_index = {n["slug"]: i for i, n in enumerate(neighborhoods)}
    programs, program_index = _listed(p for s in schools for p in offers(s))
    operators, operator_index = _listed(s.get("operator") for s in schools)
    sectors = sorted({s.get("sector") for s in schools if s.get("sector")})
    types = sorted({s.get("school_type") for s in schools if s.get("school_type")}, key=fold)
    rank = {t: i + 1 for i, t in enumerate(tier_ids)}
    rows = []
    for s in schools:
        tier = (s.get("tier") or {}).get("tier")
        address = " ".join(str(p) for p in (s.get("address"), s.get("zip")) if p)
        rows.append([s["slug"], s["name"], s.get("short_name") or "", nbhd_index.get(s.get("neighborhood_slug"), -1),
                     address, sorted(program_index[p] for p in set(offers(s))), _grade(s.get("grade_low")),
                     _grade(s.get("grade_high")), operator_index.get(s.get("operator"), -1),
                     sectors.index(s["sector"]) if s.get("sector") else -1, rank.get(tier, 0), school_keywords(s),
                     [ADMISSION_VOCABULARY.index(a) for a in s.get("admission") or []],
                     types.index(s["school_type"]) if s.get("school_type") else -1,
                     _clock(s.get("before_care_from")), _clock(s.get("after_care_until"))])
    return {"version": INDEX_VERSION, "phrases": _PHRASES, "concepts": sorted(CONCEPTS), "stop": list(QUERY_STOP_WORDS),
            "columns": ["slug", "name", "alias", "nbhd", "address", "offers", "grade_low", "grade_high", "operator",
                        "sector", "tier", "keywords", "admission", "type", "care_from", "care_until"],
            "neighborhoods": [[n["name"], n["slug"], keywords(n["name"])] for n in neighborhoods],
            "offers": programs, "operators": operators, "sectors": sectors, "tiers": tier_ids,
            "admissions": list(ADMISSION_VOCABULARY), "types": types, "schools": rows}


def _clock(value) -> int | None:
    """``HH:MM`` as minutes after midnight (the care filter compares these); None when not reported."""
    return int(value[:2]) * 60 + int(value[3:]) if isinstance(value, str) and len(value) == 5 else None


def _grade(value):
    return None if value is None or value != value else int(value)


def minutes_from_neighborhoods(travel: dict, school_keys: list[str], nbhd_ids: list[str]) -> np.ndarray:
    """Typical (median over its cells) walk + transit minutes from each neighborhood to each school, uint8.

    Rows follow ``nbhd_ids``, columns ``school_keys``; 255 where no trip within the limit or no location.
    """
    column = {str(k): i for i, k in enumerate(travel["schools"])}
    out = np.full((len(nbhd_ids), len(school_keys)), UNREACHABLE, dtype=np.uint8)
    cells = np.asarray(travel["cell_nbhd"])
    matrix = travel["transit"].astype(float)
    matrix[matrix == UNREACHABLE] = np.nan
    wanted = [(j, column[k]) for j, k in enumerate(school_keys) if k in column]
    if not wanted:
        return out
    cols_out, cols_in = map(list, zip(*wanted))
    for row, nbhd in enumerate(nbhd_ids):
        mine = matrix[cells == nbhd][:, cols_in]
        if len(mine):
            with warnings.catch_warnings():  # a school no part of the area reaches: NaN, reported as 255
                warnings.simplefilter("ignore", RuntimeWarning)
                typical = np.nanmedian(mine, axis=0)
            out[row, cols_out] = np.where(np.isfinite(typical), np.ceil(typical), UNREACHABLE)
    return out


def minutes_from_cells(travel: dict, school_keys: list[str]) -> np.ndarray:
    """Walk + transit minutes from every origin cell to each school (columns in ``school_keys`` order), uint8."""
    column = {str(k): i for i, k in enumerate(travel["schools"])}
    out = np.full((travel["transit"].shape[0], len(school_keys)), UNREACHABLE, dtype=np.uint8)
    for j, key in enumerate(school_keys):
        if key in column:
            out[:, j] = travel["transit"][:, column[key]]
    return out


def places(schools: list[dict], travel: dict | None) -> dict:
    """Per school, in index order: where it is (for the map, null when unknown) and the bell its travel times arrive
    by (minutes after midnight, null without travel times), so the browser can say "leave by" = bell - minutes."""
    bell = dict(zip((str(k) for k in travel["school_keys"]), travel["bells"])) if travel is not None else {}
    def rounded(value, digits):
        return None if value is None or value != value else round(float(value), digits)
    return {"lat": [rounded(s.get("lat"), 5) for s in schools], "lon": [rounded(s.get("lon"), 5) for s in schools],
            "bell": [int(bell[s["key"]]) // 60 if s["key"] in bell else None for s in schools]}
