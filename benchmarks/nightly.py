"""Benchmark: nightly runs on a real city (default Chicago): cold rebuild, no-change run, one school changed.

Each run is the whole command (`python -m schoolfinder nightly ...`) as cron would start it, timed from outside
(wall, and the CPU seconds of the run and the processes it waited for: on a busy machine, the figure to compare),
with an empty publish root, so its stage and page caches start empty. "One school changed"
renames the first school of the first directory file; `--moved` adds a run where that school also moves.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from schoolfinder.config import load_config

ROOT = Path(__file__).resolve().parents[1]
TARGETS_S = {"no-change": 5.0, "one-change": 10.0}
STEPS = ("fetch", "validate", "write", "build", "check", "reuse", "publish")
SAID = ("stage cache:", "checking", "axe:", "published", "unchanged")


def run(city: Path, root: Path, *flags: str) -> dict:
    """One nightly run: its wall time, its steps' times (last-run.json) and what it said about caches and checks."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    started, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "schoolfinder", "nightly", str(city), "--root", str(root), *flags],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and what it waited for (Pelican, the browser)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.returncode:
        raise SystemExit(f"nightly failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    steps = json.loads((root / "last-run.json").read_text(encoding="utf-8"))["timings"]
    said = [re.sub(r" -> \S+", "", line) for line in proc.stdout.splitlines() if line.startswith(SAID)]
    return {"seconds": seconds, "cpu": cpu, "steps": steps, "said": said}


def changed_copy(source: Path, target: Path, encoding: str, changes: dict[str, object]) -> None:
    """``source`` with the first school's columns changed (``column`` -> a function of the old value), to ``target``."""
    with open(source, encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle))
    for column, change in changes.items():
        rows[1][rows[0].index(column)] = change(rows[1][rows[0].index(column)])
    with open(target, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def table(city: str, runs: dict[str, dict]) -> list[str]:
    """Seconds per step (columns: the runs), the wall time, then what each run said."""
    lines = [f"nightly, {city} (seconds)".ljust(22) + "".join(f"{name:>12}" for name in runs)]
    for step in STEPS:
        cells = [f"{r['steps'][step]:>12.2f}" if step in r["steps"] else f"{'-':>12}" for r in runs.values()]
        lines.append(f"  {step}".ljust(22) + "".join(cells))
    lines.append("  total (wall)".ljust(22) + "".join(f"{r['seconds']:>12.2f}" for r in runs.values()))
    lines.append("  total (CPU, user+sys)".ljust(22) + "".join(f"{r['cpu']:>12.2f}" for r in runs.values()))
    for name, r in runs.items():
        target = TARGETS_S.get(name)
        verdict = "" if target is None else f" (target <= {target:g} s: {'met' if r['seconds'] <= target else 'MISSED'})"
        lines.append(f"{name}{verdict}: " + "; ".join(r["said"]))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("city", type=Path, nargs="?", default=ROOT / "data" / "chicago")
    parser.add_argument("--moved", action="store_true", help="also time a run where the changed school moved 1 km")
    args = parser.parse_args(argv)
    config = load_config(args.city)
    first = config.directory[0]
    if not config.source_path(first["path"]).is_file():
        print(f"nightly bench skipped: {config.source_path(first['path'])} not found (set {config.city['data_dir_env']})")
        return 0
    columns = first["columns"]
    edits = {"one-change": {columns["name"]: lambda v: v + " (renamed)"}}
    if args.moved:
        edits["moved"] = {**edits["one-change"], columns["lat"]: lambda v: f"{float(v) + 0.01:.6f}"}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        text = args.city.joinpath("city.toml").read_text(encoding="utf-8") if args.city.is_dir() else args.city.read_text()
        text = re.sub(r'(?m)^data_dir = .*$', f'data_dir = "{config.data_dir}"', text)
        (tmp / "city.toml").write_text(text + "\n[nightly]\naxe_pages = 2\n", encoding="utf-8")
        runs = {"cold": run(tmp / "city.toml", tmp / "root", "--force")}
        runs["no-change"] = run(tmp / "city.toml", tmp / "root")
        for name, change in edits.items():
            changed = tmp / name / Path(first["path"]).name
            changed.parent.mkdir()
            changed_copy(config.source_path(first["path"]), changed, first["encoding"], change)
            fetch = f'[nightly.fetch]\n"{first["path"]}" = "{changed.as_uri()}"\n'
            (tmp / "city.toml").write_text(text + "\n[nightly]\naxe_pages = 2\n" + fetch, encoding="utf-8")
            runs[name] = run(tmp / "city.toml", tmp / "root")
    print("\n".join(table(config.city["name"], runs)))
    missed = [name for name, target in TARGETS_S.items() if runs[name]["seconds"] > target]
    print("targets met" if not missed else f"TARGET MISSED: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
