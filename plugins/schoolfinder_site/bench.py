"""Benchmark: Pelican site build vs a plain jinja2 render of the same pages, on N synthetic schools."""

from __future__ import annotations

import argparse
import gc
import gettext
import logging
import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from time import perf_counter

import jinja2

from schoolfinder.io import dumps, read_processed

from .generators import PER_PAGE, SchoolPagesGenerator

ROOT = Path(__file__).resolve().parents[2]
N_NEIGHBORHOODS = 40
RATIO_TARGET, SECONDS_TARGET_100K = 0.8, 300.0


def demo_processed(tmp: Path) -> dict:
    """Build the fictional demo city in ``tmp`` with the real pipeline and read it back."""
    from schoolfinder import io, pipeline
    from schoolfinder.config import load_config
    from schoolfinder.demo.generator import generate

    shutil.copy(ROOT / "data/demo/city.toml", tmp / "city.toml")
    generate(tmp / "raw")
    io.write_processed(pipeline.run(load_config(tmp)), tmp / "processed")
    return read_processed(tmp / "processed")


def synth_neighborhoods(demo: list[dict]) -> list[dict]:
    """Cycle the demo neighborhoods to N_NEIGHBORHOODS with unique ids, names and slugs."""
    out = []
    for i in range(N_NEIGHBORHOODS):
        base, round_ = demo[i % len(demo)], i // len(demo)
        suffix = f" {round_ + 1}" if round_ else ""
        out.append({**base, "name": base["name"] + suffix, "slug": base["slug"] + suffix.replace(" ", "-"),
                    "nbhd_id": f"{base['nbhd_id']}{suffix.strip()}", "school_count": 0})
    return out


def synth_schools(demo: list[dict], neighborhoods: list[dict], n: int) -> list[dict]:
    """Cycle the demo schools to ``n`` records with unique keys, slugs and names."""
    schools = []
    for i in range(n):
        base, round_ = demo[i % len(demo)], i // len(demo)
        school = {**base, "key": f"{base['key']}-{round_}", "slug": f"{base['slug']}-{round_}",
                  "school_id": f"{base['school_id']}-{round_}", "name": f"{base['name']} {round_ + 1}"}
        if base["neighborhood_slug"]:
            nbhd = neighborhoods[(i * 7 + round_) % len(neighborhoods)]
            nbhd["school_count"] += 1
            school.update(neighborhood=nbhd["name"], neighborhood_slug=nbhd["slug"],
                          lat=base["lat"] + round_ * 1e-5, lon=base["lon"] - round_ * 1e-5)
        schools.append(school)
    return schools


def write_synthetic(demo: dict, n: int, out: Path) -> None:
    """Write the four files ``read_processed`` reads, for ``n`` schools in ~40 neighborhoods."""
    neighborhoods = synth_neighborhoods(demo["neighborhoods"])
    schools = synth_schools(demo["schools"], neighborhoods, n)
    by_sector: dict[str, int] = {}
    for school in schools:
        by_sector[school["sector"]] = by_sector.get(school["sector"], 0) + 1
    manifest = {**demo["manifest"], "counts": {"schools": n, "neighborhoods": len(neighborhoods),
                                               "by_sector": by_sector}}
    out.mkdir(parents=True)
    for name, data in (("manifest", manifest), ("schools", schools), ("neighborhoods", neighborhoods),
                       ("reconciliation", demo["reconciliation"])):
        (out / f"{name}.json").write_text(dumps(data), encoding="utf-8")


@contextmanager
def timed_generate_output(timings: list[float]):
    """Time SchoolPagesGenerator.generate_output inside the Pelican run (patched for the duration)."""
    original = SchoolPagesGenerator.generate_output

    def wrapper(self, writer):
        started = perf_counter()
        original(self, writer)
        timings.append(perf_counter() - started)

    SchoolPagesGenerator.generate_output = wrapper
    try:
        yield
    finally:
        SchoolPagesGenerator.generate_output = original


def run_pelican(processed: Path, out: Path) -> tuple[float, float]:
    """Build the whole site in-process; return (whole run seconds, generate_output seconds)."""
    from pelican import Pelican
    from pelican.log import init as init_logging
    from pelican.settings import read_settings

    init_logging(level=logging.WARNING, name="pelican")  # what `pelican` prints by default
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={
        "OUTPUT_PATH": str(out), "SCHOOLFINDER": {"processed_dir": str(processed)}})
    timings: list[float] = []
    with timed_generate_output(timings):
        started = perf_counter()
        Pelican(settings).run()
        return perf_counter() - started, sum(timings)


def jinja_env() -> jinja2.Environment:
    """A plain Environment with pelicanconf's JINJA_ENVIRONMENT options and null translations."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "theme/templates"), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(gettext.NullTranslations(), newstyle=True)
    return env


def page_plan(schools: list[dict], neighborhoods: list[dict]) -> list[tuple[str, str, dict]]:
    """The pages SchoolPagesGenerator.generate_output writes: (file name, template, extra context)."""
    chunks = [schools[i:i + PER_PAGE] for i in range(0, len(schools), PER_PAGE)] or [[]]
    plan = [("index.html", "home", {"page_name": "home"})]
    for number, chunk in enumerate(chunks, start=1):
        name = "schools/index.html" if number == 1 else f"schools/page/{number}/index.html"
        plan.append((name, "schools", {"schools": chunk, "page_number": number, "page_count": len(chunks),
                                       "page_name": "schools"}))
    plan += [(f"schools/{s['slug']}/index.html", "school", {"school": s, "page_name": "school"}) for s in schools]
    by_nbhd: dict[str, list[dict]] = {}
    for school in schools:
        by_nbhd.setdefault(school["neighborhood_slug"], []).append(school)
    plan.append(("neighborhoods/index.html", "neighborhoods", {"page_name": "neighborhoods"}))
    plan += [(f"neighborhoods/{n['slug']}/index.html", "neighborhood",
              {"neighborhood": n, "schools": by_nbhd.get(n["slug"], []), "page_name": "neighborhood"})
             for n in neighborhoods]
    plan.append(("about-the-data/index.html", "about_data", {"page_name": "about_data",
                                                              "unlocated": by_nbhd.get("", [])}))
    return plan


def run_jinja(processed: Path, out: Path) -> tuple[float, float, int]:
    """Load the data, render and write the same page set; return (whole seconds, render+write seconds, pages)."""
    started = perf_counter()
    data = read_processed(processed)
    manifest, neighborhoods = data["manifest"], data["neighborhoods"]
    schools = sorted(data["schools"], key=lambda s: (s["name"].casefold(), s["slug"]))
    sf = {"city": manifest["city"], "counts": manifest["counts"], "unit": manifest["neighborhood_unit"],
          "sources": {s["id"]: s for s in manifest["sources"]}, "source_list": manifest["sources"],
          "neighborhoods": neighborhoods, "reconciliation": data["reconciliation"]}
    env, plan = jinja_env(), page_plan(schools, neighborhoods)
    rendering = perf_counter()
    for name, template, extra in plan:
        depth = name.count("/")
        context = {"SITENAME": "School Finder", "DEFAULT_LANG": "en", "sf": sf, **extra,
                   "SITEURL": "/".join([".."] * depth) if depth else "."}
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(env.get_template(f"{template}.html").render(context), encoding="utf-8")
    ended = perf_counter()
    return ended - started, ended - rendering, len(plan)


def bench(demo: dict, n: int, tmp: Path) -> dict:
    """Run both builds for ``n`` schools and return the figures."""
    write_synthetic(demo, n, tmp / "processed")
    gc.collect(), os.sync()  # neither timed run pays for the other's garbage or dirty pages
    pel_s, gen_s = run_pelican(tmp / "processed", tmp / "pelican")
    gc.collect(), os.sync()
    jin_s, jin_render_s, jin_pages = run_jinja(tmp / "processed", tmp / "jinja")
    pel_pages = sum(1 for _ in (tmp / "pelican").rglob("*.html"))
    return {"n": n, "pel_s": pel_s, "gen_s": gen_s, "pel_pages": pel_pages, "jin_s": jin_s,
            "jin_render_s": jin_render_s, "jin_pages": jin_pages,
            "ratio": (pel_pages / pel_s) / (jin_pages / jin_s), "render_ratio": jin_render_s / gen_s}


def report(r: dict) -> None:
    """Print the figures of one size."""
    print(f"N={r['n']:,}: pelican {r['pel_s']:.1f} s, {r['pel_pages']:,} pages ({r['pel_pages'] / r['pel_s']:,.0f}/s) | "
          f"jinja2 {r['jin_s']:.1f} s, {r['jin_pages']:,} pages ({r['jin_pages'] / r['jin_s']:,.0f}/s) | "
          f"ratio {r['ratio']:.2f}")
    print(f"  render+write only: SchoolPagesGenerator.generate_output {r['gen_s']:.1f} s vs jinja2 loop "
          f"{r['jin_render_s']:.1f} s for the same {r['jin_pages']:,} pages -> ratio {r['render_ratio']:.2f}",
          flush=True)


def verdict(results: list[dict]) -> None:
    """Print one line per target and an overall verdict."""
    checks = [(f"N={r['n']:,}: throughput ratio {r['ratio']:.2f} (target >= {RATIO_TARGET})", r["ratio"] >= RATIO_TARGET)
              for r in results]
    checks += [(f"N=100,000: whole Pelican build {r['pel_s']:.1f} s (target <= {SECONDS_TARGET_100K:.0f} s)",
                r["pel_s"] <= SECONDS_TARGET_100K) for r in results if r["n"] == 100_000]
    for text, met in checks:
        print(f"{text}: {'met' if met else 'MISSED'}")
    checked_100k = any(r["n"] == 100_000 for r in results)
    ok = all(met for _, met in checks)
    print("verdict: " + ("TARGET MISSED" if not ok else "target met" if checked_100k
                         else "target met for these sizes (100k build time not checked)"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m schoolfinder_site.bench", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated school counts")
    sizes = [int(s.replace("_", "")) for s in parser.parse_args(argv).sizes.split(",")]
    print("Ratio = (Pelican pages/s) / (jinja2 pages/s), whole run from processed JSON to files on disk.\n"
          "Same page set: home, school list pages of 500, one page per school, neighborhoods index and pages,\n"
          "about-the-data (Pelican also writes content/pages and copies theme static files).", flush=True)
    with tempfile.TemporaryDirectory(prefix="sfbench-demo-") as tmp:
        demo = demo_processed(Path(tmp))
    results = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix=f"sfbench-{n}-") as tmp:
            results.append(bench(demo, n, Path(tmp)))
        report(results[-1])
    verdict(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
