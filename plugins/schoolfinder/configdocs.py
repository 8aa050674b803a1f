"""Generate the key tables of data/README.md from config.SCHEMA, so the docs cannot drift from the code."""

from __future__ import annotations

import re
from pathlib import Path

from .config import ARRAY_SECTIONS, CANONICAL_FIELDS, REQUIRED, SCHEMA, SUBSECTIONS

START, END = "<!-- keys:start (make config-docs) -->", "<!-- keys:end -->"


def key_tables() -> str:
    """Return Markdown tables documenting every section, key and column field."""
    out = []
    for section, keys in SCHEMA.items():
        head = f"[[{section}]]" if section in ARRAY_SECTIONS else f"[{section}]"
        out += _table(head, section, keys)
        for (parent, key), subkeys in SUBSECTIONS.items():
            if parent == section:
                out += _table(f"[{section}.{key}]", f"{section}.{key}", subkeys)
    out += ["### Fields for `[directory.columns]`", "",
            "Map each field to the column that holds it in that file. `school_id` and `name` are required; "
            "give either `grades` or `grade_low` + `grade_high`.", "", "| field | meaning |", "|---|---|"]
    out += [f"| `columns.{name}` | {meaning} |" for name, meaning in CANONICAL_FIELDS.items()]
    return "\n".join(out) + "\n"


def _table(head: str, prefix: str, keys: dict) -> list[str]:
    out = [f"### `{head}`", "", "| key | type | default | meaning |", "|---|---|---|---|"]
    for key, (kind, default, help_text) in keys.items():
        shown = "required" if default is REQUIRED else "`" + repr(default).replace("'", '"') + "`"
        out.append(f"| `{prefix}.{key}` | {kind.__name__} | {shown} | {help_text} |")
    return out + [""]


def update_readme(path: Path) -> bool:
    """Rewrite the generated block of ``path``; return True if it changed."""
    text = path.read_text(encoding="utf-8")
    block = f"{START}\n{key_tables()}{END}"
    new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: block, text, flags=re.S)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    changed = update_readme(Path("data/README.md"))
    print("data/README.md updated" if changed else "data/README.md already up to date")
