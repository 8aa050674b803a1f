"""The draft's lines: a key with its evidence as a comment, the questions for the report, and a source's head keys."""

from __future__ import annotations

import json
import re

from .sniff import Table, export_date


def q(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "city"


class Draft:
    """Lines of the draft config and the questions for the report."""

    def __init__(self, city: str):
        self.lines: list[str] = []
        self.questions: list[str] = []
        self.city = city

    def key(self, name: str, value, evidence: str = "") -> None:
        self.lines.append(f"{name} = {q(value) if not isinstance(value, str) or not value.startswith(('{', '[{', '[[')) else value}"
                          + (f"  # {evidence}" if evidence else ""))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def source_head(draft: Draft, table: Table, section: str, source_id: str = "", label: str = "", as_of: str = "") -> None:
    """`[[section]]` with the keys that say how to read the file (id and label from the file name unless given)."""
    draft.lines += ["", f"[[{section}]]"]
    draft.key("id", source_id or slug(table.path.stem))
    draft.key("label", label or table.path.stem.replace("_", " ").replace("-", " ").capitalize(),
              f"a guess from the {'column' if label else 'file'} name")
    draft.key("path", table.rel, f"{table.rows:,} rows" + (f"; {'; '.join(table.notes)}" if table.notes else ""))
    if table.fmt != "csv":
        draft.key("format", table.fmt)
    if table.fmt == "csv" and table.encoding != "utf-8":
        draft.key("encoding", table.encoding, "the file does not decode as UTF-8")
    if table.fmt == "csv" and table.delimiter != ",":
        draft.key("delimiter", table.delimiter, "splits every line into the same number of fields")
    if table.properties.get("sheets"):
        draft.key("sheets", table.properties["sheets"], "the sheets that hold rows with the same header")
    if table.header_row != 1:
        draft.key("header_row", table.header_row, "rows above it are titles")
    if table.properties.get("header_rows") == 2:
        draft.key("header_rows", 2, "a row of subjects over a row of levels: names read as `Subject / Level`")
    elif table.skip_rows:
        draft.key("skip_rows", table.skip_rows, "a second header row of labels")
    if as_of:
        draft.key("as_of", as_of, "the year the rating column names")
        return
    as_of, said = export_date(table.path, year_ok=section != "directory")  # a directory needs a full date
    draft.key("as_of", as_of, f"{said}: set the date the export describes")
    draft.questions.append(f"What date does `{table.rel or table.name}` describe (`as_of`)? The draft uses {said}, {as_of}.")
