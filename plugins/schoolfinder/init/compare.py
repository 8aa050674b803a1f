"""How far a draft is from a hand-written config: the lines to change, comments and blank lines aside, key order ignored.

`python -m schoolfinder.init.compare FOLDER CONFIG` drafts a config from FOLDER (as `init` would, without the check)
for CONFIG's folder and prints the lines to remove from the draft and to add to it, grouped by section."""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections import Counter
from pathlib import Path


def flat_lines(text: str) -> list[str]:
    """One line per leaf key: `section[which].key = value`, where `which` names an array entry by its file (and its
    rating column) so that entries match whatever their order or id; inline tables and sub-tables flatten alike."""
    lines: list[str] = []

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value) and "." not in prefix:
            for index, entry in enumerate(value):
                which = entry.get("path") or entry.get("id") or str(index)
                which += f" | {entry['rating_column']}" if "rating_column" in entry else ""
                walk(f"{prefix}[{which}]", entry)
        else:
            lines.append(f"{prefix} = {json.dumps(value, ensure_ascii=False, sort_keys=True)}")

    walk("", tomllib.loads(text))
    return lines


def line_diff(draft: str, written: str) -> tuple[list[str], list[str]]:
    """(lines only the draft has, lines only the hand-written config has), order-insensitive."""
    mine, theirs = Counter(flat_lines(draft)), Counter(flat_lines(written))
    return sorted((mine - theirs).elements()), sorted((theirs - mine).elements())


def draft_for(folder: Path, config: Path) -> str:
    """The draft `init` writes for the folder, as if written beside `config` (same data_dir), city name from it."""
    from .classify import classify
    from .draft import write_draft
    from .sniff import scan_folder

    tables = scan_folder(folder)
    classify(tables)
    city = tomllib.loads(config.read_text(encoding="utf-8"))["city"]["name"]
    return write_draft(tables, city, os.path.relpath(folder.resolve(), config.parent.resolve())).text()


def blocks(lines: list[str]) -> Counter:
    """Lines per section and array entry: where the biggest gaps are."""
    return Counter(line.split(" = ", 1)[0].rsplit(".", 1)[0] if "]" in line.split(" = ", 1)[0] else
                   line.split(" = ", 1)[0].split(".")[0] for line in lines)


def main(argv: list[str]) -> int:
    folder, config = Path(argv[0]), Path(argv[1])
    draft = draft_for(folder, config)
    removed, added = line_diff(draft, config.read_text(encoding="utf-8"))
    print(f"{config}: {len(removed)} lines to remove from the draft, {len(added)} to add ({len(removed) + len(added)} changed)")
    for sign, lines in (("-", removed), ("+", added)):
        for block, n in blocks(lines).most_common():
            print(f"  {sign} {n:4} {block}")
    if "-v" in argv:
        print("\n".join([f"- {line}" for line in removed] + [f"+ {line}" for line in added]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
