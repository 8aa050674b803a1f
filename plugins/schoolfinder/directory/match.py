"""Match stage: which rows of which sources describe the same school (ids, crosswalk, then fuzzy candidates)."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata

import pandas as pd

from ..contract import ID_FIELDS
from ..ingest.tables import SOURCE

_FILLER = re.compile(r"\b(the|school|sch|of|and)\b")  # level words (elementary, high) tell schools apart


class Groups:
    """Union-find over row positions."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)

    def lists(self) -> list[list[int]]:
        """Return groups of positions, each in order, groups ordered by first member."""
        groups: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            groups.setdefault(self.find(i), []).append(i)
        return sorted(groups.values(), key=lambda g: g[0])


def match_by_ids(rows: pd.DataFrame, match_on: dict[str, list[str]], crosswalk: list[list[tuple[str, str]]] = ()) -> Groups:
    """Group rows sharing a value of an id field both their sources list in ``match_on``, or a crosswalk group.

    ``crosswalk`` holds groups of (source id, school_id) that are the same school.
    """
    groups = Groups(len(rows))
    sources = rows[SOURCE].tolist()
    group_sources = {i: {source} for i, source in enumerate(sources)}  # root -> sources of its rows
    for field in ID_FIELDS:
        if field not in rows:
            continue
        first_seen: dict[str, list[int]] = {}
        for i, value in enumerate(rows[field].tolist()):
            if not value or field not in match_on[sources[i]]:
                continue
            for j in first_seen.setdefault(value, []):
                a, b = groups.find(i), groups.find(j)
                if a != b and not group_sources[a] & group_sources[b]:  # rows of one file never merge with each other
                    groups.union(a, b)
                    group_sources[groups.find(a)] = group_sources[a] | group_sources[b]
            first_seen[value].append(i)
    position = {(s, sid): i for i, (s, sid) in enumerate(zip(sources, rows["school_id"].tolist()))}
    for members in crosswalk:
        found = [position[m] for m in members if m in position]
        for i in found[1:]:
            groups.union(i, found[0])
    return groups


def name_key(name: str) -> str:
    """Normalise a school name for comparison: accents, case, punctuation and filler words removed."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = _FILLER.sub(" ", re.sub(r"[^a-z0-9 ]+", " ", text))
    return " ".join(text.split())


def fuzzy_candidates(rows: pd.DataFrame, groups: Groups, distance_m: float, similarity: float) -> list[tuple[int, int, float, float]]:
    """Pairs of rows from different sources and groups with similar names at the same place.

    Returns (i, j, name similarity, distance in metres or NaN when matched on address).
    Candidates are found by a grid of ``distance_m`` cells and by equal normalised address.
    """
    names = [name_key(n) for n in rows["name"].tolist()]
    sources = rows[SOURCE].tolist()
    group_sources: dict[int, set[str]] = {}
    for i, source in enumerate(sources):
        group_sources.setdefault(groups.find(i), set()).add(source)
    pairs: dict[tuple[int, int], float] = {}
    for i, j, dist in _nearby_pairs(rows, distance_m) + _same_address_pairs(rows):
        if group_sources[groups.find(i)] & group_sources[groups.find(j)]:
            continue  # same group, or each side already has a row from the other's source
        key = (min(i, j), max(i, j))
        pairs[key] = min(pairs.get(key, math.inf), dist)
    found = []
    for (i, j), dist in sorted(pairs.items()):
        matcher = difflib.SequenceMatcher(None, names[i], names[j])
        if matcher.real_quick_ratio() < similarity or matcher.quick_ratio() < similarity:
            continue  # cheap upper bounds first: most nearby pairs are different schools
        score = matcher.ratio()
        if score >= similarity:
            found.append((i, j, round(score, 3), dist if math.isfinite(dist) else math.nan))
    return found


def _nearby_pairs(rows: pd.DataFrame, distance_m: float) -> list[tuple[int, int, float]]:
    """Pairs of rows of different sources closer than ``distance_m`` (grid of cells, 3x3 neighbourhood)."""
    step = distance_m / 111_000
    lat, lon, sources = rows["lat"].tolist(), rows["lon"].tolist(), rows[SOURCE].tolist()
    cells: dict[tuple[int, int], list[int]] = {}
    cell_of = {}
    for i, (y, x) in enumerate(zip(lat, lon)):
        if y is None or x is None or y != y or x != x:
            continue
        cell = (int(y // step), int(x // (step / max(math.cos(math.radians(y)), 0.1))))
        cells.setdefault(cell, []).append(i)
        cell_of[i] = cell
    out = []
    for i, (cy, cx) in cell_of.items():
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for j in cells.get((cy + dy, cx + dx), ()):
                    if i < j and sources[i] != sources[j]:
                        d = _metres(lat[i], lon[i], lat[j], lon[j])
                        if d < distance_m:
                            out.append((i, j, d))
    return out


def _same_address_pairs(rows: pd.DataFrame) -> list[tuple[int, int, float]]:
    if "address" not in rows:
        return []
    by_address: dict[str, list[int]] = {}
    for i, address in enumerate(rows["address"].tolist()):
        key = re.sub(r"[^a-z0-9]+", " ", str(address).casefold()).strip()
        if key:
            by_address.setdefault(key, []).append(i)
    sources = rows[SOURCE].tolist()
    return [(i, j, math.inf) for members in by_address.values() for a, i in enumerate(members) for j in members[a + 1:]
            if sources[i] != sources[j]]


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance, accurate to well under 1 % at school-matching distances."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6_371_000 * math.hypot(x, math.radians(lat2 - lat1))
