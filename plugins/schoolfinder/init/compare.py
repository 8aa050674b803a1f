"""How far a draft is from a hand-written config: the lines to change, comments and blank lines aside, key order ignored.

`python -m schoolfinder.init.compare FOLDER CONFIG` drafts a config from FOLDER (as `init` would, without the check)
for CONFIG's folder and prints the lines to remove from the draft and to add to it, grouped by section, and how many keys
differ (a value changed counts once). An `encoding` both values of which decode the file alike, and a key one config sets to its default and the
other leaves out, are no difference, nor a rating's `directory` naming the same file by each config's id (listed with `=`)."""

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


def _key(line: str) -> str:
    return line.split(" = ", 1)[0]


def _file_of(key: str, config: dict) -> str | None:
    """The data file an `encoding` key reads: the entry's path, or the population table or crosswalk path."""
    if "[" in key:
        return key.split("[", 1)[1].split("]", 1)[0].split(" | ")[0]
    section = config.get("population", {})
    return (section.get("crosswalk", {}) if key.startswith("population.crosswalk.") else section).get(
        "path" if ".crosswalk." in key else "table_path")


def _decoded(path: Path, encoding: str) -> str | None:
    try:
        return path.read_bytes().decode(encoding).removeprefix("\ufeff")
    except (OSError, LookupError, UnicodeDecodeError):
        return None


def equivalent_encodings(removed: list[str], added: list[str], folder: Path, written: str) -> list[str]:
    """Take out of both lists the `encoding` keys whose two values (utf-8 where a config leaves it out) decode the file to
    the same text: the same site. Returns what was taken out, said."""
    config, said = tomllib.loads(written), []
    keys = {_key(line) for line in removed + added if _key(line).endswith(".encoding")}
    for key in sorted(keys):
        mine = next((json.loads(line.split(" = ", 1)[1]) for line in removed if _key(line) == key), "utf-8")
        theirs = next((json.loads(line.split(" = ", 1)[1]) for line in added if _key(line) == key), "utf-8")
        name = _file_of(key, config)
        text = _decoded(folder / name, mine) if name else None
        if text is not None and text == _decoded(folder / name, theirs):
            removed[:] = [line for line in removed if _key(line) != key]
            added[:] = [line for line in added if _key(line) != key]
            said.append(f"= {key}: {mine} and {theirs} decode {name} to the same text")
    return said


def defaults(removed: list[str], added: list[str]) -> list[str]:
    """Take out the keys one config writes with the schema's default value and the other leaves out: the same site."""
    from ..configschema import SCHEMA

    said, keys = [], Counter(_key(line) for line in removed + added)
    for line in [line for line in removed + added if keys[_key(line)] == 1]:
        section, _, name = _key(line).partition("[")[0].partition(".") if "[" not in _key(line) else (
            _key(line).split("[", 1)[0], "", _key(line).split("]", 1)[1].lstrip("."))
        spec = SCHEMA.get(section, {}).get(name)
        if spec and json.loads(line.split(" = ", 1)[1]) == spec[1]:
            (removed if line in removed else added).remove(line)
            said.append(f"= {_key(line)}: {line.split(' = ', 1)[1]} is the default")
    return said


def same_directory(removed: list[str], added: list[str], draft: str, written: str) -> list[str]:
    """Take out a rating's `directory` whose two values are the ids the two configs give the same directory file: the
    rename is counted once, at that file's `id`."""
    def paths(text: str) -> dict:
        return {entry.get("id"): entry.get("path") for entry in tomllib.loads(text).get("directory", [])}

    mine, theirs, said = paths(draft), paths(written), []
    for line in [line for line in removed if _key(line).endswith("].directory")]:
        other = next((a for a in added if _key(a) == _key(line)), None)
        old, new = json.loads(line.split(" = ", 1)[1]), json.loads(other.split(" = ", 1)[1]) if other else None
        if other and mine.get(old) is not None and mine.get(old) == theirs.get(new):
            removed.remove(line)
            added.remove(other)
            said.append(f"= {_key(line)}: {old!r} and {new!r} are the ids of {mine[old]}")
    return said


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
    written = config.read_text(encoding="utf-8")
    removed, added = line_diff(draft, written)
    same = equivalent_encodings(removed, added, folder, written) + defaults(removed, added) + same_directory(removed, added, draft, written)
    keys = {_key(line) for line in removed + added}
    print(f"{config}: {len(removed)} lines to remove from the draft, {len(added)} to add ({len(removed) + len(added)} changed; "
          f"{len(keys)} keys to edit, a changed value counting once)")
    for sign, lines in (("-", removed), ("+", added)):
        for block, n in blocks(lines).most_common():
            print(f"  {sign} {n:4} {block}")
    if "-v" in argv:
        print("\n".join([f"- {line}" for line in removed] + [f"+ {line}" for line in added] + same))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
