"""What changed since the published build (the nightly change report) and whether the change is too big to trust."""

from __future__ import annotations

import math
from pathlib import Path

from .. import contract


def load(processed: Path) -> dict:
    """The processed files the comparison needs (missing optional files read as empty)."""
    def read(name, empty):
        return contract.read_optional(processed, name, empty)

    return {"schools": {s["key"]: s for s in read(contract.SCHOOLS, [])}, "access": read(contract.ACCESS, {}),
            "problems": read(contract.PROBLEMS, []), "reconciliation": read(contract.RECONCILIATION, {}),
            "names": {n["nbhd_id"]: n["name"] for n in read(contract.NEIGHBORHOODS, [])}}


def distance_m(a: dict, b: dict) -> float | None:
    """Great-circle metres between two schools' coordinates (None when either has none)."""
    if None in (a.get("lat"), a.get("lon"), b.get("lat"), b.get("lon")):
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def compare(old: dict, new: dict, moved_m: float = 100.0) -> dict:
    """Schools added, closed, renamed, moved; rating and tier changes; desert shares; quarantine entries."""
    before, after = old["schools"], new["schools"]
    both = sorted(set(before) & set(after))
    report = {
        "added": [_brief(after[k]) for k in sorted(set(after) - set(before))],
        "closed": [_brief(before[k]) for k in sorted(set(before) - set(after))],
        "renamed": [{**_brief(after[k]), "old_name": before[k]["name"]} for k in both if before[k]["name"] != after[k]["name"]],
        "moved": [], "ratings": [], "deserts": _desert_changes(old, new),
    }
    for key in both:
        metres = distance_m(before[key], after[key])
        if metres is not None and metres > moved_m:
            report["moved"].append({**_brief(after[key]), "metres": round(metres)})
        old_tier, new_tier = _tier(before[key]), _tier(after[key])
        if old_tier != new_tier:
            report["ratings"].append({**_brief(after[key]), "old": old_tier, "new": new_tier})
    report["quarantine_new"], report["quarantine_resolved"] = _quarantine_changes(old["problems"], new["problems"])
    report["counts"] = {name: len(report[name]) for name in report if isinstance(report[name], list)}
    return report


def _brief(school: dict) -> dict:
    return {"key": school["key"], "name": school["name"], "slug": school.get("slug", ""),
            "neighborhood": school.get("neighborhood") or ""}


def _tier(school: dict) -> dict:
    tier = school.get("tier") or {}
    return {"tier": tier.get("tier"), "label": tier.get("label"), "value": tier.get("value"), "year": tier.get("year")}


def _desert_changes(old: dict, new: dict) -> list[dict]:
    """Per neighborhood and band: % of children in a desert (at the city's travel time) where it moved >= 0.1 point."""
    minutes = str((new["access"].get("city") or old["access"].get("city") or {}).get("minutes", 30))
    before, after = old["access"].get("areas", {}), new["access"].get("areas", {})
    out = []
    for area_id in sorted(set(before) | set(after)):
        for band in sorted(set(before.get(area_id) or {}) | set(after.get(area_id) or {})):
            share_old, share_new = (_share(areas.get(area_id), band, minutes) for areas in (before, after))
            if share_old != share_new and (share_old is None or share_new is None or abs(share_new - share_old) >= 0.1):
                name = new["names"].get(area_id) or old["names"].get(area_id) or area_id
                out.append({"area": area_id, "name": name, "band": band, "old": share_old, "new": share_new})
    return out


def _share(area: dict | None, band: str, minutes: str) -> float | None:
    facts = (area or {}).get(band)
    return (facts.get("desert_pct") or {}).get(minutes) if isinstance(facts, dict) else None


def _quarantine_changes(old: list[dict], new: list[dict]) -> tuple[list[dict], list[dict]]:
    def keyed(problems):
        return {(Path(p.get("file") or "").name, p.get("row"), p.get("column"), p.get("code"), p.get("value")): p
                for p in problems if p.get("severity") == "QUARANTINE"}

    before, after = keyed(old), keyed(new)
    return [after[k] for k in sorted(set(after) - set(before), key=str)], [before[k] for k in sorted(set(before) - set(after), key=str)]


def delta_problems(old: dict, new: dict, rules: dict, report: dict) -> list[str]:
    """Reasons to refuse publishing (P6): fewer schools, a source gone, many schools moved far."""
    problems = []
    n_old, n_new = len(old["schools"]), len(new["schools"])
    if n_old and (n_old - n_new) / n_old > rules["max_count_drop"]:
        problems.append(f"DELTA_GUARD school_count {n_new} vs {n_old} ({(n_new - n_old) / n_old:+.1%})")
    for source, counts in sorted((old.get("reconciliation") or {}).items()):
        new_counts = (new.get("reconciliation") or {}).get(source)
        if isinstance(counts, dict) and counts.get("rows_read") and not (new_counts or {}).get("rows_read"):
            problems.append(f"DELTA_GUARD source {source} disappeared ({counts.get('rows_read', 0)} rows last time, none now)")
    far = [m for m in report["moved"] if m["metres"] > rules["moved_km"] * 1000]
    if n_old and len(far) / n_old > rules["max_moved_share"]:
        problems.append(f"DELTA_GUARD moved {len(far)} schools more than {rules['moved_km']:g} km "
                        f"({len(far) / n_old:.1%} > {rules['max_moved_share']:.1%})")
    return problems
