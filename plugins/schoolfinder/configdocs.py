"""Generate data/README.md's key tables from config.SCHEMA and its problem-code tables from problems.CODES."""

from __future__ import annotations

import re
from pathlib import Path

from .config import ARRAY_SECTIONS, CANONICAL_FIELDS, REQUIRED, SCHEMA, SUBSECTIONS
from .problems import GROUPS, code_tables

START, END = "<!-- keys:start (make config-docs) -->", "<!-- keys:end -->"


def code_markers(group: str) -> tuple[str, str]:
    """The comments around one generated problem-code table."""
    return f"<!-- codes:{group}:start (make config-docs) -->", f"<!-- codes:{group}:end -->"


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
    new = _replace(text, START, END, key_tables())
    for group in GROUPS:
        new = _replace(new, *code_markers(group), code_tables(group))
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def _replace(text: str, start: str, end: str, body: str) -> str:
    if start not in text:
        raise SystemExit(f"data/README.md has no {start} marker")
    return re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: f"{start}\n{body}{end}", text, flags=re.S)


if __name__ == "__main__":
    changed = update_readme(Path("data/README.md"))
    print("data/README.md updated" if changed else "data/README.md already up to date")
