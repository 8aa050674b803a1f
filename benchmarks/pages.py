"""Benchmark: the whole Pelican build of N synthetic schools in both languages (pages/s, per core, memory, shares).

Each size is one Pelican build (processed JSON -> output/) in a fresh interpreter, as `make html` runs it, with the
page workers (``--workers``, default every core) and no page cache. Reported: wall time; pages/s and pages/s per core;
pages per CPU-second of the build and its workers (what a core gives when the machine is not shared);
peak memory = the largest sampled sum of the proportional set size (PSS: shared pages counted once) of the build
process and its page workers, and the build process's own peak RSS; the share of the wall time in maps (the desert
map pre-pass: how long it took, in a forked process beside the template compile, and how long the build then waited
for it), in rendering pages, and the rest (Pelican start-up, loading the processed data, compiling the templates,
listing pages...).
Targets: 100,000 schools in at most 5 minutes and 4 GiB; 10,000 schools at least 600 pages/s per core.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import gc
import logging
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from time import perf_counter

from schoolfinder.contract import read_processed
from schoolfinder.outputs.processed import dumps

from schoolfinder_site.generators import SchoolPagesGenerator

ROOT = Path(__file__).resolve().parents[1]
N_NEIGHBORHOODS = 40
SECONDS_TARGET_100K, BYTES_TARGET_100K, PER_CORE_TARGET_10K = 300.0, 4 * 2**30, 600.0
PROCESSED = ("manifest.json", "schools.json", "neighborhoods.json", "reconciliation.json")  # what read_processed reads


def demo_processed(tmp: Path) -> Path:
    """Build the fictional demo city in ``tmp`` with the real pipeline; return its processed folder."""
    from schoolfinder import pipeline
    from schoolfinder.outputs import processed as io
    from schoolfinder.config import load_config
    from schoolfinder.demo.generator import generate

    shutil.copy(ROOT / "data/demo/city.toml", tmp / "city.toml")
    generate(tmp / "raw")
    io.write_processed(pipeline.run(load_config(tmp)), tmp / "processed")
    return tmp / "processed"


def synth_neighborhoods(demo: list[dict]) -> list[dict]:
    """Cycle the demo neighborhoods to N_NEIGHBORHOODS with unique names and slugs.

    A copy keeps its original's ``nbhd_id``, so side files keyed by it (access.json) still describe it.
    """
    out = []
    for i in range(N_NEIGHBORHOODS):
        base, k = demo[i % len(demo)], i // len(demo)
        out.append({**base, "name": base["name"] + (f" {k + 1}" if k else ""), "school_count": 0,
                    "slug": base["slug"] + (f"-{k + 1}" if k else "")})
    return out


def synth_schools(demo: list[dict], neighborhoods: list[dict], n: int) -> list[dict]:
    """Cycle the demo schools to ``n`` records with unique keys, slugs and names (unlocated ones stay so)."""
    schools = []
    for i in range(n):
        base, k = demo[i % len(demo)], i // len(demo)
        school = {**base, "key": f"{base['key']}-{k}", "slug": f"{base['slug']}-{k}",
                  "school_id": f"{base['school_id']}-{k}", "name": f"{base['name']} {k + 1}"}
        if base["neighborhood_slug"]:
            nbhd = neighborhoods[(i * 7 + k) % len(neighborhoods)]
            nbhd["school_count"] += 1
            school.update(neighborhood=nbhd["name"], neighborhood_slug=nbhd["slug"],
                          lat=base["lat"] + k * 1e-5, lon=base["lon"] - k * 1e-5)
        schools.append(school)
    return schools


def write_synthetic(demo_dir: Path, n: int, out: Path) -> None:
    """Write the four files ``read_processed`` reads for ``n`` schools in ~40 neighborhoods (other files: the demo's)."""
    shutil.copytree(demo_dir, out, ignore=shutil.ignore_patterns(*PROCESSED))
    demo = read_processed(demo_dir)
    neighborhoods = synth_neighborhoods(demo["neighborhoods"])
    schools = synth_schools(demo["schools"], neighborhoods, n)
    by_sector = dict(Counter(school["sector"] for school in schools))
    counts = {"schools": n, "neighborhoods": len(neighborhoods), "by_sector": by_sector}
    for name, data in (("manifest", {**demo["manifest"], "counts": counts}), ("schools", schools),
                       ("neighborhoods", neighborhoods), ("reconciliation", demo["reconciliation"])):
        (out / f"{name}.json").write_text(dumps(data), encoding="utf-8")



def settings_for(processed: Path, out: Path, overrides: dict | None = None, **options) -> dict:
    """pelicanconf.py, pointed at the synthetic data and a scratch output folder (``options``: SCHOOLFINDER keys,
    ``overrides``: other settings)."""
    from pelican.settings import get_settings_from_file, read_settings

    base = get_settings_from_file(str(ROOT / "pelicanconf.py")).get("SCHOOLFINDER", {})  # languages too
    return read_settings(str(ROOT / "pelicanconf.py"), override={
        **(overrides or {}), "OUTPUT_PATH": str(out),
        "SCHOOLFINDER": {**base, "processed_dir": str(processed), **options}})


class MemorySampler:
    """Samples, every ``interval`` seconds, the PSS of this process plus its child processes (the page workers)."""

    def __init__(self, interval: float = 1.0):  # reading smaps_rollup of a large process costs kernel time
        self.interval, self.peak, self._stop = interval, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, sum(_pss(pid) for pid in _family(os.getpid())))
            self._stop.wait(self.interval)


def _family(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                pass
    return found


def _pss(pid: int) -> int:
    """Proportional set size of ``pid`` in bytes (0 when it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_pelican(processed: Path, out: Path, overrides: dict | None = None, **options) -> dict:
    """Build the whole site in-process, as `make html` does; return timings, memory and the pages written."""
    from pelican import Pelican
    from pelican.log import init as init_logging

    init_logging(level=logging.WARNING, name="pelican")
    settings = settings_for(processed, out, overrides, **options)
    original, generators = SchoolPagesGenerator.generate_output, []

    def kept(self, writer):  # the generator, to read its render summary
        generators.append(self)
        original(self, writer)

    SchoolPagesGenerator.generate_output = kept
    try:
        with MemorySampler() as memory:
            started, times = perf_counter(), os.times()
            Pelican(settings).run()
            wall, spent = perf_counter() - started, [b - a for a, b in zip(times, os.times())]
    finally:
        SchoolPagesGenerator.generate_output = original
    summary, job = generators[0].render_summary, generators[0].map_job
    return {"summary": summary, "wall": wall, "cpu": sum(spent[:4]), "render": summary.seconds, "render_cpu": summary.cpu,
            "maps": job.seconds if job else 0.0, "maps_waited": job.waited if job else 0.0, "workers": summary.workers,
            "rendered": len(summary.rendered), "pages": sum(1 for _ in out.rglob("*.html")), "pss": memory.peak}


def _build_here(args: tuple) -> dict:
    """:func:`run_pelican` and this process's peak RSS (run in the fresh interpreter of :func:`run_fresh`)."""
    processed, out, options = args
    result = run_pelican(Path(processed), Path(out), **options)
    result["rss_self"] = _peak_rss()
    return result


def _peak_rss() -> int:
    """This process's peak RSS in bytes: VmHWM of its memory since it started its interpreter (``ru_maxrss`` would
    keep the RSS of the process it was forked from before the exec: here, the bench with its synthetic records)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_fresh(processed: Path, out: Path, **options) -> dict:
    """:func:`run_pelican` in a new interpreter, as `make html` runs a build: the build and its page workers start
    from a process that holds nothing but the build (not this one's demo pipeline and synthetic records)."""
    spawn = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn) as pool:
        return pool.submit(_build_here, (str(processed), str(out), options)).result()


def bench(demo_dir: Path, n: int, workers: int, scratch: Path) -> dict:
    """One build of ``n`` synthetic schools into a new folder of ``scratch``, in a fresh interpreter.

    The folder is left for the caller to delete after every size has run: deleting tens of thousands of files just
    before the next build makes creating its files slow (the file system passes over recently freed inodes), which
    would time the bench's own clean-up, not the build."""
    folder = Path(tempfile.mkdtemp(prefix=f"sfbench-{n}-", dir=scratch))
    processed = folder / "processed"
    write_synthetic(demo_dir, n, processed)
    gc.collect()
    os.sync()
    # A cold build: maps drawn into an empty cache, no page cache.
    return run_fresh(processed, folder / "output", workers=workers, map_cache=str(folder / "map-cache"), page_cache=None)


def report(n: int, r: dict) -> None:
    """Print the figures of one size."""
    rate = r["pages"] / r["wall"]
    other = r["wall"] - r["render"] - r["maps_waited"]
    print(f"N={n:>7,} {r['wall']:7.1f} s wall, {r['pages']:>7,} pages ({r['rendered']:,} rendered by the generator), "
          f"{rate:6,.0f} pages/s, {rate / r['workers']:5,.0f} pages/s per core ({r['workers']} workers), "
          f"{r['pages'] / r['cpu']:5,.0f} pages per CPU-second; "
          f"peak PSS {r['pss'] / 2**30:.2f} GiB (build process RSS {r['rss_self'] / 2**30:.2f} GiB); "
          f"maps {r['maps']:.1f} s beside the template compile, {r['maps_waited']:.1f} s waited for "
          f"({r['maps_waited'] / r['wall']:.0%}), pages {r['render']:.1f} s ({r['render'] / r['wall']:.0%}), "
          f"other {other:.1f} s ({other / r['wall']:.0%}); rendering {1000 * r['render_cpu'] / max(r['rendered'], 1):.2f} "
          f"CPU ms/page", flush=True)


def verdict(results: list[tuple[int, dict]]) -> None:
    """Print one line per target that the sizes run can check, and an overall verdict."""
    checks = []
    for n, r in results:
        per_core = r["pages"] / r["wall"] / r["workers"]
        if n == 10_000:
            checks.append((f"N=10,000: {per_core:,.0f} pages/s per core >= {PER_CORE_TARGET_10K:.0f}",
                           per_core >= PER_CORE_TARGET_10K))
        if n == 100_000:
            checks.append((f"N=100,000: whole build {r['wall']:.1f} s <= {SECONDS_TARGET_100K:.0f} s",
                           r["wall"] <= SECONDS_TARGET_100K))
            checks.append((f"N=100,000: peak PSS {r['pss'] / 2**30:.2f} GiB <= {BYTES_TARGET_100K / 2**30:.0f} GiB",
                           r["pss"] <= BYTES_TARGET_100K))
    for text, met in checks:
        print(f"{text}: {'met' if met else 'MISSED'}")
    if not checks:
        print("verdict: no target applies to these sizes (targets: 10,000 and 100,000 schools)")
    else:
        print("verdict: " + ("target met" if all(met for _, met in checks) else "TARGET MISSED"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pages", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", "--sizes", dest="sizes", default="10000,100000",
                        help="school count, or comma-separated counts (default 10000,100000)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="page workers (default: every core)")
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="sfbench-demo-") as tmp:
        demo_dir = demo_processed(Path(tmp))
        for n in [int(s.replace("_", "")) for s in args.sizes.split(",")]:
            results.append((n, bench(demo_dir, n, args.workers, Path(tmp))))
            report(*results[-1])
    verdict(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
