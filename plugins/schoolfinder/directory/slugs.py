"""Safe, unique URL slugs: only a-z, 0-9 and '-', never a path, never a reserved name."""

from __future__ import annotations

import re
import unicodedata

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
MAX_LENGTH = 60


def slugify(text: str, fallback: str) -> str:
    """Return an ASCII slug for ``text``; ``fallback`` (slugified) when nothing is left.

    >>> slugify("Peñasco Élementary", "x")
    'penasco-elementary'
    >>> slugify("../../index", "7")
    'index'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:MAX_LENGTH].strip("-")
    if not slug or slug in _RESERVED:
        fallback_slug = re.sub(r"[^a-z0-9]+", "-", fallback.lower()).strip("-") or "item"
        return fallback_slug if not slug else f"{slug}-{fallback_slug}"
    return slug


def unique_slugs(names: list[str], ids: list[str], fallback_prefix: str = "school") -> list[str]:
    """Return one slug per name, made unique by appending the id where names collide (then -2, -3, ...)."""
    slugs = [slugify(name, fallback=f"{fallback_prefix}-{sid}") for name, sid in zip(names, ids)]
    counts: dict[str, int] = {}
    for slug in slugs:
        counts[slug] = counts.get(slug, 0) + 1
    result, used = [], set()
    for slug, sid in zip(slugs, ids):
        candidate = slug if counts[slug] == 1 else f"{slug}-{slugify(sid, fallback='x')}"
        n = 2
        base = candidate
        while candidate in used:
            candidate = f"{base}-{n}"
            n += 1
        used.add(candidate)
        result.append(candidate)
    return result
