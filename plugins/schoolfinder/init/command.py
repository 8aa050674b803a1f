"""`schoolfinder init`: scan, classify, draft, write the config and the report, then check the draft with the pipeline."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from ..problems import InitError, SchoolfinderError
from .classify import classify
from .draft import slug, write_draft
from .sniff import scan_folder


def run_init(folder: Path, city: str | None, out: Path | None, force: bool) -> int:
    if not folder.is_dir():
        raise InitError(f"{folder}: not a folder")
    city = city or folder.resolve().name.replace("-", " ").replace("_", " ").title()
    out = out or Path("data") / slug(city) / "city.toml"
    if out.exists() and not force:
        raise InitError(f"{out} exists; pass --force to overwrite it")
    tables = scan_folder(folder)
    if not tables:
        raise InitError(f"{folder}: no csv, xlsx, xls, geojson or GTFS file")
    classify(tables)
    out.parent.mkdir(parents=True, exist_ok=True)
    draft = write_draft(tables, city, os.path.relpath(folder.resolve(), out.parent.resolve()))
    out.write_text(draft.text(), encoding="utf-8")
    report = out.with_name("init-report.md")
    report.write_text(report_text(tables, draft, out), encoding="utf-8")
    print(f"scanned {len(tables)} files in {folder}:")
    for table in tables:
        print(f"  {table.name}: {table.kind}" + (f", {table.rows:,} rows" if table.rows else ""))
    print(f"draft written to {out}; {len(draft.questions)} questions in {report}")
    return check_draft(out)


def report_text(tables, draft, out: Path) -> str:
    lines = [f"# What `init` could not decide for {out}", "", "| file | kind | rows | encoding | delimiter | header row | notes |",
             "|---|---|---|---|---|---|---|"]
    for t in tables:
        lines.append(f"| {t.name} | {t.kind} | {t.rows:,} | {t.encoding} | {t.delimiter!r} | {t.header_row} | {'; '.join(t.notes)} |")
    lines += ["", "## Questions a person must answer", ""] + [f"- {question}" for question in draft.questions]
    lines += ["", "## Columns", ""]
    for t in (t for t in tables if t.rows):
        lines.append(f"- **{t.name}**: " + "; ".join(f"{c} ({t.fill(c):.0%} filled, e.g. {', '.join(t.samples(c, 2))})"
                                                      for c in t.frame.columns))
    return "\n".join(lines) + "\n"


def check_draft(out: Path) -> int:
    """Run the pipeline on the draft (no pages) and print the reconciliation and the top problem codes."""
    from .. import pipeline
    from ..config import load_config

    try:
        result = pipeline.run(load_config(out))
    except SchoolfinderError as exc:
        print(f"check: the draft does not build yet: {exc}")
        return 3
    print(f"check: {len(result.schools):,} schools published")
    wide = max([len(source) for source in result.reconciliation] + [6])  # the source ids line up, however long
    print(f"  {'source':{wide}} {'read':>6} {'published or attached':>21} {'merged':>6} {'excluded':>8} {'quarantined':>11}  file")
    for source, count in result.reconciliation.items():
        excluded = sum(v for k, v in count.items() if k.startswith("excluded") and isinstance(v, int))
        merged = sum(v for k, v in count.items() if k.startswith(("merged", "duplicate", "aggregated")) and isinstance(v, int))
        kept = count.get("published", count.get("attached", 0) + count.get("suppressed", 0))  # results: rows on a school
        print(f"  {source:{wide}} {count['rows_read']:>6} {kept:>21} {merged:>6} "
              f"{excluded:>8} {count.get('quarantined', 0):>11}  {count['file']}")
    codes = Counter(p.code for p in result.problems)
    print("  top problem codes: " + (", ".join(f"{code} {n}" for code, n in codes.most_common(5)) or "none"))
    return 0
