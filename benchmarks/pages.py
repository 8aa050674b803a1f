"""Benchmark: Pelican site build vs a plain jinja2 render of the same pages, on N synthetic schools."""

from __future__ import annotations

import argparse
import functools
import gc
import gettext
import logging
import os
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path
from time import perf_counter

import jinja2

from schoolfinder.contract import read_processed
from schoolfinder.outputs.processed import dumps

from schoolfinder_site.generators import SchoolPagesGenerator

ROOT = Path(__file__).resolve().parents[1]
N_NEIGHBORHOODS = 40
RATIO_TARGET, SECONDS_TARGET_100K = 0.8, 300.0
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


def settings_for(processed: Path, out: Path) -> dict:
    """pelicanconf.py, pointed at the synthetic data and a scratch output folder."""
    from pelican.settings import get_settings_from_file, read_settings

    options = get_settings_from_file(str(ROOT / "pelicanconf.py")).get("SCHOOLFINDER", {})  # languages too
    return read_settings(str(ROOT / "pelicanconf.py"), override={
        "OUTPUT_PATH": str(out), "SCHOOLFINDER": {**options, "processed_dir": str(processed)}})


def run_pelican(processed: Path, out: Path) -> dict:
    """Build the whole site in-process, as `make html` does; return the timings and pages written."""
    from pelican import Pelican
    from pelican.log import init as init_logging

    init_logging(level=logging.WARNING, name="pelican")
    settings = settings_for(processed, out)
    original, pages_wall = SchoolPagesGenerator.generate_output, []

    def timed_output(self, writer):  # our generator's share of the run, measured inside it
        started = perf_counter()
        original(self, writer)
        pages_wall.append(perf_counter() - started)

    SchoolPagesGenerator.generate_output = timed_output
    try:
        started = perf_counter()
        Pelican(settings).run()
        wall = perf_counter() - started
    finally:
        SchoolPagesGenerator.generate_output = original
    return {"wall": wall, "pages_wall": sum(pages_wall), "pages": sum(1 for _ in out.rglob("*.html"))}


class PlainWriter:
    """Pelican's ``Writer.write_file`` contract done the plain way: render, mkdir, write."""

    def __init__(self, output_path: str):
        self.output_path, self.pages = Path(output_path), 0

    def write_file(self, name, template, context, relative_urls=False, **kwargs):
        depth = name.count("/")
        siteurl = ("/".join([".."] * depth) or ".") if relative_urls else context["SITEURL"]
        path = self.output_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.render({**context, "SITEURL": siteurl, **kwargs}), encoding="utf-8")
        self.pages += 1


def plain_generator(settings: dict) -> SchoolPagesGenerator:
    """Our generator's page logic on a plain jinja2 Environment: no Pelican Generator, env or context."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(settings["THEME"]) / "templates"),
                             **settings["JINJA_ENVIRONMENT"])
    translations = gettext.NullTranslations()
    env.install_gettext_translations(translations, newstyle=True)
    generator = SchoolPagesGenerator.__new__(SchoolPagesGenerator)  # skips Pelican's Generator.__init__
    generator.translations, generator.env = translations, env  # env: the base of the other languages' environments
    generator.settings, generator.output_path = settings, settings["OUTPUT_PATH"]
    generator.context = {key: settings[key] for key in ("SITENAME", "SITEURL", "DEFAULT_LANG")}
    generator.get_template = functools.cache(lambda name: env.get_template(f"{name}.html"))  # as Pelican caches them
    return generator


def run_jinja(processed: Path, out: Path) -> dict:
    """The same data load and the same pages (same file names, templates, context) with plain jinja2."""
    generator, writer = plain_generator(settings_for(processed, out)), PlainWriter(str(out))
    started = perf_counter()
    generator.generate_context()
    pages_wall = perf_counter()
    generator.generate_output(writer)
    end = perf_counter()
    return {"wall": end - started, "pages_wall": end - pages_wall, "pages": writer.pages}


def timed(run, processed: Path) -> dict:
    """One run into a fresh folder, after flushing the previous run's garbage and dirty pages."""
    gc.collect()
    os.sync()
    out = Path(tempfile.mkdtemp(dir=processed.parent))
    try:
        return run(processed, out)
    finally:
        shutil.rmtree(out)


def bench(demo_dir: Path, n: int, repeat: int) -> tuple[dict, dict]:
    """Alternate Pelican and jinja2 runs for ``n`` schools; keep each one's fastest (load only slows)."""
    with tempfile.TemporaryDirectory(prefix=f"sfbench-{n}-") as tmp:
        processed = Path(tmp) / "processed"
        write_synthetic(demo_dir, n, processed)
        runs = [(timed(run_pelican, processed), timed(run_jinja, processed)) for _ in range(repeat)]
    return tuple({**min((r[i] for r in runs), key=lambda r: r["wall"]), "runs": [r[i]["wall"] for r in runs]}
                 for i in (0, 1))


def ratio(pel: dict, jin: dict) -> float:
    """Pelican pages/s over jinja2 pages/s."""
    return (pel["pages"] / pel["wall"]) / (jin["pages"] / jin["wall"])


def report(n: int, pel: dict, jin: dict) -> None:
    """Print the figures of one size."""
    for name, r in (("pelican", pel), ("jinja2 ", jin)):
        print(f"N={n:>7,} {name} {r['wall']:7.1f} s, {r['pages']:>7,} pages, "
              f"{r['pages'] / r['wall']:6,.0f} pages/s; pages-only {r['pages_wall']:.1f} s; "
              f"all runs: {', '.join(f'{w:.1f}' for w in r['runs'])} s")
    print(f"N={n:>7,} throughput ratio {ratio(pel, jin):.2f} "
          f"(pages-only ratio {jin['pages_wall'] / pel['pages_wall']:.2f})", flush=True)


def verdict(results: list[tuple[int, dict, dict]]) -> None:
    """Print one line per target and an overall verdict."""
    checks = [(f"N={n:,}: throughput ratio {ratio(p, j):.2f} >= {RATIO_TARGET}", ratio(p, j) >= RATIO_TARGET)
              for n, p, j in results]
    checks += [(f"N=100,000: whole build {p['wall']:.1f} s <= {SECONDS_TARGET_100K:.0f} s",
                p["wall"] <= SECONDS_TARGET_100K) for n, p, _ in results if n == 100_000]
    for text, met in checks:
        print(f"{text}: {'met' if met else 'MISSED'}")
    ok, checked_100k = all(met for _, met in checks), any(n == 100_000 for n, _, _ in results)
    print("verdict: " + ("TARGET MISSED" if not ok else "target met" if checked_100k
                         else "target met for these sizes (100k build time not checked)"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pages", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated school counts")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each build per size; the fastest counts")
    args = parser.parse_args(argv)
    print("ratio = Pelican pages/s / jinja2 pages/s, wall time of the whole build (processed JSON -> files), best of\n"
          "--repeat alternating runs. Both write every page SchoolPagesGenerator writes (its own page logic drives the\n"
          "jinja2 baseline); Pelican also writes content/pages and copies theme/static.\n"
          "pages-only = SchoolPagesGenerator.generate_output through Pelican's writer vs through a plain jinja2 writer.",
          flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="sfbench-demo-") as tmp:
        demo_dir = demo_processed(Path(tmp))
        for n in [int(s.replace("_", "")) for s in args.sizes.split(",")]:
            results.append((n, *bench(demo_dir, n, args.repeat)))
            report(*results[-1])
    verdict(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
