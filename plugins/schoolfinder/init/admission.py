"""Draft how a child gets in (`admission`, `admission_values`) from the words of the school-type column: words that
name an admission route in most districts' exports (selective enrollment, magnet, neighborhood, career academy)."""

from __future__ import annotations

import re

from .lines import Draft, q
from .sniff import Table

# pattern on a value's words -> admission route, first match wins (charter and contract schools admit by lottery)
ADMISSION_WORDS = [(r"selective|gifted|\bexam\b|test.?in", "selective"), (r"audition", "audition"),
                   (r"magnet|lottery|charter|contract|choice", "lottery"),
                   (r"neighbou?rhood|zoned|attendance|boundary", "attendance_area"),
                   (r"career|military|vocational|technical|\bcte\b|special ed|alternative|option|program", "program_specific")]


def admission(draft: Draft, table: Table, columns: dict) -> None:
    """Map the school-type column's values onto admission routes when their words name one for most of them."""
    column = columns.get("school_type", ("",))[0]
    if not column or "admission" in columns:
        return
    values = sorted(table.values(column).unique())
    routes = {v: next((route for pattern, route in ADMISSION_WORDS if re.search(pattern, v, re.I)), "") for v in values}
    known = {v: r for v, r in routes.items() if r}
    if len(known) < max(2, len(values) / 2):
        return
    columns["admission"] = (column, "its values name how a child gets in")
    draft.key("admission_values", "{ " + ", ".join(f"{q(v)} = {q(r)}" for v, r in known.items()) + " }",
              "proposed from the words in each value")
    unknown = [v for v in values if v not in known]
    draft.questions.append(f"How does a child get into the `{column}` schools of `{table.rel or table.name}`? The draft maps "
                           + ", ".join(f"{v} to {r}" for v, r in known.items())
                           + (f"; {', '.join(unknown)} are shown as written until you add them to `admission_values`." if unknown else "."))
