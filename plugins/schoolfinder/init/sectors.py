"""The sector of a directory's schools: a sector column and its values, a charter column blank for district schools,
or the word the file name gives."""

from __future__ import annotations

import re

from .lines import Draft, q
from .sniff import Table

SECTOR_WORDS = [("charter", "charter"), ("contract", "contract"), ("district", "district"), ("public", "district"),
                ("traditional", "district"), ("state", "state")]
SYSTEM_WORDS = {"public"}  # "X Public Schools" names a whole school system (charters included), not a sector


def sector(draft: Draft, table: Table, columns: dict) -> None:
    candidates = [c for c in table.frame.columns if re.search(r"sector|governance|type|management|category", c, re.I)
                  and 1 < table.values(c).nunique() <= 12]
    for column in candidates:
        values = sorted(table.values(column).unique())
        mapped = {v: next((s for w, s in SECTOR_WORDS if w in v.lower()), "") for v in values}
        if any(mapped.values()):
            draft.key("sector_column", column, f"values {', '.join(values)}")
            known = {v: s for v, s in mapped.items() if s in ("district", "charter", "contract")}
            draft.key("sector_values", "{ " + ", ".join(f"{q(v)} = {q(s)}" for v, s in known.items()) + " }",
                      "proposed from the words in each value")
            unknown = [v for v, s in mapped.items() if s not in ("district", "charter", "contract")]
            if unknown and "district" not in known.values() and not any(mapped[v] for v in unknown):
                draft.key("sector_default", "district", f"{len(unknown)} other values ({', '.join(unknown[:4])}...) name no sector: "
                                                        "read as district-run")
                if len(unknown) >= 3 and "school_type" not in columns:  # Magnet, Classical, ...: kinds of school families see
                    columns["school_type"] = (column, f"{len(unknown)} values besides the sectors: the kind of school")
            elif unknown:
                draft.questions.append(f"Which sector are the `{column}` values {', '.join(unknown)} of `{table.rel or table.name}` "
                                       "(district, charter, contract, or a `[[sectors]]` entry such as state-run)?")
            return
    if _charter_column(draft, table):
        return
    fixed = next((s for w, s in SECTOR_WORDS if w in table.path.stem.lower() and w not in SYSTEM_WORDS), "")
    if fixed in ("district", "charter", "contract"):
        draft.key("sector", fixed, f"the file name says {fixed}; no sector column")
    else:
        draft.questions.append(f"Which sector are the schools of `{table.rel or table.name}`? No sector column was found.")



def _charter_column(draft: Draft, table: Table) -> bool:
    """A column named for charters (charter type, charter status) filled for some rows only: blank means not a charter."""
    column = next((c for c in table.frame.columns if re.search(r"charter", c, re.I) and 0.05 < table.fill(c) < 0.95), None)
    if column is None:
        return False
    kinds = sorted(table.values(column).unique())
    draft.key("sector_column", column, f"{table.fill(column):.0%} filled ({', '.join(kinds[:8])}); blank: not a charter")
    draft.key("sector_values", '{ "" = "district" }', "a blank charter column: run by the district")
    draft.key("sector_default", "charter", f"every value of {column} names a kind of charter")
    draft.questions.append(f"Are the `{column}` values {', '.join(kinds)} of `{table.rel or table.name}` different sectors (for example "
                           "who authorized the charter)? Add `[[sectors]]` and `sector_values` for those families should tell apart.")
    return True
