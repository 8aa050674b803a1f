"""The nightly change report for data staff: changes.json and changes.html beside the build."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2

from ..outputs.safety import html_finalize

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent.parent / "templates"),
                          autoescape=True, trim_blocks=True, lstrip_blocks=True, finalize=html_finalize)


def write_change_report(report: dict, folder: Path, info: dict, refused: list[str]) -> None:
    """Write the report; ``refused`` lists the delta-guard reasons when publishing was refused."""
    folder.mkdir(parents=True, exist_ok=True)
    data = {"build_id": info["id"], "build_date": info["date"], "refused": refused, **report}
    (folder / "changes.json").write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "changes.html").write_text(_ENV.get_template("changes.html").render(r=data), encoding="utf-8")
