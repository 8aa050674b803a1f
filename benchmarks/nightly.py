"""Benchmark: nightly runs on a real city (default Chicago): full rebuild, no-change run, one school changed.

Each run is the whole command (`python -m schoolfinder nightly ...`) as cron would start it, timed from outside.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from schoolfinder.config import load_config

ROOT = Path(__file__).resolve().parents[1]
NO_CHANGE_TARGET_S = 5.0


def run(city: Path, root: Path, *flags: str) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "schoolfinder", "nightly", str(city), "--root", str(root), *flags],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if proc.returncode:
        raise SystemExit(f"nightly failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    steps = json.loads((root / "last-run.json").read_text(encoding="utf-8"))["timings"]
    said = re.sub(r" -> \S+", "", proc.stdout.strip().splitlines()[-1])
    return seconds, f"{said}; steps " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())


def changed_copy(source: Path, target: Path, encoding: str, column: str) -> None:
    """``source`` with the first school's ``column`` value changed (a renamed school), written to ``target``."""
    with open(source, encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index(column)] += " (renamed)"
    with open(target, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("city", type=Path, nargs="?", default=ROOT / "data" / "chicago")
    args = parser.parse_args(argv)
    config = load_config(args.city)
    first = config.directory[0]
    if not config.source_path(first["path"]).is_file():
        print(f"nightly bench skipped: {config.source_path(first['path'])} not found (set {config.city['data_dir_env']})")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        changed = tmp / Path(first["path"]).name
        changed_copy(config.source_path(first["path"]), changed, first["encoding"], first["columns"]["name"])
        text = args.city.joinpath("city.toml").read_text(encoding="utf-8") if args.city.is_dir() else args.city.read_text()
        text = re.sub(r'(?m)^data_dir = .*$', f'data_dir = "{config.data_dir}"', text)
        (tmp / "plain.toml").write_text(text + "\n[nightly]\naxe_pages = 2\n", encoding="utf-8")
        (tmp / "changed.toml").write_text(text + f'\n[nightly]\naxe_pages = 2\n[nightly.fetch]\n"{first["path"]}" = "{changed.as_uri()}"\n',
                                          encoding="utf-8")
        shutil.copy(tmp / "plain.toml", tmp / "city.toml")
        full, said_full = run(tmp / "city.toml", tmp / "root", "--force")
        same, said_same = run(tmp / "city.toml", tmp / "root")
        shutil.copy(tmp / "changed.toml", tmp / "city.toml")
        one, said_one = run(tmp / "city.toml", tmp / "root")
    print(f"nightly, {config.city['name']}: full rebuild {full:.1f} s ({said_full})")
    print(f"  no-change run {same:.2f} s (target <= {NO_CHANGE_TARGET_S:.0f} s): {said_same}")
    print(f"  one school changed {one:.1f} s: {said_one}")
    print("target met" if same <= NO_CHANGE_TARGET_S else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
