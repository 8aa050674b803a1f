"""Guess the family-facing directory fields (hours, care times, transit, languages, description, outcome rates) from
column names, confirmed by their values; a measure with a school column and a mean/district column gives both."""

from __future__ import annotations

import re

from ..directory.familyfields import NO, YES
from .columns import norm, numbers, share
from .sniff import Table

TIME = r"\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}"
# field -> (name patterns on the normalised name, value check or None)
FAMILY_PATTERNS = {
    "school_hours": ([r"^(school )?(hours|bell times?|school day hours)$", r"^school (day|hours|times?)$"], "time"),
    "before_care_from": ([r"drop ?off", r"^before ?(school|care)"], "time"),
    "after_care_until": ([r"^after ?(school|care)"], "time"),
    "languages_taught": ([r"^(classroom |world |foreign )?languages?( taught| offered)?$"], None),
    "description": ([r"^(summary|description|school description|about|overview|mission( statement)?)$"], "text"),
    "transit_bus": ([r"^((transportation|transit) )?bus(es)?( routes| lines)?$"], None),
    "common_application": ([r"\bparticipa\w*\b", r"\bcommon app\w*\b", r"\b(unified|universal|common|centrali[sz]ed) enrollment\b"],
                           "yesno"),
    "transit_rail": ([r"^(transportation|transit) (el|rail|metra|train|subway|metro|light rail|tram)$",
                      r"^(rail|train|subway|metro)( lines| routes| stations)?$"], None),
}
LIST_FAMILY = {"transit_rail", "transit_bus", "languages_taught"}
MEASURES = {"graduation_rate": r"graduation rate", "college_enrollment_rate": r"college enrollment rate",
            "average_test_score": r"\b(act|sat)\b"}
COMPARE_WORDS = re.compile(r"\b(mean|avg|average|district|state|city|network|peer)\b")
YES_NO = YES | NO  # the words the build reads as yes or no
CHECKS = {"yesno": lambda v: share(v.str.lower().isin(YES_NO)),
          "time": lambda v: share(v.str.contains(TIME, case=False, regex=True)),
          "text": lambda v: share(v.str.len() > 40),
          "number": lambda v: share(numbers(v.str.rstrip("%")).notna())}


def family_columns(table: Table, taken: set[str]) -> dict[str, tuple[str | list[str], str]]:
    """field -> (column, or columns for a list field, evidence), columns not yet taken."""
    found: dict[str, tuple[str | list[str], str]] = {}
    for fieldname, (patterns, check) in FAMILY_PATTERNS.items():
        named = [c for c in table.frame.columns if c not in taken and any(re.search(p, norm(c)) for p in patterns)]
        named = [c for c in named if len(table.values(c)) and (check is None or CHECKS[check](table.values(c)) >= 0.6)]
        if not named:
            continue
        chosen = named if fieldname in LIST_FAMILY and len(named) > 1 else named[0]
        taken.update(named if isinstance(chosen, list) else [chosen])
        found[fieldname] = (chosen, f"named like {fieldname.replace('_', ' ')}; e.g. {', '.join(table.samples(named[0], 2))[:80]}")
    for fieldname, pattern in MEASURES.items():
        named = [c for c in table.frame.columns if c not in taken and re.search(pattern, norm(c))  # empty in this export: by name
                 and (CHECKS["number"](table.values(c)) >= 0.9 or not len(table.values(c)))]
        own = [c for c in named if "school" in norm(c) or not COMPARE_WORDS.search(norm(c))]
        other = [c for c in named if c not in own[:1] and COMPARE_WORDS.search(norm(c)) and "school" not in norm(c)]
        if own:
            found[fieldname] = (own[0], f"a number named like the school's {fieldname.replace('_', ' ')}"
                                        + ("" if len(table.values(own[0])) else "; empty in this export"))
            taken.add(own[0])
        if own and other:
            found[f"{fieldname}_compare"] = (other[0], f"the same measure named as a mean or a wider area's: {other[0]}")
            taken.add(other[0])
    return found


def family_by_file(directories: list[Table]) -> dict[str, dict]:
    """Each family field from one directory file: the one with the most family fields among those having it."""
    found = {t.rel or t.name: family_columns(t, {column for column, _ in t.properties["columns"].values()}) for t in directories}
    richest = sorted(found, key=lambda name: -len(found[name]))
    return {name: {f: hit for f, hit in fields.items() if next(n for n in richest if f in found[n]) == name}
            for name, fields in found.items()}


NOT_A_NAME = {"is", "participant", "participants", "participates", "participating", "participation", "in", "school", "flag", "yn"}


def system_name(column: str) -> str:
    """The name a yes/no column gives the common application: "Is_GoCPS_Participant" -> "GoCPS" ("" when it names none)."""
    words = [w for w in re.split(r"[_\s\-.]+", column) if w and w.lower() not in NOT_A_NAME]
    return "" if not words or re.fullmatch(r"(?i)common|app\w*|enrollment|unified|universal|centrali[sz]ed", words[0]) else " ".join(words)
