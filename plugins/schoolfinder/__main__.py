"""Command line: `python -m schoolfinder demo|init|build|search|nightly|rollback ...`; errors print as one line, never a traceback."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from .problems import SchoolfinderError


def main(argv: list[str] | None = None) -> int:
    """Run one command and return the exit code (0 ok, 2 bad input or config)."""
    parser = argparse.ArgumentParser(prog="schoolfinder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="generate the fictional demo city's raw files")
    demo.add_argument("--out", type=Path, default=Path("data/demo/raw"))
    demo.add_argument("--seed", type=int, default=2026)
    build = commands.add_parser("build", help="run the pipeline for one city into a processed folder")
    build.add_argument("city", type=Path, help="folder holding city.toml, or the file itself")
    build.add_argument("--out", type=Path, default=Path("data/processed"))
    build.add_argument("--reports", type=Path, default=Path("reports"), help="folder for the data-staff reports")
    build.add_argument("--cache", type=Path, help="reuse stage results from this folder when their inputs are unchanged")
    find = commands.add_parser("search", help="query the merged directory and see each school's sources")
    find.add_argument("processed", type=Path, help="a processed folder (from `build`)")
    find.add_argument("query", help='e.g. "dual language" or a school name with a typo')
    find.add_argument("--limit", type=int, default=10)
    night = commands.add_parser("nightly", help="fetch, validate, build, check and publish atomically under a root folder")
    night.add_argument("city", type=Path, help="folder holding city.toml, or the file itself")
    night.add_argument("--root", type=Path, default=Path("published"), help="publish root: builds/, current -> the live build")
    night.add_argument("--allow-delta", action="store_true", help="publish even if the delta guard objects (a person checked)")
    night.add_argument("--force", action="store_true", help="rebuild even when inputs and code are unchanged")
    back = commands.add_parser("rollback", help="point the published site back at the build before it")
    back.add_argument("--root", type=Path, default=Path("published"))
    init = commands.add_parser("init", help="draft a city.toml from a folder of raw files, then check it")
    init.add_argument("folder", type=Path, help="folder holding the city's csv, xlsx, xls, geojson and GTFS files")
    init.add_argument("--city", help="city name (default: from the folder name)")
    init.add_argument("--out", type=Path, help="where to write the draft (default: data/<slug>/city.toml)")
    init.add_argument("--force", action="store_true", help="overwrite an existing config")
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "init":
            from .init.command import run_init

            return run_init(args.folder, args.city, args.out, args.force)
        if args.command == "search":
            return _search(args)
        if args.command in ("nightly", "rollback"):
            return _nightly(args)
        return _build(args)
    except SchoolfinderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _demo(args) -> int:
    from .demo.generator import generate

    facts = generate(args.out, seed=args.seed)
    print(f"demo city written to {args.out}: {facts['n_schools_expected']} schools expected (seed {args.seed})")
    return 0


def _nightly(args) -> int:
    from .nightly import publish
    from .nightly.run import nightly

    if args.command == "nightly":
        return nightly(args.city, args.root, allow_delta=args.allow_delta, force=args.force)
    try:
        build_id = publish.rollback(args.root.resolve())
    except publish.PublishError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 7
    print(f"rolled back: {args.root}/current -> builds/{build_id}")
    return 0


def _search(args) -> int:
    from .search import cli as searchcli

    searchcli.print_hits(searchcli.run(args.processed, args.query, args.limit), args.query)
    return 0


def _build(args) -> int:
    from . import pipeline
    from .cache.store import StageCache
    from .outputs import processed as io
    from .outputs import reports
    from .config import load_config

    started = time.perf_counter()
    config = load_config(args.city)
    cache = StageCache(args.cache)
    result = pipeline.run(config, cache)
    io.write_processed(result, args.out)
    reports.write_reports(result, args.reports)
    severities = Counter(p.severity for p in result.problems)
    print(f"{config.city['name']}: {len(result.schools)} schools, {len(result.neighborhoods)} neighborhoods, "
          f"problems {dict(sorted(severities.items()))}, {len(result.candidates) + len(result.conflicts) + len(result.excluded)} to review "
          f"-> {args.out}, reports in {args.reports} ({time.perf_counter() - started:.1f} s)")
    if args.cache:
        print(cache.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
